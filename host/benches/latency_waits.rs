//! How late a simulated latency ends: the database's and the cache backends' slept latency, and
//! the HTTP fixture server's wait before answering. Compares what was used before (a plain thread
//! sleep; tokio's millisecond timer) with the precise waits (`capability::precise`), each at the
//! latencies the suites use, and prints the overshoot's median, 99th percentile and maximum.
//!
//! Usage: cargo bench -p wasmbench --bench latency_waits [-- WAITS]   (default 2000 waits each)
//! Not a criterion bench: criterion reports a mean, and the issue is the tail.

use std::time::{Duration, Instant};

use wasmbench::capability::precise;

fn main() {
    let waits: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map_or(2000, |a| a.parse().expect("WAITS: a count"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    println!("| wait | latency | waits | over p50 | over p99 | over max |");
    println!("|---|---|---|---|---|---|");
    for latency in [Duration::from_micros(100), Duration::from_millis(1)] {
        report("std::thread::sleep (before)", latency, waits, || {
            std::thread::sleep(latency)
        });
        report("precise::block_for", latency, waits, || {
            precise::block_for(latency)
        });
    }
    for latency in [
        Duration::from_micros(100),
        Duration::from_millis(1),
        Duration::from_millis(20),
    ] {
        let count = if latency > Duration::from_millis(5) {
            waits / 20
        } else {
            waits
        };
        report("tokio::time::sleep (before)", latency, count, || {
            runtime.block_on(async { tokio::time::sleep(latency).await })
        });
        report("precise::wait_for", latency, count, || {
            runtime.block_on(precise::wait_for(latency))
        });
    }
}

/// Times `count` calls of `wait` and prints how much longer than `latency` they took.
fn report(name: &str, latency: Duration, count: usize, mut wait: impl FnMut()) {
    let mut over: Vec<u64> = (0..count)
        .map(|_| {
            let start = Instant::now();
            wait();
            start.elapsed().saturating_sub(latency).as_nanos() as u64
        })
        .collect();
    over.sort_unstable();
    let at = |q: f64| over[((q * count as f64).ceil() as usize).clamp(1, count) - 1];
    let us = |ns: u64| format!("{:.1} µs", ns as f64 / 1e3);
    println!(
        "| {name} | {latency:?} | {count} | {} | {} | {} |",
        us(at(0.5)),
        us(at(0.99)),
        us(over[count - 1])
    );
}
