//! A plugin's values as SQLite's and back: the storage classes map one to one.

use rusqlite::types::ValueRef;

use crate::plugin::bindings::db::Value;

pub(super) fn to_sql(value: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as Sql;
    match value {
        Value::Null => Sql::Null,
        Value::Integer(n) => Sql::Integer(*n),
        Value::Real(x) => Sql::Real(*x),
        Value::Text(text) => Sql::Text(text.clone()),
        Value::Blob(bytes) => Sql::Blob(bytes.clone()),
    }
}

pub(super) fn from_sql(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::Integer(n),
        ValueRef::Real(x) => Value::Real(x),
        ValueRef::Text(text) => Value::Text(String::from_utf8_lossy(text).into_owned()),
        ValueRef::Blob(bytes) => Value::Blob(bytes.to_vec()),
    }
}
