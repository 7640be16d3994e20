//! What the engine instrumentation costs: the `cpu` plugin's `fib` workload (n = 20, call-heavy) on
//! an engine with neither fuel nor epochs (`bare`), with epochs only (`epoch`, the timed pass), and
//! with both (`fuel+epoch`, the metered pass); plus the `misbehave` plugin's `noop` on the epoch
//! engine, the cost of one call through the harness's call path.
//!
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
use wasmbench::plugin::PluginLocator;
use wasmbench::plugin::bindings::{Param, Plugin, PluginPre};
use wasmbench::runner::host_linker;

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
        let path = PluginLocator::default()
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
        let params: Vec<Param> = params
            .iter()
            .map(|&(name, value)| Param {
                name: name.into(),
                value: value.into(),
            })
            .collect();
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

fn engine_overhead(c: &mut Criterion) {
    let rt = runtime();
    let n = FIB_N.to_string();

    let mut group = c.benchmark_group(format!("cpu/fib(n={FIB_N})"));
    group
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    for (name, fuel, epochs) in [
        ("bare", false, false),
        ("epoch", false, true),
        ("fuel+epoch", true, true),
    ] {
        let mut loaded = Loaded::open(&rt, fuel, epochs, "cpu", "fib", &[("n", &n)])
            .unwrap_or_else(|e| panic!("cpu/fib on the {name} engine: {e:#}"));
        let checksum = rt.block_on(loaded.run()).expect("fib run");
        assert_eq!(checksum, FIB_20, "fib({FIB_N}) on the {name} engine");
        group.bench_function(name, |b| b.iter_custom(|iters| loaded.time(&rt, iters)));
    }
    group.finish();

    let mut group = c.benchmark_group("misbehave/noop");
    group
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    let mut loaded = Loaded::open(&rt, false, true, "misbehave", "noop", &[])
        .unwrap_or_else(|e| panic!("misbehave/noop on the epoch engine: {e:#}"));
    group.bench_function("epoch", |b| b.iter_custom(|iters| loaded.time(&rt, iters)));
    group.finish();
}

criterion_group!(benches, engine_overhead);
criterion_main!(benches);
