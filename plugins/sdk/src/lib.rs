//! Guest SDK for wasmbench workload plugins.
//!
//! A plugin implements [`Workload`] once per workload and registers them with one macro call:
//!
//! ```ignore
//! use wasmbench_sdk::{Outcome, Params, Workload};
//!
//! struct Fib { n: u64 }
//!
//! impl Workload for Fib {
//!     const NAME: &'static str = "fib";
//!     const DESCRIPTION: &'static str = "naive recursive Fibonacci";
//!     const PARAMS: &'static [(&'static str, &'static str)] = &[("n", "25")];
//!     fn setup(params: &Params) -> Result<Self, String> {
//!         Ok(Fib { n: params.u64("n")? })
//!     }
//!     fn run(&mut self) -> Result<Outcome, String> {
//!         Ok(Outcome::new(fib(self.n), 1))
//!     }
//! }
//!
//! wasmbench_sdk::register!(Fib);
//! ```
//!
//! The WIT contract lives in `plugins/wit/plugin.wit`; this crate hides its raw bindings.

// Lets the generated bindings name this crate the same way from inside it and from plugins.
extern crate self as wasmbench_sdk;

pub mod lru;
mod params;
pub mod rng;

use std::cell::RefCell;
use std::marker::PhantomData;

pub use params::Params;

/// A whole percentage baked in at build time, `option_env!("…")`, 0 when unset: how a plugin's
/// calibration build does a known amount of extra work (`WASMBENCH_CALIBRATE_EXTRA_PERCENT`). A
/// value that is not a whole number fails the build.
pub const fn build_percent(text: Option<&str>) -> u64 {
    let Some(text) = text else {
        return 0;
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut value = 0;
    while i < bytes.len() {
        assert!(
            bytes[i].is_ascii_digit(),
            "an extra percentage must be a whole number"
        );
        value = value * 10 + (bytes[i] - b'0') as u64;
        i += 1;
    }
    value
}

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "plugin",
        pub_export_macro: true,
        export_macro_name: "__export_plugin",
        default_bindings_module: "::wasmbench_sdk::bindings",
        runtime_path: "::wasmbench_sdk::__private::wit_bindgen::rt",
    });
}

#[doc(hidden)]
pub mod __private {
    pub use wit_bindgen;
}

use bindings::exports::wasmbench::plugin::workload as wit;
use bindings::wasmbench::plugin::types as wit_types;

/// The version of the WIT contract this SDK speaks: the package version of `plugins/wit/plugin.wit`,
/// read by the build script.
pub const CONTRACT_VERSION: &str = env!("WASMBENCH_CONTRACT_VERSION");

/// The result of one iteration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// A digest of the result, so the work can't be optimised away and alternatives can be compared.
    pub checksum: u64,
    /// Work done in the workload's [`Workload::UNIT`], for throughput.
    pub units: u64,
    /// Named counts to report (cache hits, backend calls, ...).
    pub counters: Vec<(String, u64)>,
}

impl Outcome {
    pub fn new(checksum: u64, units: u64) -> Self {
        Outcome {
            checksum,
            units,
            counters: Vec::new(),
        }
    }

    /// Adds a counter; chainable.
    pub fn counter(mut self, name: impl Into<String>, value: u64) -> Self {
        self.counters.push((name.into(), value));
        self
    }
}

/// One workload a plugin offers. `setup` runs once per bench; `run` once per iteration; drop is
/// teardown.
pub trait Workload: Sized + 'static {
    /// Name used in suites (`workload = "..."`).
    const NAME: &'static str;
    /// One line for `wasmbench list`.
    const DESCRIPTION: &'static str;
    /// What [`Outcome::units`] counts.
    const UNIT: &'static str = "ops";
    /// Every parameter the workload reads, with its default. The host fills in defaults and rejects
    /// parameters not listed here.
    const PARAMS: &'static [(&'static str, &'static str)] = &[];

    fn setup(params: &Params) -> Result<Self, String>;
    fn run(&mut self) -> Result<Outcome, String>;
}

/// A workload behind a vtable, so one plugin can hold several workload types.
#[doc(hidden)]
pub trait DynBench {
    fn run(&mut self) -> Result<Outcome, String>;
}

impl<W: Workload> DynBench for W {
    fn run(&mut self) -> Result<Outcome, String> {
        Workload::run(self)
    }
}

/// A registered workload; built by [`register!`].
#[doc(hidden)]
pub struct Entry {
    pub name: &'static str,
    pub description: &'static str,
    pub unit: &'static str,
    pub params: &'static [(&'static str, &'static str)],
    pub setup: fn(&Params) -> Result<Box<dyn DynBench>, String>,
}

impl Entry {
    pub const fn of<W: Workload>() -> Entry {
        Entry {
            name: W::NAME,
            description: W::DESCRIPTION,
            unit: W::UNIT,
            params: W::PARAMS,
            setup: setup_boxed::<W>,
        }
    }
}

fn setup_boxed<W: Workload>(params: &Params) -> Result<Box<dyn DynBench>, String> {
    Ok(Box::new(W::setup(params)?))
}

/// The set of workloads of one plugin; implemented by [`register!`].
#[doc(hidden)]
pub trait Registry: 'static {
    fn entries() -> &'static [Entry];
}

/// Adapts a [`Registry`] to the WIT exports.
#[doc(hidden)]
pub struct Export<R>(PhantomData<R>);

/// The `bench` resource: one set-up workload.
#[doc(hidden)]
pub struct BenchResource<R> {
    bench: RefCell<Box<dyn DynBench>>,
    _registry: PhantomData<R>,
}

impl<R: Registry> wit::Guest for Export<R> {
    type Bench = BenchResource<R>;

    fn workloads() -> Vec<wit_types::WorkloadInfo> {
        R::entries()
            .iter()
            .map(|e| wit_types::WorkloadInfo {
                name: e.name.to_string(),
                description: e.description.to_string(),
                default_params: e
                    .params
                    .iter()
                    .map(|(name, value)| wit_types::Param {
                        name: name.to_string(),
                        value: value.to_string(),
                    })
                    .collect(),
                unit: e.unit.to_string(),
            })
            .collect()
    }
}

impl<R: Registry> wit::GuestBench for BenchResource<R> {
    fn setup(name: String, params: Vec<wit_types::Param>) -> Result<wit::Bench, String> {
        let entry = R::entries()
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| {
                let known: Vec<_> = R::entries().iter().map(|e| e.name).collect();
                format!(
                    "unknown workload `{name}` (this plugin offers: {})",
                    known.join(", ")
                )
            })?;
        let params =
            Params::with_defaults(entry.params, params.into_iter().map(|p| (p.name, p.value)));
        let bench = (entry.setup)(&params)?;
        Ok(wit::Bench::new(BenchResource::<R> {
            bench: RefCell::new(bench),
            _registry: PhantomData,
        }))
    }

    fn run(&self) -> Result<wit_types::Outcome, String> {
        let outcome = self.bench.borrow_mut().run()?;
        Ok(wit_types::Outcome {
            checksum: outcome.checksum,
            units: outcome.units,
            counters: outcome
                .counters
                .into_iter()
                .map(|(name, value)| wit_types::Counter { name, value })
                .collect(),
        })
    }
}

/// Registers a plugin's workloads and exports them as the plugin's component interface.
///
/// Call it once per plugin crate with every type that implements [`Workload`].
#[macro_export]
macro_rules! register {
    ($($workload:ty),+ $(,)?) => {
        #[doc(hidden)]
        pub struct __WasmbenchRegistry;

        impl $crate::Registry for __WasmbenchRegistry {
            fn entries() -> &'static [$crate::Entry] {
                const ENTRIES: &[$crate::Entry] = &[$($crate::Entry::of::<$workload>()),+];
                ENTRIES
            }
        }

        type __WasmbenchExport = $crate::Export<__WasmbenchRegistry>;
        $crate::bindings::__export_plugin!(__WasmbenchExport with_types_in $crate::bindings);
    };
}

/// FNV-1a, a small stable hash for checksums.
pub fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    let mut hash = if seed == 0 {
        0xcbf2_9ce4_8422_2325
    } else {
        seed
    };
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Where the host mounts the bench's fixture files (read-only).
pub const FIXTURE_DIR: &str = "/fixtures";

/// The guest path of a fixture file.
pub fn fixture_path(name: &str) -> String {
    format!("{FIXTURE_DIR}/{name}")
}

/// Services the host lends: simulated backends (a store and a remote cache) and the HTTP fixture
/// server. The host counts every call and charges its configured latency.
pub mod host {
    use crate::bindings::wasmbench::plugin::host as wit;

    pub use wit::Backend;

    /// Reads `key`; `None` if absent.
    pub fn get(backend: Backend, key: &str) -> Option<Vec<u8>> {
        wit::get(backend, key)
    }

    /// Writes `key`.
    pub fn put(backend: Backend, key: &str, value: &[u8]) {
        wit::put(backend, key, value)
    }

    /// Deletes `key`; true if it existed.
    pub fn delete(backend: Backend, key: &str) -> bool {
        wit::delete(backend, key)
    }

    /// Empties `backend` (not counted).
    pub fn clear(backend: Backend) {
        wit::clear(backend)
    }

    /// Seeds `backend` with entries (not counted).
    pub fn load(backend: Backend, entries: &[(String, Vec<u8>)]) {
        wit::load(backend, entries)
    }

    /// A digest of everything in `backend`.
    pub fn digest(backend: Backend) -> u64 {
        wit::digest(backend)
    }

    /// Base URL of the HTTP fixture server (`http://127.0.0.1:PORT`), if the bench has one.
    pub fn http_fixture() -> Option<String> {
        wit::http_fixture()
    }
}

/// The bench's embedded SQLite database (the suite's `[db]` table), reached through a pool of
/// connections. Every statement is a counted round trip; see `plugins/wit/plugin.wit`.
///
/// ```ignore
/// use wasmbench_sdk::db::{self, Value};
///
/// let conn = db::connect()?;
/// let page = conn.query("SELECT id, title FROM books WHERE author_id = ?1", &[Value::Integer(7)])?;
/// let insert = conn.prepare("INSERT INTO events(kind) VALUES (?1)")?;
/// conn.begin()?;
/// insert.execute(&["click".into()])?;
/// conn.commit()?;
/// ```
pub mod db {
    use crate::bindings::wasmbench::plugin::db as wit;

    pub use wit::{Connection, Rows, Statement, Value};

    /// Takes a connection from the pool, waiting while all are in use.
    pub fn connect() -> Result<Connection, String> {
        wit::connect()
    }

    /// Runs one statement on a pooled connection; returns the rows it changed.
    pub fn execute(sql: &str, params: &[Value]) -> Result<u64, String> {
        wit::execute(sql, params)
    }

    /// Runs one query on a pooled connection.
    pub fn query(sql: &str, params: &[Value]) -> Result<Rows, String> {
        wit::query(sql, params)
    }

    /// Whether the bench has a database: the suite has a `[db]` table.
    pub fn available() -> bool {
        wit::available()
    }

    impl Value {
        /// The integer, if this is one.
        pub fn as_i64(&self) -> Option<i64> {
            match self {
                Value::Integer(n) => Some(*n),
                _ => None,
            }
        }

        /// The text, if this is text.
        pub fn as_str(&self) -> Option<&str> {
            match self {
                Value::Text(text) => Some(text),
                _ => None,
            }
        }

        /// `hash` ([`crate::fnv1a`]) extended by the value with its type, so `1` and `"1"` differ.
        pub fn digest(&self, hash: u64) -> u64 {
            use crate::fnv1a;
            match self {
                Value::Null => fnv1a(hash, &[0]),
                Value::Integer(n) => fnv1a(fnv1a(hash, &[1]), &n.to_le_bytes()),
                Value::Real(x) => fnv1a(fnv1a(hash, &[2]), &x.to_bits().to_le_bytes()),
                Value::Text(text) => {
                    let hash = fnv1a(fnv1a(hash, &[3]), &(text.len() as u64).to_le_bytes());
                    fnv1a(hash, text.as_bytes())
                }
                Value::Blob(bytes) => {
                    let hash = fnv1a(fnv1a(hash, &[4]), &(bytes.len() as u64).to_le_bytes());
                    fnv1a(hash, bytes)
                }
            }
        }
    }

    impl Rows {
        /// `hash` extended by every value of every row, in order.
        pub fn digest(&self, hash: u64) -> u64 {
            self.rows
                .iter()
                .flatten()
                .fold(hash, |hash, value| value.digest(hash))
        }
    }

    impl From<i64> for Value {
        fn from(n: i64) -> Self {
            Value::Integer(n)
        }
    }

    impl From<f64> for Value {
        fn from(x: f64) -> Self {
            Value::Real(x)
        }
    }

    impl From<&str> for Value {
        fn from(text: &str) -> Self {
            Value::Text(text.to_string())
        }
    }

    impl From<String> for Value {
        fn from(text: String) -> Self {
            Value::Text(text)
        }
    }

    impl From<Vec<u8>> for Value {
        fn from(bytes: Vec<u8>) -> Self {
            Value::Blob(bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    /// `CONTRACT_VERSION` is what the WIT file says, read here independently of the build script.
    #[test]
    fn contract_version_is_the_wit_package_version() {
        let wit = concat!(env!("CARGO_MANIFEST_DIR"), "/../wit/plugin.wit");
        let text = std::fs::read_to_string(wit).unwrap();
        let expected = format!("package wasmbench:plugin@{};", super::CONTRACT_VERSION);
        assert!(
            text.lines().any(|line| line.trim() == expected),
            "{wit} has no line `{expected}`"
        );
    }

    /// `fnv1a` gives the checksums of `checksum-vectors.txt`, which the JavaScript and Python SDKs
    /// are tested against too.
    #[test]
    fn fnv1a_follows_the_shared_vectors() {
        let text = include_str!("../checksum-vectors.txt");
        let mut checked = 0;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = format!("checksum-vectors.txt:{}", n + 1);
            let (kind, rest) = line.split_once(' ').expect(&at);
            let (seed, rest) = rest.split_once(' ').expect(&at);
            let (input, expected) = rest.rsplit_once(' ').expect(&at);
            let bytes = match kind {
                "text" => input
                    .strip_prefix('"')
                    .and_then(|t| t.strip_suffix('"'))
                    .expect(&at)
                    .as_bytes()
                    .to_vec(),
                "bytes" if input == "-" => Vec::new(),
                "bytes" => (0..input.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&input[i..i + 2], 16).expect(&at))
                    .collect(),
                other => panic!("{at}: unknown kind `{other}`"),
            };
            let seed: u64 = seed.parse().expect(&at);
            let expected: u64 = expected.parse().expect(&at);
            assert_eq!(super::fnv1a(seed, &bytes), expected, "{at}");
            checked += 1;
        }
        assert!(checked >= 10, "only {checked} vectors");
    }
}
