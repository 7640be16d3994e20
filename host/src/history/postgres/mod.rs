//! The history in a PostgreSQL database, for a team whose runners share one history: many CI jobs
//! add at once, each in its own transaction, and `check` and the trend report read from one place.
//! The tables are SQLite's ([`SqliteStore`](super::SqliteStore)), in a schema of their own
//! (`wasmbench_history`, [`schema`]); change-point detection stays in wasmbench, so both stores
//! give the same answers.
//!
//! - [`server`]: the URL, shown without its password, the connection and its errors explained;
//! - [`schema`]: the tables, created once under an advisory lock, and their version;
//! - [`write`]: a run's row, its new series and its points, in one transaction;
//! - [`read`]: series, points, counts, a commit's time, runs with their values;
//! - [`retry`]: a transaction aborted for another writer's sake is run again.

use std::cell::RefCell;

use anyhow::Result;
use postgres::{Client, Statement};

mod read;
mod retry;
mod schema;
mod server;
mod write;

pub use server::PostgresUrl;

use super::record::RunRecord;
use super::series::{Point, Selection, Series};
use super::store::{Added, Store, StoredRun};

/// A history in a PostgreSQL database. The connection is behind a `RefCell`: reading is `&self`
/// in [`Store`], and a PostgreSQL query needs the connection mutably.
pub struct PostgresStore {
    client: RefCell<Client>,
    url: PostgresUrl,
    /// The points query, prepared on first use.
    points: RefCell<Option<Statement>>,
}

impl PostgresStore {
    /// Connects to the history at `url`, creating its schema when `create` and it has none.
    /// Refuses a schema another program made, and a history of a newer wasmbench.
    pub fn open(url: &PostgresUrl, create: bool) -> Result<PostgresStore> {
        let mut client = url.connect()?;
        schema::prepare(&mut client, create, url.shown()).map_err(|e| url.explain(e))?;
        Ok(PostgresStore {
            client: RefCell::new(client),
            url: url.clone(),
            points: RefCell::new(None),
        })
    }

    pub fn url(&self) -> &PostgresUrl {
        &self.url
    }

    /// Runs `read` on the connection, its database errors naming the server.
    fn with<T>(&self, read: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
        read(&mut self.client.borrow_mut()).map_err(|e| self.url.explain(e))
    }
}

impl Store for PostgresStore {
    fn add(&mut self, run: &RunRecord) -> Result<Added> {
        Ok(self.add_all(std::slice::from_ref(run))?[0])
    }

    fn add_all(&mut self, runs: &[RunRecord]) -> Result<Vec<Added>> {
        let shown = self.url.shown().to_owned();
        self.with(|client| write::add_all(client, runs, &shown))
    }

    fn series(&self, selection: &Selection) -> Result<Vec<Series>> {
        self.with(|client| read::series(client, selection))
    }

    fn points(&self, series: &Series, selection: &Selection) -> Result<Vec<Point>> {
        self.with(|client| {
            let mut cached = self.points.borrow_mut();
            let statement = match cached.as_ref() {
                Some(statement) => statement.clone(),
                None => cached.insert(read::points_statement(client)?).clone(),
            };
            read::points(client, &statement, series, selection)
        })
    }

    fn points_of(&self, series: &[Series], selection: &Selection) -> Result<Vec<Vec<Point>>> {
        self.with(|client| read::points_of(client, series, selection))
    }

    fn counts(&self) -> Result<(u64, u64)> {
        self.with(read::counts)
    }

    fn commit_time(&self, commit: &str) -> Result<Option<i64>> {
        self.with(|client| read::commit_time(client, commit))
    }

    fn runs(&self) -> Result<Vec<StoredRun>> {
        self.with(read::runs)
    }

    fn read_values(&self, runs: &mut [StoredRun]) -> Result<()> {
        self.with(|client| read::read_values(client, runs))
    }
}
