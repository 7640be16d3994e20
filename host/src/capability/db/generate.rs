//! The rows a seeded table gets: one seeded ChaCha generator per table, so every execution, every
//! machine and every database server gets the same data.

use std::collections::BTreeMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::{ColumnGen, SeedTable};
use crate::plugin::bindings::db::Value;

/// The generated rows of `table`, in order; `rows_of` gives the row counts of the tables seeded
/// before it (what a `ref` column draws from).
pub fn table_rows(
    table: &SeedTable,
    rows_of: &BTreeMap<&str, u64>,
) -> Result<impl Iterator<Item = Vec<Value>>, String> {
    if table.columns.is_empty() {
        return Err("no columns to generate".into());
    }
    let parents: Vec<u64> = table
        .columns
        .iter()
        .map(|(column, generator)| match generator {
            ColumnGen::Ref(parent) => rows_of.get(parent.as_str()).copied().ok_or_else(|| {
                format!(
                    "column `{column}` refers to table `{parent}`, which is not seeded before it"
                )
            }),
            _ => Ok(0),
        })
        .collect::<Result<_, _>>()?;
    let mut rng = ChaCha8Rng::seed_from_u64(table.seed);
    let columns = table.columns.clone();
    Ok((0..table.rows).map(move |i| {
        columns
            .iter()
            .zip(&parents)
            .map(|((_, generator), &parent_rows)| generate(generator, i, parent_rows, &mut rng))
            .collect()
    }))
}

fn generate(generator: &ColumnGen, i: u64, parent_rows: u64, rng: &mut ChaCha8Rng) -> Value {
    match generator {
        ColumnGen::Serial => Value::Integer(i as i64 + 1),
        ColumnGen::Cycle(n) => Value::Integer((i % n) as i64 + 1),
        ColumnGen::Int(lo, hi) => Value::Integer(rng.random_range(*lo..=*hi)),
        ColumnGen::Real(lo, hi) if lo < hi => Value::Real(rng.random_range(*lo..*hi)),
        ColumnGen::Real(lo, _) => Value::Real(*lo),
        ColumnGen::Text(min, max) => {
            let len = rng.random_range(*min..=*max);
            Value::Text(
                (0..len)
                    .map(|_| rng.random_range(b'a'..=b'z') as char)
                    .collect(),
            )
        }
        ColumnGen::Ref(_) if parent_rows == 0 => Value::Null,
        ColumnGen::Ref(_) => Value::Integer(rng.random_range(1..=parent_rows) as i64),
    }
}

/// An identifier quoted for SQL (names are checked to be plain identifiers when the suite is read).
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
