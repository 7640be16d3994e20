//! Request handlers for load tests: every `run` call serves ONE request, so a pool of instances fed
//! at an open-loop arrival rate behaves like a server under traffic.
//!
//! - `request`: parses and answers a small synthetic HTTP request; every `slow_every`-th request
//!   also burns `slow_cpu` of CPU, the "one CPU-heavy request blocks the event loop" effect.
//! - `empty`: answers at once, to measure the harness's own ceiling (its highest arrival rate).
//! - `cache-aside`: looks up one Zipf-skewed key per request in an in-guest LRU that starts empty and
//!   fills from the host's simulated store, so latency drops as the cache warms up.
//!
//! Each instance keeps its own request counter and random stream, and those persist across `run`
//! calls: request `i` of an instance always gets the same checksum, but consecutive requests differ.

mod burn;
mod cache_aside;
mod duration;
mod empty;
use wasmbench_sdk::lru;
mod request;
use wasmbench_sdk::rng;
mod synthetic;

use cache_aside::CacheAsideBench;
use empty::Empty;
use request::Request;

wasmbench_sdk::register!(Request, Empty, CacheAsideBench);
