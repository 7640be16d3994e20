//! A plugin's values (SQLite's storage classes: null, integer, real, text, blob) on PostgreSQL:
//! bound as text that the server converts to each parameter's type, and read back from each
//! column's type. A column type with no faithful mapping is a clear error that says which cast to
//! write.

use std::error::Error;

use bytes::BytesMut;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use tokio_postgres::Row;
use tokio_postgres::types::{Format, IsNull, Kind, ToSql, Type, to_sql_checked};

use crate::plugin::bindings::db::Value;

/// A plugin's value bound to a parameter as text, for the server to convert to the parameter's
/// type with that type's input function — what libpq's `PQexecParams` and node-postgres do. So an
/// integer can fill an `int4`, `numeric`, `bool` or `text` parameter alike, and a value that doesn't
/// fit gets the server's own error (`invalid input syntax for type integer`, `out of range`).
#[derive(Debug)]
pub struct Bound<'a>(pub &'a Value);

impl ToSql for Bound<'_> {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        use std::fmt::Write;
        match self.0 {
            Value::Null => return Ok(IsNull::Yes),
            Value::Integer(n) => write!(out, "{n}")?,
            // Debug is the shortest text that reads back as the same double (`1e300`, `NaN`, `inf`).
            Value::Real(x) => write!(out, "{x:?}")?,
            Value::Text(text) => out.extend_from_slice(text.as_bytes()),
            Value::Blob(bytes) => {
                out.extend_from_slice(b"\\x");
                for byte in bytes {
                    write!(out, "{byte:02x}")?;
                }
            }
        }
        Ok(IsNull::No)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn encode_format(&self, _: &Type) -> Format {
        Format::Text
    }

    to_sql_checked!();
}

/// A parameter whose type the server infers from the statement (type oid 0), as for an
/// unprepared statement.
pub fn unspecified() -> Type {
    Type::new(String::new(), 0, Kind::Pseudo, String::new())
}

/// Column `i` of `row` as a plugin's value.
pub fn column(row: &Row, i: usize) -> Result<Value, String> {
    let column = &row.columns()[i];
    let ty = column.type_();
    let read = |e: tokio_postgres::Error| format!("reading column `{}`: {e}", column.name());
    let value = match *ty {
        Type::INT8 => row
            .try_get::<_, Option<i64>>(i)
            .map_err(read)?
            .map(Value::Integer),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(i)
            .map_err(read)?
            .map(|n| Value::Integer(n.into())),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(i)
            .map_err(read)?
            .map(|n| Value::Integer(n.into())),
        Type::OID => row
            .try_get::<_, Option<u32>>(i)
            .map_err(read)?
            .map(|n| Value::Integer(n.into())),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(i)
            .map_err(read)?
            .map(|b| Value::Integer(b.into())),
        Type::FLOAT8 => row
            .try_get::<_, Option<f64>>(i)
            .map_err(read)?
            .map(Value::Real),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(i)
            .map_err(read)?
            .map(|x| Value::Real(x.into())),
        Type::NUMERIC => row
            .try_get::<_, Option<Decimal>>(i)
            .map_err(read)?
            .map(|d| Value::Real(d.to_f64().unwrap_or(f64::NAN))),
        Type::BYTEA => row
            .try_get::<_, Option<Vec<u8>>>(i)
            .map_err(read)?
            .map(Value::Blob),
        Type::JSON | Type::JSONB => row
            .try_get::<_, Option<serde_json::Value>>(i)
            .map_err(read)?
            .map(|json| Value::Text(json.to_string())),
        ref t if is_text(t) => row
            .try_get::<_, Option<String>>(i)
            .map_err(read)?
            .map(Value::Text),
        _ => {
            return Err(format!(
                "column `{}` is of type {ty}, which a plugin's values (null, integer, real, text, \
                 blob) can't hold: cast it in the query, e.g. `{}::text`",
                column.name(),
                column.name()
            ));
        }
    };
    Ok(value.unwrap_or(Value::Null))
}

fn is_text(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN
    )
}
