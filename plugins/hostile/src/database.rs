//! SQL the host must refuse or contain: one statement, given by the test, run through the `db`
//! capability (attaching or vacuuming into files, PRAGMA, schema changes, extension loading,
//! runaway recursive queries, enormous values).

use wasmbench_sdk::db;
use wasmbench_sdk::{Outcome, Params, Workload, fnv1a};

/// Runs `sql` once per iteration through `db::query` or `db::execute` (`via`). The host's refusal
/// is the run's error, `db: <the host's message>`; a statement the host let through returns `Ok`
/// with a digest of the rows it read (or the count it changed).
pub(crate) struct Db {
    sql: String,
    via: Via,
}

enum Via {
    Query,
    Execute,
}

impl Workload for Db {
    const NAME: &'static str = "db";
    const DESCRIPTION: &'static str =
        "run the statement `sql` through the db capability (`via` query or execute)";
    const UNIT: &'static str = "rows";
    const PARAMS: &'static [(&'static str, &'static str)] =
        &[("sql", "SELECT 1"), ("via", "query")];

    fn setup(params: &Params) -> Result<Self, String> {
        let via = match params.str("via")? {
            "query" => Via::Query,
            "execute" => Via::Execute,
            other => return Err(format!("unknown via `{other}` (query, execute)")),
        };
        Ok(Db {
            sql: params.str("sql")?.to_string(),
            via,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        match self.via {
            Via::Query => {
                let rows = db::query(&self.sql, &[]).map_err(|e| format!("db: {e}"))?;
                let hash = fnv1a(0, &(rows.rows.len() as u64).to_le_bytes());
                Ok(Outcome::new(rows.digest(hash), rows.rows.len() as u64))
            }
            Via::Execute => {
                let changed = db::execute(&self.sql, &[]).map_err(|e| format!("db: {e}"))?;
                Ok(Outcome::new(fnv1a(0, &changed.to_le_bytes()), changed))
            }
        }
    }
}
