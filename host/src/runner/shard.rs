//! `--shard K/N`: which part of a suite's benches one CI job runs. A bench belongs to a shard by a
//! hash of its id, not by its position, so adding or removing a bench moves no other bench between
//! shards, and every job of a matrix agrees on the split without talking to the others.

use std::fmt;
use std::str::FromStr;

use crate::model::stable_hash;
// One rule for `--shard K/N` and a results file's `shard`.
use crate::results::{MAX_SHARDS, check_shard};

/// Shard `index` of `count` (1-based: `--shard 1/4` … `--shard 4/4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// The shard (1-based) that the bench `id` belongs to when a suite is split into `count`.
    pub fn of(id: &str, count: u32) -> u32 {
        debug_assert!(count >= 1);
        (spread(stable_hash(id.as_bytes())) % u64::from(count.max(1))) as u32 + 1
    }

    /// Whether the bench `id` is in this shard.
    pub fn holds(&self, id: &str) -> bool {
        Shard::of(id, self.count) == self.index
    }

    /// The items (benches) of this shard, in their order.
    pub fn select<T>(&self, items: Vec<T>, id: impl Fn(&T) -> &str) -> Vec<T> {
        items
            .into_iter()
            .filter(|item| self.holds(id(item)))
            .collect()
    }
}

/// splitmix64's finaliser. `stable_hash` is FNV-1a, whose last step multiplies by an odd prime:
/// the low bits of its result depend only on the low bits of the bytes (bit 0 is the parity of the
/// bytes' bit 0s), and `% count` reads exactly those bits. Ids that differ in one digit
/// (`cpu/fib[n=27]`, `cpu/fib[n=29]`) would then share a shard far more often than chance; mixing
/// every bit into every other spreads them evenly.
fn spread(hash: u64) -> u64 {
    let mut z = hash;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl FromStr for Shard {
    type Err = String;

    /// `K/N` with 1 ≤ K ≤ N ≤ [`MAX_SHARDS`].
    fn from_str(text: &str) -> Result<Self, String> {
        let usage = || {
            format!(
                "`{text}`: expected K/N, shard K of N, with 1 ≤ K ≤ N ≤ {MAX_SHARDS} (e.g. 2/4)"
            )
        };
        let (k, n) = text.split_once('/').ok_or_else(usage)?;
        let (index, count) = match (k.trim().parse::<u32>(), n.trim().parse::<u32>()) {
            (Ok(k), Ok(n)) => (k, n),
            _ => return Err(usage()),
        };
        check_shard(index, count).map_err(|bad| format!("`{text}`: {}", bad.reason))?;
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Ids shaped like a suite's: plugin/workload with a parameter.
    fn ids(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("plugin{}/work[n={i}]", i % 7))
            .collect()
    }

    #[test]
    fn parses_k_of_n_and_refuses_the_rest() {
        assert_eq!("1/3".parse(), Ok(Shard { index: 1, count: 3 }));
        assert_eq!("3/3".parse(), Ok(Shard { index: 3, count: 3 }));
        assert_eq!(
            "1000/1000".parse(),
            Ok(Shard {
                index: 1000,
                count: 1000
            })
        );
        for (bad, says) in [
            ("0/3", "does not exist"),
            ("4/3", "does not exist"),
            ("1/0", "must be 1 to 1000"),
            ("1/1001", "must be 1 to 1000"),
            ("a/b", "expected K/N"),
            ("3", "expected K/N"),
            ("-1/3", "expected K/N"),
            ("", "expected K/N"),
        ] {
            let error = bad.parse::<Shard>().unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn every_id_is_in_exactly_one_shard() {
        for count in [1, 2, 3, 7] {
            for id in ids(200) {
                let holders = (1..=count)
                    .filter(|&index| Shard { index, count }.holds(&id))
                    .count();
                assert_eq!(holders, 1, "{id} in {holders} of {count} shards");
            }
        }
    }

    #[test]
    fn adding_or_removing_benches_moves_no_other_bench() {
        let before = ids(50);
        let mut after = before.clone();
        after.insert(10, "new/bench".into());
        after.push("another/new[x=1]".into());
        after.remove(3);
        after.remove(30);
        for count in [2, 4, 5] {
            for index in 1..=count {
                let shard = Shard { index, count };
                let kept = |list: &[String]| -> Vec<String> {
                    shard
                        .select(list.to_vec(), |id| id.as_str())
                        .into_iter()
                        .filter(|id| before.contains(id) && after.contains(id))
                        .collect()
                };
                assert_eq!(kept(&before), kept(&after), "shard {shard}");
            }
        }
    }

    /// 1000 ids into 4 shards: each shard within 20% of the 250 it would get on average (today
    /// 226, 257, 260, 257). A multinomial's standard deviation here is about 14, so 50 is beyond
    /// 3.5 of them: this fails for a rule that favours some shards, not by chance.
    #[test]
    fn a_thousand_ids_spread_evenly_over_four_shards() {
        let counts = |shard: &dyn Fn(&str) -> u32| {
            let mut counts = [0usize; 4];
            for id in ids(1000) {
                counts[shard(&id) as usize - 1] += 1;
            }
            counts
        };
        let spread = counts(&|id| Shard::of(id, 4));
        for (i, &n) in spread.iter().enumerate() {
            assert!(
                (200..=300).contains(&n),
                "shard {} of 4 has {n} of 1000 ids: {spread:?}",
                i + 1
            );
        }
        // What the finaliser is for: FNV-1a alone, taken modulo 4.
        let fnv_only = counts(&|id| (stable_hash(id.as_bytes()) % 4) as u32 + 1);
        eprintln!("1000 ids over 4 shards: {spread:?}; FNV-1a alone: {fnv_only:?}");
    }

    /// Why the finaliser: `1`, `5`, `9`, `a`, `e`, … share their low two bits, so FNV-1a alone
    /// puts these ten ids, which differ in that one character, all into one shard of four.
    #[test]
    fn ids_that_differ_in_one_character_spread_over_the_shards() {
        let ids: Vec<String> = "159aeimquy"
            .chars()
            .map(|c| format!("cpu/fib[n={c}]"))
            .collect();
        let fnv_only: BTreeSet<u64> = ids
            .iter()
            .map(|id| stable_hash(id.as_bytes()) % 4)
            .collect();
        assert_eq!(fnv_only.len(), 1, "FNV-1a alone: {fnv_only:?}");
        let shards: BTreeSet<u32> = ids.iter().map(|id| Shard::of(id, 4)).collect();
        assert!(shards.len() >= 3, "ten ids in shards {shards:?} of 4");
    }
}
