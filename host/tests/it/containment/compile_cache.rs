//! The compile cache runs only code this machine compiled for that wasm: an entry swapped for
//! another plugin's compiled code (as a cache folder restored by CI from another branch or fork
//! could hold) is compiled again, and the run measures the plugin the suite names.

use crate::common::Harness;

const SUITE: &str = "[defaults]\nwarmup = 1\nsamples = 3\nexecutions = 1\n\n\
                     [[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = \"12\" }\n";
const OTHER: &str = "[defaults]\nwarmup = 1\nsamples = 3\nexecutions = 1\n\n\
                     [[bench]]\nplugin = \"memory\"\nworkload = \"bounded\"\n";

/// The cache's entries by the engine part of their name (`<wasm>-<engine>.cwasm`).
fn entries(dir: &std::path::Path) -> Vec<(String, std::path::PathBuf)> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "cwasm"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let engine = name.split_once('-').unwrap().1.to_string();
            (engine, p)
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_cache_entry_swapped_for_another_plugins_code_is_compiled_again() {
    let h = Harness::new();
    let honest = h.run_suite(SUITE, &[]);
    honest.assert_code(0);
    let checksum = honest.bench("cpu/fib[n=12]")["checksum"].clone();

    // Another plugin's compiled code, made by the same user (so even a valid key's entries are
    // bound to their own wasm), copied over each of cpu's entries engine for engine.
    let other = Harness::new();
    other.run_suite(OTHER, &[]).assert_code(0);
    let ours = entries(&h.cache_dir());
    let theirs = entries(&other.cache_dir());
    assert!(!ours.is_empty());
    for (engine, path) in &ours {
        let (_, replacement) = theirs
            .iter()
            .find(|(e, _)| e == engine)
            .unwrap_or_else(|| panic!("no entry of the other plugin for engine {engine}"));
        std::fs::copy(replacement, path).unwrap();
    }

    let after = h.run_suite(SUITE, &[]);
    after.assert_code(0);
    let bench = after.bench("cpu/fib[n=12]");
    assert_eq!(bench["status"], "ok", "{bench}");
    assert_eq!(bench["checksum"], checksum, "the swapped code ran: {bench}");
    assert_eq!(
        bench["phases"]["compile_cached"], false,
        "the swapped entry was loaded: {bench}"
    );
}
