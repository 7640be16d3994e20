//! The suite file as written: TOML read into serde types that keep each value's place in the file
//! (unknown keys rejected).

use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::error::{Ctx, SuiteError, with_suggestion};
use crate::model::LatencyMode;

/// Reads the TOML text into the raw types; errors name the key path and the place in the file.
pub(super) fn deserialize(ctx: &Ctx<'_>) -> Result<RawSuite, SuiteError> {
    let deserializer = toml::de::Deserializer::parse(ctx.text)
        .map_err(|e| ctx.error(e.span(), None, format!("invalid TOML: {}", e.message())))?;
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        // `Spanned` wraps values in a private field; drop it from the user-facing key path.
        let key = e
            .path()
            .to_string()
            .split('.')
            .filter(|segment| !segment.starts_with("$__serde_spanned"))
            .collect::<Vec<_>>()
            .join(".");
        let key = (!key.is_empty() && key != ".").then_some(key);
        let inner = e.into_inner();
        let message = with_suggestion(inner.message());
        ctx.error(inner.span(), key, message)
    })
}

/// Declares a raw table with a group of keys spliced in after its own, so each group's keys are
/// written once, here: serde can't combine `flatten` with `deny_unknown_fields`, nor keep a value's
/// place in the file through `flatten`. `settings`: the keys of `[defaults]`, which a bench may
/// override; `pool`: the database pool's keys of `[db]` and a bench's `db = { ... }`. Each table
/// converts into the group's own type (`RawSettings::from(&bench)`).
macro_rules! keys {
    (settings; $($table:tt)*) => {
        keys!(@table RawSettings; [$($table)*]
            warmup: Option<Spanned<u32>>,
            samples: Option<Spanned<u32>>,
            fuel_iterations: Option<Spanned<u32>>,
            executions: Option<Spanned<u32>>,
            instances: Option<Spanned<u32>>,
            thresholds: Option<Spanned<String>>,
            fuel: Option<Spanned<u64>>,
            memory: Option<Spanned<Size>>,
            deadline: Option<Spanned<Wall>>,
        );
    };
    (pool; $($table:tt)*) => {
        keys!(@table RawPool; [$($table)*]
            pool: Option<Spanned<u32>>,
            latency: Option<Spanned<Wall>>,
            latency_mode: Option<LatencyMode>,
            memory: Option<Spanned<Size>>,
        );
    };
    (@table $group:ident;
        [$(#[$meta:meta])* struct $name:ident { $($(#[$field_meta:meta])* $field:ident: $ty:ty),* $(,)? }]
        $($key:ident: $key_ty:ty,)*
    ) => {
        $(#[$meta])*
        pub(super) struct $name {
            $($(#[$field_meta])* pub(super) $field: $ty,)*
            $(pub(super) $key: $key_ty,)*
        }

        impl From<&$name> for $group {
            fn from(table: &$name) -> $group {
                $group { $($key: Clone::clone(&table.$key),)* }
            }
        }
    };
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSuite {
    pub(super) suite: Option<RawHeader>,
    #[serde(default)]
    pub(super) defaults: RawSettings,
    #[serde(default)]
    pub(super) fixtures: BTreeMap<Spanned<String>, RawFixture>,
    pub(super) http: Option<RawHttp>,
    pub(super) backends: Option<RawBackends>,
    pub(super) db: Option<Spanned<RawDb>>,
    #[serde(default)]
    pub(super) bench: Vec<Spanned<RawBench>>,
    #[serde(default)]
    pub(super) load: Vec<Spanned<RawLoad>>,
    #[serde(default)]
    pub(super) groups: BTreeMap<Spanned<String>, RawGroup>,
}

/// `[groups.NAME]`: a group's settings (see `suite/groups.rs`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGroup {
    pub(super) reference: Option<Spanned<String>>,
}

/// `[[load]]`: a load scenario (see `suite/load_scenario.rs`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLoad {
    pub(super) id: Option<Spanned<String>>,
    pub(super) plugin: Option<Spanned<String>>,
    pub(super) wasm: Option<Spanned<String>>,
    pub(super) workload: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) params: BTreeMap<String, Spanned<ParamValue>>,
    pub(super) group: Option<String>,
    pub(super) pool: Option<Spanned<u32>>,
    pub(super) queue: Option<Spanned<u32>>,
    pub(super) warmup: Option<Spanned<u32>>,
    pub(super) fuel_iterations: Option<Spanned<u32>>,
    pub(super) model: Option<Spanned<String>>,
    pub(super) arrival: Option<Spanned<String>>,
    pub(super) seed: Option<u64>,
    pub(super) connections: Option<Spanned<u32>>,
    pub(super) think: Option<Spanned<Wall>>,
    pub(super) thresholds: Option<Vec<Spanned<String>>>,
    pub(super) abort_on_fail: Option<bool>,
    pub(super) fuel: Option<Spanned<u64>>,
    pub(super) memory: Option<Spanned<Size>>,
    pub(super) deadline: Option<Spanned<Wall>>,
    #[serde(default)]
    pub(super) phase: Vec<Spanned<RawPhase>>,
}

/// `[[load.phase]]`: one phase of a load scenario.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPhase {
    pub(super) name: Option<Spanned<String>>,
    pub(super) duration: Spanned<Wall>,
    pub(super) rate: Option<Spanned<Number>>,
    pub(super) ramp_to: Option<Spanned<Number>>,
    pub(super) thresholds: Option<Vec<Spanned<String>>>,
}

/// A number written as a TOML integer or float.
#[derive(Clone, Copy)]
pub(super) struct Number(pub(super) f64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Float(f64),
        }
        match Raw::deserialize(d)
            .map_err(|_| serde::de::Error::custom("expected a number, such as 50 or 2.5"))?
        {
            Raw::Int(n) => Ok(Number(n as f64)),
            Raw::Float(x) => Ok(Number(x)),
        }
    }
}

keys! {
    pool;
    /// `[db]`: the embedded database each bench gets (see `suite/db.rs`).
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawDb {
        schema: Spanned<String>,
        url: Option<Spanned<String>>,
        url_env: Option<Spanned<String>>,
        #[serde(default)]
        indexes: BTreeMap<Spanned<String>, Spanned<String>>,
        #[serde(default)]
        table: Vec<Spanned<RawSeedTable>>,
    }
}

keys! {
    pool;
    /// The pool's keys, in `[db]` and in a bench's `db = { ... }`.
    #[derive(Default)]
    struct RawPool {}
}

/// `[[db.table]]`: rows generated for one table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSeedTable {
    pub(super) name: Spanned<String>,
    pub(super) rows: Spanned<u64>,
    #[serde(default)]
    pub(super) seed: u64,
    pub(super) columns: BTreeMap<Spanned<String>, Spanned<String>>,
}

keys! {
    pool;
    /// A bench's `db = { ... }`: its own pool settings and the indexes it gets.
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawBenchDb {
        indexes: Option<Vec<Spanned<String>>>,
    }
}

/// `[http]`: start the HTTP fixture server with these defaults.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHttp {
    pub(super) latency: Option<Wall>,
    pub(super) jitter: Option<Wall>,
    pub(super) size: Option<Spanned<Size>>,
    pub(super) error_rate: Option<Spanned<f64>>,
    pub(super) seed: Option<u64>,
}

/// `[backends]`: each of the store and the remote cache, simulated with a latency per call or held
/// by a Redis server.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBackends {
    pub(super) latency_mode: Option<LatencyMode>,
    pub(super) store: Option<BackendSetting>,
    pub(super) remote_cache: Option<BackendSetting>,
}

/// A backend's setting: a latency per call (`"2ms"`) for the simulated backend, or the URL of the
/// Redis server that holds it (`"redis://127.0.0.1:6379"`).
#[derive(Clone)]
pub(super) enum BackendSetting {
    Latency(Duration),
    Redis(String),
}

impl<'de> Deserialize<'de> for BackendSetting {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if crate::model::is_redis_url(&text) {
            return redis::Client::open(text.as_str())
                .map(|_| BackendSetting::Redis(text.clone()))
                .map_err(|e| serde::de::Error::custom(format!("invalid Redis URL: {e}")));
        }
        humantime::parse_duration(&text)
            .map(BackendSetting::Latency)
            .map_err(|e| {
                serde::de::Error::custom(format!(
                    "`{text}` is neither a latency ({e}; write e.g. \"2ms\") nor a Redis URL \
                     (\"redis://127.0.0.1:6379\")"
                ))
            })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHeader {
    pub(super) name: Option<String>,
    pub(super) description: Option<String>,
}

keys! {
    settings;
    /// `[defaults]`: the settings every bench starts from.
    #[derive(Deserialize, Default, Clone)]
    #[serde(deny_unknown_fields)]
    struct RawSettings {}
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFixture {
    pub(super) size: Spanned<Size>,
    #[serde(default)]
    pub(super) seed: u64,
}

keys! {
    settings;
    /// `[[bench]]`: one bench, with the settings keys of `[defaults]` to override them.
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawBench {
        id: Option<Spanned<String>>,
        plugin: Option<Spanned<String>>,
        wasm: Option<Spanned<String>>,
        /// Required for components; a core module runs `_start` when it is left out.
        workload: Option<Spanned<String>>,
        #[serde(default)]
        params: BTreeMap<String, Spanned<ParamValue>>,
        group: Option<String>,
        expect: Option<Spanned<String>>,
        /// The expected wall time per iteration (`crate::model::WallModel`).
        model: Option<Spanned<String>>,
        db: Option<Spanned<RawBenchDb>>,
    }
}

/// A size: a byte count or text such as `"16 MiB"`.
#[derive(Clone, Copy)]
pub(super) struct Size(pub(super) u64);

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bytes(u64),
            Text(String),
        }
        match Raw::deserialize(d).map_err(|_| {
            serde::de::Error::custom("expected a size such as \"16 MiB\" or a byte count")
        })? {
            Raw::Bytes(n) => Ok(Size(n)),
            Raw::Text(text) => bytesize::ByteSize::from_str(&text)
                .map(|b| Size(b.as_u64()))
                .map_err(|e| {
                    serde::de::Error::custom(format!(
                        "invalid size `{text}`: {e} (write e.g. \"16 MiB\")"
                    ))
                }),
        }
    }
}

/// A duration written as text, e.g. `"10s"` or `"250ms"`.
#[derive(Clone, Copy)]
pub(super) struct Wall(pub(super) Duration);

impl<'de> Deserialize<'de> for Wall {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        humantime::parse_duration(&text).map(Wall).map_err(|e| {
            serde::de::Error::custom(format!(
                "invalid duration `{text}`: {e} (write e.g. \"10s\")"
            ))
        })
    }
}

/// A parameter value: TOML scalars, passed to the plugin as text.
#[derive(Clone)]
pub(super) struct ParamValue(pub(super) String);

impl<'de> Deserialize<'de> for ParamValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Float(f64),
            Bool(bool),
            Text(String),
        }
        Ok(ParamValue(
            match Raw::deserialize(d).map_err(|_| {
                serde::de::Error::custom("a parameter must be a string, number or boolean")
            })? {
                Raw::Int(n) => n.to_string(),
                Raw::Float(x) => x.to_string(),
                Raw::Bool(b) => b.to_string(),
                Raw::Text(s) => s,
            },
        ))
    }
}
