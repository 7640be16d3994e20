//! `--metrics-addr`: the run's metrics served live over HTTP for Prometheus to scrape
//! (`GET /metrics`, OpenMetrics text), fed by an observer that passes everything on to the
//! progress display too (the benches', then the load scenarios'). Bound before the run starts, so a
//! port in use stops nothing half-done.
//!
//! An observer must never take the run down, so what a peer can make the endpoint hold is bounded
//! (docs/containment/metrics-and-profiles.md): at most [`MAX_CONNECTIONS`] connections at once
//! (one more is accepted and closed at once, and counted), each one request whose head must
//! arrive within [`HEADER_TIMEOUT`] and fit in [`MAX_HEAD_BYTES`], and which lasts at most
//! [`CONNECTION_TIMEOUT`] in all, answer included. The endpoint thus holds at most
//! `MAX_CONNECTIONS` file descriptors and buffers, whoever connects.
//!
//! The endpoint closes before the results are written; once they are, [`linger`] serves the final
//! values again at the same address for a while (`--metrics-linger`), so a scraper whose last
//! scrape came before the end still sees the finished run.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};

use crate::report::openmetrics::{CONTENT_TYPE, LiveLoad, RunMetrics};
use crate::results::{BenchResult, LoadResult};
use crate::runner::interrupt;
use crate::runner::{BenchPlan, LoadProgress, Observer, Phase, RoundStart};

/// The most connections served at once: the endpoint is for a scraper or two. Beyond it a new
/// connection is closed as soon as it is accepted.
pub const MAX_CONNECTIONS: usize = 16;
/// How long a client has to send a request's head (request line and headers).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a connection may stay open, whatever it does or doesn't send: one request, answered.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);
/// The most a request's head may take (hyper's read buffer; 8 KiB is the least it allows). A GET
/// of `/metrics` needs a few hundred bytes.
pub const MAX_HEAD_BYTES: usize = 16 << 10;
/// The pause after a failed accept (out of file descriptors, say), so the loop doesn't spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// What peers cost the endpoint, counted for the note it leaves when it stops.
#[derive(Default)]
struct Turned {
    /// Connections closed at once: [`MAX_CONNECTIONS`] were being served.
    refused: AtomicU64,
    /// Connections closed at [`CONNECTION_TIMEOUT`].
    timed_out: AtomicU64,
}

/// The HTTP endpoint; stops when dropped.
pub struct MetricsEndpoint {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    turned: Arc<Turned>,
}

impl MetricsEndpoint {
    /// Serves `metrics` at `http://ADDR/metrics` from a thread of its own.
    pub fn start(addr: SocketAddr, metrics: Arc<RunMetrics>) -> Result<Self> {
        let listener = std::net::TcpListener::bind(addr)
            .with_context(|| format!("serving metrics on {addr} (--metrics-addr)"))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let turned = Arc::new(Turned::default());
        let counts = turned.clone();
        let thread = std::thread::Builder::new()
            .name("wasmbench-metrics".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("building the metrics endpoint's runtime");
                // Dropping the runtime at the end drops every connection still open.
                runtime.block_on(serve(listener, metrics, counts, stop));
            })
            .context("starting the metrics endpoint")?;
        Ok(MetricsEndpoint {
            addr,
            shutdown: Some(shutdown),
            thread: Some(thread),
            turned,
        })
    }

    /// Where it listens (the port the system chose for `:0`).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for MetricsEndpoint {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let refused = self.turned.refused.load(Ordering::Relaxed);
        let timed_out = self.turned.timed_out.load(Ordering::Relaxed);
        if refused + timed_out > 0 {
            eprintln!(
                "note: the metrics endpoint closed {refused} connections at once (over \
                 {MAX_CONNECTIONS} at a time) and {timed_out} after {CONNECTION_TIMEOUT:?}"
            );
        }
    }
}

/// How long to serve the final values after the run: `--metrics-linger`, else [`LINGER`] where no
/// one is at a terminal to wait for the prompt (stdout not a terminal, or `CI` set), else none.
pub fn linger_for(flag: Option<Duration>) -> Duration {
    use std::io::IsTerminal;
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
    flag.unwrap_or(if ci || !std::io::stdout().is_terminal() {
        LINGER
    } else {
        Duration::ZERO
    })
}

/// The default linger: a few scrape intervals of a Prometheus scraping every 5 s.
pub const LINGER: Duration = Duration::from_secs(15);

/// Serves `metrics`' final values at `addr` (where the run served them) for `linger`, or until
/// Ctrl-C; at once without a linger or after Ctrl-C ended the run. Says so on stderr, and says
/// why when the address can't be bound again (the run's results are written by then: nothing
/// fails).
pub fn linger(addr: SocketAddr, metrics: Arc<RunMetrics>, linger: Duration) {
    if linger.is_zero() || interrupt::requested() {
        return;
    }
    let endpoint = match MetricsEndpoint::start(addr, metrics) {
        Ok(endpoint) => endpoint,
        Err(e) => {
            eprintln!("note: the final metrics are not served after the run: {e:#}");
            return;
        }
    };
    eprintln!(
        "metrics: serving the final values at http://{addr}/metrics for {} more \
         (--metrics-linger; Ctrl-C stops now)",
        humantime::format_duration(linger)
    );
    let until = std::time::Instant::now() + linger;
    // The run's Ctrl-C handler sets the flag; a second Ctrl-C exits at once, as during the run.
    while !interrupt::requested() {
        let left = until.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            break;
        }
        std::thread::sleep(left.min(Duration::from_millis(50)));
    }
    drop(endpoint);
}

/// The accept loop: a connection is served while fewer than [`MAX_CONNECTIONS`] are, closed at
/// once otherwise; until `stop`.
async fn serve(
    listener: std::net::TcpListener,
    metrics: Arc<RunMetrics>,
    turned: Arc<Turned>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let listener =
        tokio::net::TcpListener::from_std(listener).expect("registering the metrics listener");
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            turned.refused.fetch_add(1, Ordering::Relaxed);
            drop(stream);
            continue;
        };
        let (metrics, turned) = (metrics.clone(), turned.clone());
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let metrics = metrics.clone();
                async move { Ok::<_, Infallible>(respond(&request, &metrics)) }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(MAX_HEAD_BYTES)
                .keep_alive(false)
                .serve_connection(TokioIo::new(stream), service);
            if tokio::time::timeout(CONNECTION_TIMEOUT, connection)
                .await
                .is_err()
            {
                turned.timed_out.fetch_add(1, Ordering::Relaxed);
            }
            drop(slot);
        });
    }
}

fn respond(request: &Request<Incoming>, metrics: &RunMetrics) -> Response<Full<Bytes>> {
    let (status, content_type, body) = match (request.method().as_str(), request.uri().path()) {
        ("GET", "/metrics") => (StatusCode::OK, CONTENT_TYPE, metrics.encode()),
        ("GET", _) => (
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            "wasmbench serves GET /metrics\n".to_string(),
        ),
        _ => (
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            "GET only\n".to_string(),
        ),
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    response
}

/// Passes a run's events on to `inner` and records them in `metrics`.
/// A scrape during a load scenario sees its current phase's counts, p99 so far and requests in
/// flight.
pub struct MeteredObserver<'a> {
    pub inner: &'a mut dyn Observer,
    pub metrics: Arc<RunMetrics>,
    /// The bench started last, and its sides' ids (an A/B pair's second side is `<id>#1`).
    current: String,
    /// The scenario whose round started last (`<id>#base` for an A/B run's base side), and its
    /// phases' names.
    scenario: String,
    phases: Vec<String>,
}

impl<'a> MeteredObserver<'a> {
    /// Follows a run of `benches` benches and its load scenarios.
    pub fn new(inner: &'a mut dyn Observer, metrics: Arc<RunMetrics>, benches: usize) -> Self {
        metrics.planned(benches);
        MeteredObserver {
            inner,
            metrics,
            current: String::new(),
            scenario: String::new(),
            phases: Vec::new(),
        }
    }
}

impl Observer for MeteredObserver<'_> {
    fn bench_started(&mut self, index: usize, total: usize, plan: &BenchPlan) {
        self.current = plan.id.clone();
        self.inner.bench_started(index, total, plan);
    }

    fn execution_started(&mut self, number: u32, of: u32) {
        self.inner.execution_started(number, of);
    }

    fn progress(&mut self, phase: Phase, done: u32, total: u32) {
        self.inner.progress(phase, done, total);
    }

    fn sample(&mut self, side: usize, wall_ns: u64, memory: u64) {
        let bench = match side {
            0 => self.current.clone(),
            side => format!("{}#{side}", self.current),
        };
        self.metrics.sample(&bench, wall_ns, memory);
        self.inner.sample(side, wall_ns, memory);
    }

    fn bench_finished(&mut self, result: &BenchResult) {
        self.metrics.bench_finished(result);
        self.inner.bench_finished(result);
    }

    fn round_started(&mut self, round: &RoundStart<'_>) {
        self.scenario = match round.side {
            Some("base") => format!("{}#base", round.id),
            _ => round.id.to_string(),
        };
        self.phases = round.phases.iter().map(|p| p.name.clone()).collect();
        self.inner.round_started(round);
    }

    fn round_progress(&mut self, progress: &LoadProgress) {
        if let Some(phase) = self.phases.get(progress.phase) {
            self.metrics.load_progress(&LiveLoad {
                scenario: &self.scenario,
                phase,
                in_flight: progress.in_flight,
                completed: progress.completed,
                failed: progress.failed,
                dropped: progress.dropped,
                p99_ns: progress.p99_ns,
            });
        }
        self.inner.round_progress(progress);
    }

    fn scenario_finished(&mut self, result: &LoadResult) {
        self.metrics.load_finished(result);
        self.inner.scenario_finished(result);
    }
}
