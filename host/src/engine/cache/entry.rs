//! A cache entry and what vouches for it: the key ([`CacheKey`]), and the entry's framing — a
//! format marker, a keyed BLAKE3 tag over what the artifact was compiled from ([`Binding`]) and the
//! artifact — read and written whole.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The secret whose keyed hashes vouch for cache entries: `$WASMBENCH_CACHE_KEY` (any text, e.g.
/// a CI secret, so a shared cache is trusted across runners), else 32 random bytes in a file of
/// this user's (`$XDG_STATE_HOME/wasmbench/cache.key`, else `~/.local/state/wasmbench/cache.key`,
/// mode 0600), made on first use. Never in the cache folder: whoever can write the cache can't
/// vouch for what they write.
#[derive(Clone)]
pub struct CacheKey([u8; 32]);

impl std::fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CacheKey(…)")
    }
}

impl CacheKey {
    /// The key of this user (see the type).
    pub fn of_user() -> Result<Self, String> {
        if let Some(secret) = std::env::var_os("WASMBENCH_CACHE_KEY").filter(|s| !s.is_empty()) {
            return Ok(CacheKey::from_secret(secret.as_encoded_bytes()));
        }
        let path = Self::file().ok_or(
            "no key for the compile cache: set WASMBENCH_CACHE_KEY, or HOME (or XDG_STATE_HOME) for a key file",
        )?;
        Self::read_or_create(&path).map_err(|e| {
            format!(
                "no key for the compile cache: {} ({e}); set WASMBENCH_CACHE_KEY instead",
                path.display()
            )
        })
    }

    /// A key from any text, e.g. a CI secret.
    pub fn from_secret(secret: &[u8]) -> Self {
        CacheKey(blake3::derive_key("wasmbench compile cache key v1", secret))
    }

    /// Where this user's key file is.
    pub fn file() -> Option<PathBuf> {
        let state = std::env::var_os("XDG_STATE_HOME")
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME").map(|home| Path::new(&home).join(".local/state"))
            })?;
        Some(state.join("wasmbench").join("cache.key"))
    }

    /// The key in `path`, made there (32 random bytes, mode 0600) when there is none. Two
    /// processes making it at once agree: the first file to land wins and both read it.
    fn read_or_create(path: &Path) -> std::io::Result<Self> {
        if let Some(key) = Self::read(path)? {
            return Ok(key);
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut secret = [0u8; 32];
        rand::fill(&mut secret);
        let mut file = tempfile::Builder::new()
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .tempfile_in(dir)?;
        file.write_all(&secret)?;
        file.as_file().sync_all()?;
        match file.persist_noclobber(path) {
            Ok(_) => Ok(CacheKey(secret)),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Self::read(path)?
                .ok_or_else(|| std::io::Error::other("the key file is not 32 bytes")),
            Err(e) => Err(e.error),
        }
    }

    fn read(path: &Path) -> std::io::Result<Option<Self>> {
        match std::fs::read(path) {
            Ok(bytes) => <[u8; 32]>::try_from(bytes.as_slice())
                .map(|key| Some(CacheKey(key)))
                .map_err(|_| {
                    std::io::Error::other(
                        "the key file is not 32 bytes; remove it to make a new one",
                    )
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The tag of `artifact`, made for `binding`.
    fn tag(&self, binding: &Binding, artifact: &[u8]) -> blake3::Hash {
        let mut hasher = blake3::Hasher::new_keyed(&self.0);
        hasher.update(&binding.wasm_sha256);
        hasher.update(&binding.engine_hash.to_le_bytes());
        hasher.update(binding.kind.as_bytes());
        hasher.update(&[0]);
        hasher.update(artifact);
        hasher.finalize()
    }
}

/// What an artifact was compiled from, which its tag binds it to: so an entry of another wasm, engine
/// or kind, renamed into place, doesn't verify.
pub(super) struct Binding {
    pub(super) wasm_sha256: [u8; 32],
    pub(super) engine_hash: u64,
    /// The artifact kind (`Artifact::SUFFIX`).
    pub(super) kind: &'static str,
}

/// The start of every entry: a format marker, then the 32-byte tag, then the artifact.
const ENTRY_MAGIC: &[u8; 16] = b"wasmbench-cwasm1";
const TAG_LEN: usize = blake3::OUT_LEN;
/// Larger entries are not read (an interpreter component compiles to ~80 MB).
const MAX_ENTRY_BYTES: u64 = 1 << 30;

/// The artifact in the entry at `path` if `key` vouches for it as made for `binding`; `None` for
/// a missing, oversized, malformed or unvouched entry.
pub(super) fn read(path: &Path, key: &CacheKey, binding: &Binding) -> Option<Vec<u8>> {
    let mut file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_ENTRY_BYTES {
        return None;
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::io::Read::read_to_end(
        &mut std::io::Read::take(&mut file, MAX_ENTRY_BYTES),
        &mut bytes,
    )
    .ok()?;
    let rest = bytes.strip_prefix(ENTRY_MAGIC.as_slice())?;
    let stored: [u8; TAG_LEN] = rest.get(..TAG_LEN)?.try_into().ok()?;
    // `blake3::Hash` compares in constant time: nothing about the key leaks through timing.
    if key.tag(binding, &rest[TAG_LEN..]) != blake3::Hash::from_bytes(stored) {
        return None;
    }
    bytes.drain(..ENTRY_MAGIC.len() + TAG_LEN);
    Some(bytes)
}

/// Writes `artifact` as an entry at `path`, vouched for by `key` as made for `binding`: written
/// whole, then renamed into place, so a reader never sees part of an entry.
pub(super) fn write(path: &Path, key: &CacheKey, binding: &Binding, artifact: &[u8]) -> Result<()> {
    let dir = path.parent().context("cache path has a parent")?;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(ENTRY_MAGIC)?;
    tmp.write_all(key.tag(binding, artifact).as_bytes())?;
    tmp.write_all(artifact)?;
    tmp.persist(path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_is_made_once_and_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/wasmbench/cache.key");
        let made = CacheKey::read_or_create(&path).unwrap();
        let read = CacheKey::read_or_create(&path).unwrap();
        assert_eq!(made.0, read.0);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the key file is readable by others: {mode:o}"
        );
        std::fs::write(&path, b"short").unwrap();
        assert!(CacheKey::read_or_create(&path).is_err());
    }
}
