//! The history on PostgreSQL (`--history postgres://…`, `WASMBENCH_HISTORY`): the same commands
//! give the same output as on an SQLite file, many `history add`s at once lose nothing and create
//! no series twice, `history migrate` copies a history between the two and back, a server that
//! can't be reached is named (without its password) with the fix, and the rights the guide lists
//! are enough. Each test has a database of its
//! own on the test server ([`TestDatabase`]); without a server they skip, except on CI.

use crate::common;
use crate::history::{add_at_once, one_run, variant};
use crate::postgres_server::TestDatabase;

use std::path::{Path, PathBuf};

use common::{Harness, Run};
use serde_json::Value;

/// A copy of `results` whose fib costs `percent` more fuel (a deterministic metric: any change is
/// a change point), with its own start time.
fn costlier(h: &Harness, results: &Path, name: &str, percent: u64) -> PathBuf {
    variant(h, results, name, |bench| {
        if bench["id"].as_str().unwrap().starts_with("cpu/fib") {
            let fuel = bench["fuel"]["per_iteration"].as_u64().unwrap() * (100 + percent) / 100;
            bench["fuel"]["per_iteration"] = Value::from(fuel);
            for sample in bench["fuel"]["samples"].as_array_mut().unwrap() {
                *sample = Value::from(fuel);
            }
        }
    })
}

/// `history add` of `results` as commit `c{i}` at minute `i`, on `main`.
fn add(h: &Harness, history: &str, results: &Path, i: usize) -> Run {
    h.wasmbench(&[
        "history",
        "add",
        results.to_str().unwrap(),
        "--commit",
        &format!("c{i:02}"),
        "--branch",
        "main",
        "--time",
        &format!("2026-11-01T00:{i:02}:00Z"),
        "--testbed",
        "ci-runner",
        "--history",
        history,
    ])
}

/// Ten commits, fib 3% costlier from the eighth on: a history with a regression to find.
fn fill(h: &Harness, history: &str, same: &Path, slower: &Path) -> Vec<String> {
    (0..10)
        .map(|i| {
            let run = add(h, history, if i < 8 { same } else { slower }, i);
            run.assert_code(0);
            run.stdout
        })
        .collect()
}

/// What `check`, `check --markdown`, `check --since`, `report` and the run report's trends say
/// about `history`, with its location written `HISTORY` so two stores compare.
fn outputs(h: &Harness, history: &str, results: &Path, tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    let tag = format!("out-{tag}");
    let normal = |text: &str| {
        text.replace(history, "HISTORY")
            .replace(&shown(history), "HISTORY")
            .replace(&tag, "OUT")
    };
    let mut said = |run: &Run, code: i32| {
        run.assert_code(code);
        out.push(normal(&run.stdout));
    };
    said(&h.wasmbench(&["history", "check", "--history", history]), 3);
    let markdown = format!("{tag}.md");
    said(
        &h.wasmbench(&[
            "history",
            "check",
            "--history",
            history,
            "--markdown",
            &markdown,
        ]),
        3,
    );
    said(
        &h.wasmbench(&["history", "check", "--history", history, "--since", "c09"]),
        0,
    );
    said(
        &h.wasmbench(&[
            "history",
            "check",
            "--history",
            history,
            "--branch",
            "main",
            "-f",
            "fib",
        ]),
        3,
    );
    let trends = format!("{tag}-trends.html");
    said(
        &h.wasmbench(&["history", "report", "--history", history, "-o", &trends]),
        0,
    );
    let dir = h.path().join(&tag);
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("run.html");
    let run = h.wasmbench(&[
        "report",
        results.to_str().unwrap(),
        "-o",
        page.to_str().unwrap(),
        "--history",
        history,
    ]);
    run.assert_code(0);
    for file in [
        h.path().join(&markdown),
        h.path().join(&trends),
        dir.join("trends.html"),
    ] {
        out.push(normal(&std::fs::read_to_string(file).unwrap()));
    }
    out
}

/// A URL as messages show it: without its password (`postgres://USER@HOST:PORT/DATABASE`).
fn shown(url: &str) -> String {
    let Some((_, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((user, host)) => format!(
            "postgres://{}@{host}",
            user.split(':').next().unwrap_or_default()
        ),
        None => format!("postgres://{rest}"),
    }
}

fn assert_same(what: &str, a: &[String], b: &[String]) {
    assert_eq!(a.len(), b.len(), "{what}");
    for (i, (a, b)) in a.iter().zip(b).enumerate() {
        assert!(
            a == b,
            "{what}: output {i} differs:\n--- one:\n{a}\n--- other:\n{b}"
        );
    }
}

#[test]
fn the_same_commands_give_the_same_output_on_sqlite_and_postgres() {
    let Some(db) = TestDatabase::create("history_same_output") else {
        return;
    };
    let h = Harness::new();
    let results = one_run(&h);
    let same = costlier(&h, &results, "same", 0);
    let slower = costlier(&h, &results, "slower", 3);
    let on_file = fill(&h, "h.db", &same, &slower);
    let on_server = fill(&h, &db.url, &same, &slower);
    // The server's URL is shown without its password.
    let shown = shown(&db.url);
    assert!(
        on_server[0].contains(&format!("history: {shown} · commit c00")),
        "{}",
        on_server[0]
    );
    let normalized: Vec<String> = on_server
        .iter()
        .map(|s| s.replace(&shown, "h.db"))
        .collect();
    assert_same("history add", &on_file, &normalized);
    assert!(
        on_file[9].contains("10 runs and 6 series in all"),
        "{}",
        on_file[9]
    );

    let file = outputs(&h, "h.db", &results, "file");
    let server = outputs(&h, &db.url, &results, "server");
    assert!(
        file[0].contains("from commit c08 (after c07)"),
        "{}",
        file[0]
    );
    assert_same("history check and report", &file, &server);
    for text in &server {
        assert!(!text.contains(":wasmbench@"), "a password shown: {text}");
    }

    // The same run twice is refused with the same message.
    let again = add(&h, &db.url, &same, 0);
    again.assert_code(2);
    assert!(
        again.stderr.contains("is already in the history") && !again.stderr.contains(":wasmbench@"),
        "{}",
        again.transcript()
    );
}

#[test]
fn concurrent_adds_into_one_postgres_history_lose_nothing_and_count_each_series_once() {
    const AT_ONCE: usize = 8;
    let Some(db) = TestDatabase::create("history_concurrent") else {
        return;
    };
    let h = Harness::new();
    let results = one_run(&h);
    // Into a database with no history yet: the adds race to create its schema, and every series
    // is new to all of them at once.
    let first = add_at_once(&h, &results, &db.url, "fresh", AT_ONCE);
    let second = add_at_once(&h, &results, &db.url, "second", AT_ONCE);
    eprintln!(
        "{AT_ONCE} concurrent adds: {first:.2} s into a new history, {second:.2} s into an existing one"
    );
    let mut client = db.client();
    let count = |client: &mut postgres::Client, sql: &str| -> i64 {
        client.query_one(sql, &[]).unwrap().get(0)
    };
    assert_eq!(
        count(&mut client, "SELECT count(*) FROM wasmbench_history.runs"),
        2 * AT_ONCE as i64
    );
    // Two benches × three metrics, once each, whoever created them.
    assert_eq!(
        count(&mut client, "SELECT count(*) FROM wasmbench_history.series"),
        6
    );
    assert_eq!(
        count(&mut client, "SELECT count(*) FROM wasmbench_history.points"),
        2 * AT_ONCE as i64 * 6
    );
    let check = h.wasmbench(&["history", "check", "--history", &db.url]);
    check.assert_code(0);
    assert!(
        check
            .stdout
            .contains(&format!("6 series · up to {} commits", 2 * AT_ONCE)),
        "{}",
        check.transcript()
    );
}

#[test]
fn migrate_copies_a_history_to_postgres_and_back_and_skips_runs_already_there() {
    let Some(db) = TestDatabase::create("history_migrate") else {
        return;
    };
    let h = Harness::new();
    let results = one_run(&h);
    let same = costlier(&h, &results, "same", 0);
    let slower = costlier(&h, &results, "slower", 3);
    fill(&h, "a.db", &same, &slower);

    let there = h.wasmbench(&["history", "migrate", "--from", "a.db", "--to", &db.url]);
    there.assert_code(0);
    assert!(
        there
            .stdout
            .contains("10 runs (60 values) copied from a.db to ")
            && there.stdout.contains("0 runs already there, skipped")
            && !there.stdout.contains(":wasmbench@"),
        "{}",
        there.transcript()
    );
    let back = h.wasmbench(&["history", "migrate", "--from", &db.url, "--to", "b.db"]);
    back.assert_code(0);
    assert!(
        back.stdout.contains("b.db holds 10 runs and 6 series"),
        "{}",
        back.transcript()
    );

    let a = outputs(&h, "a.db", &results, "a");
    let server = outputs(&h, &db.url, &results, "server");
    let b = outputs(&h, "b.db", &results, "b");
    assert_same("SQLite → PostgreSQL", &a, &server);
    assert_same("SQLite → PostgreSQL → SQLite", &a, &b);

    // Again: nothing to copy. With a run added on one side only, just that one.
    let again = h.wasmbench(&["history", "migrate", "--from", "a.db", "--to", &db.url]);
    again.assert_code(0);
    assert!(
        again.stdout.contains("0 runs (0 values) copied")
            && again.stdout.contains("10 runs already there"),
        "{}",
        again.transcript()
    );
    add(&h, "a.db", &slower, 10).assert_code(0);
    let one = h.wasmbench(&["history", "migrate", "--from", "a.db", "--to", &db.url]);
    one.assert_code(0);
    assert!(
        one.stdout.contains("1 run (6 values) copied"),
        "{}",
        one.transcript()
    );
}

#[test]
fn an_unreachable_server_is_named_without_its_password_with_the_fix() {
    let h = Harness::new();
    let url = "postgres://wasmbench:hunter2-secret@127.0.0.1:1/wasmbench";
    let check = h.wasmbench(&["history", "check", "--history", url]);
    check.assert_code(2);
    assert!(
        check.stderr.contains("postgres://wasmbench@127.0.0.1:1/wasmbench: cannot reach the history's PostgreSQL server")
            && check.stderr.contains("check that the server is running"),
        "{}",
        check.transcript()
    );
    // Through the environment too, and its value isn't in the help either.
    let mut cmd = h.command();
    cmd.env("WASMBENCH_HISTORY", url)
        .args(["history", "report", "-o", "t.html"]);
    let report = common::execute_watching(cmd, |_| {});
    report.assert_code(2);
    assert!(
        report.stderr.contains("127.0.0.1:1"),
        "{}",
        report.transcript()
    );
    let mut cmd = h.command();
    cmd.env("WASMBENCH_HISTORY", url)
        .args(["history", "add", "--help"]);
    let help = common::execute_watching(cmd, |_| {});
    help.assert_code(0);
    for run in [&check, &report, &help] {
        assert!(
            !run.stdout.contains("hunter2") && !run.stderr.contains("hunter2"),
            "the password shown:\n{}",
            run.transcript()
        );
    }
    // A URL that doesn't parse is refused when used, not echoed.
    let bad = h.wasmbench(&[
        "history",
        "check",
        "--history",
        "postgres://u:hunter2@h:port/d",
    ]);
    bad.assert_code(2);
    assert!(
        bad.stderr.contains("not a PostgreSQL URL") && !bad.stderr.contains("hunter2"),
        "{}",
        bad.transcript()
    );
}

#[test]
fn another_programs_schema_and_a_newer_history_are_refused() {
    let Some(db) = TestDatabase::create("history_refused") else {
        return;
    };
    let h = Harness::new();
    let results = one_run(&h);
    let mut client = db.client();
    // Nothing yet: check says how to make one.
    let empty = h.wasmbench(&["history", "check", "--history", &db.url]);
    empty.assert_code(2);
    assert!(
        empty.stderr.contains("holds no history yet"),
        "{}",
        empty.transcript()
    );
    client
        .batch_execute(
            "CREATE SCHEMA wasmbench_history; CREATE TABLE wasmbench_history.other (x int)",
        )
        .unwrap();
    let foreign = add(&h, &db.url, &results, 0);
    foreign.assert_code(2);
    assert!(
        foreign.stderr.contains("is not a wasmbench history: it holds one object of another program: table other; refusing to change it"),
        "{}",
        foreign.transcript()
    );
    client
        .batch_execute("DROP SCHEMA wasmbench_history CASCADE")
        .unwrap();
    add(&h, &db.url, &results, 0).assert_code(0);
    client
        .batch_execute("UPDATE wasmbench_history.meta SET version = 99")
        .unwrap();
    let newer = h.wasmbench(&["history", "check", "--history", &db.url]);
    newer.assert_code(2);
    assert!(
        newer
            .stderr
            .contains("history schema version 99 is newer than this wasmbench reads (1)"),
        "{}",
        newer.transcript()
    );
}

/// Login roles of a test's own, dropped with it (after the test's database, which holds their
/// grants: declare this before the [`TestDatabase`]).
struct Roles {
    admin: Option<String>,
    names: Vec<String>,
}

impl Drop for Roles {
    fn drop(&mut self) {
        let Some(admin) = &self.admin else {
            return;
        };
        if let Ok(mut client) = postgres::Client::connect(admin, postgres::NoTls) {
            for name in &self.names {
                let _ = client.batch_execute(&format!("DROP ROLE IF EXISTS {name}"));
            }
        }
    }
}

#[test]
fn the_rights_the_guide_lists_are_enough_to_add_and_to_read() {
    let mut roles = Roles {
        admin: None,
        names: Vec::new(),
    };
    let Some(db) = TestDatabase::create("history_rights") else {
        return;
    };
    roles.admin = std::env::var(crate::postgres_server::URL_VAR).ok();
    let h = Harness::new();
    let results = one_run(&h);
    let suffix = db.url.rsplit('_').next().unwrap().to_owned();
    let (writer, reader) = (format!("wb_writer_{suffix}"), format!("wb_reader_{suffix}"));
    let mut client = db.client();
    for name in [&writer, &reader] {
        client
            .batch_execute(&format!("CREATE ROLE {name} LOGIN PASSWORD 'pw-{suffix}'"))
            .unwrap();
        roles.names.push(name.clone());
    }
    let as_role = |name: &str| {
        let (_, rest) = db.url.split_once("://").unwrap();
        let server = rest.split_once('@').map_or(rest, |(_, server)| server);
        format!("postgres://{name}:pw-{suffix}@{server}")
    };
    // The writer can't create the history (no CREATE on the database): told which rights it needs.
    let refused = add(&h, &as_role(&writer), &results, 0);
    refused.assert_code(2);
    assert!(
        refused.stderr.contains("permission denied")
            && refused.stderr.contains("CREATE on the database"),
        "{}",
        refused.transcript()
    );
    // Created by the owner, then the guide's grants.
    add(&h, &db.url, &results, 0).assert_code(0);
    client
        .batch_execute(&format!(
            "GRANT USAGE ON SCHEMA wasmbench_history TO {writer}, {reader};
             GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA wasmbench_history TO {writer};
             GRANT SELECT ON ALL TABLES IN SCHEMA wasmbench_history TO {reader};"
        ))
        .unwrap();
    add(&h, &as_role(&writer), &results, 1).assert_code(0);
    let check = h.wasmbench(&["history", "check", "--history", &as_role(&reader)]);
    check.assert_code(0);
    assert!(
        check.stdout.contains("up to 2 commits"),
        "{}",
        check.transcript()
    );
    let denied = add(&h, &as_role(&reader), &results, 2);
    denied.assert_code(2);
    assert!(
        denied.stderr.contains("permission denied for table runs")
            && !denied.stderr.contains(&format!("pw-{suffix}")),
        "{}",
        denied.transcript()
    );
}
