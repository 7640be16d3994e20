//! The `db` WIT interface on a store: each call goes to the store's [`super::DbSession`].

use wasmtime::component::Resource;

use super::db::{Outcome, Reply};
use super::store::HostState;
use crate::plugin::bindings::db::{
    Connection, Host, HostConnection, HostStatement, Rows, Statement, Value,
};

/// Bytes a value carries across the boundary.
fn value_size(value: &Value) -> usize {
    match value {
        Value::Null => 1,
        Value::Integer(_) | Value::Real(_) => 8,
        Value::Text(text) => text.len(),
        Value::Blob(blob) => blob.len(),
    }
}

fn values_size(values: &[Value]) -> usize {
    values.iter().map(value_size).sum()
}

fn rows_size(rows: &Rows) -> usize {
    rows.columns.iter().map(String::len).sum::<usize>()
        + rows.rows.iter().map(|r| values_size(r)).sum::<usize>()
}

impl HostState {
    /// Counts the statement and parameters going in and the rows coming back.
    fn moved<T>(
        &mut self,
        sql: &str,
        params: &[Value],
        reply: Reply<T>,
        size: impl FnOnce(&T) -> usize,
    ) -> Reply<T> {
        let out = match &reply {
            Ok(Ok(value)) => size(value),
            _ => 0,
        };
        self.watch.moved(sql.len() + values_size(params) + out);
        reply
    }
}

fn rows(reply: Reply<Outcome>) -> Reply<Rows> {
    reply.map(|r| {
        r.map(|o| {
            o.rows.unwrap_or(Rows {
                columns: Vec::new(),
                rows: Vec::new(),
            })
        })
    })
}

fn changed(reply: Reply<Outcome>) -> Reply<u64> {
    reply.map(|r| r.map(|o| o.changed))
}

impl Host for HostState {
    async fn connect(&mut self) -> Reply<Resource<Connection>> {
        Ok(self.db.connect().await?.map(Resource::new_own))
    }

    async fn execute(&mut self, sql: String, params: Vec<Value>) -> Reply<u64> {
        let reply = changed(self.db.statement(None, &sql, &params, false).await);
        self.moved(&sql, &params, reply, |_| 8)
    }

    async fn query(&mut self, sql: String, params: Vec<Value>) -> Reply<Rows> {
        let reply = rows(self.db.statement(None, &sql, &params, true).await);
        self.moved(&sql, &params, reply, rows_size)
    }

    async fn available(&mut self) -> wasmtime::Result<bool> {
        Ok(self.db.available())
    }
}

impl HostConnection for HostState {
    async fn execute(
        &mut self,
        this: Resource<Connection>,
        sql: String,
        params: Vec<Value>,
    ) -> Reply<u64> {
        let on = Some(this.rep());
        let reply = changed(self.db.statement(on, &sql, &params, false).await);
        self.moved(&sql, &params, reply, |_| 8)
    }

    async fn query(
        &mut self,
        this: Resource<Connection>,
        sql: String,
        params: Vec<Value>,
    ) -> Reply<Rows> {
        let on = Some(this.rep());
        let reply = rows(self.db.statement(on, &sql, &params, true).await);
        self.moved(&sql, &params, reply, rows_size)
    }

    async fn prepare(
        &mut self,
        this: Resource<Connection>,
        sql: String,
    ) -> Reply<Resource<Statement>> {
        self.watch.moved(sql.len());
        Ok(self
            .db
            .prepare(this.rep(), sql)
            .await?
            .map(Resource::new_own))
    }

    async fn begin(&mut self, this: Resource<Connection>) -> Reply<()> {
        self.transaction(this, "BEGIN").await
    }

    async fn commit(&mut self, this: Resource<Connection>) -> Reply<()> {
        self.transaction(this, "COMMIT").await
    }

    async fn rollback(&mut self, this: Resource<Connection>) -> Reply<()> {
        self.transaction(this, "ROLLBACK").await
    }

    async fn drop(&mut self, this: Resource<Connection>) -> wasmtime::Result<()> {
        self.db.disconnect(this.rep()).await;
        Ok(())
    }
}

impl HostState {
    async fn transaction(&mut self, this: Resource<Connection>, sql: &str) -> Reply<()> {
        let reply = self.db.statement(Some(this.rep()), sql, &[], false).await;
        reply.map(|r| r.map(|_| ()))
    }
}

impl HostStatement for HostState {
    async fn execute(&mut self, this: Resource<Statement>, params: Vec<Value>) -> Reply<u64> {
        let reply = changed(self.db.run_prepared(this.rep(), &params, false).await);
        self.moved("", &params, reply, |_| 8)
    }

    async fn query(&mut self, this: Resource<Statement>, params: Vec<Value>) -> Reply<Rows> {
        let reply = rows(self.db.run_prepared(this.rep(), &params, true).await);
        self.moved("", &params, reply, rows_size)
    }

    async fn drop(&mut self, this: Resource<Statement>) -> wasmtime::Result<()> {
        self.db.drop_statement(this.rep());
        Ok(())
    }
}
