//! The workload catalog against the host's capabilities: cache patterns, leaks, fetch concurrency,
//! parallel instances and group checksum agreement. (The outgoing-HTTP policy is tested with the
//! other escapes in `containment::escapes`.)

use crate::common::{self, counter};

use common::Harness;
use serde_json::Value;

fn median_ms(bench: &Value) -> f64 {
    bench["wall_ns"]["summary"]["median"]
        .as_f64()
        .expect("a wall-time median")
        / 1e6
}

#[test]
fn cache_patterns_agree_on_results_and_differ_in_store_traffic() {
    let h = Harness::new();
    let mut suite = String::from(
        "[defaults]\nsamples = 2\nwarmup = 0\nfuel_iterations = 1\n[backends]\nstore = \"2ms\"\nremote_cache = \"200us\"\n",
    );
    for workload in [
        "none",
        "aside",
        "write-through",
        "write-behind",
        "two-level",
        "invalidation",
    ] {
        suite.push_str(&format!(
            "[[bench]]\nplugin = \"cache\"\nworkload = \"{workload}\"\n"
        ));
    }
    let run = h.run_suite(&suite, &[]);
    run.assert_code(0);
    let id = |w: &str| format!("cache/{w}");
    let none = run.bench(&id("none"));
    for workload in [
        "none",
        "aside",
        "write-through",
        "write-behind",
        "two-level",
        "invalidation",
    ] {
        let bench = run.bench(&id(workload));
        assert_eq!(bench["status"], "ok", "{bench}");
        assert_eq!(
            counter(bench, "stale_reads"),
            0,
            "{workload} served a stale read"
        );
        assert_eq!(
            counter(bench, "store_digest"),
            counter(none, "store_digest"),
            "{workload} left a different final store state"
        );
        if workload != "invalidation" {
            assert_eq!(
                bench["checksum"], none["checksum"],
                "{workload} computed a different result"
            );
        }
    }
    // A cache takes reads off the store; every write pattern still persists every write (write-behind
    // batches them); the two-level cache uses the remote cache.
    for cached in ["aside", "write-through", "write-behind", "two-level"] {
        assert!(
            counter(run.bench(&id(cached)), "store.gets") < counter(none, "store.gets") / 2,
            "{cached} should read the store far less than no cache"
        );
    }
    assert!(counter(run.bench(&id("write-behind")), "store.puts") < counter(none, "store.puts"));
    assert!(counter(run.bench(&id("two-level")), "remote_cache.gets") > 0);
    assert!(counter(run.bench(&id("invalidation")), "invalidations") > 0);
    // Accounted latency is exact: calls × latency.
    assert_eq!(
        counter(none, "store.latency_ns"),
        (counter(none, "store.gets") + counter(none, "store.puts")) * 2_000_000
    );
}

#[test]
fn a_leak_is_flagged_for_leaky_listeners_only() {
    let h = Harness::new();
    let run = h.run_suite(
        "[defaults]\nsamples = 12\nwarmup = 1\nfuel_iterations = 1\n\
         [[bench]]\nplugin = \"memory\"\nworkload = \"leaky\"\ngroup = \"memory\"\n\
         [[bench]]\nplugin = \"memory\"\nworkload = \"bounded\"\ngroup = \"memory\"\n",
        &[],
    );
    run.assert_code(0);
    let leaky = run.bench("memory/leaky");
    let bounded = run.bench("memory/bounded");
    assert_eq!(
        leaky["memory"]["leak_suspected"], true,
        "{}",
        leaky["memory"]
    );
    assert_eq!(
        bounded["memory"]["leak_suspected"], false,
        "{}",
        bounded["memory"]
    );
    assert!(leaky["memory"]["growth_per_iteration"].as_f64().unwrap() > 64.0 * 1024.0);
    assert_eq!(leaky["checksum"], bounded["checksum"]);
}

#[test]
fn fetch_medians_follow_the_concurrency_model() {
    // n = 6 requests at 40 ms: sequential ≈ 240 ms, parallel ≈ 40 ms, limited (k = 2) ≈ 120 ms.
    // A test of shape with generous bounds, not a benchmark.
    let h = Harness::new();
    let run = h.run_suite(
        "[http]\n[defaults]\nsamples = 3\nwarmup = 1\nfuel_iterations = 1\n\
         [[bench]]\nplugin = \"fetch\"\nworkload = \"sequential\"\nparams = { n = 6, latency_ms = 40 }\ngroup = \"fetch\"\n\
         [[bench]]\nplugin = \"fetch\"\nworkload = \"parallel\"\nparams = { n = 6, latency_ms = 40 }\ngroup = \"fetch\"\n\
         [[bench]]\nplugin = \"fetch\"\nworkload = \"limited\"\nparams = { n = 6, k = 2, latency_ms = 40 }\ngroup = \"fetch\"\n",
        &[],
    );
    run.assert_code(0);
    let sequential = median_ms(run.bench("fetch/sequential[latency_ms=40,n=6]"));
    let parallel = median_ms(run.bench("fetch/parallel[latency_ms=40,n=6]"));
    let limited = median_ms(run.bench("fetch/limited[k=2,latency_ms=40,n=6]"));
    assert!(
        (0.95 * 240.0..240.0 * 2.0).contains(&sequential),
        "sequential {sequential} ms, model 240 ms"
    );
    assert!(
        (0.95 * 40.0..40.0 * 3.0).contains(&parallel),
        "parallel {parallel} ms, model 40 ms"
    );
    assert!(
        (0.95 * 120.0..120.0 * 2.0).contains(&limited),
        "limited {limited} ms, model 120 ms"
    );
    assert_eq!(
        counter(
            run.bench("fetch/limited[k=2,latency_ms=40,n=6]"),
            "max_in_flight"
        ),
        2
    );
    assert_eq!(
        counter(
            run.bench("fetch/parallel[latency_ms=40,n=6]"),
            "max_in_flight"
        ),
        6
    );
}

#[test]
fn bodiless_gets_never_fail_at_random() {
    // The "connection reset" pitfall of bodiless GETs: 60 iterations × 20 concurrent GETs.
    let h = Harness::new();
    let run = h.run_suite(
        "[http]\n[defaults]\nsamples = 60\nwarmup = 0\nfuel_iterations = 1\n\
         [[bench]]\nplugin = \"fetch\"\nworkload = \"parallel\"\nparams = { n = 20, latency_ms = 0, size = 64 }\n",
        &[],
    );
    run.assert_code(0);
    let bench = run.bench("fetch/parallel[latency_ms=0,n=20,size=64]");
    assert_eq!(bench["status"], "ok", "{bench}");
    assert_eq!(counter(bench, "errors"), 0);
}

#[test]
fn parallel_instances_report_aggregate_throughput() {
    let h = Harness::new();
    let run = h.run_suite(
        "[defaults]\nsamples = 5\nwarmup = 1\nfuel_iterations = 1\n\
         [[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 22 }\ninstances = 2\n",
        &[],
    );
    run.assert_code(0);
    let parallel = &run.bench("cpu/fib[n=22]")["parallel"];
    assert_eq!(parallel["instances"], 2, "{parallel}");
    assert_eq!(parallel["iterations"], 10);
    assert!(parallel["units_per_second"].as_f64().unwrap() > 0.0);
    assert!(parallel["speedup"].as_f64().unwrap() > 0.0);
}

#[test]
fn a_checksum_that_disagrees_with_its_group_fails() {
    let h = Harness::new();
    let run = h.run_suite(
        "[defaults]\nsamples = 2\nwarmup = 0\nfuel_iterations = 1\n\
         [[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 10 }\ngroup = \"g\"\n\
         [[bench]]\nplugin = \"cpu\"\nworkload = \"sieve\"\nparams = { limit = 100 }\ngroup = \"g\"\n\
         [[bench]]\nid = \"sweep-10\"\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 10 }\ngroup = \"sweep\"\n\
         [[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 11 }\ngroup = \"sweep\"\n",
        &[],
    );
    run.assert_code(1);
    let benches = run.results()["benches"].as_array().unwrap();
    assert_eq!(benches[0]["status"], "ok");
    let odd = &benches[1];
    assert_eq!(odd["status"], "error");
    assert!(
        odd["message"].as_str().unwrap().contains("differs"),
        "{odd}"
    );
    // A group sweeping a parameter compares only benches where it is equal: n = 10 and n = 11
    // compute different results, rightly.
    assert_eq!(benches[2]["status"], "ok", "{}", benches[2]);
    assert_eq!(benches[3]["status"], "ok", "{}", benches[3]);
}
