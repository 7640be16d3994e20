//! What one bench's plugin is lent, as sent to worker processes, and where its fixtures appear.

use std::path::PathBuf;

use anyhow::Result;

use super::db::Database;
use crate::model::{BackendsConfig, DbConfig};

/// What one bench's plugin is lent (sent to worker processes as is).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Lending {
    /// Folder mounted read-only at [`GUEST_FIXTURE_DIR`].
    pub fixtures: Option<PathBuf>,
    /// The fixture server's base URL (`http://127.0.0.1:PORT`), the only HTTP destination allowed.
    pub http_base: Option<String>,
    pub backends: BackendsConfig,
    /// The bench's database, when the suite has a `[db]` table.
    pub db: Option<DbConfig>,
    /// Keep the plugin's stdout (its last 64 KiB) instead of discarding it (`run --plugin-output`).
    #[serde(default)]
    pub capture_stdout: bool,
    /// That database, opened in the process that runs the bench ([`Lending::open_database`]) and
    /// shared by the stores of its instances.
    #[serde(skip)]
    pub database: Option<Database>,
}

impl Lending {
    /// The same lending with a fresh database opened from `db` (none without a `[db]`);
    /// `capture_plans` records each statement's query plan.
    pub fn open_database(&self, capture_plans: bool) -> Result<Lending> {
        let database = self
            .db
            .as_ref()
            .map(|config| Database::open(config, capture_plans))
            .transpose()?;
        Ok(Lending {
            database,
            ..self.clone()
        })
    }
}

/// Where the fixture folder appears inside the guest (the SDK's `FIXTURE_DIR`).
pub const GUEST_FIXTURE_DIR: &str = "/fixtures";
