//! A plugin's values (SQLite's storage classes: null, integer, real, text, blob) on PostgreSQL:
//! bound as the type the server gave each parameter, and read back from each column's type. What
//! has no faithful mapping is a clear error that says which cast to write.

use std::error::Error;

use bytes::BytesMut;
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use tokio_postgres::Row;
use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use crate::plugin::bindings::db::Value;

/// A plugin's value bound to a parameter of the type the server expects there.
#[derive(Debug)]
pub struct Bound<'a>(pub &'a Value);

type BoxError = Box<dyn Error + Sync + Send>;

impl ToSql for Bound<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let value = self.0;
        let mismatch = || -> BoxError {
            format!(
                "a plugin's {} can't be bound to a parameter of type {ty}: bind a {} or cast the \
                 parameter in the SQL (e.g. `$1::{}`)",
                kind(value),
                expected(ty),
                wanted_cast(value)
            )
            .into()
        };
        match (value, ty) {
            (Value::Null, _) => Ok(IsNull::Yes),
            (Value::Integer(n), &Type::INT8) => n.to_sql(ty, out),
            (Value::Integer(n), &Type::INT4) => narrow::<i32>(*n, ty)?.to_sql(ty, out),
            (Value::Integer(n), &Type::INT2) => narrow::<i16>(*n, ty)?.to_sql(ty, out),
            (Value::Integer(n), &Type::FLOAT8) => (*n as f64).to_sql(ty, out),
            (Value::Integer(n), &Type::FLOAT4) => (*n as f32).to_sql(ty, out),
            (Value::Integer(n), &Type::NUMERIC) => Decimal::from(*n).to_sql(ty, out),
            (Value::Integer(n), &Type::BOOL) => (*n != 0).to_sql(ty, out),
            (Value::Real(x), &Type::FLOAT8) => x.to_sql(ty, out),
            (Value::Real(x), &Type::FLOAT4) => (*x as f32).to_sql(ty, out),
            (Value::Real(x), &Type::NUMERIC) => Decimal::from_f64(*x)
                .ok_or_else(|| format!("{x} has no numeric value"))?
                .to_sql(ty, out),
            (Value::Text(s), t) if is_text(t) => s.as_str().to_sql(&Type::TEXT, out),
            (Value::Text(s), &Type::JSONB) => {
                // jsonb's binary form: a version byte, then the text.
                out.extend_from_slice(&[1]);
                out.extend_from_slice(s.as_bytes());
                Ok(IsNull::No)
            }
            (Value::Text(s), &Type::JSON) => {
                out.extend_from_slice(s.as_bytes());
                Ok(IsNull::No)
            }
            (Value::Blob(b), &Type::BYTEA) => b.as_slice().to_sql(ty, out),
            _ => Err(mismatch()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn narrow<T: TryFrom<i64>>(n: i64, ty: &Type) -> Result<T, BoxError> {
    T::try_from(n).map_err(|_| format!("{n} does not fit a parameter of type {ty}").into())
}

fn is_text(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN
    )
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Integer(_) => "integer",
        Value::Real(_) => "real",
        Value::Text(_) => "text",
        Value::Blob(_) => "blob",
    }
}

fn expected(ty: &Type) -> &'static str {
    match *ty {
        Type::INT2 | Type::INT4 | Type::INT8 | Type::BOOL => "integer",
        Type::FLOAT4 | Type::FLOAT8 | Type::NUMERIC => "real or integer",
        Type::BYTEA => "blob",
        _ => "text",
    }
}

fn wanted_cast(value: &Value) -> &'static str {
    match value {
        Value::Integer(_) => "int8",
        Value::Real(_) => "float8",
        Value::Blob(_) => "bytea",
        _ => "text",
    }
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
