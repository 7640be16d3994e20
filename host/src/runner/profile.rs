//! The profiling pass: a bench's setup once, then iterations on an engine of its own (epoch
//! interruption, no fuel) whose epoch advances every `interval`; at each tick the store's epoch
//! callback samples the guest's stack, for wasmtime's [`GuestProfiler`] (the Firefox Profiler
//! file) and for folded stacks (the flamegraph). Never the timed pass: profiling slows the guest.
//!
//! Samples are weighted by time: a tick attributes the time since the previous sample, less the
//! time spent in host calls meanwhile, to the guest stack it finds; a host call's time goes to the
//! guest stack that made it, under a `[host]` frame (epoch checks happen only in guest code, so a
//! tick during a host call is seen only when the guest resumes). Folded counts are microseconds.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use wasmtime::component::Component;
use wasmtime::{AsContext, CallHook, Engine, GuestProfiler, Store, UpdateDeadline, WasmBacktrace};

use crate::capability::HostState;
use crate::engine::{HostCallNesting, instrumented_config};
use crate::input::Kind;
use crate::model::Status;
use crate::plugin::PluginKind;
use crate::plugin::bindings::PluginPre;

use super::Runner;
use super::limits::Failure;
use super::plan::BenchPlan;
use super::session::Session;

/// The frame that stands for time spent in the host (WASI, capabilities) in folded stacks.
pub const HOST_FRAME: &str = "[host]";

/// The most frames a sample keeps (the innermost ones); deeper stacks lose their roots.
const MAX_FRAMES: usize = 4096;

/// How many iterations the pass runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileIterations {
    /// Exactly this many.
    Count(u32),
    /// Until this much time has been spent iterating (at least one iteration, at most
    /// [`ProfileIterations::MAX`]).
    For(Duration),
}

impl ProfileIterations {
    /// The default: about a second of iterations.
    pub const DEFAULT: ProfileIterations = ProfileIterations::For(Duration::from_secs(1));
    /// The most iterations a time-bounded pass runs.
    pub const MAX: u32 = 1_000_000;
}

/// How a profiling pass samples.
#[derive(Debug, Clone, Copy)]
pub struct ProfileOptions {
    /// Time between samples (between epoch ticks).
    pub interval: Duration,
    pub iterations: ProfileIterations,
}

/// A bench's profile.
pub struct BenchProfile {
    /// The Firefox Profiler JSON (processed format) wasmtime's `GuestProfiler` wrote.
    pub firefox_json: Vec<u8>,
    /// Folded stacks: root-first frames joined by `;` → microseconds attributed to the stack.
    pub folded: BTreeMap<String, u64>,
    /// Wall time of each profiled iteration, ns (on the profiling engine, sampling included).
    pub iteration_ns: Vec<u64>,
    /// Epoch callbacks that took a sample.
    pub samples: u64,
}

impl BenchProfile {
    /// The folded stacks as text, one `frame;frame;frame count` per line, sorted.
    pub fn folded_text(&self) -> String {
        let mut text = String::new();
        for (stack, count) in &self.folded {
            if *count > 0 {
                text.push_str(stack);
                text.push(' ');
                text.push_str(&count.to_string());
                text.push('\n');
            }
        }
        text
    }
}

/// What the store's epoch callback and call hook share with the pass.
struct Sampler {
    profiler: Option<GuestProfiler>,
    folded: BTreeMap<String, u64>,
    samples: u64,
    /// When the previous sample (or the current call) started.
    last: Instant,
    /// Time since `last` that was not the guest's: host calls, and the profiler's own stack walks
    /// at host calls (which cost far more than a short call).
    excluded_since_last: Duration,
    /// The guest's stack when the host call in progress was made (its `[host]` frame's parent).
    host_stack: Option<String>,
    /// The host call in progress is the epoch libcall that took a sample: not the guest's host time.
    sampled_in_call: bool,
    /// Host calls in progress: a libcall made while lowering a host call's result belongs to it.
    nesting: HostCallNesting,
    /// When the current call must end.
    deadline: Option<Instant>,
}

impl Sampler {
    /// The current guest stack, root first, frames demangled.
    fn stack(store: impl AsContext) -> String {
        let backtrace = WasmBacktrace::capture(store);
        let mut frames: Vec<String> = backtrace
            .frames()
            .iter()
            .map(|frame| frame_name(frame.func_name(), frame.func_index()))
            .collect();
        frames.reverse();
        if frames.is_empty() {
            frames.push("[unknown]".into());
        }
        frames.join(";")
    }

    fn add(&mut self, stack: String, time: Duration) {
        // Nanoseconds here, microseconds in the folded stacks: many sub-microsecond host calls
        // still add up.
        *self.folded.entry(stack).or_insert(0) += time.as_nanos() as u64;
    }

    fn tick(&mut self, store: impl AsContext + Copy) -> UpdateDeadline {
        let now = Instant::now();
        // The epoch callback runs inside a libcall, itself a host call (depth 1). Deeper, the tick
        // came during a real host call and found the guest's allocator lowering its result: the
        // first epoch check after the tick, not where the guest spent its time. The next tick in
        // guest code takes the time instead, as a sampler's next sample does.
        if self.nesting.depth() <= 1 {
            self.sampled_in_call = self.nesting.depth() == 1;
            let guest = now
                .duration_since(self.last)
                .saturating_sub(self.excluded_since_last);
            if let Some(profiler) = self.profiler.as_mut() {
                profiler.sample(store, guest);
            }
            let stack = Self::stack(store);
            self.add(stack, guest);
            self.samples += 1;
            // The guest's time starts again once this sample's stack walks are done.
            self.last = Instant::now();
            self.excluded_since_last = Duration::ZERO;
        }
        match self.deadline {
            Some(deadline) if now >= deadline => UpdateDeadline::Interrupt,
            _ => UpdateDeadline::Continue(1),
        }
    }

    fn call_hook(&mut self, store: impl AsContext + Copy, hook: CallHook) {
        let began = Instant::now();
        match hook {
            CallHook::CallingHost => {
                if self.nesting.enter() {
                    if let Some(profiler) = self.profiler.as_mut() {
                        profiler.call_hook(store, hook);
                    }
                    self.host_stack = Some(Self::stack(store));
                    let entered = Instant::now();
                    self.excluded_since_last += entered - began;
                    self.nesting.started(entered);
                }
            }
            CallHook::ReturningFromHost => {
                if let Some(entered) = self.nesting.leave() {
                    let spent = began - entered;
                    if let Some(profiler) = self.profiler.as_mut() {
                        profiler.call_hook(store, hook);
                    }
                    let stack = self.host_stack.take();
                    if std::mem::take(&mut self.sampled_in_call) {
                        // The sample's own libcall: its time is the profiler's, not the guest's.
                        self.last = Instant::now();
                        self.excluded_since_last = Duration::ZERO;
                        return;
                    }
                    if let Some(stack) = stack {
                        self.add(format!("{stack};{HOST_FRAME}"), spent);
                    }
                    // The call and the walks after it.
                    self.excluded_since_last += spent + began.elapsed();
                }
            }
            CallHook::CallingWasm | CallHook::ReturningFromWasm => {}
        }
    }
}

/// A frame's readable name: the name section's, demangled (Rust's without its hash), or
/// `wasm-function[N]` without one. Never holds `;` (the folded format's separator) nor a line break.
pub fn frame_name(name: Option<&str>, index: u32) -> String {
    let name = match name {
        Some(name) => match rustc_demangle::try_demangle(name) {
            Ok(demangled) => format!("{demangled:#}"),
            Err(_) => name.to_string(),
        },
        None => format!("wasm-function[{index}]"),
    };
    name.chars()
        .map(|c| match c {
            ';' => ':',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// The profiling engine and the thread that advances its epoch every `interval`.
struct ProfilingEngine {
    engine: Engine,
    stop: Arc<AtomicBool>,
    ticker: Option<JoinHandle<()>>,
}

impl ProfilingEngine {
    fn new(interval: Duration) -> anyhow::Result<Self> {
        let mut config = instrumented_config(false, true);
        config.wasm_backtrace_max_frames(NonZeroUsize::new(MAX_FRAMES));
        let engine = Engine::new(&config)
            .map_err(|e| anyhow::Error::from(e).context("creating the profiling engine"))?;
        let stop = Arc::new(AtomicBool::new(false));
        let (ticking, stopped) = (engine.clone(), stop.clone());
        let ticker = std::thread::Builder::new()
            .name("wasmbench-profile-tick".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    std::thread::sleep(interval);
                    ticking.increment_epoch();
                }
            })?;
        Ok(ProfilingEngine {
            engine,
            stop,
            ticker: Some(ticker),
        })
    }
}

impl Drop for ProfilingEngine {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(ticker) = self.ticker.take() {
            let _ = ticker.join();
        }
    }
}

fn lock(sampler: &Mutex<Sampler>) -> MutexGuard<'_, Sampler> {
    sampler
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn error(message: String) -> Failure {
    Failure::new(Status::Error, message)
}

impl Runner {
    /// Profiles `plan`: its setup once, then iterations under its limits (memory limit and
    /// deadline; no fuel), sampled every `options.interval`. Components only.
    pub async fn profile(
        &mut self,
        plan: &BenchPlan,
        options: &ProfileOptions,
    ) -> Result<BenchProfile, Failure> {
        if let Some(broken) = &plan.broken {
            return Err(broken.clone());
        }
        let path = &plan.wasm_path;
        let file = crate::input::read(path, Kind::Wasm).map_err(|e| error(e.to_string()))?;
        let (kind, binary) =
            crate::plugin::detect(&file).map_err(|e| error(format!("{}: {e}", path.display())))?;
        if kind != PluginKind::Component {
            return Err(error(format!(
                "{}: profiling supports plugin components only, not core modules",
                path.display()
            )));
        }
        let engine = ProfilingEngine::new(options.interval).map_err(|e| error(format!("{e:#}")))?;
        let component = self
            .cache
            .compile::<Component>(&engine.engine, &binary)
            .map_err(|e| {
                error(format!(
                    "{} is not a valid component: {e:#}",
                    path.display()
                ))
            })?
            .artifact;
        let linker = super::host_linker(&engine.engine)
            .map_err(|e| error(format!("preparing the host: {e:#}")))?;
        let pre = linker
            .instantiate_pre(&component)
            .and_then(PluginPre::new)
            .map_err(|e| {
                error(format!(
                    "{} does not fit the host: {:#}",
                    path.display(),
                    anyhow::Error::from(e)
                ))
            })?;
        let profiler = GuestProfiler::new_component(
            &engine.engine,
            &plan.id,
            options.interval,
            component.clone(),
            std::iter::empty(),
        )
        .map_err(|e| error(format!("starting the guest profiler: {e:#}")))?;
        let sampler = Arc::new(Mutex::new(Sampler {
            profiler: Some(profiler),
            folded: BTreeMap::new(),
            samples: 0,
            last: Instant::now(),
            excluded_since_last: Duration::ZERO,
            host_stack: None,
            sampled_in_call: false,
            nesting: HostCallNesting::default(),
            deadline: None,
        }));

        let lending = self
            .lending_for(&plan.def)
            .open_database(false)
            .map_err(|e| error(format!("preparing the bench database: {e:#}")))?;
        let limits = plan.def.settings.limits;
        let install = {
            let sampler = sampler.clone();
            move |store: &mut Store<HostState>| {
                let ticks = sampler.clone();
                store.epoch_deadline_callback(move |context| Ok(lock(&ticks).tick(&context)));
                let hooks = sampler.clone();
                store.call_hook(move |context, hook| {
                    lock(&hooks).call_hook(&context, hook);
                    Ok(())
                });
                store.set_epoch_deadline(1);
            }
        };
        let arm = |sampler: &Mutex<Sampler>| {
            let mut s = lock(sampler);
            s.last = Instant::now();
            s.excluded_since_last = Duration::ZERO;
            s.deadline = Some(s.last + limits.deadline);
        };
        arm(&sampler);
        // The timed kind: no fuel, no watch; this pass's own callback samples and keeps the
        // deadline.
        let (mut session, _) = Session::open_with(
            &pre,
            crate::engine::EngineKind::Timed,
            limits,
            &lending,
            install,
        )
        .await?;
        arm(&sampler);
        session.setup(&plan.workload, &plan.param_list()).await?;
        let mut iteration_ns = Vec::new();
        let started = Instant::now();
        loop {
            let done = match options.iterations {
                ProfileIterations::Count(n) => iteration_ns.len() >= n as usize,
                ProfileIterations::For(budget) => {
                    !iteration_ns.is_empty()
                        && (started.elapsed() >= budget
                            || iteration_ns.len() >= ProfileIterations::MAX as usize)
                }
            };
            if done {
                break;
            }
            arm(&sampler);
            let iteration = session.iterate().await?;
            iteration_ns.push(iteration.wall.as_nanos() as u64);
        }
        lock(&sampler).deadline = None;
        let closed = session.close().await;
        let mut s = lock(&sampler);
        let mut firefox_json = Vec::new();
        if let Some(profiler) = s.profiler.take() {
            profiler
                .finish(&mut firefox_json)
                .map_err(|e| error(format!("writing the profile: {e:#}")))?;
        }
        closed?;
        Ok(BenchProfile {
            firefox_json,
            folded: std::mem::take(&mut s.folded)
                .into_iter()
                .map(|(stack, ns)| (stack, (ns + 500) / 1000))
                .collect(),
            iteration_ns,
            samples: s.samples,
        })
    }
}
