//! `suites/db-postgres.toml` on a PostgreSQL server: the plugin written for SQLite runs unchanged,
//! every lesson's alternatives agree with each other and with SQLite's answers, the evidence of
//! each lesson is in the results (round trips, PostgreSQL's plans, connection waits), and the
//! server is left as it was found. Needs the test server (`postgres_server`).

use std::path::Path;
use std::process::Command;

use crate::common::{self, Harness, Run, counter, message, status};
use crate::database::plan;
use crate::postgres_server::TestDatabase;

/// The variable the shipped suite's `url_env` names.
const SUITE_URL_VAR: &str = "WASMBENCH_POSTGRES_URL";

fn suite(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../suites")
        .join(name)
}

/// `wasmbench run <suite> --out <fresh> -q <extra…>` with the server's URL in the suite's variable.
pub fn run_on(h: &Harness, url: &str, suite: &Path, out: &str, extra: &[&str]) -> Run {
    let out = h.path().join(out);
    let mut cmd: Command = h.command();
    cmd.env(SUITE_URL_VAR, url)
        .arg("run")
        .arg(suite)
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .args(extra);
    common::with_results(common::execute_watching(cmd, |_| {}), &out)
}

/// Bench schemas and roles of `url`'s database on the server (none once every bench has ended).
pub fn leftovers(url: &str) -> (i64, i64) {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let count = |client: &mut postgres::Client, sql: &str| -> i64 {
        client.query_one(sql, &[]).unwrap().get(0)
    };
    (
        count(
            &mut client,
            "SELECT count(*) FROM pg_namespace WHERE starts_with(nspname, 'wasmbench_b_')",
        ),
        count(
            &mut client,
            "SELECT count(*) FROM pg_roles WHERE starts_with(rolname, 'wasmbench_b_') AND \
             shobj_description(oid, 'pg_authid') LIKE '%on database ' || current_database() || ':%'",
        ),
    )
}

#[test]
fn the_postgres_suite_shows_each_lesson_with_sqlite_s_answers() {
    let Some(server) = TestDatabase::create("postgres_suite") else {
        return;
    };
    let url = server.url.clone();
    let h = Harness::new();
    let one = ["--executions", "1"];
    let run = run_on(&h, &url, &suite("db-postgres.toml"), "pg", &one);
    run.assert_code(0);
    let benches = run.results()["benches"].as_array().unwrap();
    assert_eq!(benches.len(), 17);
    for b in benches {
        assert_eq!(status(b), "ok", "{}: {}", b["id"], message(b));
        let server = b["db"]["server"].as_str().unwrap_or_default();
        assert!(server.starts_with("PostgreSQL "), "{}: {server}", b["id"]);
        assert!(
            !server.contains("wasmbench:wasmbench"),
            "a password in {server}"
        );
    }
    let bench = |id: &str| run.bench(id);

    // The same answers as on SQLite: the plugin and the seeded rows are the same.
    let sqlite = h.run(&suite("db.toml"), &one);
    sqlite.assert_code(0);
    for b in benches {
        let id = b["id"].as_str().unwrap();
        assert_eq!(b["checksum"], sqlite.bench(id)["checksum"], "{id}");
    }

    // Pagination: keyset seeks in the index at any depth; OFFSET walks past the earlier rows.
    let keyset = bench("db/page-keyset depth=1000");
    assert!(
        plan(keyset, "SELECT id, title, published FROM books WHERE")
            .contains("Index Scan using books_by_published on books"),
        "{}",
        plan(keyset, "")
    );
    let offset = plan(
        bench("db/page-offset depth=1000"),
        "SELECT id, title, published FROM books",
    );
    assert!(offset.contains("actual rows=20000"), "{offset}");

    // Inserts: one statement compiled vs one per row, 200 rows written each.
    let (tx, auto) = (
        bench("db/insert-transaction"),
        bench("db/insert-autocommit"),
    );
    assert!(counter(tx, "db.prepared") < 10, "{}", tx["counters"]);
    assert!(counter(auto, "db.prepared") >= 200, "{}", auto["counters"]);
    assert_eq!(
        counter(tx, "db.rows_written"),
        counter(auto, "db.rows_written")
    );

    // N+1: 51 real round trips vs 1; no simulated latency on a real server.
    let (n1, join) = (bench("db/authors-n-plus-one"), bench("db/authors-join"));
    assert_eq!(counter(n1, "db.queries"), 51);
    assert_eq!(counter(join, "db.queries"), 1);
    assert_eq!(counter(n1, "db.latency_ns"), 0);
    assert!(counter(n1, "db.time_ns") > 0);

    // Index: an index scan with it, a sequential scan of all 50 000 orders without.
    let lookup = "SELECT count(*), sum(total) FROM orders WHERE customer_id";
    let indexed = plan(bench("db/orders-by-customer indexed"), lookup);
    assert!(indexed.contains("orders_by_customer"), "{indexed}");
    let unindexed = plan(bench("db/orders-by-customer unindexed"), lookup);
    assert!(unindexed.contains("Seq Scan on orders"), "{unindexed}");

    // Pool: 8 instances queue for 1 connection, never for 16.
    let waits = |id: &str| bench(id)["parallel"]["pool_waits"].as_u64().unwrap();
    assert!(waits("db/pool-lookups pool=1") > 0);
    assert_eq!(waits("db/pool-lookups pool=16"), 0);

    // Prepared once vs compiled every call.
    let (pool, prepared) = (bench("db/round-trip pool"), bench("db/round-trip prepared"));
    assert_eq!(counter(pool, "db.prepared"), 100);
    assert_eq!(counter(prepared, "db.prepared"), 0);

    // The report names the server and shows PostgreSQL's plans.
    let report = std::fs::read_to_string(run.out.as_ref().unwrap().join("report.html")).unwrap();
    assert!(report.contains("Seq Scan on orders"));
    assert_eq!(
        leftovers(&url),
        (0, 0),
        "bench schemas or roles left on the server"
    );
}

/// A server that can't be reached fails the benches that need it, naming the server (without its
/// password) and the fix; the suite's other results are still written.
#[test]
fn an_unreachable_server_fails_its_benches_with_the_server_named() {
    let h = Harness::new();
    let run = h.run_suite(
        "[defaults]\nwarmup = 0\nsamples = 1\nexecutions = 1\n\
         [db]\nurl = \"postgres://someone:secret@127.0.0.1:1/app\"\n\
         schema = \"CREATE TABLE t (id INTEGER PRIMARY KEY)\"\n\
         [[bench]]\nid = \"lookup\"\nplugin = \"db\"\nworkload = \"round-trip\"\n",
        &[],
    );
    run.assert_code(1);
    let b = run.bench("lookup");
    assert_eq!(status(b), "error", "{}", message(b));
    let text = message(b);
    assert!(
        text.contains("postgres://someone@127.0.0.1:1/app"),
        "{text}"
    );
    assert!(text.contains("scripts/servers.sh start postgres"), "{text}");
    assert!(!run.transcript().contains("secret"), "{}", run.transcript());
}

/// `url` and `url_env` mistakes are refused before anything runs, naming the key.
#[test]
fn server_settings_errors_name_the_key() {
    let h = Harness::new();
    let bench = "[[bench]]\nplugin = \"db\"\nworkload = \"round-trip\"\n";
    for (db, needles) in [
        (
            "url = \"mysql://127.0.0.1/app\"",
            vec!["key `db.url`", "is not a PostgreSQL URL"],
        ),
        (
            "url_env = \"WASMBENCH_TEST_SURELY_UNSET\"",
            vec![
                "key `db.url_env`",
                "WASMBENCH_TEST_SURELY_UNSET` is not set",
                "export",
            ],
        ),
        (
            "url = \"postgres://127.0.0.1/app?sslmode=require\"",
            vec!["key `db.url`", "sslmode=require"],
        ),
    ] {
        let text = format!("[db]\n{db}\nschema = \"CREATE TABLE t (id INTEGER)\"\n{bench}");
        let run = h.run_suite(&text, &[]);
        run.assert_code(2);
        let out = run.transcript();
        for needle in needles {
            assert!(out.contains(needle), "{needle:?} not in:\n{out}");
        }
    }
}

/// Columns of PostgreSQL's common types read back as a plugin's values; a type with no faithful
/// value (a timestamp) is an error that names the column and the cast to write.
#[test]
fn columns_map_to_plugin_values_or_name_the_cast() {
    let Some(server) = TestDatabase::create("column_types") else {
        return;
    };
    let h = Harness::new();
    let query = |id: &str, sql: &str| {
        format!(
            "[[bench]]\nid = \"{id}\"\nplugin = \"hostile\"\nworkload = \"db\"\n\
             params = {{ sql = \"{}\", via = \"query\" }}\n",
            sql.replace('"', "\\\"")
        )
    };
    let suite = format!(
        "[defaults]\nwarmup = 0\nsamples = 1\nexecutions = 1\nfuel_iterations = 1\n\
         [db]\nurl = \"{}\"\nschema = \"CREATE TABLE t (id INTEGER PRIMARY KEY)\"\n{}{}",
        server.url,
        query(
            "mapped",
            "SELECT 1::int2, 2::int4, 3::int8, true, avg(x)::numeric, 2.5::float4, 'x'::varchar, \
             'y'::char(3), '\\\\x01ff'::bytea, '{\"a\": 1}'::jsonb, NULL FROM (VALUES (1), (2)) AS v(x)"
        ),
        query("timestamp", "SELECT now() AS created"),
    );
    let run = h.run_suite(&suite, &[]);
    let mapped = run.bench("mapped");
    assert_eq!(status(mapped), "ok", "{}", message(mapped));
    let timestamp = run.bench("timestamp");
    assert_eq!(status(timestamp), "error");
    let text = message(timestamp);
    assert!(
        text.contains("column `created` is of type timestamptz") && text.contains("created::text"),
        "{text}"
    );
}

/// A user that can't create the bench's role is told which right to grant, and the schema made
/// before that is not left behind.
#[test]
fn a_user_without_createrole_is_told_the_grant_and_leaves_nothing() {
    let Some(server) = TestDatabase::create("no_createrole") else {
        return;
    };
    let role = format!("wb_plain_{}", std::process::id());
    let mut client = server.client();
    client
        .batch_execute(&format!(
            "CREATE ROLE {role} LOGIN PASSWORD 'plain'; \
             GRANT CREATE ON DATABASE \"{}\" TO {role};",
            server.url.rsplit('/').next().unwrap()
        ))
        .unwrap();
    let url = server
        .url
        .replacen("wasmbench:wasmbench@", &format!("{role}:plain@"), 1);
    assert_ne!(url, server.url, "the test server's URL has another user");
    let h = Harness::new();
    let run = h.run_suite(
        &format!(
            "[defaults]\nwarmup = 0\nsamples = 1\nexecutions = 1\n\
             [db]\nurl = \"{url}\"\nschema = \"CREATE TABLE t (id INTEGER PRIMARY KEY)\"\n\
             [[bench]]\nid = \"lookup\"\nplugin = \"db\"\nworkload = \"round-trip\"\n"
        ),
        &[],
    );
    let text = message(run.bench("lookup")).to_string();
    let schemas: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_namespace WHERE starts_with(nspname, 'wasmbench_b_')",
            &[],
        )
        .unwrap()
        .get(0);
    // (A schema of the role's that stayed goes with the test database; then the role can't be
    // dropped here, and the assertion below says why.)
    let _ = client.batch_execute(&format!(
        "REVOKE CREATE ON DATABASE \"{}\" FROM {role}; DROP ROLE {role}",
        server.url.rsplit('/').next().unwrap()
    ));
    assert_eq!(status(run.bench("lookup")), "error", "{text}");
    assert!(text.contains("needs CREATEROLE"), "{text}");
    assert_eq!(schemas, 0, "the schema was left behind");
}
