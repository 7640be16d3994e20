//! What the harness's timed pass costs against a raw wasmtime call of the same export, and what
//! engine instrumentation would cost:
//! - `raw`: `bench.run()` through the generated bindings on an engine with neither fuel nor epochs;
//! - `timed-pass`: the same call through the harness's own call path on its timed engine
//!   (`wasmbench::runner::TimedProbe`, exactly what a worker process does for one sample), and
//!   `timed-pass/raw-call`: a bare bindings call on that very instance. Code and data layout move
//!   wall time by tens of percent between instances (see docs/src/methodology/measurement.md), so
//!   the harness's own cost is `timed-pass` against `timed-pass/raw-call`, one instance;
//! - `epoch`, `fuel+epoch`: raw calls on instrumented engines (the metered pass has both).
//!
//! Workloads: `cpu/fib` (n = 20, call-heavy), `calibrate/spin` (a tight arithmetic loop), and
//! `misbehave/noop` (an empty iteration: the per-iteration overhead of the call path itself).
//! Each criterion iteration is one `bench.run()` call into an already set-up bench, with the store
//! reset the way the harness does before every call (fuel refilled, epoch deadline pushed out).
//!
//! Run with `cargo bench -p wasmbench --bench engine_overhead`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use criterion::{Criterion, criterion_group, criterion_main};
use tokio::runtime::Runtime;
use wasmtime::component::{Component, ResourceAny};
use wasmtime::{Engine, Store};

use wasmbench::capability::{HostState, Lending};
use wasmbench::engine::instrumented_config;
use wasmbench::model::Limits;
use wasmbench::plugin::PluginLocator;
use wasmbench::plugin::bindings::{Plugin, PluginPre};
use wasmbench::runner::{TimedProbe, host_linker};

/// Fuel put back before every call on the metered engine; far more than any call here uses.
const FUEL: u64 = 1 << 40;
/// Epoch deadline, in ticks; nothing advances the epoch here, so it's never reached.
const EPOCH_DEADLINE: u64 = 1 << 40;
/// Linear memory the store may hold.
const MEMORY_LIMIT: u64 = 256 << 20;

const FIB_N: u64 = 20;
/// fib(20), the checksum the `fib` workload returns.
const FIB_20: u64 = 6765;

/// One plugin instance with a set-up bench resource, ready for `run` calls.
struct Loaded {
    store: Store<HostState>,
    plugin: Plugin,
    bench: ResourceAny,
    fuel: bool,
    epochs: bool,
}

impl Loaded {
    /// Compiles `plugin` for an engine with the given instrumentation, instantiates it and sets up
    /// `workload` with `params`.
    fn open(
        rt: &Runtime,
        fuel: bool,
        epochs: bool,
        plugin_name: &str,
        workload: &str,
        params: &[(&str, &str)],
    ) -> Result<Self> {
        let path = built_plugins()
            .find(plugin_name)
            .with_context(|| format!("plugin `{plugin_name}` not found (is it built?)"))?;
        let engine =
            Engine::new(&instrumented_config(fuel, epochs)).map_err(anyhow::Error::from)?;
        let component = Component::from_file(&engine, &path)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("compiling {}", path.display()))?;
        let pre = PluginPre::new(
            host_linker(&engine)?
                .instantiate_pre(&component)
                .map_err(anyhow::Error::from)?,
        )
        .map_err(anyhow::Error::from)?;

        let mut store = Store::new(&engine, HostState::new(&Lending::default(), MEMORY_LIMIT)?);
        store.limiter(|s| &mut s.limiter);
        let params = wasmbench::plugin::params(params.iter().copied());
        let mut loaded = rt.block_on(async {
            reset(&mut store, fuel, epochs)?;
            let plugin = pre
                .instantiate_async(&mut store)
                .await
                .map_err(anyhow::Error::from)?;
            reset(&mut store, fuel, epochs)?;
            let setup = plugin
                .wasmbench_plugin_workload()
                .bench()
                .call_setup(&mut store, workload, &params)
                .await
                .map_err(anyhow::Error::from)?;
            let bench = match setup {
                Ok(bench) => bench,
                Err(message) => bail!("{plugin_name}/{workload} setup failed: {message}"),
            };
            anyhow::Ok(Loaded {
                store,
                plugin,
                bench,
                fuel,
                epochs,
            })
        })?;
        // One untimed call: checks the call path works, and warms the instance.
        rt.block_on(loaded.run())?;
        Ok(loaded)
    }

    /// One `run` call, after resetting the store as the harness does before each call.
    async fn run(&mut self) -> Result<u64> {
        reset(&mut self.store, self.fuel, self.epochs)?;
        let outcome = self
            .plugin
            .wasmbench_plugin_workload()
            .bench()
            .call_run(&mut self.store, self.bench)
            .await
            .map_err(anyhow::Error::from)?
            .map_err(|message| anyhow::anyhow!("run returned an error: {message}"))?;
        Ok(outcome.checksum)
    }

    /// Times `iters` consecutive `run` calls inside one `block_on`, so the runtime's entry cost is
    /// not part of the per-call time.
    fn time(&mut self, rt: &Runtime, iters: u64) -> Duration {
        rt.block_on(async {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(self.run().await.expect("run call failed"));
            }
            start.elapsed()
        })
    }
}

/// Refills fuel and pushes the epoch deadline out, for whichever the engine instruments.
fn reset(store: &mut Store<HostState>, fuel: bool, epochs: bool) -> Result<()> {
    if fuel {
        store.set_fuel(FUEL).map_err(anyhow::Error::from)?;
    }
    if epochs {
        store.set_epoch_deadline(EPOCH_DEADLINE);
    }
    Ok(())
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("building the tokio runtime")
}

/// Times `iters` consecutive samples of the harness's timed pass (or, with `raw`, bare calls on
/// the same instance).
fn time_probe(probe: &mut TimedProbe, rt: &Runtime, iters: u64, raw: bool) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            let checksum = if raw {
                probe.call_raw().await
            } else {
                probe.iterate().await
            };
            black_box(checksum.expect("timed-pass call failed"));
        }
        start.elapsed()
    })
}

/// The harness's timed pass on `plugin/workload`, checked to return `checksum` when given.
fn probe(rt: &Runtime, plugin: &str, workload: &str, params: &[(&str, &str)]) -> TimedProbe {
    let path = built_plugins()
        .find(plugin)
        .unwrap_or_else(|| panic!("plugin `{plugin}` not found (is it built?)"));
    let limits = Limits {
        fuel: FUEL,
        memory_bytes: MEMORY_LIMIT,
        deadline: Duration::from_secs(60),
    };
    let mut probe = rt
        .block_on(TimedProbe::open(&path, workload, params, limits))
        .unwrap_or_else(|e| panic!("{plugin}/{workload} on the timed pass: {e:#}"));
    rt.block_on(probe.iterate())
        .expect("a first timed-pass call");
    probe
}

/// One group: `raw` and `timed-pass` always, and the instrumented engines when `instrumented`.
fn compare(
    c: &mut Criterion,
    rt: &Runtime,
    (plugin, workload, params): (&str, &str, &[(&str, &str)]),
    checksum: Option<u64>,
    instrumented: bool,
) {
    let label = params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    let mut group = c.benchmark_group(format!("{plugin}/{workload}({label})"));
    group
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    let mut engines = vec![("raw", false, false)];
    if instrumented {
        engines.extend([("epoch", false, true), ("fuel+epoch", true, true)]);
    }
    for (name, fuel, epochs) in engines {
        let mut loaded = Loaded::open(rt, fuel, epochs, plugin, workload, params)
            .unwrap_or_else(|e| panic!("{plugin}/{workload} on the {name} engine: {e:#}"));
        let got = rt.block_on(loaded.run()).expect("a run");
        if let Some(expected) = checksum {
            assert_eq!(got, expected, "{plugin}/{workload} on the {name} engine");
        }
        group.bench_function(name, |b| b.iter_custom(|iters| loaded.time(rt, iters)));
    }
    let mut timed = probe(rt, plugin, workload, params);
    if let Some(expected) = checksum {
        assert_eq!(rt.block_on(timed.iterate()).expect("a run"), expected);
    }
    group.bench_function("timed-pass", |b| {
        b.iter_custom(|iters| time_probe(&mut timed, rt, iters, false))
    });
    group.bench_function("timed-pass/raw-call", |b| {
        b.iter_custom(|iters| time_probe(&mut timed, rt, iters, true))
    });
    group.finish();
}

fn engine_overhead(c: &mut Criterion) {
    let rt = runtime();
    let n = FIB_N.to_string();
    compare(c, &rt, ("cpu", "fib", &[("n", &n)]), Some(FIB_20), true);
    compare(
        c,
        &rt,
        ("calibrate", "spin", &[("iterations", "100000")]),
        None,
        true,
    );
    compare(c, &rt, ("misbehave", "noop", &[]), None, false);
}

criterion_group!(benches, engine_overhead);
criterion_main!(benches);

/// The plugins this build made (benches measure the workspace's build, whatever is installed).
fn built_plugins() -> PluginLocator {
    PluginLocator::new(vec![std::path::PathBuf::from(env!(
        "WASMBENCH_BUILT_PLUGINS"
    ))])
}
