//! The outgoing-HTTP policy: a plugin may reach the fixture server and nothing else, over
//! connections kept alive between requests unless the plugin asks for `Connection: close`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::HeaderName;
use http::header::CONNECTION;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use wasmtime_wasi_http::{
    DEFAULT_FORBIDDEN_HEADERS, Error, RequestOptions, WasiBody, WasiHttpHooks,
};

/// Allows requests to one authority (the fixture server's `127.0.0.1:PORT`) over plain HTTP.
///
/// Like a real client (Node's agent since v19, reqwest, a `requests.Session`), it keeps each
/// connection open once its response has been read and sends the next request over it; a plugin
/// that sends `Connection: close` gets a new connection for that request, and the server closes it
/// after the response: the two sides of the guide's "reuse connections" lesson.
pub struct FixtureOnly {
    authority: Option<String>,
    idle: Arc<Mutex<Vec<SendRequest<WasiBody>>>>,
    connections: Arc<Connections>,
}

/// How the requests since the last [`FixtureOnly::take_counters`] were carried.
#[derive(Default)]
struct Connections {
    opened: AtomicU64,
    reused: AtomicU64,
}

impl FixtureOnly {
    pub fn new(authority: Option<String>) -> Self {
        FixtureOnly {
            authority,
            idle: Arc::default(),
            connections: Arc::default(),
        }
    }

    /// `http.connections_opened` and `http.connections_reused` since the last call (none when no
    /// request was sent): the host's counts, beside the plugin's own request counters.
    pub fn take_counters(&mut self) -> Vec<(String, u64)> {
        let opened = self.connections.opened.swap(0, Ordering::Relaxed);
        let reused = self.connections.reused.swap(0, Ordering::Relaxed);
        if opened + reused == 0 {
            return Vec::new();
        }
        vec![
            ("http.connections_opened".into(), opened),
            ("http.connections_reused".into(), reused),
        ]
    }
}

/// An idle connection that can take a request now, if there is one.
fn reusable(idle: &Mutex<Vec<SendRequest<WasiBody>>>) -> Option<SendRequest<WasiBody>> {
    let mut idle = idle.lock().unwrap_or_else(|e| e.into_inner());
    while let Some(sender) = idle.pop() {
        if sender.is_ready() {
            return Some(sender);
        }
    }
    None
}

/// Whether the request's `Connection` header asks for the connection to be closed after it.
fn asks_to_close(headers: &http::HeaderMap) -> bool {
    headers.get_all(CONNECTION).iter().any(|value| {
        value
            .to_str()
            .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("close")))
    })
}

async fn connect(authority: &str) -> Result<SendRequest<WasiBody>, Error> {
    let stream = tokio::net::TcpStream::connect(authority)
        .await
        .map_err(Error::Connect)?;
    // Requests are small and answered at once: don't let Nagle hold a request back.
    let _ = stream.set_nodelay(true);
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(Error::from)?;
    tokio::spawn(connection);
    Ok(sender)
}

type SendResult = Result<
    (
        http::Response<WasiBody>,
        Box<dyn Future<Output = Result<(), Error>> + Send>,
    ),
    Error,
>;

impl WasiHttpHooks for FixtureOnly {
    /// The default list but `Connection`, so a plugin can ask for a new connection per request.
    fn is_forbidden_header(&mut self, name: &HeaderName) -> bool {
        name != CONNECTION && DEFAULT_FORBIDDEN_HEADERS.contains(name)
    }

    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        _options: Option<RequestOptions>,
        _fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> Box<dyn Future<Output = SendResult> + Send> {
        let allowed = self.authority.clone();
        let idle = self.idle.clone();
        let connections = self.connections.clone();
        Box::new(async move {
            let authority = request.uri().authority().map(|a| a.as_str().to_string());
            let plain_http = request.uri().scheme() == Some(&http::uri::Scheme::HTTP);
            let Some(authority) = authority.filter(|a| plain_http && Some(a) == allowed.as_ref())
            else {
                return Err(Error::HttpRequestDenied);
            };
            let (mut parts, body) = request.into_parts();
            let keep_alive = !asks_to_close(&parts.headers);
            let mut sender = match keep_alive.then(|| reusable(&idle)).flatten() {
                Some(sender) => {
                    connections.reused.fetch_add(1, Ordering::Relaxed);
                    sender
                }
                None => {
                    let sender = connect(&authority).await?;
                    connections.opened.fetch_add(1, Ordering::Relaxed);
                    sender
                }
            };
            // Send only the path: the authority was checked above and isn't needed on the wire.
            parts.uri = http::Uri::builder()
                .path_and_query(parts.uri.path_and_query().map_or("/", |p| p.as_str()))
                .build()
                .map_err(|_| Error::HttpRequestUriInvalid)?;
            // A bodiless GET/HEAD gets hyper's empty body, and the guest's (empty) body stream is
            // drained on the side: otherwise hyper may drop the body channel before the guest
            // finishes it, and the request fails at random with "connection reset".
            let body = if parts.method == http::Method::GET || parts.method == http::Method::HEAD {
                tokio::spawn(async move {
                    let _ = body.collect().await;
                });
                Empty::<Bytes>::new()
                    .map_err(|never| match never {})
                    .boxed_unsync()
            } else {
                body
            };
            let response = sender
                .send_request(http::Request::from_parts(parts, body))
                .await
                .map_err(Error::from)?;
            if keep_alive {
                // The connection takes the next request once this response's body has been read
                // (or fails, and is dropped, if the server closed it).
                tokio::spawn(async move {
                    if sender.ready().await.is_ok() {
                        idle.lock().unwrap_or_else(|e| e.into_inner()).push(sender);
                    }
                });
            }
            let response = response.map(|incoming| incoming.map_err(Error::from).boxed_unsync());
            Ok((
                response,
                Box::new(async { Ok(()) }) as Box<dyn Future<Output = Result<(), Error>> + Send>,
            ))
        })
    }
}
