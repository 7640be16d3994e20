//! A backend held by a real Redis server (`[backends] store` or `remote_cache` given as a
//! `redis://` URL): the same calls as the simulated one, each a real round trip whose time is the
//! backend's latency. Each backend of each instance writes under its own key prefix, and removes
//! what it wrote when the instance ends, so benches sharing a server never see each other's keys.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use redis::{Connection, RedisError, Value};

/// How long connecting and each call may take before the bench fails: a server that stops
/// answering must not hold a bench past its deadline's order of magnitude.
const TIMEOUT: Duration = Duration::from_secs(5);

/// A Redis call that failed (the server is unreachable, refused the command, went away): the bench
/// fails with this message rather than reading a miss.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "the {backend} backend's Redis server ({url}): {reason} (start the server, or give [backends] \
     {backend} a latency such as \"200us\" to simulate it)"
)]
pub struct RedisBackendError {
    pub backend: &'static str,
    pub url: String,
    pub reason: String,
}

/// One backend's keys on a Redis server, connected on first use (a bench that never calls the
/// backend never needs the server).
pub struct RedisBackend {
    name: &'static str,
    url: String,
    /// The server's URL with any password left out, for messages.
    shown_url: String,
    connection: Option<Connection>,
    /// `wasmbench:<process>:<nonce>:<backend>:`, before every key.
    prefix: String,
    /// The keys held and their sizes (key + value bytes): the namespace is this backend's own, so
    /// what it holds is known without asking the server.
    held: BTreeMap<String, u64>,
}

impl std::fmt::Debug for RedisBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisBackend")
            .field("name", &self.name)
            .field("url", &self.shown_url)
            .field("connected", &self.connection.is_some())
            .field("prefix", &self.prefix)
            .field("keys", &self.held.len())
            .finish()
    }
}

impl RedisBackend {
    /// Backend `name` (`store`, `remote_cache`) on the server at `url`.
    pub fn new(name: &'static str, url: &str) -> Self {
        let nonce: u64 = rand::random();
        RedisBackend {
            name,
            url: url.to_string(),
            prefix: format!("wasmbench:{}:{nonce:016x}:{name}:", std::process::id()),
            shown_url: crate::model::redact_url(url),
            connection: None,
            held: BTreeMap::new(),
        }
    }

    /// The connection, opened on first use.
    fn connection(&mut self) -> Result<&mut Connection, RedisBackendError> {
        if self.connection.is_none() {
            let open = || -> Result<Connection, RedisError> {
                let client = redis::Client::open(self.url.as_str())?;
                let connection = client.get_connection_with_timeout(TIMEOUT)?;
                connection.set_read_timeout(Some(TIMEOUT))?;
                connection.set_write_timeout(Some(TIMEOUT))?;
                Ok(connection)
            };
            self.connection = Some(open().map_err(|e| self.error(e))?);
        }
        Ok(self.connection.as_mut().expect("connected just now"))
    }

    fn error(&self, e: RedisError) -> RedisBackendError {
        RedisBackendError {
            backend: self.name,
            url: self.shown_url.clone(),
            reason: e.to_string(),
        }
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// Bytes of keys and values held.
    pub fn held_bytes(&self) -> u64 {
        self.held.values().sum()
    }

    /// Bytes a key holds now (0 when absent).
    pub fn size_of(&self, key: &str) -> u64 {
        self.held.get(key).copied().unwrap_or(0)
    }

    /// `GET`: the value, and how long the round trip took.
    pub fn get(&mut self, key: &str) -> Result<(Option<Vec<u8>>, Duration), RedisBackendError> {
        let cmd = redis::cmd("GET").arg(self.key(key)).clone();
        let connection = self.connection()?;
        let started = Instant::now();
        let value = cmd.query::<Option<Vec<u8>>>(connection);
        let took = started.elapsed();
        Ok((value.map_err(|e| self.error(e))?, took))
    }

    /// `SET`: how long the round trip took.
    pub fn put(&mut self, key: String, value: &[u8]) -> Result<Duration, RedisBackendError> {
        let cmd = redis::cmd("SET").arg(self.key(&key)).arg(value).clone();
        let connection = self.connection()?;
        let started = Instant::now();
        let done = cmd.query::<()>(connection);
        let took = started.elapsed();
        done.map_err(|e| self.error(e))?;
        self.held
            .insert(key.clone(), (key.len() + value.len()) as u64);
        Ok(took)
    }

    /// `DEL`: whether the key was there, and how long the round trip took.
    pub fn delete(&mut self, key: &str) -> Result<(bool, Duration), RedisBackendError> {
        let cmd = redis::cmd("DEL").arg(self.key(key)).clone();
        let connection = self.connection()?;
        let started = Instant::now();
        let removed = cmd.query::<u64>(connection);
        let took = started.elapsed();
        let removed = removed.map_err(|e| self.error(e))?;
        self.held.remove(key);
        Ok((removed > 0, took))
    }

    /// Removes every key this backend wrote (not timed: `clear` and `load` are a bench's setup).
    pub fn clear(&mut self) -> Result<(), RedisBackendError> {
        let keys: Vec<String> = self.held.keys().map(|k| self.key(k)).collect();
        for chunk in keys.chunks(1000) {
            let cmd = redis::cmd("DEL").arg(chunk).clone();
            let done = cmd.query::<u64>(self.connection()?);
            done.map_err(|e| self.error(e))?;
        }
        self.held.clear();
        Ok(())
    }

    /// Writes `entries` in pipelined batches (setup, not timed).
    pub fn load(&mut self, entries: &[(String, Vec<u8>)]) -> Result<(), RedisBackendError> {
        for chunk in entries.chunks(1000) {
            let mut pipe = redis::pipe();
            for (key, value) in chunk {
                pipe.cmd("SET").arg(self.key(key)).arg(value).ignore();
            }
            let done = pipe.query::<()>(self.connection()?);
            done.map_err(|e| self.error(e))?;
            for (key, value) in chunk {
                self.held
                    .insert(key.clone(), (key.len() + value.len()) as u64);
            }
        }
        Ok(())
    }

    /// Every key and value held, in key order: what the backend's digest is taken over, read back
    /// from the server (so a value the server lost or changed changes it).
    pub fn contents(&mut self) -> Result<Vec<(String, Vec<u8>)>, RedisBackendError> {
        let keys: Vec<String> = self.held.keys().cloned().collect();
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(1000) {
            let full: Vec<String> = chunk.iter().map(|k| self.key(k)).collect();
            let cmd = redis::cmd("MGET").arg(&full).clone();
            let values = cmd.query::<Vec<Value>>(self.connection()?);
            let values = values.map_err(|e| self.error(e))?;
            for (key, value) in chunk.iter().zip(values) {
                if let Value::BulkString(bytes) = value {
                    out.push((key.clone(), bytes));
                }
            }
        }
        Ok(out)
    }
}

impl Drop for RedisBackend {
    /// Leaves the server as it was found: the keys this backend wrote are removed.
    fn drop(&mut self) {
        if self.held.is_empty() {
            return;
        }
        if let Err(e) = self.clear() {
            eprintln!("warning: removing the bench's keys: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::redact_url as shown;

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            shown("redis://user:secret@127.0.0.1:6379/0"),
            "redis://user@127.0.0.1:6379/0"
        );
        assert_eq!(
            shown("redis://:secret@127.0.0.1:6379"),
            "redis://127.0.0.1:6379"
        );
        assert_eq!(shown("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
        assert_eq!(
            shown("postgres://127.0.0.1/db?user=u&password=secret"),
            "postgres://127.0.0.1/db?user=u&password=…"
        );
    }

    #[test]
    fn an_unreachable_server_is_named_in_the_error() {
        // Port 1 on loopback: nothing listens there.
        let mut backend = RedisBackend::new("remote_cache", "redis://127.0.0.1:1");
        let err = backend.get("k").unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("the remote_cache backend's Redis server (redis://127.0.0.1:1): "),
            "{text}"
        );
    }
}
