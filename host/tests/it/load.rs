//! Load mode: `[[load]]` scenarios run after the benches. Requests follow the schedule (open
//! model) or the connections (closed model); latency counts from each request's intended start, so
//! queueing shows; a full queue drops requests and counts them; a failing request fails alone; the
//! thresholds decide exit code 4. These tests check what is recorded, never how fast anything ran.

use serde_json::Value;

use crate::common::{Harness, Run};

/// The load scenario with this id (panics with the ids present if there is none).
fn scenario<'a>(run: &'a Run, id: &str) -> &'a Value {
    let loads = run.results()["loads"]
        .as_array()
        .unwrap_or_else(|| panic!("results.loads is not an array\n{}", run.transcript()));
    loads.iter().find(|l| l["id"] == id).unwrap_or_else(|| {
        let ids: Vec<&Value> = loads.iter().map(|l| &l["id"]).collect();
        panic!("no load scenario `{id}`; the results have {ids:?}")
    })
}

fn ids(run: &Run) -> Vec<String> {
    run.results()["loads"]
        .as_array()
        .expect("results.loads")
        .iter()
        .map(|l| l["id"].as_str().expect("a load id").to_string())
        .collect()
}

fn n(value: &Value, key: &str) -> u64 {
    value[key]
        .as_u64()
        .unwrap_or_else(|| panic!("`{key}` is not a count in {value:#}"))
}

fn f(value: &Value, key: &str) -> f64 {
    value[key]
        .as_f64()
        .unwrap_or_else(|| panic!("`{key}` is not a number in {value:#}"))
}

/// `errors` as `(kind, count)` pairs, and their sum.
fn errors(stats: &Value) -> (Vec<(String, u64)>, u64) {
    let kinds: Vec<(String, u64)> = stats["errors"]
        .as_object()
        .unwrap_or_else(|| panic!("no errors map in {stats:#}"))
        .iter()
        .map(|(kind, count)| (kind.clone(), count.as_u64().expect("an error count")))
        .collect();
    let sum = kinds.iter().map(|(_, c)| c).sum();
    (kinds, sum)
}

/// The counts of one span add up: every offered request was dropped, succeeded or failed.
fn assert_accounted(stats: &Value) {
    let (_, failed) = errors(stats);
    let (offered, dropped, ok) = (n(stats, "offered"), n(stats, "dropped"), n(stats, "ok"));
    assert!(dropped <= offered, "{stats:#}");
    assert_eq!(
        ok + failed,
        offered - dropped,
        "ok + failed ≠ sent: {stats:#}"
    );
}

/// A latency summary's percentiles are in order.
fn assert_ordered(p: &Value) {
    let at = |key| n(p, key);
    assert!(at("count") > 0, "{p:#}");
    assert!(
        at("p50") <= at("p90")
            && at("p90") <= at("p95")
            && at("p95") <= at("p99")
            && at("p99") <= at("p999")
            && at("p999") <= at("max"),
        "percentiles out of order: {p:#}"
    );
}

fn status(scenario: &Value) -> &str {
    scenario["status"].as_str().expect("a load status")
}

#[test]
fn open_model_follows_the_schedule_and_judges_thresholds() {
    let h = Harness::new();
    let run = h.run_suite(
        r#"
[[load]]
id = "empty/open"
plugin = "handler"
workload = "empty"
pool = 2
warmup = 2
fuel_iterations = 1
thresholds = ["error_rate < 1%", "throughput > 100000/s"]

[[load.phase]]
name = "steady"
duration = "1s"
rate = 100

[[load.phase]]
name = "ramp"
duration = "1s"
rate = 100
ramp_to = 300
thresholds = ["drop_rate <= 100%"]
"#,
        &[],
    );
    // A threshold failed, nothing else did.
    run.assert_code(4);
    let load = scenario(&run, "empty/open");
    assert_eq!(status(load), "ok", "{}", run.transcript());
    assert!(load["message"].is_null(), "{load:#}");
    assert!(load["aborted"].is_null(), "{load:#}");
    assert_eq!(load["setup"]["model"], "open");
    assert_eq!(load["setup"]["arrival"], "uniform");
    assert_eq!(n(&load["setup"], "pool"), 2);
    assert!(n(load, "fuel_per_request") > 0, "{load:#}");

    // Each phase offered what its schedule holds: 100/s for 1 s, then the area under 100 → 300/s.
    let phases = load["phases"].as_array().expect("phases");
    let names: Vec<&str> = phases.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["steady", "ramp"]);
    let stats: Vec<&Value> = phases.iter().map(|p| &p["stats"]).collect();
    assert_eq!(n(stats[0], "offered"), 100, "{:#}", stats[0]);
    let ramp = n(stats[1], "offered");
    assert!((198..=202).contains(&ramp), "the ramp offered {ramp}");
    assert_eq!(n(&phases[1], "start_ns"), 1_000_000_000);
    assert_eq!(f(&phases[1], "ramp_to"), 300.0);

    let overall = &load["overall"];
    for span in stats.iter().copied().chain([overall]) {
        assert_accounted(span);
        // handler/empty never fails; only drops (none expected, but not the point here) are spared.
        assert_eq!(
            n(span, "ok"),
            n(span, "offered") - n(span, "dropped"),
            "{span:#}"
        );
        assert_eq!(errors(span).1, 0, "{span:#}");
        assert_ordered(&span["latency"]);
        assert_ordered(&span["service"]);
        let spectrum = span["spectrum"].as_array().expect("spectrum");
        assert!(!spectrum.is_empty(), "{span:#}");
        assert_eq!(f(spectrum.last().unwrap(), "percentile"), 100.0);
        assert_eq!(
            n(spectrum.last().unwrap(), "latency_ns"),
            n(&span["latency"], "max")
        );
        assert!(
            spectrum.windows(2).all(|w| {
                f(&w[0], "percentile") < f(&w[1], "percentile")
                    && n(&w[0], "latency_ns") <= n(&w[1], "latency_ns")
            }),
            "spectrum out of order: {spectrum:#?}"
        );
    }
    // The whole scenario is the sum of its phases.
    for key in ["offered", "dropped", "ok"] {
        assert_eq!(
            n(overall, key),
            stats.iter().map(|s| n(s, key)).sum::<u64>(),
            "overall {key}"
        );
    }
    assert_eq!(
        n(&overall["latency"], "count"),
        stats.iter().map(|s| n(&s["latency"], "count")).sum::<u64>()
    );

    // The timeline covers the run and sees every request offered and finished.
    let timeline = load["timeline"].as_array().expect("timeline");
    assert!(!timeline.is_empty());
    assert!(n(load, "timeline_step_ns") > 0);
    let sum = |key| timeline.iter().map(|p| n(p, key)).sum::<u64>();
    assert_eq!(sum("offered"), n(overall, "offered"));
    assert_eq!(sum("ok"), n(overall, "ok"));
    assert_eq!(sum("dropped"), n(overall, "dropped"));
    assert_eq!(timeline.last().map(|p| n(p, "in_flight")), Some(0));
    assert!(
        n(&load["schedule_lag"], "count") == n(overall, "offered"),
        "every arrival's hand-off is in the schedule lag: {:#}",
        load["schedule_lag"]
    );

    // Verdicts: the phase's, then the scenario's, each with what was observed.
    let verdicts = load["thresholds"].as_array().expect("thresholds");
    let seen: Vec<(&str, &str, bool)> = verdicts
        .iter()
        .map(|v| {
            assert!(v["observed"].is_number(), "no observed value: {v:#}");
            (
                v["threshold"]["text"].as_str().unwrap(),
                v["scope"].as_str().unwrap(),
                v["passed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("drop_rate <= 100%", "ramp", true),
            ("error_rate < 1%", "overall", true),
            ("throughput > 100000/s", "overall", false),
        ]
    );
    let throughput = f(&verdicts[2], "observed");
    assert!(
        throughput > 0.0 && throughput < 100_000.0,
        "observed throughput {throughput}"
    );
    assert_eq!(f(&verdicts[1], "observed"), 0.0);

    // Shown: the failed threshold on the terminal, the scenario in the report.
    assert!(
        run.stdout
            .lines()
            .any(|l| l.contains("FAIL") && l.contains("throughput > 100000/s")),
        "{}",
        run.transcript()
    );
    assert!(run.stdout.contains("empty/open"), "{}", run.stdout);
    let html = std::fs::read_to_string(run.out.as_ref().unwrap().join("report.html"))
        .expect("report.html");
    assert!(
        html.contains("empty/open"),
        "the report doesn't name the scenario"
    );
    // And for a CI's test view, without a baseline: the missed threshold fails, and the scenario's
    // `status` case with it.
    let junit = std::fs::read_to_string(run.out.as_ref().unwrap().join("junit.xml"))
        .expect("junit.xml is written for a run with load scenarios");
    let doc = roxmltree::Document::parse(&junit).expect("well-formed junit.xml");
    let failing: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .filter(|n| n.children().any(|c| c.has_tag_name("failure")))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert_eq!(
        failing,
        ["status", "throughput > 100000/s (overall)"],
        "{junit}"
    );
}

/// handler/request burning 20 ms per request, at 100 requests per second into one instance: twice
/// its capacity.
const SLOW: &str = r#"
plugin = "handler"
workload = "request"
params = { slow_every = 1, slow_cpu = "20ms" }
pool = 1
warmup = 1
fuel_iterations = 1
"#;

#[test]
fn latency_from_the_intended_start_includes_queueing() {
    let h = Harness::new();
    let run = h.run_suite(
        &format!(
            "[[load]]\nid = \"queued\"\nqueue = 10000\n{SLOW}\n[[load.phase]]\nduration = \"1s\"\nrate = 100\n"
        ),
        &[],
    );
    run.assert_code(0);
    let load = scenario(&run, "queued");
    let overall = &load["overall"];
    assert_accounted(overall);
    // Nothing is dropped with a queue this long, and every request is served (the drain waits).
    assert_eq!(n(overall, "offered"), 100);
    assert_eq!(n(overall, "dropped"), 0);
    assert_eq!(n(overall, "ok"), 100, "{overall:#}");
    let (latency, service) = (&overall["latency"], &overall["service"]);
    assert_ordered(latency);
    assert_ordered(service);
    // Each request ran about 20 ms, but the last ones waited for all before them: measured from
    // the intended start, they took about half a second more.
    assert!(
        n(service, "p50") >= 19_000_000,
        "service p50 below the burn: {service:#}"
    );
    assert!(
        n(latency, "p99") > 3 * n(service, "p99"),
        "corrected p99 doesn't show the queueing: latency {latency:#}, service {service:#}"
    );
    assert!(
        n(latency, "p50") > n(service, "p50"),
        "latency {latency:#}, service {service:#}"
    );
    // The spectrum carries both curves; the corrected one is never below the service one.
    let spectrum = overall["spectrum"].as_array().unwrap();
    assert!(
        spectrum
            .iter()
            .all(|p| n(p, "latency_ns") >= n(p, "service_ns")),
        "{spectrum:#?}"
    );
    // The queue showed on the timeline.
    let timeline = load["timeline"].as_array().unwrap();
    assert!(
        timeline.iter().any(|p| n(p, "in_flight") > 5),
        "{timeline:#?}"
    );
}

#[test]
fn a_full_queue_drops_requests_and_counts_them() {
    let h = Harness::new();
    let run = h.run_suite(
        &format!(
            "[[load]]\nid = \"dropping\"\nqueue = 0\nthresholds = [\"drop_rate < 1%\"]\n{SLOW}\n\
             [[load.phase]]\nduration = \"1s\"\nrate = 100\n"
        ),
        &[],
    );
    // The drops fail the threshold, not the scenario.
    run.assert_code(4);
    let load = scenario(&run, "dropping");
    assert_eq!(status(load), "ok", "{}", run.transcript());
    assert_eq!(n(&load["setup"], "queue"), 0);
    let overall = &load["overall"];
    assert_accounted(overall);
    let (offered, dropped) = (n(overall, "offered"), n(overall, "dropped"));
    assert_eq!(offered, 100);
    // One instance busy 20 ms per request can't take every arrival 10 ms apart.
    assert!(dropped > 0 && dropped < offered, "{overall:#}");
    assert_eq!(
        n(overall, "ok") + errors(overall).1 + dropped,
        offered,
        "{overall:#}"
    );
    let drop_rate = f(overall, "drop_rate");
    assert!(
        (drop_rate - dropped as f64 / offered as f64).abs() < 1e-9,
        "{overall:#}"
    );
    let phase = &load["phases"][0]["stats"];
    assert_eq!(n(phase, "dropped"), dropped);
    let timeline = load["timeline"].as_array().unwrap();
    assert_eq!(
        timeline.iter().map(|p| n(p, "dropped")).sum::<u64>(),
        dropped
    );
    let verdict = &load["thresholds"][0];
    assert_eq!(verdict["passed"], false, "{verdict:#}");
    assert!((f(verdict, "observed") - drop_rate).abs() < 1e-9);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.contains("FAIL") && l.contains("drop_rate < 1%")),
        "{}",
        run.transcript()
    );
}

#[test]
fn a_trapping_or_stuck_plugin_fails_only_its_requests() {
    let h = Harness::new();
    let run = h.run_suite(
        r#"
# Fails every request: its fuel pass (the first request, on the metered engine) traps, so the
# scenario fails before its phases.
[[load]]
id = "trap"
plugin = "misbehave"
workload = "trap"
pool = 2
[[load.phase]]
duration = "1s"
rate = 20

# Never returns: the fuel pass hits the deadline (a fuel budget no loop burns within 1 s, so the
# deadline, not the budget, stops it however fast the machine is).
[[load]]
id = "spin"
plugin = "misbehave"
workload = "spin"
pool = 1
deadline = "1s"
fuel = 1_000_000_000_000
[[load.phase]]
duration = "1s"
rate = 5

# Passes the fuel pass, then each instance's third request runs out of memory: that request
# fails, the instance is opened again and serves the next ones.
[[load]]
id = "grow"
plugin = "misbehave"
workload = "grow"
params = { bytes = "1 MiB" }
memory = "4 MiB"
fuel_iterations = 1
warmup = 0
pool = 2
[[load.phase]]
duration = "1s"
rate = 20

# Passes the fuel pass, answers its instance's first request, then loops forever in the
# uninstrumented engine: the requests left are failed as timeouts when the drain ends.
[[load]]
id = "stuck"
plugin = "misbehave"
workload = "spin-later"
params = { after = 1 }
fuel_iterations = 1
warmup = 0
pool = 1
deadline = "500ms"
[[load.phase]]
duration = "1s"
rate = 5

[[load]]
id = "healthy"
plugin = "handler"
workload = "empty"
warmup = 1
fuel_iterations = 1
[[load.phase]]
duration = "1s"
rate = 20
"#,
        &[],
    );
    run.assert_code(1);
    assert_eq!(ids(&run), ["trap", "spin", "grow", "stuck", "healthy"]);

    let trap = scenario(&run, "trap");
    assert_eq!(status(trap), "trap", "{trap:#}");
    let message = trap["message"].as_str().unwrap_or("");
    assert!(message.contains("unreachable"), "{message}");
    let spin = scenario(&run, "spin");
    assert_eq!(status(spin), "timeout", "{spin:#}");
    assert!(
        spin["message"].as_str().unwrap_or("").contains("deadline"),
        "{spin:#}"
    );

    // A failed request restarts its instance.
    let grow = scenario(&run, "grow");
    assert_eq!(status(grow), "ok", "{grow:#}");
    assert!(
        grow["message"].is_null(),
        "an instance was lost: {}",
        grow["message"]
    );
    let overall = &grow["overall"];
    assert_accounted(overall);
    let (kinds, failed) = errors(overall);
    assert!(
        kinds.iter().all(|(kind, _)| kind == "memory-limit"),
        "{kinds:?}"
    );
    assert!(failed >= 2, "{overall:#}");
    // Two requests fit in an instance's memory, the third fails: without a restart every later
    // request would fail too.
    assert!(n(overall, "ok") >= failed, "{overall:#}");

    // A stuck instance costs only the requests it holds and those waiting for it.
    let stuck = scenario(&run, "stuck");
    assert_eq!(status(stuck), "ok", "{stuck:#}");
    let overall = &stuck["overall"];
    assert_accounted(overall);
    assert_eq!(n(overall, "offered"), 5);
    assert!(n(overall, "ok") >= 1, "{overall:#}");
    let (kinds, failed) = errors(overall);
    assert!(failed >= 1, "{overall:#}");
    assert!(kinds.iter().all(|(kind, _)| kind == "timeout"), "{kinds:?}");

    // The scenario after them ran as if nothing happened.
    let healthy = scenario(&run, "healthy");
    assert_eq!(status(healthy), "ok", "{healthy:#}");
    let overall = &healthy["overall"];
    assert_eq!(n(overall, "offered"), 20);
    assert_eq!(n(overall, "ok"), 20, "{overall:#}");
    assert_eq!(errors(overall).1, 0);
}

#[test]
fn closed_model_runs_connections() {
    let h = Harness::new();
    let run = h.run_suite(
        r#"
[[load]]
id = "closed"
plugin = "handler"
workload = "empty"
model = "closed"
connections = 3
pool = 1
warmup = 1
fuel_iterations = 1
[[load.phase]]
duration = "1s"

# Each connection waits 100 ms between requests: at most about 10 per second each.
[[load]]
id = "thinking"
plugin = "handler"
workload = "empty"
model = "closed"
connections = 2
think = "100ms"
pool = 2
warmup = 1
fuel_iterations = 1
[[load.phase]]
duration = "1s"
"#,
        &[],
    );
    run.assert_code(0);
    let closed = scenario(&run, "closed");
    assert_eq!(status(closed), "ok", "{closed:#}");
    let setup = &closed["setup"];
    assert_eq!(setup["model"], "closed");
    assert_eq!(n(setup, "connections"), 3);
    assert!(setup["arrival"].is_null(), "{setup:#}");
    let overall = &closed["overall"];
    assert_accounted(overall);
    assert!(n(overall, "offered") > 0, "{overall:#}");
    assert_eq!(n(overall, "dropped"), 0, "{overall:#}");
    assert_eq!(n(overall, "ok"), n(overall, "offered"), "{overall:#}");
    assert_ordered(&overall["latency"]);
    // A connection waits for its answer before sending again: never more in flight than
    // connections.
    let timeline = closed["timeline"].as_array().unwrap();
    assert!(
        timeline.iter().all(|p| n(p, "in_flight") <= 3),
        "{timeline:#?}"
    );
    assert_eq!(
        timeline.iter().map(|p| n(p, "offered")).sum::<u64>(),
        n(overall, "offered")
    );

    let thinking = scenario(&run, "thinking");
    assert_eq!(status(thinking), "ok", "{thinking:#}");
    assert_eq!(n(&thinking["setup"], "think_ns"), 100_000_000);
    let offered = n(&thinking["overall"], "offered");
    // Two connections, each one request per 100 ms think (plus its service) over 1 s.
    assert!((2..=22).contains(&offered), "offered {offered}");
}

#[test]
fn bad_load_suites_are_refused_with_the_key_and_line() {
    // The details of each key's checks are unit tests (`suite/tests.rs`); here, the exit code and
    // the message as the user sees it.
    let h = Harness::new();
    let run = h.run_suite(
        r#"[[load]]
plugin = "handler"
workload = "empty"
model = "opne"
[[load.phase]]
duration = "1s"
rate = 5
"#,
        &[],
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains("suite.toml:4:")
            && run.stderr.contains("load[0].model")
            && run.stderr.contains("did you mean `open`?"),
        "{}",
        run.transcript()
    );
    assert!(run.results.is_none(), "results written for a bad suite");

    let run = h.run_suite(
        r#"[[load]]
plugin = "handler"
workload = "empty"
thresholds = ["p96 < 1s"]
[[load.phase]]
duration = "1s"
rate = 5
"#,
        &[],
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains("suite.toml:4:")
            && run.stderr.contains("load[0].thresholds[0]")
            && run.stderr.contains("unknown metric `p96`"),
        "{}",
        run.transcript()
    );

    // An unknown workload is found when its scenario starts: that scenario fails, with a hint.
    let run = h.run_suite(
        r#"[[load]]
id = "typo"
plugin = "handler"
workload = "emtpy"
[[load.phase]]
duration = "1s"
rate = 5
"#,
        &[],
    );
    run.assert_code(1);
    let typo = scenario(&run, "typo");
    assert_eq!(status(typo), "error", "{typo:#}");
    let message = typo["message"].as_str().unwrap_or("");
    assert!(
        message.contains("unknown workload `emtpy`") && message.contains("did you mean `empty`?"),
        "{message}"
    );
}

#[test]
fn filters_select_load_scenarios() {
    let h = Harness::new();
    let suite = h.suite(
        "suite.toml",
        r#"
[defaults]
warmup = 1
samples = 2
fuel_iterations = 1

[[bench]]
id = "fib"
plugin = "cpu"
workload = "fib"
params = { n = 10 }

[[load]]
id = "web/empty"
plugin = "handler"
workload = "empty"
warmup = 1
[[load.phase]]
duration = "1s"
rate = 10

[[load]]
id = "web/other"
plugin = "handler"
workload = "empty"
warmup = 1
[[load.phase]]
duration = "1s"
rate = 10
"#,
    );
    // Only the first scenario: no bench, no error for that.
    let run = h.run(&suite, &["--filter", "web/emp"]);
    run.assert_code(0);
    assert_eq!(ids(&run), ["web/empty"]);
    assert_eq!(run.results()["benches"].as_array().map(Vec::len), Some(0));
    assert!(
        !run.stderr.contains("no bench id contains"),
        "{}",
        run.transcript()
    );
    assert_eq!(n(&scenario(&run, "web/empty")["overall"], "offered"), 10);

    // The bench only: no scenario runs.
    let run = h.run(&suite, &["--filter", "fib"]);
    run.assert_code(0);
    assert!(ids(&run).is_empty(), "{:?}", ids(&run));
    assert_eq!(run.results()["benches"].as_array().map(Vec::len), Some(1));

    // A filter that matches nothing is still an error.
    let run = h.run(&suite, &["--filter", "nothing-matches"]);
    run.assert_code(2);
}

/// Benches and scenarios run in one loop: a scenario's round runs between the benches'
/// executions (so its one round ends before benches of three executions do), the journal holds
/// scenarios as well as benches, and a journal read in place of results keeps both.
#[test]
fn scenarios_run_in_the_loop_with_benches_and_are_journaled() {
    let h = Harness::new();
    let suite = h.suite(
        "suite.toml",
        r#"
[defaults]
warmup = 0
samples = 2
fuel_iterations = 1
executions = 3

[[bench]]
id = "fib"
plugin = "cpu"
workload = "fib"
params = { n = 10 }

[[load]]
id = "web/empty"
plugin = "handler"
workload = "empty"
warmup = 1
[[load.phase]]
duration = "500ms"
rate = 10
"#,
    );
    let run = h.run(&suite, &[]);
    run.assert_code(0);
    assert_eq!(ids(&run), ["web/empty"]);
    let journal = run.out.as_ref().unwrap().join("journal.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap();
    let kinds: Vec<String> = text
        .lines()
        .skip(1)
        .map(|line| {
            let entry: Value = serde_json::from_str(line).unwrap();
            let (kind, result) = entry.as_object().unwrap().iter().next().unwrap();
            format!("{kind} {}", result["id"].as_str().unwrap())
        })
        .collect();
    // The scenario's one round ran in the first round of the loop, before fib's last execution.
    assert_eq!(kinds, ["load web/empty", "bench fib"], "{text}");

    // The journal stands in for results: the scenario is in the report read from it.
    let report = h.path().join("from-journal.html");
    let read = h.wasmbench(&[
        "report",
        journal.to_str().unwrap(),
        "--output",
        report.to_str().unwrap(),
    ]);
    read.assert_code(0);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("web/empty"), "{}", read.transcript());
}

/// Rates are per second of the phase: five arrivals in a one-second phase are 5 per second.
#[test]
fn rates_are_per_second_of_the_phase() {
    let h = Harness::new();
    let run = h.run_suite(
        r#"
[[load]]
id = "sparse"
plugin = "handler"
workload = "empty"
warmup = 1
fuel_iterations = 1
thresholds = ["throughput <= 5/s"]
[[load.phase]]
duration = "1s"
rate = 5
"#,
        &[],
    );
    let load = scenario(&run, "sparse");
    let overall = &load["overall"];
    assert_eq!(n(overall, "offered"), 5);
    assert_eq!(n(overall, "ok"), 5);
    let phase = &load["phases"][0]["stats"];
    for span in [overall, phase] {
        let (offered_rate, throughput) = (f(span, "offered_rate"), f(span, "throughput"));
        assert!(
            (offered_rate - 5.0).abs() < 0.05 && (throughput - 5.0).abs() < 0.05,
            "offered {offered_rate}/s, throughput {throughput}/s for 5 requests in 1 s"
        );
    }
    run.assert_code(0);
}

#[test]
fn abort_on_fail_stops_the_schedule_and_results_match_the_schema() {
    let h = Harness::new();
    // Every request burns 20 ms with one instance: at 200/s the queue grows at once and the
    // corrected p99 passes 10 ms within the first hundred requests, so the schedule stops long
    // before its 1000 arrivals.
    let run = h.run_suite(
        &format!(
            "[[load]]\nid = \"aborted\"\nqueue = 10000\nthresholds = [\"p99 < 10ms\"]\n\
             abort_on_fail = true\n{SLOW}\n[[load.phase]]\nname = \"hold\"\nduration = \"5s\"\n\
             rate = 200\n\n\
             [[load]]\nid = \"fine\"\nplugin = \"handler\"\nworkload = \"empty\"\n\
             [[load.phase]]\nduration = \"1s\"\nrate = 20\n"
        ),
        &[],
    );
    run.assert_code(4);
    let load = scenario(&run, "aborted");
    let aborted = load["aborted"]
        .as_str()
        .unwrap_or_else(|| panic!("{load:#}"));
    assert!(
        aborted.contains("p99 < 10ms") && aborted.contains("abort_on_fail"),
        "{aborted}"
    );
    let overall = &load["overall"];
    assert_accounted(overall);
    let offered = n(overall, "offered");
    assert!(
        (100..1000).contains(&offered),
        "the schedule went on after the threshold failed: {offered} offered"
    );
    let verdict = &load["thresholds"][0];
    assert_eq!(verdict["passed"], false, "{verdict:#}");
    // The next scenario still ran, whole.
    assert_eq!(n(&scenario(&run, "fine")["overall"], "ok"), 20);
    // A run with load scenarios is a valid results.json.
    let problems = crate::schema::errors(&crate::schema::validator(), run.results());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Think time ends with the schedule: a connection thinking an hour when its 1 s phase is over
/// doesn't hold the scenario (or lose its answers as timeouts).
#[test]
fn think_time_ends_with_the_phases() {
    let h = Harness::new();
    let run = h.run_suite(
        r#"
[[load]]
id = "pensive"
plugin = "handler"
workload = "empty"
model = "closed"
connections = 2
think = "1h"
pool = 1
warmup = 1
fuel_iterations = 1
deadline = "2s"
[[load.phase]]
duration = "1s"
"#,
        &[],
    );
    run.assert_code(0);
    let pensive = scenario(&run, "pensive");
    assert_eq!(status(pensive), "ok", "{pensive:#}");
    let overall = &pensive["overall"];
    // One request per connection, then thinking until the phase ends.
    assert_eq!(n(overall, "offered"), 2, "{overall:#}");
    assert_eq!(n(overall, "ok"), 2, "{overall:#}");
    assert!(
        run.elapsed < std::time::Duration::from_secs(60),
        "the scenario waited out its think time: {:?}",
        run.elapsed
    );
}

/// Think time ends with the schedule when an abort stops it early too: connections thinking an
/// hour in a minute-long phase wake when `abort_on_fail` stops the schedule, and the scenario ends
/// with its answers.
#[test]
fn think_time_ends_when_an_abort_stops_the_schedule() {
    let h = Harness::new();
    // 120 connections send one request each (enough for a threshold to be judged early), then
    // think; no request meets a p99 of 1 ns, so the first progress tick aborts.
    let run = h.run_suite(
        r#"
[[load]]
id = "pensive"
plugin = "handler"
workload = "empty"
model = "closed"
connections = 120
think = "1h"
pool = 1
warmup = 1
fuel_iterations = 1
deadline = "2s"
thresholds = ["p99 < 1ns"]
abort_on_fail = true
[[load.phase]]
duration = "60s"
"#,
        &[],
    );
    run.assert_code(4);
    let pensive = scenario(&run, "pensive");
    assert!(
        pensive["aborted"]
            .as_str()
            .is_some_and(|a| a.contains("abort_on_fail")),
        "{pensive:#}"
    );
    let overall = &pensive["overall"];
    assert_eq!(n(overall, "offered"), 120, "{overall:#}");
    assert_eq!(n(overall, "ok"), 120, "{overall:#}");
    assert!(
        run.elapsed < std::time::Duration::from_secs(30),
        "the thinking connections outlived the abort: {:?}",
        run.elapsed
    );
}
