//! The outgoing-HTTP policy: a plugin may reach the fixture server and nothing else.

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

/// Allows requests to one authority (the fixture server's `127.0.0.1:PORT`) over plain HTTP.
pub struct FixtureOnly {
    pub authority: Option<String>,
}

type SendResult = Result<
    (
        http::Response<WasiBody>,
        Box<dyn Future<Output = Result<(), Error>> + Send>,
    ),
    Error,
>;

impl WasiHttpHooks for FixtureOnly {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        _options: Option<RequestOptions>,
        _fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> Box<dyn Future<Output = SendResult> + Send> {
        let allowed = self.authority.clone();
        Box::new(async move {
            let authority = request.uri().authority().map(|a| a.as_str().to_string());
            let plain_http = request.uri().scheme() == Some(&http::uri::Scheme::HTTP);
            let Some(authority) = authority.filter(|a| plain_http && Some(a) == allowed.as_ref())
            else {
                return Err(Error::HttpRequestDenied);
            };
            let stream = tokio::net::TcpStream::connect(&authority)
                .await
                .map_err(Error::Connect)?;
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream))
                    .await
                    .map_err(Error::from)?;
            tokio::spawn(connection);

            let (mut parts, body) = request.into_parts();
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
            let response = response.map(|incoming| incoming.map_err(Error::from).boxed_unsync());
            Ok((
                response,
                Box::new(async { Ok(()) }) as Box<dyn Future<Output = Result<(), Error>> + Send>,
            ))
        })
    }
}
