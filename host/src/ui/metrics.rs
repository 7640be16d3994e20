//! `--metrics-addr`: the run's metrics served live over HTTP for Prometheus to scrape
//! (`GET /metrics`, OpenMetrics text), fed by an observer that passes everything on to the
//! progress display too (the benches', then the load scenarios'). Bound before the run starts, so a
//! port in use stops nothing half-done.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

use crate::report::openmetrics::{CONTENT_TYPE, LiveLoad, RunMetrics};
use crate::results::{BenchResult, LoadResult};
use crate::runner::load::{LoadObserver, LoadProgress};
use crate::runner::{BenchPlan, Observer, Phase};
use crate::suite::LoadPhase;

/// The HTTP endpoint; stops when dropped.
pub struct MetricsEndpoint {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MetricsEndpoint {
    /// Serves `metrics` at `http://ADDR/metrics` from a thread of its own.
    pub fn start(addr: SocketAddr, metrics: Arc<RunMetrics>) -> Result<Self> {
        let listener = std::net::TcpListener::bind(addr)
            .with_context(|| format!("serving metrics on {addr} (--metrics-addr)"))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (shutdown, mut stop) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("wasmbench-metrics".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("building the metrics endpoint's runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .expect("registering the metrics listener");
                    loop {
                        let stream = tokio::select! {
                            _ = &mut stop => break,
                            accepted = listener.accept() => match accepted {
                                Ok((stream, _)) => stream,
                                Err(_) => continue,
                            },
                        };
                        let metrics = metrics.clone();
                        tokio::spawn(async move {
                            let service = service_fn(move |request| {
                                let metrics = metrics.clone();
                                async move { Ok::<_, Infallible>(respond(&request, &metrics)) }
                            });
                            let _ = hyper::server::conn::http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        });
                    }
                });
            })
            .context("starting the metrics endpoint")?;
        Ok(MetricsEndpoint {
            addr,
            shutdown: Some(shutdown),
            thread: Some(thread),
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
pub struct MeteredObserver<'a> {
    pub inner: &'a mut dyn Observer,
    pub metrics: Arc<RunMetrics>,
    /// The bench started last, and its sides' ids (an A/B pair's second side is `<id>#1`).
    current: String,
}

impl<'a> MeteredObserver<'a> {
    pub fn new(inner: &'a mut dyn Observer, metrics: Arc<RunMetrics>, benches: usize) -> Self {
        metrics.planned(benches);
        MeteredObserver {
            inner,
            metrics,
            current: String::new(),
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
}

/// Passes a load scenario's events on to `inner` and records them in `metrics`, so a scrape during
/// a scenario sees its current phase's counts, p99 so far and requests in flight.
pub struct MeteredLoadObserver<'a> {
    pub inner: &'a mut dyn LoadObserver,
    pub metrics: &'a RunMetrics,
    scenario: String,
    phases: Vec<String>,
}

impl<'a> MeteredLoadObserver<'a> {
    pub fn new(inner: &'a mut dyn LoadObserver, metrics: &'a RunMetrics) -> Self {
        MeteredLoadObserver {
            inner,
            metrics,
            scenario: String::new(),
            phases: Vec::new(),
        }
    }
}

impl LoadObserver for MeteredLoadObserver<'_> {
    fn scenario_started(&mut self, index: usize, total: usize, id: &str, phases: &[LoadPhase]) {
        self.scenario = id.to_string();
        self.phases = phases.iter().map(|p| p.name.clone()).collect();
        self.inner.scenario_started(index, total, id, phases);
    }

    fn progress(&mut self, progress: &LoadProgress) {
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
        self.inner.progress(progress);
    }

    fn scenario_finished(&mut self, result: &LoadResult) {
        self.metrics.load_finished(result);
        self.inner.scenario_finished(result);
    }
}
