//! Concurrent HTTP requests: one after another (`await` in a loop), all at once (`Promise.all`), or
//! at most `k` in flight (`p-limit`), against the host's HTTP fixture server.
//!
//! All three send the same `n` requests and get the same bodies, so their checksums agree (bodies
//! are combined in request order, whatever order they complete in). With a server latency of
//! `latency_ms`, wall time goes roughly from `n × latency` (`sequential`) to `⌈n / k⌉ × latency`
//! (`limited`) to about one `latency` (`parallel`); the `max_in_flight` counter shows the
//! concurrency each one actually reached.
//!
//! `connection = "keep-alive"` (the default, like Node's agent since v19) lets the host send each
//! request over a connection a finished one left open; `connection = "close"` sends
//! `Connection: close`, so every request opens a new TCP connection (Node's `agent: false`): the
//! guide's "reuse connections" lesson. The host counts `http.connections_opened` and
//! `http.connections_reused`.
//!
//! Requests go through `wstd` (WASI 0.2 `wasi:http/outgoing-handler`), driven by its
//! single-threaded reactor; one `block_on` per iteration.

use std::cell::Cell;

use futures::{StreamExt, TryStreamExt};
use wasmbench_sdk::{Outcome, Params, Workload, fnv1a, host};
use wstd::http::{Body, Client, Request};

/// What one response contributes to an iteration's result.
struct Fetched {
    index: usize,
    ok: bool,
    bytes: u64,
    digest: u64,
}

/// The `n` request URLs and the client shared by every workload.
struct Requests {
    urls: Vec<String>,
    /// Send `Connection: close`: a new connection per request.
    close: bool,
    client: Client,
    in_flight: Cell<u64>,
    max_in_flight: Cell<u64>,
}

/// Parameters every workload takes, followed by the workload's own.
macro_rules! params {
    ($(($name:literal, $value:literal)),* $(,)?) => {
        &[("n", "10"), ("latency_ms", "20"), ("size", "1 KiB"), ("seed", "1"),
          ("connection", "keep-alive"), $(($name, $value)),*]
    };
}

impl Requests {
    fn parse(params: &Params) -> Result<Self, String> {
        let n = params.usize("n")?;
        if n == 0 {
            return Err("parameter `n` must be at least 1 request".into());
        }
        let latency_ms = params.u64("latency_ms")?;
        let size = params.bytes("size")?;
        let seed = params.u64("seed")?;
        let close = match params.str("connection")? {
            "keep-alive" => false,
            "close" => true,
            other => {
                return Err(format!(
                    "parameter `connection` must be `keep-alive` or `close`, not `{other}`"
                ));
            }
        };
        let base = host::http_fixture().ok_or_else(|| {
            "this bench needs the HTTP fixture server; add an `[http]` table to the suite"
                .to_string()
        })?;
        let base = base.trim_end_matches('/');
        let urls = (0..n)
            .map(|i| format!("{base}/item/{i}?size={size}&latency_ms={latency_ms}&seed={seed}"))
            .collect();
        Ok(Requests {
            urls,
            close,
            client: Client::new(),
            in_flight: Cell::new(0),
            max_in_flight: Cell::new(0),
        })
    }

    /// GETs request `index` and reads its whole body. A non-2xx status is a result (counted as an
    /// error); failing to connect or to read the body is a failure that names the URL.
    async fn fetch(&self, index: usize) -> Result<Fetched, String> {
        let url = &self.urls[index];
        self.in_flight.set(self.in_flight.get() + 1);
        self.max_in_flight
            .set(self.max_in_flight.get().max(self.in_flight.get()));
        let result = async {
            let mut request = Request::get(url.as_str());
            if self.close {
                request = request.header("connection", "close");
            }
            let request = request
                .body(Body::empty())
                .map_err(|e| format!("building GET {url}: {e}"))?;
            let response = self
                .client
                .send(request)
                .await
                .map_err(|e| format!("GET {url} failed: {e:#}"))?;
            let status = response.status();
            let mut body = response.into_body();
            let contents = body
                .contents()
                .await
                .map_err(|e| format!("reading the body of GET {url} failed: {e:#}"))?;
            Ok(Fetched {
                index,
                ok: status.is_success(),
                bytes: contents.len() as u64,
                digest: fnv1a(fnv1a(0, &status.as_u16().to_le_bytes()), contents),
            })
        }
        .await;
        self.in_flight.set(self.in_flight.get() - 1);
        result
    }

    /// The outcome of one iteration from its responses, in any order.
    fn outcome(&self, mut fetched: Vec<Fetched>) -> Outcome {
        fetched.sort_by_key(|f| f.index);
        debug_assert!(fetched.iter().enumerate().all(|(i, f)| f.index == i));
        let checksum = fetched
            .iter()
            .fold(0, |acc, f| fnv1a(acc, &f.digest.to_le_bytes()));
        let errors = fetched.iter().filter(|f| !f.ok).count() as u64;
        let bytes = fetched.iter().map(|f| f.bytes).sum();
        let max_in_flight = self.max_in_flight.replace(0);
        Outcome::new(checksum, fetched.len() as u64)
            .counter("requests", fetched.len() as u64)
            .counter("bytes", bytes)
            .counter("errors", errors)
            .counter("max_in_flight", max_in_flight)
    }

    /// Runs `work` to completion on wstd's reactor and builds the outcome.
    fn run<F>(&self, work: F) -> Result<Outcome, String>
    where
        F: Future<Output = Result<Vec<Fetched>, String>>,
    {
        self.in_flight.set(0);
        self.max_in_flight.set(0);
        let fetched = wstd::runtime::block_on(work)?;
        Ok(self.outcome(fetched))
    }
}

/// Awaits each request before sending the next, like `for (const url of urls) await fetch(url)`.
struct Sequential {
    requests: Requests,
}

impl Workload for Sequential {
    const NAME: &'static str = "sequential";
    const DESCRIPTION: &'static str = "GET n items one after another (await in a loop)";
    const UNIT: &'static str = "requests";
    const PARAMS: &'static [(&'static str, &'static str)] = params!();

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(Sequential {
            requests: Requests::parse(params)?,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let requests = &self.requests;
        requests.run(async {
            let mut fetched = Vec::with_capacity(requests.urls.len());
            for index in 0..requests.urls.len() {
                fetched.push(requests.fetch(index).await?);
            }
            Ok(fetched)
        })
    }
}

/// Sends every request at once and waits for all, like `Promise.all(urls.map(fetch))`.
struct Parallel {
    requests: Requests,
}

impl Workload for Parallel {
    const NAME: &'static str = "parallel";
    const DESCRIPTION: &'static str = "GET n items all at once and join them (Promise.all)";
    const UNIT: &'static str = "requests";
    const PARAMS: &'static [(&'static str, &'static str)] = params!();

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(Parallel {
            requests: Requests::parse(params)?,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let requests = &self.requests;
        requests.run(futures::future::try_join_all(
            (0..requests.urls.len()).map(|i| requests.fetch(i)),
        ))
    }
}

/// Keeps at most `k` requests in flight, starting the next as one finishes, like `p-limit(k)`.
struct Limited {
    requests: Requests,
    k: usize,
}

impl Workload for Limited {
    const NAME: &'static str = "limited";
    const DESCRIPTION: &'static str = "GET n items with at most k in flight (p-limit)";
    const UNIT: &'static str = "requests";
    const PARAMS: &'static [(&'static str, &'static str)] = params!(("k", "3"));

    fn setup(params: &Params) -> Result<Self, String> {
        let k = params.usize("k")?;
        if k == 0 {
            return Err("parameter `k` must be at least 1 request in flight".into());
        }
        Ok(Limited {
            requests: Requests::parse(params)?,
            k,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let requests = &self.requests;
        requests.run(
            futures::stream::iter(0..requests.urls.len())
                .map(|i| requests.fetch(i))
                .buffer_unordered(self.k)
                .try_collect(),
        )
    }
}

/// GETs one URL exactly as given: shows what the host's outgoing-HTTP policy allows (the fixture
/// server) and denies (every other authority, including other ports on 127.0.0.1).
struct Get {
    url: String,
    client: Client,
}

impl Workload for Get {
    const NAME: &'static str = "get";
    const DESCRIPTION: &'static str =
        "GET one `url` as given (empty: the fixture server's /item/0)";
    const UNIT: &'static str = "requests";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("url", "")];

    fn setup(params: &Params) -> Result<Self, String> {
        let url = match params.str("url")? {
            "" => format!(
                "{}/item/0",
                host::http_fixture().ok_or("no `url` given and no HTTP fixture server")?
            ),
            url => url.to_string(),
        };
        Ok(Get {
            url,
            client: Client::new(),
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let url = self.url.clone();
        wstd::runtime::block_on(async {
            let request = Request::get(url.as_str())
                .body(Body::empty())
                .map_err(|e| format!("building GET {url}: {e}"))?;
            let response = self
                .client
                .send(request)
                .await
                .map_err(|e| format!("GET {url} failed: {e:#}"))?;
            let status = response.status().as_u16();
            let contents = response
                .into_body()
                .contents()
                .await
                .map_err(|e| format!("reading the body of GET {url} failed: {e:#}"))?
                .to_vec();
            Ok(
                Outcome::new(fnv1a(fnv1a(0, &status.to_le_bytes()), &contents), 1)
                    .counter("status", u64::from(status)),
            )
        })
    }
}

wasmbench_sdk::register!(Get, Sequential, Parallel, Limited);
