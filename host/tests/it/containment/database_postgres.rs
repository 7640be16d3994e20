//! SQL through the `db` capability on a PostgreSQL server that must not escape or run away:
//! schema changes, settings, `SELECT … INTO`, other schemas' tables and server functions are
//! refused (status `error` with the reason); a runaway statement is cancelled on the server at the
//! deadline (`timeout`); a bench whose worker was killed leaves its schema and role for the next
//! bench to drop. Good benches around them carry on, and the server is left as it was found.

use super::database::sql;
use super::{DEFAULTS, assert_bench, run_corpus};
use crate::common::{Harness, message, status};
use crate::database_postgres::leftovers;
use crate::postgres_server::TestDatabase;

fn db(url: &str) -> String {
    format!(
        r#"
[db]
url = "{url}"
schema = "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
pool = 1

[[db.table]]
name = "t"
rows = 1000
seed = 7
columns = {{ id = "serial", n = "int 1..100" }}
"#
    )
}

#[test]
fn postgres_escapes_are_refused_and_runaways_cancelled() {
    let Some(server) = TestDatabase::create("postgres_escapes") else {
        return;
    };
    // A table of someone else's in the same database, and a bench schema whose process died.
    server
        .client()
        .batch_execute(
            "CREATE TABLE public.secret (x INTEGER); INSERT INTO public.secret VALUES (42);
             CREATE SCHEMA wasmbench_b_1_deadbeef; CREATE ROLE wasmbench_b_1_deadbeef;",
        )
        .unwrap();
    let h = Harness::new();
    let header = format!("{DEFAULTS}deadline = \"2s\"\n{}", db(&server.url));
    let benches = [
        sql("count", "SELECT count(*), sum(n) FROM t", "query"),
        sql("drop-table", "DROP TABLE t", "execute"),
        sql("create-table", "CREATE TABLE u (x INTEGER)", "execute"),
        sql("set", "SET work_mem = '1GB'", "execute"),
        sql("set-config", "SELECT set_config('search_path', 'public', false)", "query"),
        sql("select-into", "SELECT * INTO stolen FROM t", "execute"),
        sql("other-schema", "SELECT x FROM public.secret", "query"),
        sql("read-file", "SELECT pg_read_file('/etc/passwd')", "query"),
        sql("two-statements", "SELECT 1; DROP TABLE t", "query"),
        sql("named-parameter", "SELECT n FROM t WHERE id = :id", "query"),
        sql("sleep", "SELECT pg_sleep(30)", "query"),
        sql(
            "runaway",
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
            "query",
        ),
        sql("count-after", "SELECT count(*), sum(n) FROM t", "query"),
    ]
    .concat();
    let run = run_corpus(&h, &header, &benches);
    run.assert_code(1);

    let refused = "plugins run data statements only";
    for (id, keyword) in [
        ("drop-table", "DROP"),
        ("create-table", "CREATE"),
        ("set", "SET"),
    ] {
        assert_bench(&run, id, "error", &["db: ", keyword, refused]);
    }
    assert_bench(
        &run,
        "set-config",
        "error",
        &["db: refused a call of `set_config`"],
    );
    assert_bench(
        &run,
        "select-into",
        "error",
        &["db: refused `SELECT … INTO`"],
    );
    assert_bench(
        &run,
        "other-schema",
        "error",
        &["db: ", "permission denied"],
    );
    assert_bench(
        &run,
        "read-file",
        "error",
        &["db: refused a call of `pg_read_file`"],
    );
    assert_bench(
        &run,
        "two-statements",
        "error",
        &["db: ", "multiple commands"],
    );
    assert_bench(
        &run,
        "named-parameter",
        "error",
        &["db: named parameters (`:id`)"],
    );
    // Which notices the deadline first, the statement's cancel or the run's own watch, is a race
    // a few µs wide; either way the bench ends `timeout`, and the server's statement is cancelled
    // (checked below).
    assert_bench(&run, "sleep", "timeout", &["deadline"]);
    assert_bench(&run, "runaway", "timeout", &["deadline"]);
    let (before, after) = (run.bench("count"), run.bench("count-after"));
    assert_eq!(status(before), "ok", "{}", message(before));
    assert_eq!(before["checksum"], after["checksum"]);

    // Cancelled on the server, not just abandoned by the harness.
    let mut client = server.client();
    let running: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' \
             AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(running, 0, "the runaway statement still runs on the server");
    let secret: i32 = client
        .query_one("SELECT x FROM public.secret", &[])
        .unwrap()
        .get(0);
    assert_eq!(secret, 42);
    // The dead bench's schema and role were swept, and every bench dropped its own.
    assert_eq!(leftovers(&server.url), (0, 0));
    let dead: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_roles WHERE rolname = 'wasmbench_b_1_deadbeef'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(dead, 0, "the dead bench's role is still there");
}

/// A worker killed while it holds a bench's schema (its guest spins past the deadline) can't drop
/// it; the next bench that starts on the server does, once the dead worker's lock is gone.
#[test]
fn a_killed_worker_s_schema_is_dropped_by_the_next_bench() {
    let Some(server) = TestDatabase::create("killed_worker") else {
        return;
    };
    let h = Harness::new();
    let hangs = h.run_suite(
        &format!(
            "[defaults]\nwarmup = 1\nsamples = 3\nexecutions = 1\nfuel_iterations = 1\ndeadline = \"1s\"\n{}\n\
             [[bench]]\nid = \"hangs\"\nplugin = \"misbehave\"\nworkload = \"spin-later\"\nparams = {{ after = 2 }}\n",
            db(&server.url)
        ),
        &[],
    );
    let bench = hangs.bench("hangs");
    assert_eq!(status(bench), "timeout", "{}", message(bench));
    // The killed worker's session is gone, its lock with it, but nobody has dropped its schema.
    let (schemas, _) = leftovers(&server.url);
    assert_eq!(
        schemas, 1,
        "the killed worker's schema should still be there"
    );

    let next = run_corpus(
        &h,
        &format!("{DEFAULTS}{}", db(&server.url)),
        &sql("count", "SELECT count(*) FROM t", "query"),
    );
    next.assert_code(0);
    assert_eq!(leftovers(&server.url), (0, 0));
}
