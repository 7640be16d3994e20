//! `[db]` and a bench's `db = { ... }`: the database each bench is lent. The schema and indexes are
//! tried on an in-memory database while the suite is read, so a SQL mistake is reported with its
//! key and line before anything runs.

use std::collections::BTreeSet;
use std::time::Duration;

use toml::Spanned;

use super::error::{Ctx, SuiteError, suggest};
use super::raw::{RawBenchDb, RawDb, RawPool};
use super::settings::MAX_DEADLINE;
use crate::model::{ColumnGen, DbConfig, SeedTable};
use crate::sql_guard::{HeapShare, SUITE_SQL_DEADLINE, harden, run_suite_sql};

/// Most rows one table may be seeded with.
const MAX_ROWS: u64 = 100_000_000;

/// The suite's `[db]`, resolved: the configuration a bench gets when it overrides nothing.
pub(super) struct SuiteDb {
    base: DbConfig,
}

pub(super) fn suite_db(
    raw: Option<Spanned<RawDb>>,
    ctx: &Ctx<'_>,
) -> Result<Option<SuiteDb>, SuiteError> {
    let Some(raw) = raw else { return Ok(None) };
    let raw = raw.into_inner();
    let mut indexes = Vec::new();
    for (name, sql) in &raw.indexes {
        identifier(name, &format!("db.indexes.{}", name.get_ref()), ctx)?;
        indexes.push((name.get_ref().clone(), sql.get_ref().clone()));
    }
    let mut seeded = BTreeSet::new();
    let mut tables = Vec::new();
    for (i, table) in raw.table.iter().enumerate() {
        let key = format!("db.table[{i}]");
        let table = table.get_ref();
        identifier(&table.name, &format!("{key}.name"), ctx)?;
        if *table.rows.get_ref() > MAX_ROWS {
            return Err(ctx.error(
                Some(table.rows.span()),
                Some(format!("{key}.rows")),
                format!("at most {MAX_ROWS} rows can be seeded"),
            ));
        }
        if table.columns.is_empty() {
            return Err(ctx.error(
                Some(table.name.span()),
                Some(format!("{key}.columns")),
                "name at least one column to generate, e.g. `columns = { id = \"serial\" }`",
            ));
        }
        let mut columns = Vec::new();
        for (column, generator) in &table.columns {
            let column_key = format!("{key}.columns.{}", column.get_ref());
            identifier(column, &column_key, ctx)?;
            let parsed: ColumnGen = generator.get_ref().parse().map_err(|message: String| {
                ctx.error(Some(generator.span()), Some(column_key.clone()), message)
            })?;
            if let ColumnGen::Ref(parent) = &parsed
                && !seeded.contains(parent.as_str())
            {
                return Err(ctx.error(
                    Some(generator.span()),
                    Some(column_key),
                    format!(
                        "`ref {parent}` needs a [[db.table]] named `{parent}` seeded before this one"
                    ),
                ));
            }
            columns.push((column.get_ref().clone(), parsed));
        }
        seeded.insert(table.name.get_ref().as_str());
        tables.push(SeedTable {
            name: table.name.get_ref().clone(),
            rows: *table.rows.get_ref(),
            seed: table.seed,
            columns,
        });
    }
    let base = pool(
        &RawPool::from(&raw),
        DbConfig {
            url: server_url(&raw, ctx)?,
            schema: raw.schema.get_ref().clone(),
            tables,
            indexes,
            pool: DbConfig::DEFAULT_POOL,
            latency: Duration::ZERO,
            mode: Default::default(),
            memory: DbConfig::DEFAULT_MEMORY,
        },
        "db.",
        ctx,
    )?;
    // A PostgreSQL schema is the server's dialect: it is tried when a bench's schema is created.
    if base.url.is_none() {
        try_schema(&base, &raw, ctx)?;
    }
    Ok(Some(SuiteDb { base }))
}

/// A bench's database: the suite's with the bench's `db = { ... }` over it.
pub(super) fn bench_db(
    suite: Option<&SuiteDb>,
    raw: Option<Spanned<RawBenchDb>>,
    prefix: &str,
    ctx: &Ctx<'_>,
) -> Result<Option<DbConfig>, SuiteError> {
    let (suite, raw) = match (suite, raw) {
        (suite, None) => return Ok(suite.map(|s| s.base.clone())),
        (None, Some(raw)) => {
            return Err(ctx.error(
                Some(raw.span()),
                Some(format!("{prefix}db")),
                "the suite has no [db] table for this bench's `db` settings to change",
            ));
        }
        (Some(suite), Some(raw)) => (suite, raw.into_inner()),
    };
    let mut config = pool(
        &RawPool::from(&raw),
        suite.base.clone(),
        &format!("{prefix}db."),
        ctx,
    )?;
    if let Some(names) = &raw.indexes {
        let known: Vec<&str> = suite.base.indexes.iter().map(|(n, _)| n.as_str()).collect();
        let mut chosen = Vec::new();
        for name in names {
            let Some(index) = suite.base.indexes.iter().find(|(n, _)| n == name.get_ref()) else {
                let hint = suggest(name.get_ref(), known.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(ctx.error(
                    Some(name.span()),
                    Some(format!("{prefix}db.indexes")),
                    format!(
                        "no index `{}` in [db.indexes] (it has: {}){hint}",
                        name.get_ref(),
                        known.join(", ")
                    ),
                ));
            };
            chosen.push(index.clone());
        }
        config.indexes = chosen;
    }
    Ok(Some(config))
}

/// `[db] url` or the variable `[db] url_env` names: the PostgreSQL server the benches run on.
fn server_url(raw: &RawDb, ctx: &Ctx<'_>) -> Result<Option<String>, SuiteError> {
    let (text, span, key) = match (&raw.url, &raw.url_env) {
        (Some(_), Some(env)) => {
            return Err(ctx.error(
                Some(env.span()),
                Some("db.url_env".into()),
                "give the server as `url` or as `url_env`, not both",
            ));
        }
        (None, None) => return Ok(None),
        (Some(url), None) => (url.get_ref().clone(), url.span(), "db.url"),
        (None, Some(env)) => match std::env::var(env.get_ref()) {
            Ok(url) if !url.is_empty() => (url, env.span(), "db.url_env"),
            _ => {
                return Err(ctx.error(
                    Some(env.span()),
                    Some("db.url_env".into()),
                    format!(
                        "the environment variable `{}` is not set: set it to the server's URL, \
                         e.g. `export {}=postgres://user:password@127.0.0.1:5432/db`",
                        env.get_ref(),
                        env.get_ref()
                    ),
                ));
            }
        },
    };
    crate::model::check_postgres_url(&text)
        .map_err(|message| ctx.error(Some(span), Some(key.into()), message))?;
    Ok(Some(text))
}

/// The pool keys over `config`.
fn pool(
    raw: &RawPool,
    mut config: DbConfig,
    prefix: &str,
    ctx: &Ctx<'_>,
) -> Result<DbConfig, SuiteError> {
    if let Some(pool) = &raw.pool {
        if !(1..=DbConfig::MAX_POOL).contains(pool.get_ref()) {
            return Err(ctx.error(
                Some(pool.span()),
                Some(format!("{prefix}pool")),
                format!("a pool has 1 to {} connections", DbConfig::MAX_POOL),
            ));
        }
        config.pool = *pool.get_ref();
    }
    if let Some(latency) = &raw.latency {
        if latency.get_ref().0 > MAX_DEADLINE {
            return Err(ctx.error(
                Some(latency.span()),
                Some(format!("{prefix}latency")),
                "a latency must be at most 24h",
            ));
        }
        config.latency = latency.get_ref().0;
    }
    if let Some(mode) = raw.latency_mode {
        config.mode = mode;
    }
    if let Some(memory) = &raw.memory {
        if memory.get_ref().0 < DbConfig::MIN_MEMORY {
            return Err(ctx.error(
                Some(memory.span()),
                Some(format!("{prefix}memory")),
                "the database needs at least 4 MiB",
            ));
        }
        config.memory = memory.get_ref().0;
    }
    Ok(config)
}

/// Runs the schema and every index on an empty in-memory database, under the rules the benches'
/// databases create them by (see `sql_guard`): the database's heap cap, a deadline, nothing
/// that touches a file or a setting.
fn try_schema(config: &DbConfig, raw: &RawDb, ctx: &Ctx<'_>) -> Result<(), SuiteError> {
    let _heap = HeapShare::new(config.memory);
    let mut conn = rusqlite::Connection::open_in_memory()
        .and_then(|conn| harden(&conn, config.memory).map(|()| conn))
        .map_err(|e| {
            ctx.error(
                None,
                Some("db".into()),
                format!("SQLite is unavailable: {e}"),
            )
        })?;
    run_suite_sql(&mut conn, &config.schema, SUITE_SQL_DEADLINE).map_err(|e| {
        ctx.error(
            Some(raw.schema.span()),
            Some("db.schema".into()),
            format!("the schema does not run: {e}"),
        )
    })?;
    for (name, sql) in &raw.indexes {
        run_suite_sql(&mut conn, sql.get_ref(), SUITE_SQL_DEADLINE).map_err(|e| {
            ctx.error(
                Some(sql.span()),
                Some(format!("db.indexes.{}", name.get_ref())),
                format!("the index does not run: {e}"),
            )
        })?;
    }
    for (i, table) in raw.table.iter().enumerate() {
        let table = table.get_ref();
        let columns: Vec<String> = table
            .columns
            .keys()
            .map(|c| format!("\"{}\"", c.get_ref()))
            .collect();
        let probe = format!(
            "SELECT {} FROM \"{}\" LIMIT 0",
            columns.join(", "),
            table.name.get_ref()
        );
        conn.prepare(&probe).map_err(|e| {
            ctx.error(
                Some(table.name.span()),
                Some(format!("db.table[{i}]")),
                format!("the schema has no such table or column: {e}"),
            )
        })?;
    }
    Ok(())
}

/// A table, column or index name: a plain SQL identifier.
fn identifier(name: &Spanned<String>, key: &str, ctx: &Ctx<'_>) -> Result<(), SuiteError> {
    let text = name.get_ref();
    let valid = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(ctx.error(
            Some(name.span()),
            Some(key.into()),
            format!(
                "`{text}` is not a plain name (letters, digits and `_`, not starting with a digit)"
            ),
        ))
    }
}
