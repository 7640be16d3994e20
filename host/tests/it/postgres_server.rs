#![allow(dead_code)] // each test module uses the part it needs
//! The PostgreSQL server the `[db] url` and `--history postgres://` tests use: the one named by
//! `WASMBENCH_TEST_POSTGRES` (`scripts/servers.sh start postgres` starts one and `scripts/servers.sh
//! env` prints the export; `.ci/run` does both). Without it the tests skip with a message, unless
//! PostgreSQL is required (`WASMBENCH_REQUIRE_POSTGRES=1`, which `.ci/run` exports, or `CI` set),
//! where they fail.

use postgres::{Client, NoTls};

/// The variable that names the test server.
pub const URL_VAR: &str = "WASMBENCH_TEST_POSTGRES";

fn required() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    set("WASMBENCH_REQUIRE_POSTGRES") || set("CI")
}

/// The server's URL (a login role with CREATEROLE and CREATEDB, its own database), or `None` after
/// saying why `test` is skipped; panics instead when PostgreSQL is [`required`].
pub fn server_or_skip(test: &str) -> Option<String> {
    let url = std::env::var(URL_VAR).ok().filter(|u| !u.is_empty());
    let problem = match &url {
        None => format!("{URL_VAR} is not set"),
        Some(url) => match Client::connect(url, NoTls) {
            Ok(_) => return Some(url.clone()),
            Err(e) => format!("{URL_VAR}={url}: {e}"),
        },
    };
    let fix = "start one with `scripts/servers.sh start postgres` and `eval \"$(scripts/servers.sh env)\"`";
    if required() {
        panic!(
            "{problem}; PostgreSQL is required here (WASMBENCH_REQUIRE_POSTGRES or CI is set): {fix}"
        );
    }
    eprintln!(
        "SKIPPED {test}: {problem} ({fix}; with WASMBENCH_REQUIRE_POSTGRES=1 or CI set the test fails instead of skipping)"
    );
    None
}

/// A database of a test's own on the test server, dropped with it.
pub struct TestDatabase {
    pub url: String,
    admin: String,
    name: String,
}

impl TestDatabase {
    /// A fresh, empty database (named after the test and a random suffix), or `None` when skipped.
    pub fn create(test: &str) -> Option<TestDatabase> {
        let admin = server_or_skip(test)?;
        let suffix: String = format!("{:x}", rand_suffix());
        let name = format!(
            "wb_test_{}_{suffix}",
            test.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        )
        .chars()
        .take(60)
        .collect::<String>()
        .to_ascii_lowercase();
        let mut client = Client::connect(&admin, NoTls).unwrap();
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap_or_else(|e| panic!("creating the test database {name}: {e}"));
        let url = with_database(&admin, &name);
        Some(TestDatabase { url, admin, name })
    }

    /// A client connected to this database.
    pub fn client(&self) -> Client {
        Client::connect(&self.url, NoTls).unwrap()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = Client::connect(&self.admin, NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// `url` with its database (the path) replaced by `database`.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_end = base
        .find("://")
        .map(|scheme| scheme + 3)
        .and_then(|start| base[start..].find('/').map(|i| start + i))
        .unwrap_or(base.len());
    let mut out = format!("{}/{database}", &base[..authority_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos(),
    );
    hasher.finish() & 0xffff_ffff
}
