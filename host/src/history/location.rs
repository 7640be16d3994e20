//! Where a history is: an SQLite file (the default, `reports/history.db`) or a PostgreSQL database
//! (`postgres://…` or `postgresql://…`), as `--history` and `WASMBENCH_HISTORY` name it, shown in
//! messages without a password, and opened as a [`Store`].

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::postgres::{PostgresStore, PostgresUrl};
use super::sqlite::SqliteStore;
use super::store::Store;

/// A history's location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    Postgres(PostgresUrl),
}

impl Location {
    /// A PostgreSQL URL or a file's path. Never fails: a URL that doesn't parse is refused when
    /// the history is opened, so that no message (clap's included) echoes its password.
    pub fn parse(text: &str) -> Result<Location, std::convert::Infallible> {
        Ok(if PostgresUrl::is_url(text) {
            Location::Postgres(PostgresUrl::new(text))
        } else {
            Location::File(PathBuf::from(text))
        })
    }

    /// The file, when the history is one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::File(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }

    /// Opens the history, creating it when `create` (and, for a file, the folder it goes in).
    pub fn open(&self, create: bool) -> Result<Box<dyn Store>> {
        Ok(match self {
            Location::File(path) => {
                let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
                if let (true, Some(parent)) = (create, parent) {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("creating {}", parent.display()))?;
                }
                Box::new(SqliteStore::open(path, create)?)
            }
            Location::Postgres(url) => Box::new(PostgresStore::open(url, create)?),
        })
    }

    /// Where a file beside the history goes (`trends.html`): next to the file, or in `reports/`
    /// for a history on a server.
    pub fn sibling(&self, name: &str) -> PathBuf {
        match self {
            Location::File(path) => path.with_file_name(name),
            Location::Postgres(_) => Path::new("reports").join(name),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => write!(f, "{url}"),
        }
    }
}
