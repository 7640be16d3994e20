//! An installed wasmbench is complete: a copy of the binary alone, in a folder outside the
//! repository, with no plugin path, runs the first-party plugins the suites name (they are built
//! into it), lists them, and says where a plugin it lacks comes from.

use std::path::Path;

use crate::common::Harness;

/// The binary copied into `bin/` of the harness folder, run from the harness folder with no
/// plugin path: what `cargo install` leaves a user with.
fn installed(h: &Harness, args: &[&str]) -> crate::common::Run {
    let bin = h.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let exe = bin.join("wasmbench");
    if !exe.exists() {
        std::fs::copy(env!("CARGO_BIN_EXE_wasmbench"), &exe).unwrap();
    }
    let mut cmd = std::process::Command::new(&exe);
    cmd.args(args)
        .current_dir(h.path())
        .env("WASMBENCH_CACHE_DIR", h.cache_dir())
        .env("NO_COLOR", "1")
        .env_remove("WASMBENCH_PLUGIN_PATH");
    crate::common::execute_watching(cmd, |_| {})
}

#[test]
fn an_installed_binary_runs_and_lists_the_first_party_plugins() {
    let h = Harness::new();
    h.suite(
        "suite.toml",
        "[defaults]\nwarmup = 1\nsamples = 3\nexecutions = 1\n\n\
         [[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = \"15\" }\n\n\
         [[bench]]\nplugin = \"fs-read\"\nworkload = \"blocking\"\nparams = { file = \"data.bin\" }\n\n\
         [fixtures]\n\"data.bin\" = { size = \"64 KiB\", seed = 1 }\n",
    );
    let run = crate::common::with_results(
        installed(&h, &["run", "suite.toml", "--out", "out", "-q"]),
        &h.path().join("out"),
    );
    run.assert_code(0);
    for id in ["cpu/fib", "fs-read/blocking"] {
        let bench = run.results()["benches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["id"].as_str().is_some_and(|i| i.starts_with(id)))
            .unwrap_or_else(|| panic!("no {id}\n{}", run.transcript()));
        assert_eq!(bench["status"], "ok", "{bench}");
    }

    let listed = installed(&h, &["list"]);
    listed.assert_code(0);
    for plugin in [
        "cache", "cpu", "db", "fetch", "fs-read", "handler", "memory",
    ] {
        assert!(
            listed
                .stdout
                .lines()
                .any(|l| l.starts_with(&format!("{plugin}  ("))),
            "`list` lacks {plugin}\n{}",
            listed.transcript()
        );
    }
    // Test plugins stay out of what users get.
    assert!(
        !listed.stdout.contains("hostile"),
        "{}",
        listed.transcript()
    );
}

#[test]
fn the_binary_holds_no_path_of_the_build_tree() {
    let binary = std::fs::read(env!("CARGO_BIN_EXE_wasmbench")).unwrap();
    let built = env!("WASMBENCH_BUILT_PLUGINS").as_bytes();
    assert!(
        !binary.windows(built.len()).any(|w| w == built),
        "the binary names the build's plugin folder {}",
        env!("WASMBENCH_BUILT_PLUGINS")
    );
}

#[test]
fn a_missing_plugin_says_where_it_comes_from() {
    let h = Harness::new();
    // An example plugin of another language: not built in, and the message says how to get it.
    h.suite(
        "example.toml",
        "[[bench]]\nplugin = \"js-cpu\"\nworkload = \"fib\"\n",
    );
    let example = installed(&h, &["run", "example.toml", "-q"]);
    example.assert_code(2);
    assert!(
        example.stderr.contains("JavaScript example plugin")
            && example.stderr.contains("WASMBENCH_PLUGIN_PATH"),
        "{}",
        example.transcript()
    );
    // A plugin file not built yet: the build command for where it sits.
    h.suite(
        "unbuilt.toml",
        "[[bench]]\nwasm = \"target/wasm32-wasip2/release/mine.wasm\"\nworkload = \"hash\"\n",
    );
    let unbuilt = installed(&h, &["run", "unbuilt.toml", "-q"]);
    unbuilt.assert_code(2);
    assert!(
        unbuilt
            .stderr
            .contains("cargo build --release --target wasm32-wasip2"),
        "{}",
        unbuilt.transcript()
    );
    let listed = installed(&h, &["list", "target/wasm32-wasip2/release/mine.wasm"]);
    listed.assert_code(2);
    assert!(
        listed
            .stderr
            .contains("cargo build --release --target wasm32-wasip2"),
        "{}",
        listed.transcript()
    );
    assert!(!Path::new(&h.path().join("reports")).exists());
}
