//! A bench's place on the PostgreSQL server, made and unmade by the harness: a schema of its own,
//! created, seeded and indexed from the suite as the server's user `[db] url` names; a login role
//! of its own that may only read and write that schema's rows, with its memory settings; and, when
//! the bench ends, both dropped. The creating session holds an advisory lock named after the schema
//! for the bench's life, so a schema whose process died (a killed worker) is found and dropped by
//! the next bench that starts on the server.

use std::collections::BTreeMap;
use std::time::Duration;

use tokio_postgres::{Client, NoTls};

use crate::capability::db::generate::{quote, table_rows};
use crate::model::{ColumnGen, DbConfig, SeedTable, redact_url};
use crate::plugin::bindings::db::Value;
use crate::sql_guard::SUITE_SQL_DEADLINE;

/// What every bench schema and role is named with, then a random part.
pub const NAME_PREFIX: &str = "wasmbench_b_";

/// Rows sent in one `INSERT … SELECT FROM unnest(…)` while seeding.
const SEED_BATCH: usize = 5_000;

/// How long a plugin's statement may run at most, even when the process that waits on it died
/// (its own deadline cancels it sooner).
const STATEMENT_BACKSTOP: &str = "5min";

/// A bench's schema and role (the same name) and the role's password.
#[derive(Debug, Clone)]
pub struct BenchNames {
    pub name: String,
    pub password: String,
}

impl BenchNames {
    pub fn fresh() -> BenchNames {
        let random = |bits: u32| rand::random::<u64>() >> (64 - bits);
        BenchNames {
            name: format!("{NAME_PREFIX}{}_{:08x}", std::process::id(), random(32)),
            password: format!(
                "{:016x}{:016x}",
                rand::random::<u64>(),
                rand::random::<u64>()
            ),
        }
    }
}

/// The server as messages name it, without a password.
pub fn shown(url: &str) -> String {
    format!("PostgreSQL server {}", redact_url(url))
}

/// Connects as the suite's user, the session that makes the bench's place and holds its lock.
pub async fn connect_admin(url: &str) -> Result<Client, String> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.map_err(|e| {
        // A server that answered refused the login or the database; one that didn't is down or
        // elsewhere.
        let fix = if e.as_db_error().is_some() {
            "check the user, password and database in [db] url"
        } else {
            "start it, or fix the host and port in [db] url; from a checkout of wasmbench, \
             `scripts/servers.sh start postgres` starts one on loopback"
        };
        format!(
            "connecting to the {}: {} ({fix})",
            shown(url),
            server_error(&e)
        )
    })?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

/// The server's version and address (`PostgreSQL 15.4 at 127.0.0.1:5432/app`).
pub async fn describe(admin: &Client, url: &str) -> String {
    let version = admin
        .query_one("SHOW server_version", &[])
        .await
        .ok()
        .and_then(|row| row.try_get::<_, String>(0).ok())
        .map(|v| v.split_whitespace().next().unwrap_or("").to_string())
        .unwrap_or_default();
    let place = redact_url(url);
    let place = place
        .split_once("://")
        .map_or(place.as_str(), |(_, rest)| rest);
    let place = place.rsplit_once('@').map_or(place, |(_, host)| host);
    format!("PostgreSQL {version} at {place}")
}

/// Drops the schemas and roles of benches whose process died: their creator's lock is free.
pub async fn sweep_orphans(admin: &Client) {
    let Ok(rows) = admin
        .query(
            "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)",
            &[&NAME_PREFIX],
        )
        .await
    else {
        return;
    };
    // A dead bench's statement may still hold its tables until the server notices the client
    // is gone: don't wait on it, the next bench will try again.
    let _ = admin.batch_execute("SET lock_timeout = '2s'").await;
    for row in rows {
        let name: String = row.get(0);
        let free = admin
            .query_one("SELECT pg_try_advisory_lock(hashtext($1))", &[&name])
            .await
            .is_ok_and(|r| r.get::<_, bool>(0));
        if free {
            let _ = drop_place(admin, &name).await;
        }
    }
    let _ = admin.batch_execute("RESET lock_timeout").await;
}

/// Creates the bench's schema (locked for the bench's life), fills it and makes its role.
pub async fn create(admin: &Client, config: &DbConfig, names: &BenchNames) -> Result<(), String> {
    let schema = quote(&names.name);
    admin
        .query_one("SELECT pg_advisory_lock(hashtext($1))", &[&names.name])
        .await
        .map_err(|e| format!("locking the bench's schema: {}", server_error(&e)))?;
    admin
        .batch_execute(&format!(
            "CREATE SCHEMA {schema}; COMMENT ON SCHEMA {schema} IS 'a wasmbench bench''s \
             database: dropped when the bench ends, or by the next bench if its process died'"
        ))
        .await
        .map_err(|e| {
            format!(
                "creating the bench's schema: {} (the user needs CREATE on the database: \
                 GRANT CREATE ON DATABASE … TO …)",
                server_error(&e)
            )
        })?;
    fill(admin, config, &schema).await?;
    make_role(admin, config, names, &schema).await
}

/// The schema, the generated rows and the indexes in one transaction, then fresh statistics.
async fn fill(admin: &Client, config: &DbConfig, schema: &str) -> Result<(), String> {
    let deadline = format!("{}ms", SUITE_SQL_DEADLINE.as_millis());
    admin
        .batch_execute(&format!(
            "BEGIN; SET LOCAL search_path = {schema}; SET LOCAL statement_timeout = '{deadline}'"
        ))
        .await
        .map_err(|e| server_error(&e))?;
    let filled = fill_in_transaction(admin, config).await;
    let end = if filled.is_ok() { "COMMIT" } else { "ROLLBACK" };
    let ended = admin.batch_execute(end).await.map_err(|e| server_error(&e));
    filled.and(ended)?;
    for table in &config.tables {
        admin
            .batch_execute(&format!("ANALYZE {schema}.{}", quote(&table.name)))
            .await
            .map_err(|e| format!("analyzing `{}`: {}", table.name, server_error(&e)))?;
    }
    Ok(())
}

async fn fill_in_transaction(admin: &Client, config: &DbConfig) -> Result<(), String> {
    admin
        .batch_execute(&config.schema)
        .await
        .map_err(|e| format!("creating the schema (db.schema): {}", server_error(&e)))?;
    let mut rows_of = BTreeMap::new();
    for table in &config.tables {
        seed(admin, table, &rows_of)
            .await
            .map_err(|e| format!("seeding table `{}`: {e}", table.name))?;
        rows_of.insert(table.name.as_str(), table.rows);
    }
    for (name, sql) in &config.indexes {
        admin.batch_execute(sql).await.map_err(|e| {
            format!(
                "creating index `{name}` (db.indexes.{name}): {}",
                server_error(&e)
            )
        })?;
    }
    Ok(())
}

/// Inserts a table's generated rows a batch at a time: one array per column, unnested.
async fn seed(
    admin: &Client,
    table: &SeedTable,
    rows_of: &BTreeMap<&str, u64>,
) -> Result<(), String> {
    let kinds: Vec<&str> = table
        .columns
        .iter()
        .map(|(_, generator)| match generator {
            ColumnGen::Real(..) => "float8",
            ColumnGen::Text(..) => "text",
            _ => "int8",
        })
        .collect();
    let names: Vec<String> = table.columns.iter().map(|(n, _)| quote(n)).collect();
    let arrays: Vec<String> = kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| format!("${}::{kind}[]", i + 1))
        .collect();
    let sql = format!(
        "INSERT INTO {} ({}) SELECT * FROM unnest({})",
        quote(&table.name),
        names.join(", "),
        arrays.join(", ")
    );
    let insert = admin.prepare(&sql).await.map_err(|e| server_error(&e))?;
    let mut rows = table_rows(table, rows_of)?.peekable();
    while rows.peek().is_some() {
        let batch: Vec<Vec<Value>> = rows.by_ref().take(SEED_BATCH).collect();
        let columns: Vec<Column> = (0..kinds.len())
            .map(|c| Column::of(kinds[c], batch.iter().map(|row| &row[c])))
            .collect();
        let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
            columns.iter().map(Column::as_param).collect();
        admin
            .execute(&insert, &params)
            .await
            .map_err(|e| server_error(&e))?;
    }
    Ok(())
}

/// One column of a batch, as the array its `unnest` reads.
enum Column {
    Int(Vec<Option<i64>>),
    Real(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
}

impl Column {
    fn of<'a>(kind: &str, values: impl Iterator<Item = &'a Value>) -> Column {
        match kind {
            "float8" => Column::Real(
                values
                    .map(|v| match v {
                        Value::Real(x) => Some(*x),
                        _ => None,
                    })
                    .collect(),
            ),
            "text" => Column::Text(
                values
                    .map(|v| match v {
                        Value::Text(s) => Some(s.clone()),
                        _ => None,
                    })
                    .collect(),
            ),
            _ => Column::Int(
                values
                    .map(|v| match v {
                        Value::Integer(n) => Some(*n),
                        _ => None,
                    })
                    .collect(),
            ),
        }
    }

    fn as_param(&self) -> &(dyn tokio_postgres::types::ToSql + Sync) {
        match self {
            Column::Int(v) => v,
            Column::Real(v) => v,
            Column::Text(v) => v,
        }
    }
}

/// The bench's role: it logs in, reads and writes the schema's rows, and nothing else.
async fn make_role(
    admin: &Client,
    config: &DbConfig,
    names: &BenchNames,
    schema: &str,
) -> Result<(), String> {
    let role = schema;
    // Each connection's memory for sorts and hashes, cut from `[db] memory` (at least 64 kB, as
    // the server requires).
    let work_mem_kb = (config.memory / 1024 / u64::from(config.pool.max(1)) / 4).max(64);
    let password = &names.password;
    let connections = config.pool + 1;
    let database: String = admin
        .query_one("SELECT current_database()", &[])
        .await
        .map_err(|e| server_error(&e))?
        .get(0);
    let database = database.replace('\'', "''");
    let sql = format!(
        "CREATE ROLE {role} LOGIN PASSWORD '{password}' NOSUPERUSER NOCREATEDB NOCREATEROLE \
           NOINHERIT NOREPLICATION CONNECTION LIMIT {connections};
         COMMENT ON ROLE {role} IS 'a wasmbench bench''s role on database {database}: dropped with \
           its schema';
         GRANT USAGE ON SCHEMA {schema} TO {role};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};
         GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role};
         ALTER ROLE {role} SET search_path = {schema};
         ALTER ROLE {role} SET work_mem = '{work_mem_kb}kB';
         ALTER ROLE {role} SET temp_buffers = '800kB';
         ALTER ROLE {role} SET statement_timeout = '{STATEMENT_BACKSTOP}';
         ALTER ROLE {role} SET idle_in_transaction_session_timeout = '{STATEMENT_BACKSTOP}';"
    );
    // From PostgreSQL 14 the server also checks, during a long statement, that the client is still
    // there, so a killed worker's statement ends within a second rather than at the backstop.
    let checks_client = admin
        .query_one(
            "SELECT current_setting('server_version_num')::int >= 140000",
            &[],
        )
        .await
        .is_ok_and(|row| row.get::<_, bool>(0));
    let sql = if checks_client {
        format!("{sql}\n         ALTER ROLE {role} SET client_connection_check_interval = '1s';")
    } else {
        sql
    };
    admin.batch_execute(&sql).await.map_err(|e| {
        format!(
            "creating the bench's role: {} (wasmbench runs a bench's statements as a role of its \
             own that can only read and write the bench's schema; the [db] url's user needs \
             CREATEROLE: ALTER ROLE … CREATEROLE)",
            server_error(&e)
        )
    })
}

/// Drops a bench's schema (with everything in it) and its role.
pub async fn drop_place(admin: &Client, name: &str) -> Result<(), String> {
    let quoted = quote(name);
    // Two statements, not one batch: a batch is one transaction, and a role the user may not
    // drop (or never could create) would keep the schema too.
    let schema = admin
        .batch_execute(&format!("DROP SCHEMA IF EXISTS {quoted} CASCADE"))
        .await;
    let role = admin
        .batch_execute(&format!("DROP ROLE IF EXISTS {quoted}"))
        .await;
    let dropped = schema.and(role).map_err(|e| server_error(&e));
    let _ = admin
        .query_one("SELECT pg_advisory_unlock(hashtext($1))", &[&name])
        .await;
    dropped
}

/// A server error as a plugin or a user reads it: the server's message, its detail and hint.
pub fn server_error(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => {
            let mut text = format!("{}: {}", db.severity(), db.message());
            if let Some(detail) = db.detail() {
                text.push_str(&format!(" ({detail})"));
            }
            if let Some(hint) = db.hint() {
                text.push_str(&format!(" (hint: {hint})"));
            }
            text
        }
        None => {
            // The client's own errors keep their cause (e.g. "Connection refused") as a source.
            let mut text = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                text.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            text
        }
    }
}

/// How long dropping a bench's place may take before the harness gives up on it.
pub const DROP_DEADLINE: Duration = Duration::from_secs(30);
