//! Escapes: file-system, network and process access the host did not lend is denied (status
//! `error` with the OS's reason), and nothing on the host changes.

use std::path::Path;

use super::{
    DEFAULTS, assert_bench, assert_good_benches_ran, built_plugin, corpus, execute_measured,
    hostile, run_corpus,
};
use crate::common::{Harness, message, status};

/// Every file operation outside the read-only fixture folder, or writing inside it, is denied: the
/// bench ends with `error` and the OS's reason, and nothing on the host changes.
#[test]
fn filesystem_escapes_are_denied() {
    let h = Harness::new();
    // A unique name in the host's real /tmp: the guest tries to create it there.
    let marker = format!("wasmbench-hostile-{}", std::process::id());
    let host_marker = Path::new("/tmp").join(&marker);
    let _ = std::fs::remove_file(&host_marker);
    // The host makes its fixture folder in the same temporary folder as this harness's, so this
    // path names a real file next door.
    std::fs::write(h.path().join("secret.txt"), "secret").unwrap();
    let next_door = format!(
        "/fixtures/../{}/secret.txt",
        h.path().file_name().unwrap().to_str().unwrap()
    );
    let header =
        format!("{DEFAULTS}\n[fixtures]\n\"data.bin\" = {{ size = \"1 KiB\", seed = 3 }}\n");
    let fs = |id: &str, op: &str, path: &str, to: &str| {
        hostile(
            id,
            "fs",
            &format!("op = \"{op}\", path = \"{path}\", to = \"{to}\""),
            "",
        )
    };
    let benches = [
        fs("inside", "read", "/fixtures/data.bin", ""),
        fs("etc-passwd", "read", "/etc/passwd", ""),
        fs("dot-dot", "read", "/fixtures/../etc/passwd", ""),
        fs("next-door", "read", &next_door, ""),
        fs(
            "dot-dot-deep",
            "read",
            "/fixtures/../../../../../../etc/passwd",
            "",
        ),
        fs("relative", "read", "../../etc/passwd", ""),
        fs("abs-tmp-list", "list", "/tmp", ""),
        fs("abs-tmp-create", "create", &format!("/tmp/{marker}"), ""),
        fs("root-list", "list", "/", ""),
        fs("proc-self", "read", "/proc/self/environ", ""),
        fs("write", "write", "/fixtures/data.bin", ""),
        fs("create", "create", "/fixtures/new.bin", ""),
        fs("truncate", "truncate", "/fixtures/data.bin", ""),
        fs("mkdir", "mkdir", "/fixtures/sub", ""),
        fs("remove", "remove", "/fixtures/data.bin", ""),
        fs(
            "rename",
            "rename",
            "/fixtures/data.bin",
            "/fixtures/moved.bin",
        ),
        fs("symlink-out", "symlink", "/fixtures/link", "/etc/passwd"),
        fs("inside-after", "read", "/fixtures/data.bin", ""),
    ]
    .concat();
    let run = run_corpus(&h, &header, &benches);
    run.assert_code(1);

    for id in ["inside", "inside-after"] {
        let bench = run.bench(id);
        assert_eq!(status(bench), "ok", "{id}: {}", message(bench));
        assert_eq!(bench["counters"]["bytes"], 1024, "{bench:#}");
    }
    // The fixture was not changed by the write attempts in between.
    assert_eq!(
        run.bench("inside")["checksum"],
        run.bench("inside-after")["checksum"]
    );

    // No preopen covers these paths: they don't exist for the plugin.
    for id in [
        "etc-passwd",
        "relative",
        "abs-tmp-list",
        "abs-tmp-create",
        "root-list",
        "proc-self",
    ] {
        assert_bench(&run, id, "error", &["denied", "No such file or directory"]);
    }
    // `..` out of the preopened folder is refused by the sandbox, not resolved on the host.
    for id in ["dot-dot", "dot-dot-deep", "next-door"] {
        assert_bench(&run, id, "error", &["denied", "Operation not permitted"]);
    }
    // The fixture folder is mounted read-only.
    for id in [
        "write",
        "create",
        "truncate",
        "mkdir",
        "remove",
        "rename",
        "symlink-out",
    ] {
        let bench = run.bench(id);
        assert_eq!(status(bench), "error", "{id}: {}", message(bench));
        assert!(
            message(bench).contains("denied"),
            "{id}: {}",
            message(bench)
        );
        assert!(bench["checksum"].is_null(), "{id} succeeded: {bench:#}");
    }
    assert!(
        !host_marker.exists(),
        "the plugin created {} on the host",
        host_marker.display()
    );
}

/// Outgoing HTTP reaches only the fixture server; raw sockets and name lookups are not lent at all.
/// (Every destination here is on the loopback interface, so a broken sandbox would still not send
/// anything off this machine.)
#[test]
fn network_escapes_are_denied() {
    let h = Harness::new();
    let header = format!("[http]\nlatency = \"0ms\"\n\n{DEFAULTS}");
    let get = |id: &str, url: &str| {
        format!(
            "\n[[bench]]\nid = \"{id}\"\nplugin = \"fetch\"\nworkload = \"get\"\nparams = {{ url = \"{url}\" }}\n"
        )
    };
    let net = |id: &str, op: &str, addr: &str| {
        hostile(id, "net", &format!("op = \"{op}\", addr = \"{addr}\""), "")
    };
    let benches = [
        "\n[[bench]]\nid = \"fixture\"\nplugin = \"fetch\"\nworkload = \"get\"\n".to_string(),
        get("other-port", "http://127.0.0.1:9/item/0"),
        get("other-host", "http://127.0.0.2:9/item/0"),
        get("other-name", "http://localhost:9/item/0"),
        get("userinfo", "http://user:pass@127.0.0.1:9/item/0"),
        get("https", "https://127.0.0.1:443/"),
        net("tcp-connect", "tcp-connect", "127.0.0.1:80"),
        net("tcp-fixture", "tcp-connect", "fixture"),
        net("tcp-listen", "tcp-listen", "127.0.0.1:0"),
        net("udp-bind", "udp-bind", "127.0.0.1:0"),
        net("udp-send", "udp-send", "127.0.0.1:9"),
        net("dns", "dns", "localhost:80"),
    ]
    .concat();
    let run = run_corpus(&h, &header, &benches);
    run.assert_code(1);
    let fixture = run.bench("fixture");
    assert_eq!(status(fixture), "ok", "{}", message(fixture));
    assert_eq!(fixture["counters"]["status"], 200);
    for id in [
        "other-port",
        "other-host",
        "other-name",
        "userinfo",
        "https",
    ] {
        assert_bench(&run, id, "error", &["HttpRequestDenied"]);
    }
    // Raw TCP to the fixture server is refused too: only its HTTP interface is lent.
    for id in [
        "tcp-connect",
        "tcp-fixture",
        "tcp-listen",
        "udp-bind",
        "udp-send",
    ] {
        assert_bench(&run, id, "error", &["denied", "Permission denied"]);
    }
    assert_bench(
        &run,
        "dns",
        "error",
        &["denied", "failed to lookup address information"],
    );
}

/// The plugin sees no environment, arguments or stdin; `exit` and threads end only its own bench.
#[test]
fn the_process_is_out_of_reach() {
    let h = Harness::new();
    let benches = [
        hostile("env", "env", "", ""),
        hostile("exit-0", "exit", "code = 0", ""),
        hostile("exit-3", "exit", "code = 3", ""),
        hostile("thread", "thread", "", ""),
    ]
    .concat();
    let suite = h.suite("suite.toml", &corpus(DEFAULTS, &benches));
    let mut cmd = h.command();
    cmd.env("WASMBENCH_HOSTILE_SECRET", "hunter2");
    let out = h.path().join("out-env");
    cmd.arg("run").arg(&suite).arg("--out").arg(&out).arg("-q");
    let (run, _) = execute_measured(cmd, &out);
    assert_good_benches_ran(&run);
    run.assert_code(1);
    let env = run.bench("env");
    assert_eq!(status(env), "ok", "{}", message(env));
    for counter in ["env_vars", "args", "stdin_bytes"] {
        assert_eq!(env["counters"][counter], 0, "{counter}: {env:#}");
    }
    // `exit` inside a plugin ends the call, not the harness (which went on to good-after).
    assert_bench(&run, "exit-0", "error", &["run failed", "exit status 0"]);
    assert_bench(&run, "exit-3", "error", &["run failed", "exit status"]);
    assert_bench(
        &run,
        "thread",
        "error",
        &["spawning a thread denied", "Not supported"],
    );
}

/// A symlink in the fixture folder that points out of it can't be followed. Suites can't create
/// symlinks (fixture names are plain file names), so this drives a real fixture preopen through
/// the library: the host's sandbox (`HostState`) and the hostile plugin's `fs` workload.
#[test]
fn symlinks_in_the_fixture_folder_cannot_lead_out() {
    use std::os::unix::fs::symlink;

    use wasmbench::capability::{HostState, Lending};
    use wasmbench::engine::instrumented_config;
    use wasmbench::plugin::bindings::{Param, PluginPre};
    use wasmbench::runner::host_linker;
    use wasmtime::component::Component;
    use wasmtime::{Engine, Store};

    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    let fixtures = tempfile::tempdir().unwrap();
    let dir = fixtures.path();
    std::fs::write(dir.join("data.txt"), "data").unwrap();
    let outside_name = outside.path().file_name().unwrap().to_str().unwrap();
    symlink(outside.path().join("secret.txt"), dir.join("absolute")).unwrap();
    symlink(
        format!("../{outside_name}/secret.txt"),
        dir.join("relative"),
    )
    .unwrap();
    symlink(outside.path(), dir.join("dir")).unwrap();
    symlink("/etc/passwd", dir.join("passwd")).unwrap();
    symlink("data.txt", dir.join("inside")).unwrap();
    // Sanity: on the host, every link resolves.
    assert_eq!(
        std::fs::read_to_string(dir.join("relative")).unwrap(),
        "secret"
    );

    let engine = Engine::new(&instrumented_config(false, false)).unwrap();
    let component = Component::from_file(&engine, built_plugin("hostile")).unwrap();
    let pre = PluginPre::new(
        host_linker(&engine)
            .unwrap()
            .instantiate_pre(&component)
            .unwrap(),
    )
    .unwrap();
    let lending = Lending {
        fixtures: Some(dir.to_path_buf()),
        ..Lending::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // One fresh sandbox per attempt; `Ok(bytes read)` or the plugin's error.
    let attempt = |op: &str, path: &str, to: &str| -> Result<u64, String> {
        runtime.block_on(async {
            let mut store = Store::new(&engine, HostState::new(&lending, 64 << 20).unwrap());
            store.limiter(|s| &mut s.limiter);
            let plugin = pre.instantiate_async(&mut store).await.unwrap();
            let params: Vec<Param> = [("op", op), ("path", path), ("to", to)]
                .iter()
                .map(|&(name, value)| Param {
                    name: name.into(),
                    value: value.into(),
                })
                .collect();
            let bench = plugin.wasmbench_plugin_workload().bench();
            let resource = bench
                .call_setup(&mut store, "fs", &params)
                .await
                .unwrap()
                .unwrap();
            let outcome = bench.call_run(&mut store, resource).await.unwrap();
            outcome.map(|o| o.units)
        })
    };

    assert_eq!(attempt("read", "/fixtures/data.txt", ""), Ok(4));
    assert_eq!(
        attempt("read", "/fixtures/inside", ""),
        Ok(4),
        "a link that stays inside is followed"
    );
    for link in ["absolute", "relative", "dir/secret.txt", "passwd"] {
        let path = format!("/fixtures/{link}");
        let error = attempt("read", &path, "").expect_err(&path);
        assert!(
            error.contains("denied") && error.contains("Operation not permitted"),
            "{path}: {error}"
        );
    }
    let error = attempt("list", "/fixtures/dir", "").expect_err("listing through a link");
    assert!(error.contains("Operation not permitted"), "{error}");
    // Replacing the inside link with one that points out is a write to a read-only folder.
    let error = attempt("symlink", "/fixtures/new-link", "/etc/passwd").expect_err("symlink");
    assert!(error.contains("denied"), "{error}");
    assert!(!dir.join("new-link").exists());
}
