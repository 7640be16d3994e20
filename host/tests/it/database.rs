//! `suites/db.toml` as shipped: every lesson's alternatives agree on their results, and the
//! evidence of each lesson is in the results (round trips, statements compiled, query plans,
//! connection waits) and in the report. Speed itself is measured by running the suite, not here.

use std::path::Path;

use crate::common::{self, counter};

use common::{Harness, message, status};
use serde_json::Value;

/// Every plan line of the bench's statements that starts with `sql_start`.
pub fn plan(bench: &Value, sql_start: &str) -> String {
    let plans = bench["db"]["plans"].as_array().expect("plans");
    plans
        .iter()
        .filter(|p| p["sql"].as_str().unwrap().starts_with(sql_start))
        .flat_map(|p| p["plan"].as_array().unwrap().iter())
        .map(|line| line.as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_shipped_db_suite_shows_each_lesson() {
    let h = Harness::new();
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("../suites/db.toml");
    let run = h.run(&suite, &[]);
    run.assert_code(0);
    let benches = run.results()["benches"].as_array().unwrap();
    assert_eq!(benches.len(), 17);
    for b in benches {
        assert_eq!(status(b), "ok", "{}: {}", b["id"], message(b));
        assert_eq!(b["db"]["tables"][1]["rows"], 20_000, "{}", b["id"]);
    }
    let bench = |id: &str| run.bench(id);

    // The database counters are summarized over the timed iterations, one value each, and the
    // last iteration's value lies within their range.
    for b in benches {
        let time = &b["counter_stats"]["db.time_ns"];
        let (median, min, max) = (
            time["median"].as_u64().unwrap(),
            time["min"].as_u64().unwrap(),
            time["max"].as_u64().unwrap(),
        );
        assert!(min <= median && median <= max, "{}: {time}", b["id"]);
        let timed = b["wall_ns"]["samples"].as_array().unwrap().len();
        assert_eq!(time["iterations"], timed, "{}: {time}", b["id"]);
        let last = counter(b, "db.time_ns");
        assert!(
            (min..=max).contains(&last),
            "{}: {last} outside {time}",
            b["id"]
        );
    }

    // Pagination: the pages at one depth agree; OFFSET walks the index, keyset seeks in it.
    for depth in [1, 100, 1000] {
        let (offset, keyset) = (
            bench(&format!("db/page-offset depth={depth}")),
            bench(&format!("db/page-keyset depth={depth}")),
        );
        assert_eq!(offset["checksum"], keyset["checksum"], "depth {depth}");
        assert_eq!(offset["units"]["per_iteration"], 20);
    }
    assert_ne!(
        bench("db/page-offset depth=1")["checksum"],
        bench("db/page-offset depth=1000")["checksum"]
    );
    let keyset = bench("db/page-keyset depth=1000");
    assert!(
        plan(keyset, "SELECT id, title, published FROM books WHERE")
            .contains("SEARCH books USING INDEX books_by_published")
    );
    let offset = bench("db/page-offset depth=1000");
    assert!(plan(offset, "SELECT id, title, published FROM books").contains("SCAN books"));

    // Inserts: the same rows; one statement compiled vs one per row, 200 rows written each.
    let (tx, auto) = (
        bench("db/insert-transaction"),
        bench("db/insert-autocommit"),
    );
    assert_eq!(tx["checksum"], auto["checksum"]);
    assert!(counter(tx, "db.prepared") < 10, "{}", tx["counters"]);
    assert!(counter(auto, "db.prepared") >= 200, "{}", auto["counters"]);
    assert_eq!(
        counter(tx, "db.rows_written"),
        counter(auto, "db.rows_written")
    );

    // N+1: 51 round trips vs 1, the same rows.
    let (n1, join) = (bench("db/authors-n-plus-one"), bench("db/authors-join"));
    assert_eq!(n1["checksum"], join["checksum"]);
    assert_eq!(counter(n1, "db.queries"), 51);
    assert_eq!(counter(join, "db.queries"), 1);
    assert_eq!(counter(n1, "db.latency_ns"), 51 * 100_000);

    // Index: the same answers; a seek with it, a full scan without.
    let (indexed, unindexed) = (
        bench("db/orders-by-customer indexed"),
        bench("db/orders-by-customer unindexed"),
    );
    assert_eq!(indexed["checksum"], unindexed["checksum"]);
    let lookup = "SELECT count(*), sum(total) FROM orders WHERE customer_id";
    assert!(plan(indexed, lookup).contains("USING INDEX orders_by_customer"));
    assert_eq!(plan(unindexed, lookup), "SCAN orders");
    assert_eq!(unindexed["db"]["indexes"].as_array().unwrap().len(), 2);

    // Pool: 8 instances queue for 1 connection, never for 16.
    let waits = |id: &str| bench(id)["parallel"]["pool_waits"].as_u64().unwrap();
    assert!(waits("db/pool-lookups pool=1") > 0);
    assert_eq!(waits("db/pool-lookups pool=16"), 0);
    assert_eq!(bench("db/pool-lookups pool=1")["db"]["pool"], 1);

    // The capability's cost: 100 round trips, compiled each time or prepared once.
    let (pool, prepared) = (bench("db/round-trip pool"), bench("db/round-trip prepared"));
    assert_eq!(pool["checksum"], prepared["checksum"]);
    assert_eq!(counter(pool, "db.prepared"), 100);
    assert_eq!(counter(prepared, "db.prepared"), 0);
    assert_eq!(counter(prepared, "db.queries"), 100);

    // The report shows the plans and the waits.
    let report = std::fs::read_to_string(run.out.as_ref().unwrap().join("report.html")).unwrap();
    assert!(report.contains("Query plans"));
    assert!(report.contains("SEARCH orders USING INDEX orders_by_customer"));
    assert!(report.contains("connection waits"));
}

/// A `[db]` mistake is refused before anything runs, naming the file, line and key.
#[test]
fn database_settings_errors_name_the_key() {
    let h = Harness::new();
    let base = "[db]\nschema = \"CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER);\"\n\
                [db.indexes]\nt_by_n = \"CREATE INDEX t_by_n ON t(n)\"\n";
    let bench = "\n[[bench]]\nplugin = \"db\"\nworkload = \"round-trip\"\n";
    for (extra, bench_extra, needles) in [
        (
            "[[db.table]]\nname = \"t\"\nrows = 10\ncolumns = { n = \"int 5..1\" }\n",
            "",
            vec![
                "suite.toml:8:17",
                "db.table[0].columns.n",
                "the range is empty",
            ],
        ),
        (
            "[[db.table]]\nname = \"t\"\nrows = 10\ncolumns = { n = \"gauss 1\" }\n",
            "",
            vec![
                "db.table[0].columns.n",
                "unknown column generator `gauss 1`",
            ],
        ),
        (
            "[[db.table]]\nname = \"missing\"\nrows = 10\ncolumns = { n = \"serial\" }\n",
            "",
            vec!["db.table[0]", "no such table"],
        ),
        (
            "",
            "db = { indexes = [\"t_by_m\"] }\n",
            vec!["bench[0].db.indexes", "did you mean `t_by_n`?"],
        ),
        (
            "",
            "db = { pool = 0 }\n",
            vec!["bench[0].db.pool", "1 to 256"],
        ),
    ] {
        let text = format!("{base}{extra}{bench}{bench_extra}");
        let run = h.run_suite(&text, &[]);
        run.assert_code(2);
        let out = run.transcript();
        for needle in needles {
            assert!(out.contains(needle), "{needle:?} not in:\n{out}");
        }
    }
    let run = h.run_suite(
        "[db]\nschema = \"CREATE TABLE t (id INTEGER PRIMARY KEY,);\"\n[[bench]]\nplugin = \"db\"\nworkload = \"round-trip\"\n",
        &[],
    );
    run.assert_code(2);
    assert!(
        run.transcript()
            .contains("key `db.schema`: the schema does not run"),
        "{}",
        run.transcript()
    );
}
