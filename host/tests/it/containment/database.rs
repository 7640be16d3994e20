//! SQL through the `db` capability that must not escape or run away: files attached or vacuumed
//! into, PRAGMA, schema changes and extension loading are refused (status `error` with the host's
//! reason, nothing written on the host); a runaway query ends at the deadline (`timeout`); values
//! and sorts past the database's heap cap end as `memory-limit`. Good benches around them, and the
//! database itself, carry on.

use std::path::Path;

use super::{DEFAULTS, assert_bench, hostile, run_corpus};
use crate::common::{Harness, message, status};

/// A small seeded database with a 16 MiB heap cap.
const DB: &str = r#"
[db]
schema = "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
memory = "16 MiB"
pool = 1

[[db.table]]
name = "t"
rows = 1000
seed = 7
columns = { id = "serial", n = "int 1..100" }
"#;

pub(super) fn sql(id: &str, sql: &str, via: &str) -> String {
    let sql = sql.replace('\\', "\\\\").replace('"', "\\\"");
    hostile(id, "db", &format!("sql = \"{sql}\", via = \"{via}\""), "")
}

#[test]
fn database_escapes_are_refused_and_runaways_contained() {
    let h = Harness::new();
    let marker = format!("/tmp/wasmbench-hostile-db-{}", std::process::id());
    for suffix in ["attach", "vacuum"] {
        let _ = std::fs::remove_file(format!("{marker}-{suffix}.db"));
    }
    let header = format!("{DEFAULTS}deadline = \"2s\"\n{DB}");
    let benches = [
        sql("count", "SELECT count(*), sum(n) FROM t", "query"),
        sql(
            "attach",
            &format!("ATTACH DATABASE '{marker}-attach.db' AS other"),
            "execute",
        ),
        sql("vacuum-into", &format!("VACUUM INTO '{marker}-vacuum.db'"), "execute"),
        sql("pragma", "PRAGMA writable_schema = ON", "execute"),
        sql("drop-table", "DROP TABLE t", "execute"),
        sql("create-table", "CREATE TABLE u (x)", "execute"),
        sql("schema-write", "DELETE FROM sqlite_schema", "execute"),
        sql(
            "load-extension",
            "WITH x(p) AS (SELECT '/tmp/evil.so') SELECT load_extension(p) FROM x",
            "query",
        ),
        sql("two-statements", "SELECT 1; DROP TABLE t", "query"),
        sql(
            "runaway",
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
            "query",
        ),
        sql(
            "huge-value",
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000) \
             SELECT length(group_concat(hex(randomblob(1000)))) FROM c",
            "query",
        ),
        sql(
            "huge-sort",
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 2000000) \
             SELECT x FROM c ORDER BY randomblob(64) LIMIT 1 OFFSET 1999999",
            "query",
        ),
        sql("count-after", "SELECT count(*), sum(n) FROM t", "query"),
    ]
    .concat();
    let run = run_corpus(&h, &header, &benches);
    run.assert_code(1);

    let refused = "plugins run data statements only";
    for (id, keyword) in [
        ("attach", "ATTACH"),
        ("vacuum-into", "VACUUM"),
        ("pragma", "PRAGMA"),
        ("drop-table", "DROP"),
        ("create-table", "CREATE"),
    ] {
        assert_bench(
            &run,
            id,
            "error",
            &["run returned an error: db: ", keyword, refused],
        );
    }
    assert_bench(&run, "schema-write", "error", &["db: ", "sqlite_"]);
    assert_bench(&run, "load-extension", "error", &["db: ", "not authorized"]);
    assert_bench(&run, "two-statements", "error", &["db: "]);
    assert_bench(&run, "runaway", "timeout", &["interrupted"]);
    assert_bench(&run, "huge-value", "memory-limit", &["heap cap"]);
    assert_bench(&run, "huge-sort", "memory-limit", &["heap cap"]);
    for suffix in ["attach", "vacuum"] {
        let file = format!("{marker}-{suffix}.db");
        assert!(!Path::new(&file).exists(), "{file} was written");
    }
    // Nothing changed the data: the same digest before and after the attacks.
    let (before, after) = (run.bench("count"), run.bench("count-after"));
    assert_eq!(status(before), "ok", "{}", message(before));
    assert_eq!(before["checksum"], after["checksum"]);
}

/// A plugin that asks for a database the suite doesn't have gets an error it can report, naming
/// what to add.
#[test]
fn a_bench_without_a_database_is_told_how_to_get_one() {
    let h = Harness::new();
    let run = run_corpus(&h, DEFAULTS, &sql("no-db", "SELECT 1", "query"));
    run.assert_code(1);
    assert_bench(&run, "no-db", "error", &["has no database", "[db]"]);
}

#[test]
fn a_killed_worker_leaves_no_database_files_behind() {
    let h = Harness::new();
    let tmp = h.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    // The timed pass hangs past the deadline: the worker holding the bench's database is killed.
    let suite = h.suite(
        "suite.toml",
        &format!(
            "[defaults]\nwarmup = 1\nsamples = 3\nexecutions = 1\nfuel_iterations = 1\ndeadline = \"1s\"\n{DB}\n\
             [[bench]]\nid = \"hangs\"\nplugin = \"misbehave\"\nworkload = \"spin-later\"\nparams = {{ after = 2 }}\n"
        ),
    );
    let out = h.path().join("out");
    let cmd = run_in_tmpdir(&h, &suite, &out, &tmp);
    let run = crate::common::with_results(crate::common::execute_watching(cmd, |_| {}), &out);
    assert_eq!(
        status(run.bench("hangs")),
        "timeout",
        "{}",
        run.transcript()
    );
    assert!(walk(&tmp).is_empty(), "left behind: {:?}", walk(&tmp));
}

#[test]
fn ctrl_c_leaves_no_database_files_behind() {
    use std::os::unix::process::CommandExt;
    let h = Harness::new();
    let tmp = h.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let suite = h.suite(
        "suite.toml",
        &format!(
            "[defaults]\nwarmup = 0\nsamples = 50\nexecutions = 2\nfuel_iterations = 1\n{DB}\n\
             [[bench]]\nid = \"slow\"\nplugin = \"misbehave\"\nworkload = \"sleep\"\nparams = {{ ms = 100 }}\n"
        ),
    );
    let out = h.path().join("out");
    let mut cmd = run_in_tmpdir(&h, &suite, &out, &tmp);
    // Its own process group, signalled as a terminal's Ctrl-C signals one: every process in it.
    cmd.process_group(0)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    // Until a worker holds a database in the timed pass.
    let start = std::time::Instant::now();
    while !walk(&tmp).iter().any(|p| p.ends_with("bench.db")) {
        assert!(start.elapsed().as_secs() < 60, "no database was ever made");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let group = format!("-{}", child.id());
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", "--", &group])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(out.join("results.json").is_file());
    assert!(walk(&tmp).is_empty(), "left behind: {:?}", walk(&tmp));
}

/// `wasmbench run SUITE --out OUT -q` with `TMPDIR` set to `tmp`, where the run's temporary files go.
fn run_in_tmpdir(h: &Harness, suite: &Path, out: &Path, tmp: &Path) -> std::process::Command {
    let mut cmd = h.command();
    cmd.env("TMPDIR", tmp)
        .arg("run")
        .arg(suite)
        .arg("--out")
        .arg(out)
        .arg("-q");
    cmd
}

/// Every file and folder under `dir`.
fn walk(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).into_iter().flatten().flatten() {
            found.push(entry.path().display().to_string());
            if entry.path().is_dir() {
                stack.push(entry.path());
            }
        }
    }
    found
}

#[test]
fn a_suites_own_sql_gets_the_guard_plugin_sql_gets() {
    let h = Harness::new();
    let cases = [
        (
            "attach",
            "ATTACH 'attached.db' AS other; CREATE TABLE other.t(x);",
        ),
        ("vacuum", "CREATE TABLE t(x); VACUUM INTO 'vacuumed.db';"),
        ("pragma", "PRAGMA journal_mode = DELETE; CREATE TABLE t(x);"),
        (
            "bomb",
            "CREATE TABLE t AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) \
             SELECT x, randomblob(1000) AS pad FROM r;",
        ),
    ];
    for (name, schema) in cases {
        let suite = h.suite(
            &format!("{name}.toml"),
            &format!(
                "[db]\nschema = \"{schema}\"\nmemory = \"16 MiB\"\n\n\
                 [[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n"
            ),
        );
        let mut cmd = h.command();
        cmd.arg("run").arg(&suite).arg("-q");
        let (run, peak) = super::execute_measured(cmd, &h.path().join("out"));
        run.assert_code(2);
        assert!(
            run.stderr.contains("db.schema") && run.stderr.contains("the schema does not run"),
            "{name}: {}",
            run.transcript()
        );
        super::assert_peak_below(peak, 1 << 30);
    }
    for file in ["attached.db", "vacuumed.db"] {
        assert!(!h.path().join(file).exists(), "the schema wrote {file}");
    }
}
