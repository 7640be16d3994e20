//! `request`: a typical request handler, with an occasional CPU-heavy request.

use std::time::{Duration, Instant};

use wasmbench_sdk::{Outcome, Params, Workload};

use crate::burn::burn;
use crate::duration;
use crate::synthetic::{handle, render};

/// Extra time per request, in percent of its own, baked in at build time: building with
/// `WASMBENCH_HANDLER_EXTRA_PERCENT=P` makes every request take P% longer (a known regression for
/// `scripts/load-ab.sh` and `scripts/history-load-trial.sh`); 0 for the workspace's own build.
const EXTRA_PERCENT: u64 =
    wasmbench_sdk::build_percent(option_env!("WASMBENCH_HANDLER_EXTRA_PERCENT"));

/// Serves one synthetic request per `run`; every `slow_every`-th also burns `slow_cpu` of CPU.
pub(crate) struct Request {
    body: usize,
    slow_every: u64,
    slow_cpu: Duration,
    /// Requests this instance has served: the next request's index.
    served: u64,
    // Buffers reused across requests, as a server would.
    request: Vec<u8>,
    decoded: Vec<u8>,
    response: String,
}

/// Whether request `index` (0-based) of an instance is a slow one: the `every`-th, `2 × every`-th,
/// ... request; never when `every` is 0.
pub(crate) fn is_slow(index: u64, every: u64) -> bool {
    every != 0 && (index + 1).is_multiple_of(every)
}

impl Workload for Request {
    const NAME: &'static str = "request";
    const DESCRIPTION: &'static str = "one request per run: parse a synthetic form POST of `body` bytes and answer it; every `slow_every`-th request also burns `slow_cpu` of CPU (counter `slow`)";
    const UNIT: &'static str = "requests";
    const PARAMS: &'static [(&'static str, &'static str)] = &[
        ("body", "2 KiB"),
        ("slow_every", "100"),
        ("slow_cpu", "50ms"),
    ];

    fn setup(params: &Params) -> Result<Self, String> {
        let body = params.bytes("body")?;
        if body > 16 << 20 {
            return Err(format!(
                "parameter `body` must be at most 16 MiB, got {body} bytes"
            ));
        }
        let body = body as usize;
        Ok(Request {
            body,
            slow_every: params.u64("slow_every")?,
            slow_cpu: duration::param(params, "slow_cpu")?,
            served: 0,
            request: Vec::with_capacity(body + 256),
            decoded: Vec::new(),
            response: String::new(),
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        // The build sets EXTRA_PERCENT; in the plain build this is `None`, without a clock read.
        #[allow(clippy::absurd_extreme_comparisons)]
        let start = (EXTRA_PERCENT > 0).then(Instant::now);
        let index = self.served;
        self.served += 1;
        render(index, self.body, &mut self.request);
        let checksum = handle(&self.request, &mut self.decoded, &mut self.response)?;
        let slow = is_slow(index, self.slow_every);
        if slow {
            // The work done depends on timing, so it stays out of the checksum.
            std::hint::black_box(burn(self.slow_cpu));
        }
        if let Some(start) = start {
            std::hint::black_box(burn(start.elapsed() * EXTRA_PERCENT as u32 / 100));
        }
        Ok(Outcome::new(checksum, 1).counter("slow", u64::from(slow)))
    }
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nth_request_is_slow() {
        let slow: Vec<u64> = (0..300).filter(|&i| is_slow(i, 100)).collect();
        assert_eq!(slow, [99, 199, 299]);
        assert!((0..1000).all(|i| !is_slow(i, 0)), "0 means never");
        assert!((0..10).all(|i| is_slow(i, 1)), "1 means always");
    }

    #[test]
    fn requests_are_deterministic_per_index_and_count_slow_ones() {
        let params = Params::with_defaults(
            Request::PARAMS,
            [
                ("slow_every".to_string(), "3".to_string()),
                ("slow_cpu".to_string(), "1ms".to_string()),
            ],
        );
        let outcomes = |n| {
            let mut bench = Request::setup(&params).unwrap();
            (0..n).map(|_| bench.run().unwrap()).collect::<Vec<_>>()
        };
        let (a, b) = (outcomes(6), outcomes(6));
        assert_eq!(a, b, "a fresh instance replays the same requests");
        assert_ne!(a[0].checksum, a[1].checksum);
        let slow: Vec<u64> = a.iter().map(|o| o.counters[0].1).collect();
        assert_eq!(slow, [0, 0, 1, 0, 0, 1]);
        assert!(a.iter().all(|o| o.units == 1));
    }

    #[test]
    fn bad_parameters_are_named() {
        let given = |name: &str, value: &str| {
            let params =
                Params::with_defaults(Request::PARAMS, [(name.to_string(), value.to_string())]);
            Request::setup(&params).err().unwrap_or_default()
        };
        assert!(given("slow_cpu", "1.5ms").contains("parameter `slow_cpu`"));
        assert!(given("slow_every", "-1").contains("parameter `slow_every`"));
        assert!(given("body", "1 GiB").contains("parameter `body`"));
    }
}
