//! What the host lends a plugin: a read-only fixture folder, the HTTP fixture server, simulated
//! backends, all inside a sandboxed WASI context. Nothing else is reachable: no environment, no
//! arguments, no sockets, no other files, no other HTTP authority.

mod backends;
pub mod command;
mod db;
mod db_calls;
mod fixture_server;
mod fixtures;
mod http;
mod lending;
pub mod linking;
mod output;
pub mod precise;
mod redis_backend;
mod store;

pub use backends::{Backends, StorageLimitExceeded};
pub use db::{Database, DbLimit, DbSession, PoolWaits, StatementPlan};
pub use fixture_server::FixtureServer;
pub use fixtures::FixtureDir;
pub use lending::{GUEST_FIXTURE_DIR, Lending};
pub use redis_backend::RedisBackendError;
pub use store::HostState;
