//! A bare wasmtime embedding: one process loads a sightglass-convention core module (imports
//! `bench.start` / `bench.end`, exports `_start`), instantiates it afresh for each iteration, and
//! prints the time between the markers of each timed iteration — what wasmbench's worker does per
//! sample, with nothing of wasmbench around it. scripts/slow-executions.sh runs many of these
//! processes beside wasmbench's executions of the same module, to tell a slow *process* caused by
//! the engine and the machine from one caused by the harness.
//!
//! Usage: cargo bench --bench bare_embedding -- MODULE.wat [ITERATIONS] [WARMUP]
//! Prints one line: the timed iterations' nanoseconds, space-separated.

use std::time::Instant;

use anyhow::{Context, Result, bail};
use wasmtime::{Caller, Engine, Linker, Module, Store};

#[derive(Default)]
struct Marks {
    started: Option<Instant>,
    spans: Vec<u64>,
}

fn main() -> Result<()> {
    // `cargo bench` adds `--bench`; everything else is ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let Some(path) = args.first() else {
        bail!("usage: bare_embedding MODULE.wat [ITERATIONS] [WARMUP]");
    };
    let number = |i: usize, default: usize| -> Result<usize> {
        args.get(i)
            .map_or(Ok(default), |a| a.parse().context("a count"))
    };
    let (iterations, warmup) = (number(1, 10)?, number(2, 2)?);
    let engine = Engine::default();
    let module =
        Module::from_file(&engine, path).map_err(|e| anyhow::anyhow!("loading {path}: {e}"))?;
    let mut linker: Linker<Marks> = Linker::new(&engine);
    linker.func_wrap("bench", "start", |mut caller: Caller<'_, Marks>| {
        caller.data_mut().started = Some(Instant::now());
    })?;
    linker.func_wrap("bench", "end", |mut caller: Caller<'_, Marks>| {
        let marks = caller.data_mut();
        if let Some(start) = marks.started.take() {
            marks.spans.push(start.elapsed().as_nanos() as u64);
        }
    })?;
    let pre = linker.instantiate_pre(&module)?;
    let mut timed = Vec::with_capacity(iterations);
    for i in 0..warmup + iterations {
        let mut store = Store::new(&engine, Marks::default());
        let instance = pre.instantiate(&mut store)?;
        instance
            .get_typed_func::<(), ()>(&mut store, "_start")?
            .call(&mut store, ())?;
        if i >= warmup {
            timed.extend(store.data().spans.iter().copied());
        }
    }
    let line: Vec<String> = timed.iter().map(u64::to_string).collect();
    println!("{}", line.join(" "));
    Ok(())
}
