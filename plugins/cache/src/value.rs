//! Item values: deterministic bytes that carry their key and version, so reads can be checked.

use crate::rng::SplitMix;

/// `size` bytes: the key and version (u32 little-endian each), then filler derived from both.
pub(crate) fn make_value(key: u32, version: u32, size: usize) -> Vec<u8> {
    let mut value = Vec::with_capacity(size);
    value.extend_from_slice(&key.to_le_bytes());
    value.extend_from_slice(&version.to_le_bytes());
    let mut rng = SplitMix((u64::from(key) << 32 | u64::from(version)) ^ 0x6a09_e667_f3bc_c909);
    while value.len() < size {
        let word = rng.next_u64().to_le_bytes();
        let take = (size - value.len()).min(8);
        value.extend_from_slice(&word[..take]);
    }
    value
}

/// The (key, version) a value starts with.
pub(crate) fn decode(value: &[u8]) -> Option<(u32, u32)> {
    let key = u32::from_le_bytes(value.get(0..4)?.try_into().ok()?);
    let version = u32::from_le_bytes(value.get(4..8)?.try_into().ok()?);
    Some((key, version))
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_carry_key_and_version() {
        let v = make_value(7, 3, 20);
        assert_eq!(v.len(), 20);
        assert_eq!(decode(&v), Some((7, 3)));
        assert_eq!(v, make_value(7, 3, 20));
        assert_ne!(v, make_value(7, 4, 20));
    }
}
