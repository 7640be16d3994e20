//! What kind of wasm a plugin file holds: a component implementing the wasmbench contract, or a
//! core module following the sightglass convention (a WASI preview 1 command importing
//! `bench.start` / `bench.end`). Told apart by the binary's header; WebAssembly text is converted
//! first.

use std::borrow::Cow;
use std::path::Path;

/// The two kinds of plugin the host runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PluginKind {
    /// A component implementing `wasmbench:plugin` (see [`crate::plugin::CONTRACT`]).
    Component,
    /// A core module in the sightglass convention: one run of `_start` is one iteration.
    CoreModule,
}

/// The entry point a core module runs when the suite names no workload.
pub const DEFAULT_ENTRY: &str = "_start";

const MAGIC: &[u8; 4] = b"\0asm";

/// The bench id of a core module file: `<folder name>/<file stem>` (sightglass keeps one benchmark
/// per folder, often all named `benchmark.wasm`).
pub fn module_bench_id(path: &Path) -> String {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // `.` and `..` have no name of their own: use the real folder's.
    let folder = dir
        .canonicalize()
        .ok()
        .and_then(|real| real.file_name().map(|n| n.to_string_lossy().into_owned()))
        .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "wasm".into());
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    format!("{folder}/{stem}")
}

/// The binary form of `bytes` (WebAssembly text is converted) and its kind. Bytes that are neither
/// wasm nor valid text are returned as they are, as a component: compiling them reports why.
pub fn detect(bytes: &[u8]) -> (PluginKind, Cow<'_, [u8]>) {
    let binary = if bytes.starts_with(MAGIC) {
        Cow::Borrowed(bytes)
    } else {
        match wat::parse_bytes(bytes) {
            Ok(binary) => binary,
            Err(_) => return (PluginKind::Component, Cow::Borrowed(bytes)),
        }
    };
    (kind_of_binary(&binary), binary)
}

/// A core module's preamble is `\0asm` then version 1 as a 32-bit little-endian number; a
/// component's is `\0asm`, a 16-bit version, then layer 1.
fn kind_of_binary(binary: &[u8]) -> PluginKind {
    match binary.get(..8) {
        Some([0, b'a', b's', b'm', 1, 0, 0, 0]) => PluginKind::CoreModule,
        _ => PluginKind::Component,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_text_tell_the_kinds_apart() {
        assert_eq!(
            detect(b"\0asm\x01\0\0\0").0,
            PluginKind::CoreModule,
            "an empty core module"
        );
        assert_eq!(detect(b"\0asm\x0d\0\x01\0").0, PluginKind::Component);
        let (kind, binary) = detect(b"(module (func (export \"_start\")))");
        assert_eq!(kind, PluginKind::CoreModule);
        assert!(binary.starts_with(MAGIC));
        assert_eq!(detect(b"(component)").0, PluginKind::Component);
        let (kind, bytes) = detect(b"not wasm at all");
        assert_eq!(kind, PluginKind::Component);
        assert_eq!(
            &*bytes, b"not wasm at all",
            "left for the compiler to reject"
        );
    }
}
