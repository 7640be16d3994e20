//! Settings of the services the host lends a plugin, as a suite states them: generated fixture
//! files, the HTTP fixture server, the simulated backends.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A generated fixture file: `size` seeded pseudo-random bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixtureSpec {
    pub size: u64,
    pub seed: u64,
}

/// Defaults for HTTP fixture requests that don't set a query parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HttpFixtureConfig {
    pub latency: Duration,
    pub jitter: Duration,
    pub size: u64,
    pub error_rate: f64,
    pub seed: u64,
}

/// The HTTP fixture server's own round trip, timed before a run by a plain native client asking for
/// an empty body with no latency: what every request costs besides the latency it asks for, so a
/// model can add it (`http_round_trip_ms`, `http_new_connection_ms`) and a reader can tell the
/// harness's part from the lesson's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HttpFixtureTimes {
    /// Round trips timed over one kept-alive connection, and over a new connection each.
    pub keep_alive_requests: u32,
    pub new_connection_requests: u32,
    /// Over a kept-alive connection, ns.
    pub keep_alive_p50_ns: u64,
    pub keep_alive_p99_ns: u64,
    /// Connecting, then the round trip, ns.
    pub new_connection_p50_ns: u64,
    pub new_connection_p99_ns: u64,
}

impl HttpFixtureTimes {
    /// Checks a model before the server has been timed: any positive figures do.
    pub const STAND_IN: HttpFixtureTimes = HttpFixtureTimes {
        keep_alive_requests: 0,
        new_connection_requests: 0,
        keep_alive_p50_ns: 100_000,
        keep_alive_p99_ns: 100_000,
        new_connection_p50_ns: 200_000,
        new_connection_p99_ns: 200_000,
    };

    /// The names a model may use for these figures, in ms, with their values.
    pub fn model_variables(&self) -> [(&'static str, f64); 2] {
        [
            ("http_round_trip_ms", self.keep_alive_p50_ns as f64 / 1e6),
            (
                "http_new_connection_ms",
                self.new_connection_p50_ns as f64 / 1e6,
            ),
        ]
    }
}

impl HttpFixtureConfig {
    /// The largest body the fixture server makes: one rule for a request's `size`, a suite's
    /// `[http] size` and `wasmbench fixture --size`.
    pub const MAX_BODY: u64 = 64 << 20;

    /// Why `size` can't be a body size, if it can't.
    pub fn check_size(size: u64) -> Result<(), String> {
        if size > Self::MAX_BODY {
            return Err(format!(
                "a fixture body may be at most {}, not {}",
                super::size(Self::MAX_BODY),
                super::size(size)
            ));
        }
        Ok(())
    }
}

impl Default for HttpFixtureConfig {
    fn default() -> Self {
        HttpFixtureConfig {
            latency: Duration::from_millis(20),
            jitter: Duration::ZERO,
            size: 1024,
            error_rate: 0.0,
            seed: 1,
        }
    }
}

/// How a simulated backend's latency is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LatencyMode {
    /// Added to the `*.latency_ns` counters; the call returns at once.
    #[default]
    Accounted,
    /// The call sleeps for the latency.
    Slept,
}

/// Whether a backend's setting names a Redis server rather than a simulated latency.
pub fn is_redis_url(text: &str) -> bool {
    ["redis://", "rediss://", "redis+unix://", "unix://"]
        .iter()
        .any(|scheme| text.starts_with(scheme))
}

/// Checks a `postgres://` URL as the database and history settings take it: the scheme, the form
/// (parsed as the client will) and no TLS requirement (the client speaks plain TCP).
pub fn check_postgres_url(text: &str) -> Result<(), String> {
    if !is_postgres_url(text) {
        return Err(format!(
            "`{}` is not a PostgreSQL URL: write e.g. \"postgres://user:password@127.0.0.1:5432/db\"",
            redact_url(text)
        ));
    }
    let config: tokio_postgres::Config = text.parse().map_err(|e| {
        format!(
            "`{}` is not a PostgreSQL URL wasmbench can use: {e}",
            redact_url(text)
        )
    })?;
    if config.get_ssl_mode() == tokio_postgres::config::SslMode::Require {
        return Err(format!(
            "`{}` requires TLS (sslmode=require), which wasmbench's PostgreSQL client does not speak: \
             use a loopback or private-network server with sslmode=prefer or disable",
            redact_url(text)
        ));
    }
    Ok(())
}

/// Whether a setting names a PostgreSQL server.
pub fn is_postgres_url(text: &str) -> bool {
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

/// A server URL fit to print: its password left out.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let tail = tail
        .split('&')
        .map(|part| match part.split_once("password=") {
            Some((head, _)) => format!("{head}password=…"),
            None => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&");
    match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':').map_or(user, |(name, _)| name) {
            "" => format!("{scheme}://{host}{tail}"),
            name => format!("{scheme}://{name}@{host}{tail}"),
        },
        None => format!("{scheme}://{authority}{tail}"),
    }
}

/// Each backend: simulated with a latency per call, or held by a Redis server (its URL).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BackendsConfig {
    pub mode: LatencyMode,
    pub store_latency: Duration,
    pub remote_cache_latency: Duration,
    /// `redis://…` when a Redis server holds the store (its round trips are the latency).
    #[serde(default)]
    pub store_redis: Option<String>,
    /// `redis://…` when a Redis server holds the remote cache.
    #[serde(default)]
    pub remote_cache_redis: Option<String>,
}

/// The database a bench is lent (`[db]` in a suite, with the bench's overrides): the embedded
/// SQLite one, or a schema of its own on the PostgreSQL server `url` names; created fresh for each
/// execution from `schema`, `tables` and `indexes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbConfig {
    /// `postgres://…` when the bench runs on a PostgreSQL server rather than on SQLite.
    #[serde(default)]
    pub url: Option<String>,
    /// SQL run once to create the schema (trusted: it comes from the suite, not the plugin).
    pub schema: String,
    /// Tables filled with generated rows, in order (a `ref` column needs its table seeded first).
    pub tables: Vec<SeedTable>,
    /// The indexes this bench gets, `(name, CREATE INDEX …)`, created after seeding.
    pub indexes: Vec<(String, String)>,
    /// Connections in the pool the bench's instances share.
    pub pool: u32,
    /// Charged per round trip (statement), while holding the connection.
    pub latency: Duration,
    pub mode: LatencyMode,
    /// Cap on SQLite's heap in the process that runs the bench (bytes); on PostgreSQL, what each
    /// connection's work memory is cut from.
    pub memory: u64,
}

impl DbConfig {
    pub const DEFAULT_POOL: u32 = 4;
    pub const MAX_POOL: u32 = 256;
    pub const DEFAULT_MEMORY: u64 = 64 << 20;
    /// The least heap SQLite gets: below this even seeding small tables fails.
    pub const MIN_MEMORY: u64 = 4 << 20;
}

/// A table filled with `rows` generated rows, reproducibly from `seed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedTable {
    pub name: String,
    pub rows: u64,
    pub seed: u64,
    /// Columns in the order given; columns left out get their schema default.
    pub columns: Vec<(String, ColumnGen)>,
}

/// How a seeded column's values are generated for row `i` (0-based) of `rows`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ColumnGen {
    /// `serial`: i + 1.
    Serial,
    /// `cycle N`: i % N + 1, spreading rows evenly over N parents.
    Cycle(u64),
    /// `int A..B`: uniform in A..=B.
    Int(i64, i64),
    /// `real A..B`: uniform in [A, B).
    Real(f64, f64),
    /// `text N` or `text A..B`: lowercase letters, length uniform in A..=B.
    Text(u32, u32),
    /// `ref TABLE`: uniform in 1..=rows of TABLE (seeded earlier).
    Ref(String),
}

impl std::str::FromStr for ColumnGen {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        const FORMS: &str =
            "`serial`, `cycle N`, `int A..B`, `real A..B`, `text N`, `text A..B` or `ref TABLE`";
        let text = text.trim();
        let (kind, arg) = text.split_once(' ').unwrap_or((text, ""));
        let arg = arg.trim();
        fn range<'a>(arg: &'a str, text: &str, kind: &str) -> Result<(&'a str, &'a str), String> {
            arg.split_once("..")
                .map(|(a, b)| (a.trim(), b.trim()))
                .ok_or_else(|| format!("`{text}`: expected a range such as `{kind} 1..100`"))
        }
        let int = |s: &str| {
            s.replace('_', "")
                .parse::<i64>()
                .map_err(|_| format!("`{text}`: `{s}` is not an integer"))
        };
        let gen_ = match kind {
            "serial" if arg.is_empty() => ColumnGen::Serial,
            "cycle" => match int(arg)? {
                n if n >= 1 => ColumnGen::Cycle(n as u64),
                _ => return Err(format!("`{text}`: the cycle must be at least 1")),
            },
            "int" => {
                let (a, b) = range(arg, text, kind)?;
                ColumnGen::Int(int(a)?, int(b)?)
            }
            "real" => {
                let (a, b) = range(arg, text, kind)?;
                let real = |s: &str| {
                    s.parse::<f64>()
                        .ok()
                        .filter(|x| x.is_finite())
                        .ok_or_else(|| format!("`{text}`: `{s}` is not a finite number"))
                };
                ColumnGen::Real(real(a)?, real(b)?)
            }
            "text" => {
                let len = |s: &str| {
                    s.parse::<u32>()
                        .ok()
                        .filter(|&n| n <= 1 << 20)
                        .ok_or_else(|| format!("`{text}`: `{s}` is not a length up to 1048576"))
                };
                match arg.split_once("..") {
                    Some((a, b)) => ColumnGen::Text(len(a.trim())?, len(b.trim())?),
                    None => {
                        let n = len(arg)?;
                        ColumnGen::Text(n, n)
                    }
                }
            }
            "ref" if !arg.is_empty() && !arg.contains(' ') => ColumnGen::Ref(arg.to_string()),
            _ => return Err(format!("unknown column generator `{text}`: write {FORMS}")),
        };
        let empty = match &gen_ {
            ColumnGen::Int(a, b) => a > b,
            ColumnGen::Real(a, b) => a > b,
            ColumnGen::Text(a, b) => a > b,
            _ => false,
        };
        if empty {
            return Err(format!(
                "`{text}`: the range is empty (its start is past its end)"
            ));
        }
        Ok(gen_)
    }
}
