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

/// The stem sightglass gives every benchmark (`benchmarks/<name>/benchmark.wasm`): it names none.
const GENERIC_STEM: &str = "benchmark";

/// The bench id of a core module file, named as any plugin file is: its stem with `_` read as `-`
/// (cargo writes the crate `word-count` as `word_count.wasm`), so `target/wasm32-wasip1/release/
/// word_count.wasm` is `word-count`; but sightglass's `<name>/benchmark.wasm` is `<name>`.
pub fn module_bench_id(path: &Path) -> String {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    if stem != GENERIC_STEM {
        return stem.replace('_', "-");
    }
    folder_name(path.parent().unwrap_or(Path::new("")))
}

/// The bench id of a module of the folder `dir` (`wasm = "folder"`): `<folder name>/<module id>`,
/// which keeps the modules of two folders apart; sightglass's `benchmark.wasm` is the folder's name
/// alone, as on its own.
pub fn folder_module_id(dir: &Path, path: &Path) -> String {
    if path.file_stem().is_some_and(|stem| stem == GENERIC_STEM) {
        return folder_name(dir);
    }
    format!("{}/{}", folder_name(dir), module_bench_id(path))
}

/// The name of the folder `dir` (`.` and `..` have none of their own: the real folder's).
fn folder_name(dir: &Path) -> String {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    dir.canonicalize()
        .ok()
        .and_then(|real| real.file_name().map(|n| n.to_string_lossy().into_owned()))
        .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "wasm".into())
}

/// Why a file is not a plugin of either kind. Never quotes the file: a suite may point `wasm` at
/// any file the user can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotWasm {
    /// Neither the wasm binary header nor text whose first token (after comments) is `(`.
    Unknown,
    /// WebAssembly text that does not parse: where (1-based) and the parser's reason.
    InvalidText {
        line: usize,
        column: usize,
        reason: String,
    },
}

impl std::fmt::Display for NotWasm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotWasm::Unknown => write!(
                f,
                "is not a WebAssembly binary or text file (no `\\0asm` header, and not \
                 WebAssembly text such as `(module ...)` or `(component ...)`)"
            ),
            NotWasm::InvalidText {
                line,
                column,
                reason,
            } => write!(
                f,
                "is not valid WebAssembly text: line {line}, column {column}: {reason}"
            ),
        }
    }
}

impl std::error::Error for NotWasm {}

/// The binary form of `bytes` (WebAssembly text is converted) and its kind; bytes that are neither
/// a wasm binary nor WebAssembly text are refused. Binaries are checked only for the header here:
/// compiling them says what else is wrong.
pub fn detect(bytes: &[u8]) -> Result<(PluginKind, Cow<'_, [u8]>), NotWasm> {
    let binary = if bytes.starts_with(MAGIC) {
        Cow::Borrowed(bytes)
    } else if wat::Detect::from_bytes(bytes) == wat::Detect::WasmText {
        let text = std::str::from_utf8(bytes).map_err(|_| NotWasm::Unknown)?;
        Cow::Owned(parse_text(text)?)
    } else {
        return Err(NotWasm::Unknown);
    };
    Ok((kind_of_binary(&binary), binary))
}

/// WebAssembly text to a binary; an error says where, not what the line holds.
fn parse_text(text: &str) -> Result<Vec<u8>, NotWasm> {
    let invalid = |error: wast::Error| {
        let (line, column) = error.span().linecol_in(text);
        let reason = error.message();
        NotWasm::InvalidText {
            line: line + 1,
            column: column + 1,
            // The parser's reason is one line; it may name a token of the text, never a whole line.
            reason: reason
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect(),
        }
    };
    let buffer = wast::parser::ParseBuffer::new(text).map_err(invalid)?;
    let mut wat = wast::parser::parse::<wast::Wat>(&buffer).map_err(invalid)?;
    wat.encode().map_err(invalid)
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
            detect(b"\0asm\x01\0\0\0").unwrap().0,
            PluginKind::CoreModule,
            "an empty core module"
        );
        assert_eq!(
            detect(b"\0asm\x0d\0\x01\0").unwrap().0,
            PluginKind::Component
        );
        let (kind, binary) = detect(b";; a comment\n(module (func (export \"_start\")))").unwrap();
        assert_eq!(kind, PluginKind::CoreModule);
        assert!(binary.starts_with(MAGIC));
        assert_eq!(detect(b"(component)").unwrap().0, PluginKind::Component);
        // A truncated binary is left for the compiler to reject, with its reason.
        assert_eq!(detect(b"\0asm\x0d\0").unwrap().0, PluginKind::Component);
    }

    /// A module file is named as any plugin file: `release/word_count` was the id of a cargo
    /// build's module before; sightglass's generic `benchmark.wasm` takes its folder's name.
    #[test]
    fn module_ids_are_file_names_but_for_sightglass_benchmarks() {
        let id = |path: &str| module_bench_id(Path::new(path));
        assert_eq!(
            id("target/wasm32-wasip1/release/word_count.wasm"),
            "word-count"
        );
        assert_eq!(id("x.wasm"), "x");
        assert_eq!(id("bad/grow-memory.wat"), "grow-memory");
        assert_eq!(id("benchmarks/bz2/benchmark.wasm"), "bz2");
        let folder =
            |dir: &str, file: &str| folder_module_id(Path::new(dir), &Path::new(dir).join(file));
        assert_eq!(folder("modules", "read_input.wat"), "modules/read-input");
        assert_eq!(folder("benchmarks/bz2", "benchmark.wasm"), "bz2");
        assert_eq!(folder("gc", "gc.wat"), "gc/gc");
    }

    #[test]
    fn other_files_are_refused_without_quoting_them() {
        for bytes in [
            &b"root:x:0:0:root:/root:/bin/bash\n"[..],
            b"",
            b"   \n",
            b"\xff\xfe(\0m\0",
            b"not wasm at all",
        ] {
            assert_eq!(detect(bytes).unwrap_err(), NotWasm::Unknown, "{bytes:?}");
        }
        let error = detect(b"(module\n  (func secret-token-here))").unwrap_err();
        let NotWasm::InvalidText { line, .. } = &error else {
            panic!("{error:?}")
        };
        assert_eq!(*line, 2, "{error}");
        assert!(!error.to_string().contains("secret-token-here"), "{error}");
        assert!(error.to_string().contains("line 2, column"), "{error}");
    }
}
