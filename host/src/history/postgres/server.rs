//! The server a PostgreSQL history lives on: its URL as given (the password kept to connect with,
//! never shown), the form messages show (`postgres://wasmbench@127.0.0.1:55432/db`), the connection,
//! and its errors explained with the fix.

use std::fmt;
use std::time::Duration;

use anyhow::{Result, anyhow};
use postgres::config::Host;
use postgres::error::SqlState;
use postgres::{Client, Config, NoTls};

/// How long connecting waits for a server that doesn't answer, unless the URL says
/// (`connect_timeout=`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A `postgres://` or `postgresql://` URL. `Debug` and `Display` show it without its password.
#[derive(Clone, PartialEq, Eq)]
pub struct PostgresUrl {
    url: String,
    shown: String,
    /// Why the URL doesn't parse, found when it is given and told when it is used.
    invalid: Option<String>,
}

impl PostgresUrl {
    /// Whether `text` names a PostgreSQL server rather than a file.
    pub fn is_url(text: &str) -> bool {
        let lower = text.get(..13).unwrap_or(text).to_ascii_lowercase();
        lower.starts_with("postgres://") || lower.starts_with("postgresql://")
    }

    /// Takes `url` as given; a URL that doesn't parse is refused when it is used, without its
    /// password.
    pub fn new(url: &str) -> PostgresUrl {
        match url.parse::<Config>() {
            Ok(config) => PostgresUrl {
                url: url.to_owned(),
                shown: shown(&config),
                invalid: None,
            },
            Err(error) => PostgresUrl {
                url: url.to_owned(),
                shown: crate::model::redact_url(url),
                invalid: Some(error.to_string()),
            },
        }
    }

    /// The URL without its password, for messages.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// A connection to the server, or an error naming it (without the password) and the fix.
    pub fn connect(&self) -> Result<Client> {
        if let Some(why) = &self.invalid {
            return Err(anyhow!(
                "{}: not a PostgreSQL URL ({why}); write postgres://USER:PASSWORD@HOST:PORT/DATABASE",
                self.shown
            ));
        }
        let mut config: Config = self.url.parse()?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("wasmbench history");
        }
        config
            .connect(NoTls)
            .map_err(|error| self.unreachable(error))
    }

    /// Why connecting failed, and what to do about it.
    fn unreachable(&self, error: postgres::Error) -> anyhow::Error {
        let shown = &self.shown;
        let why = self.scrub(&format!("{error:#}"));
        let why = match error.source_text() {
            Some(cause) => format!("{why}: {}", self.scrub(&cause)),
            None => why,
        };
        if why.contains("TLS") {
            return anyhow!(
                "{shown}: cannot connect to the history's PostgreSQL server: {why}; wasmbench connects without TLS: drop `sslmode=require` from the URL and reach the server over a private network or a tunnel"
            );
        }
        match error.as_db_error() {
            Some(_) => anyhow!(
                "{shown}: the PostgreSQL server refused the history's connection: {why}; check the role, its password and the database the URL names (--history or WASMBENCH_HISTORY)"
            ),
            None => anyhow!(
                "{shown}: cannot reach the history's PostgreSQL server: {why}; check that the server is running and accepts TCP connections at this host and port, and the URL (--history or WASMBENCH_HISTORY; `scripts/servers.sh start postgres` starts one on this machine)"
            ),
        }
    }

    /// An error of the server while the history is read or written, naming the server and, when
    /// the role lacks a right, which rights it needs.
    pub fn explain(&self, error: anyhow::Error) -> anyhow::Error {
        let Some(db) = error
            .chain()
            .find_map(|cause| cause.downcast_ref::<postgres::Error>())
        else {
            return error;
        };
        let hint = match db.code() {
            Some(code) if *code == SqlState::INSUFFICIENT_PRIVILEGE => {
                " (the role needs USAGE on the schema wasmbench_history and SELECT on its tables to read the history, INSERT too to add to it, and CREATE on the database to create it: docs/src/comparing/history.md)"
            }
            _ => "",
        };
        let message = self.scrub(&format!("{error:#}"));
        anyhow!(
            "{}: the history's PostgreSQL server: {message}{hint}",
            self.shown
        )
    }

    /// `text` with the password, should it appear, replaced.
    fn scrub(&self, text: &str) -> String {
        let password = self.url.parse::<Config>().ok().and_then(|c| {
            c.get_password()
                .map(|p| String::from_utf8_lossy(p).into_owned())
        });
        match password {
            Some(p) if p.len() >= 3 => text.replace(&p, "***"),
            _ => text.to_owned(),
        }
    }
}

/// The text of an error's cause (the I/O error behind "error connecting to server").
trait SourceText {
    fn source_text(&self) -> Option<String>;
}

impl SourceText for postgres::Error {
    fn source_text(&self) -> Option<String> {
        std::error::Error::source(self).map(|cause| cause.to_string())
    }
}

impl fmt::Debug for PostgresUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PostgresUrl({})", self.shown)
    }
}

impl fmt::Display for PostgresUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

/// `postgres://USER@HOST:PORT/DATABASE` from the parsed URL: nothing the URL holds besides those
/// (a password, options) is shown. A Unix socket's folder is shown as `?host=`.
fn shown(config: &Config) -> String {
    let ports = config.get_ports();
    let mut tcp = Vec::new();
    let mut sockets = Vec::new();
    for (i, host) in config.get_hosts().iter().enumerate() {
        let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
        match host {
            Host::Tcp(name) if name.contains(':') => tcp.push(format!("[{name}]:{port}")),
            Host::Tcp(name) => tcp.push(format!("{name}:{port}")),
            #[cfg(unix)]
            Host::Unix(path) => sockets.push(path.display().to_string()),
        }
    }
    let user = config
        .get_user()
        .map(|u| format!("{u}@"))
        .unwrap_or_default();
    let database = config.get_dbname().unwrap_or("");
    let mut out = format!("postgres://{user}{}/{database}", tcp.join(","));
    if !sockets.is_empty() {
        out.push_str(&format!("?host={}", sockets.join(",")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_shown() {
        let url =
            PostgresUrl::new("postgres://wasmbench:s3cret@127.0.0.1:55432/db?sslmode=disable");
        assert_eq!(url.shown(), "postgres://wasmbench@127.0.0.1:55432/db");
        assert_eq!(
            format!("{url:?}"),
            "PostgresUrl(postgres://wasmbench@127.0.0.1:55432/db)"
        );
        let url = PostgresUrl::new("postgresql://u@h/d?password=s3cret");
        assert_eq!(url.shown(), "postgres://u@h:5432/d");
        let bad = PostgresUrl::new("postgres://u:s3cret@h:notaport/d");
        assert!(!bad.shown().contains("s3cret"), "{}", bad.shown());
        let error = bad.connect().err().unwrap().to_string();
        assert!(
            !error.contains("s3cret") && error.contains("not a PostgreSQL URL"),
            "{error}"
        );
        assert!(PostgresUrl::is_url("PostgreSQL://x/y") && !PostgresUrl::is_url("reports/h.db"));
    }
}
