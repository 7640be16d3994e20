//! The HTTP fixture server: a real HTTP/1.1 server on 127.0.0.1 (ephemeral port), on its own thread,
//! serving deterministic bodies after a configured latency.
//!
//! `GET /item/{n}?size=&latency_ms=&jitter_ms=&error_rate=&seed=` — every query parameter is
//! optional and defaults to the suite's `[http]` table. The body is `size` bytes derived from
//! (seed, n); jitter and errors are seeded by (seed, n) too, so runs are repeatable.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::model::{HttpFixtureConfig, HttpFixtureTimes};
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Bodies are generated a chunk at a time, as the connection takes them: a plugin that opens many
/// requests for large bodies (and never reads them) can't make the host hold every body at once.
const BODY_CHUNK: usize = 64 << 10;

/// A response body: fixed bytes (errors) or `left` bytes more of a seeded stream.
enum Body {
    Fixed(Option<Bytes>),
    Generated { rng: Box<ChaCha8Rng>, left: u64 },
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let chunk = match self.get_mut() {
            Body::Fixed(bytes) => bytes.take(),
            Body::Generated { left: 0, .. } => None,
            Body::Generated { rng, left } => {
                let mut chunk = vec![0u8; (*left).min(BODY_CHUNK as u64) as usize];
                rng.fill_bytes(&mut chunk);
                *left -= chunk.len() as u64;
                Some(Bytes::from(chunk))
            }
        };
        Poll::Ready(chunk.map(|bytes| Ok(Frame::data(bytes))))
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::Fixed(bytes) => bytes.is_none(),
            Body::Generated { left, .. } => *left == 0,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Fixed(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            Body::Generated { left, .. } => SizeHint::with_exact(*left),
        }
    }
}

/// A running fixture server; stops when dropped.
pub struct FixtureServer {
    addr: SocketAddr,
    served: Arc<AtomicU64>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FixtureServer {
    pub fn start(config: HttpFixtureConfig) -> Result<Self> {
        FixtureServer::start_on(config, 0)
    }

    /// [`FixtureServer::start`] on a given port of 127.0.0.1 (0: any free one).
    pub fn start_on(config: HttpFixtureConfig, port: u16) -> Result<Self> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))
            .with_context(|| format!("binding the HTTP fixture server to 127.0.0.1:{port}"))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let served = Arc::new(AtomicU64::new(0));
        let (shutdown, mut stop) = tokio::sync::oneshot::channel::<()>();
        let counter = served.clone();
        let thread = std::thread::Builder::new()
            .name("wasmbench-http-fixture".into())
            .spawn(move || {
                // One thread for accepting and serving: a request never waits for another thread
                // to wake (each wake-up costs tens of microseconds on a virtual CPU).
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .expect("building the fixture server runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .expect("registering the listener");
                    loop {
                        let stream = tokio::select! {
                            _ = &mut stop => break,
                            accepted = listener.accept() => match accepted {
                                Ok((stream, _)) => stream,
                                Err(_) => continue,
                            },
                        };
                        // Answers are written as soon as they are ready: Nagle would hold back a
                        // small response behind the last one's unacknowledged segment.
                        let _ = stream.set_nodelay(true);
                        let counter = counter.clone();
                        tokio::spawn(async move {
                            let service = service_fn(move |request| {
                                counter.fetch_add(1, Ordering::Relaxed);
                                respond(request, config)
                            });
                            let _ = hyper::server::conn::http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        });
                    }
                });
            })?;
        Ok(FixtureServer {
            addr,
            served,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// `127.0.0.1:PORT`
    pub fn authority(&self) -> String {
        self.addr.to_string()
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests served so far.
    pub fn served(&self) -> u64 {
        self.served.load(Ordering::Relaxed)
    }

    /// Times the server's own round trip: a plain blocking client (no async runtime, no pool)
    /// asks for an empty body with no latency, over one kept-alive connection and over a new
    /// connection each time, pausing between requests as a bench's client waits out a latency:
    /// back to back, both threads stay awake and a round trip takes 8 µs here; after a pause, as
    /// in a bench, each side is woken first and it takes 50–80 µs. About 100 ms.
    pub fn time_round_trips(&self) -> Result<HttpFixtureTimes> {
        const WARMUP: usize = 10;
        const KEEP_ALIVE: usize = 100;
        const NEW_CONNECTIONS: usize = 50;
        const PAUSE: Duration = Duration::from_micros(500);
        let connect = || -> std::io::Result<std::net::TcpStream> {
            let stream = std::net::TcpStream::connect(self.addr)?;
            stream.set_nodelay(true)?;
            stream.set_read_timeout(Some(Duration::from_secs(5)))?;
            Ok(stream)
        };
        let timing = || format!("timing the HTTP fixture server at {}", self.addr);
        let mut kept = connect().with_context(timing)?;
        let mut keep_alive = Vec::with_capacity(KEEP_ALIVE);
        for i in 0..WARMUP + KEEP_ALIVE {
            std::thread::sleep(PAUSE);
            let start = Instant::now();
            round_trip(&mut kept, false).with_context(timing)?;
            if i >= WARMUP {
                keep_alive.push(start.elapsed());
            }
        }
        let mut new_connection = Vec::with_capacity(NEW_CONNECTIONS);
        for _ in 0..NEW_CONNECTIONS {
            std::thread::sleep(PAUSE);
            let start = Instant::now();
            round_trip(&mut connect().with_context(timing)?, true).with_context(timing)?;
            new_connection.push(start.elapsed());
        }
        let [keep_alive_p50_ns, keep_alive_p99_ns] = percentiles_ns(keep_alive);
        let [new_connection_p50_ns, new_connection_p99_ns] = percentiles_ns(new_connection);
        Ok(HttpFixtureTimes {
            keep_alive_requests: KEEP_ALIVE as u32,
            new_connection_requests: NEW_CONNECTIONS as u32,
            keep_alive_p50_ns,
            keep_alive_p99_ns,
            new_connection_p50_ns,
            new_connection_p99_ns,
        })
    }
}

/// One `GET` of an empty item with no latency, jitter or error, read to the end of its headers
/// (the body is empty: `Content-Length: 0`).
fn round_trip(stream: &mut std::net::TcpStream, close: bool) -> std::io::Result<()> {
    use std::io::{Error, Read, Write};
    let connection = if close { "connection: close\r\n" } else { "" };
    write!(
        stream,
        "GET /item/0?latency_ms=0&jitter_ms=0&error_rate=0&size=0 HTTP/1.1\r\n\
         host: fixture\r\n{connection}\r\n"
    )?;
    let mut got = Vec::with_capacity(256);
    let mut buf = [0u8; 512];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(Error::other(
                "the server closed the connection mid-response",
            ));
        }
        got.extend_from_slice(&buf[..n]);
    }
    if !got.starts_with(b"HTTP/1.1 200") {
        let line = String::from_utf8_lossy(&got);
        return Err(Error::other(format!(
            "unexpected answer: {}",
            line.lines().next().unwrap_or_default()
        )));
    }
    Ok(())
}

/// The median and 99th percentile (nearest rank) of `times`, ns.
fn percentiles_ns(mut times: Vec<Duration>) -> [u64; 2] {
    times.sort_unstable();
    let at = |q: f64| {
        let rank = ((q * times.len() as f64).ceil() as usize).clamp(1, times.len());
        times[rank - 1].as_nanos() as u64
    };
    [at(0.50), at(0.99)]
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn respond(
    request: Request<Incoming>,
    defaults: HttpFixtureConfig,
) -> Result<Response<Body>, Infallible> {
    let reply = |status: StatusCode, body: Bytes| {
        let mut response = Response::new(Body::Fixed(Some(body)));
        *response.status_mut() = status;
        Ok(response)
    };
    let Some(item) = request
        .uri()
        .path()
        .strip_prefix("/item/")
        .and_then(|n| n.parse::<u64>().ok())
    else {
        return reply(
            StatusCode::NOT_FOUND,
            Bytes::from_static(b"try GET /item/{n}\n"),
        );
    };
    let config = match with_query(defaults, request.uri().query().unwrap_or("")) {
        Ok(config) => config,
        Err(message) => return reply(StatusCode::BAD_REQUEST, Bytes::from(message)),
    };
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed ^ item.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let jitter_ns = config.jitter.as_nanos() as u64;
    let jitter = if jitter_ns > 0 {
        Duration::from_nanos(rng.random_range(0..=jitter_ns))
    } else {
        Duration::ZERO
    };
    super::precise::wait_for(config.latency + jitter).await;
    if config.error_rate > 0.0 && rng.random::<f64>() < config.error_rate {
        return reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            Bytes::from_static(b"injected error\n"),
        );
    }
    Ok(Response::new(Body::Generated {
        rng: Box::new(rng),
        left: config.size,
    }))
}

fn with_query(mut config: HttpFixtureConfig, query: &str) -> Result<HttpFixtureConfig, String> {
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("query parameter `{key}` must be an integer\n"))
        };
        match key {
            "size" => {
                config.size = number()?;
                HttpFixtureConfig::check_size(config.size)
                    .map_err(|why| format!("query parameter `size`: {why}\n"))?;
            }
            "latency_ms" => config.latency = Duration::from_millis(number()?),
            "jitter_ms" => config.jitter = Duration::from_millis(number()?),
            "seed" => config.seed = number()?,
            "error_rate" => {
                config.error_rate = value
                    .parse()
                    .map_err(|_| "query parameter `error_rate` must be a number\n".to_string())?
            }
            _ => return Err(format!("unknown query parameter `{key}`\n")),
        }
    }
    Ok(config)
}
