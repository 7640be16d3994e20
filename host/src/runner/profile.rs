//! The profiling pass: a bench's setup once, then iterations on an engine of its own (epoch
//! interruption, no fuel) whose epoch advances every `interval`; at each tick the store's epoch
//! callback samples the guest's stack, for wasmtime's [`GuestProfiler`] (the Firefox Profiler
//! file) and for folded stacks (the flamegraph). Never the timed pass: profiling slows the guest.
//!
//! Samples are weighted by time: a tick attributes the time since the previous sample, less the
//! time spent in host calls meanwhile, to the guest stack it finds; a host call's time goes to the
//! guest stack that made it, under a `[host]` frame (epoch checks happen only in guest code, so a
//! tick during a host call is seen only when the guest resumes). Folded counts are microseconds.
//!
//! What the profiler holds is bounded whatever the guest (docs/containment/metrics-and-profiles.md):
//! names are cut to [`MAX_NAME`] in the binary it compiles ([`names`]) and interned, a sample keeps
//! its [`MAX_FRAMES`] innermost frames (under a [`TRUNCATED_FRAME`] root when there were more), and
//! every sample and host call is charged what it may add to the profile against
//! [`PROFILE_BUDGET`]. When the budget would be passed, sampling stops, the guest is interrupted,
//! and what was gathered is written, marked truncated ([`BenchProfile::truncated`]).

mod frames;
mod names;

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use wasmtime::component::Component;
use wasmtime::{
    AsContext, CallHook, Engine, GuestProfiler, Store, UpdateDeadline, WasmBacktrace,
    WasmBacktraceDetails,
};

use crate::capability::HostState;
use crate::engine::{HostCallNesting, instrumented_config};
use crate::input::Kind;
use crate::model::Status;
use crate::plugin::PluginKind;
use crate::plugin::bindings::PluginPre;

use super::bench_plan::BenchPlan;
use super::harness::Runner;
use super::limits::Failure;
use super::session::Session;

pub use frames::{HOST_FRAME, TRUNCATED_FRAME, frame_name};
pub use names::MAX_NAME;

use frames::{ENTRY_COST, FrameTable, HOST_ID, TRUNCATED_ID, UNKNOWN_ID};

/// The most frames a sample keeps (the innermost ones); deeper stacks lose their roots.
pub const MAX_FRAMES: usize = 1024;

/// What one profile may hold (names, folded stacks, samples and markers, wasmtime's stack table),
/// as charged by [`Sampler::admit`].
pub const PROFILE_BUDGET: u64 = 128 << 20;

/// The profiling engine's wasm stack (wasmtime's default, set here so the deepest stack a guest
/// can make is known).
const WASM_STACK: usize = 512 << 10;

/// The most frames a guest's stack can hold: a frame takes at least a return address and a frame
/// pointer.
const DEEPEST: u64 = (WASM_STACK / 16) as u64;

/// What one node of wasmtime's stack table may cost (prefix, frame, index entry, growth).
const NODE_COST: u64 = 128;

/// What one sample or host-call marker costs wasmtime's profile, beside its stack.
const RECORD_COST: u64 = 64;

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
    /// Samples whose stack was deeper than [`MAX_FRAMES`] (kept under [`TRUNCATED_FRAME`]).
    pub deep_samples: u64,
    /// Why sampling stopped before the pass was done (the profile's budget), if it did.
    pub truncated: Option<String>,
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

/// A guest stack as a sample saw it.
struct Captured {
    /// Frame ids, root first (under [`TRUNCATED_ID`] when `deep`).
    frames: Vec<u32>,
    /// A hash of the frames' call sites: what wasmtime's profile tells stacks apart by.
    sites: u64,
    /// Deeper than [`MAX_FRAMES`]: wasmtime's profile records it whole, up to [`DEEPEST`] frames.
    deep: bool,
}

/// What the store's epoch callback and call hook share with the pass.
struct Sampler {
    profiler: Option<GuestProfiler>,
    frames: FrameTable,
    /// Folded stacks (frame ids, root first) → nanoseconds.
    folded: HashMap<Box<[u32]>, u64>,
    /// The call-site stacks (hashes) wasmtime's profile has seen whole.
    seen: HashSet<u64>,
    /// What the profile has been charged so far, and what it may be.
    spent: u64,
    budget: u64,
    /// Why sampling stopped, once it has.
    truncated: Option<String>,
    samples: u64,
    deep_samples: u64,
    /// When the previous sample (or the current call) started.
    last: Instant,
    /// Time since `last` that was not the guest's: host calls, and the profiler's own stack walks
    /// at host calls (which cost far more than a short call).
    excluded_since_last: Duration,
    /// The folded stack of the host call in progress (the guest's stack, then `[host]`).
    host_stack: Option<Vec<u32>>,
    /// The host call in progress is the epoch libcall that took a sample: not the guest's host time.
    sampled_in_call: bool,
    /// Host calls in progress: a libcall made while lowering a host call's result belongs to it.
    nesting: HostCallNesting,
    /// When the current call must end.
    deadline: Option<Instant>,
}

impl Sampler {
    fn new(profiler: GuestProfiler, budget: u64) -> Self {
        Sampler {
            profiler: Some(profiler),
            frames: FrameTable::new(),
            folded: HashMap::new(),
            seen: HashSet::new(),
            spent: 0,
            budget,
            truncated: None,
            samples: 0,
            deep_samples: 0,
            last: Instant::now(),
            excluded_since_last: Duration::ZERO,
            host_stack: None,
            sampled_in_call: false,
            nesting: HostCallNesting::default(),
            deadline: None,
        }
    }

    /// The current guest stack: its [`MAX_FRAMES`] innermost frames, interned (new names charged
    /// to the budget).
    fn capture(&mut self, store: impl AsContext) -> Captured {
        // The engine captures at most MAX_FRAMES + 1 frames: one more says the stack was deeper.
        let backtrace = WasmBacktrace::capture(store);
        let all = backtrace.frames();
        let deep = all.len() > MAX_FRAMES;
        let kept = &all[..all.len().min(MAX_FRAMES)];
        let mut frames = Vec::with_capacity(kept.len() + 1);
        if deep {
            frames.push(TRUNCATED_ID);
        }
        let mut sites = DefaultHasher::new();
        for frame in kept.iter().rev() {
            let (id, cost) = self.frames.intern(frame);
            self.spent = self.spent.saturating_add(cost);
            frames.push(id);
            (id, frame.module_offset()).hash(&mut sites);
        }
        if frames.is_empty() {
            frames.push(UNKNOWN_ID);
        }
        Captured {
            frames,
            sites: sites.finish(),
            deep,
        }
    }

    /// Charges a sample or host-call marker of `stack`, to be folded under `key`: the record, the
    /// nodes it may add to wasmtime's stack table (every frame of a call-site stack not seen
    /// before; a whole wasm stack's for a deep one, whose roots aren't seen), and a new folded
    /// stack's text. `false`, and sampling stops, when that would pass the budget.
    fn admit(&mut self, stack: &Captured, key: &[u32]) -> bool {
        let mut cost = RECORD_COST;
        let new_sites = !stack.deep && !self.seen.contains(&stack.sites);
        if stack.deep {
            cost += DEEPEST * NODE_COST;
        } else if new_sites {
            cost += stack.frames.len() as u64 * NODE_COST + ENTRY_COST;
        }
        if !self.folded.contains_key(key) {
            cost += self.frames.text_len(key) + 4 * key.len() as u64 + ENTRY_COST;
        }
        if self.spent.saturating_add(cost) > self.budget {
            self.truncated = Some(format!(
                "the profile reached its budget of {} after {} samples",
                crate::model::size(self.budget),
                self.samples
            ));
            return false;
        }
        self.spent += cost;
        if new_sites {
            self.seen.insert(stack.sites);
        }
        true
    }

    fn add(&mut self, key: Vec<u32>, time: Duration) {
        // Nanoseconds here, microseconds in the folded stacks: many sub-microsecond host calls
        // still add up.
        *self.folded.entry(key.into_boxed_slice()).or_insert(0) += time.as_nanos() as u64;
    }

    fn tick(&mut self, store: impl AsContext + Copy) -> UpdateDeadline {
        if self.truncated.is_some() {
            return UpdateDeadline::Interrupt;
        }
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
            let stack = self.capture(store);
            if !self.admit(&stack, &stack.frames) {
                return UpdateDeadline::Interrupt;
            }
            if let Some(profiler) = self.profiler.as_mut() {
                profiler.sample(store, guest);
            }
            self.deep_samples += u64::from(stack.deep);
            self.add(stack.frames, guest);
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
                    self.host_stack = None;
                    if self.truncated.is_none() {
                        let stack = self.capture(store);
                        let mut key = Vec::with_capacity(stack.frames.len() + 1);
                        key.extend_from_slice(&stack.frames);
                        key.push(HOST_ID);
                        if self.admit(&stack, &key) {
                            if let Some(profiler) = self.profiler.as_mut() {
                                profiler.call_hook(store, hook);
                            }
                            self.host_stack = Some(key);
                        }
                    }
                    let entered = Instant::now();
                    self.excluded_since_last += entered - began;
                    self.nesting.started(entered);
                }
            }
            CallHook::ReturningFromHost => {
                if let Some(entered) = self.nesting.leave() {
                    let spent = began - entered;
                    let stack = self.host_stack.take();
                    if stack.is_some()
                        && let Some(profiler) = self.profiler.as_mut()
                    {
                        profiler.call_hook(store, hook);
                    }
                    if std::mem::take(&mut self.sampled_in_call) {
                        // The sample's own libcall: its time is the profiler's, not the guest's.
                        self.last = Instant::now();
                        self.excluded_since_last = Duration::ZERO;
                        return;
                    }
                    if let Some(stack) = stack {
                        self.add(stack, spent);
                    }
                    // The call and the walks after it.
                    self.excluded_since_last += spent + began.elapsed();
                }
            }
            CallHook::CallingWasm | CallHook::ReturningFromWasm => {}
        }
    }

    /// Starts the guest's time over, and the deadline of the call about to be made.
    fn arm(&mut self, deadline: Duration) {
        self.last = Instant::now();
        self.excluded_since_last = Duration::ZERO;
        self.deadline = Some(self.last + deadline);
    }

    /// The folded stacks as text → microseconds.
    fn folded(&mut self) -> BTreeMap<String, u64> {
        std::mem::take(&mut self.folded)
            .into_iter()
            .map(|(stack, ns)| (self.frames.text(&stack), (ns + 500) / 1000))
            .collect()
    }
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
        // One frame more than a sample keeps says the stack was deeper; names and line tables come
        // from the name section only (capped), never from DWARF.
        config.wasm_backtrace_max_frames(NonZeroUsize::new(MAX_FRAMES + 1));
        config.wasm_backtrace_details(WasmBacktraceDetails::Disable);
        config.max_wasm_stack(WASM_STACK);
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
        self.profile_unadvised(plan, options)
            .await
            .map_err(|failure| super::record::advised(failure, plan))
    }

    /// [`Runner::profile`], a limit it runs into not yet traced to the suite.
    async fn profile_unadvised(
        &mut self,
        plan: &BenchPlan,
        options: &ProfileOptions,
    ) -> Result<BenchProfile, Failure> {
        if let Some(broken) = &plan.broken {
            return Err(broken.clone());
        }
        let binary = component_binary(&plan.wasm_path)?;
        let engine = ProfilingEngine::new(options.interval).map_err(|e| error(format!("{e:#}")))?;
        let (component, pre) = self.instantiable(&engine.engine, &binary, &plan.wasm_path)?;
        let profiler = GuestProfiler::new_component(
            &engine.engine,
            &plan.id,
            options.interval,
            component,
            std::iter::empty(),
        )
        .map_err(|e| error(format!("starting the guest profiler: {e:#}")))?;
        let sampler = Arc::new(Mutex::new(Sampler::new(profiler, PROFILE_BUDGET)));

        let lending = self
            .lending_for(&plan.def)
            .open_database(false)
            .map_err(|e| error(format!("preparing the bench database: {e:#}")))?;
        let limits = plan.def.settings.limits;
        lock(&sampler).arm(limits.deadline);
        // The timed kind: no fuel, no watch; this pass's own callback samples and keeps the
        // deadline.
        let (mut session, _) = Session::open_with(
            &pre,
            crate::engine::EngineKind::Timed,
            limits,
            &lending,
            installer(&sampler),
        )
        .await?;
        lock(&sampler).arm(limits.deadline);
        if let Err(failure) = session.setup(&plan.workload, &plan.param_list()).await
            && !stopped(&sampler)
        {
            return Err(failure);
        }
        let iteration_ns =
            iterate(&mut session, &sampler, options.iterations, limits.deadline).await?;
        finish(session, &sampler, iteration_ns).await
    }

    /// The profiling engine's component of `binary` (from `path`) and its instantiation, linked
    /// to the host.
    fn instantiable(
        &mut self,
        engine: &Engine,
        binary: &[u8],
        path: &Path,
    ) -> Result<(Component, PluginPre<HostState>), Failure> {
        let at = path.display();
        let component = (self.cache.compile::<Component>(engine, binary))
            .map_err(|e| error(format!("{at} is not a valid component: {e:#}")))?
            .artifact;
        let linker = super::plugins::host_linker(engine)
            .map_err(|e| error(format!("preparing the host: {e:#}")))?;
        let pre = (linker.instantiate_pre(&component).and_then(PluginPre::new)).map_err(|e| {
            error(format!(
                "{at} does not fit the host: {:#}",
                anyhow::Error::from(e)
            ))
        })?;
        Ok((component, pre))
    }
}

/// The plugin at `path`, which must be a component, its names cut to [`MAX_NAME`].
fn component_binary(path: &Path) -> Result<Vec<u8>, Failure> {
    let file = crate::input::read(path, Kind::Wasm).map_err(|e| error(e.to_string()))?;
    let (kind, binary) =
        crate::plugin::detect(&file).map_err(|e| error(format!("{}: {e}", path.display())))?;
    if kind != PluginKind::Component {
        return Err(error(format!(
            "{}: profiling supports plugin components only, not core modules",
            path.display()
        )));
    }
    // Names cut before wasmtime reads them: its backtraces copy a frame's name at every sample.
    Ok(names::capped(&binary, MAX_NAME).into_owned())
}

/// Installs the sampler in a store: its epoch callback samples, its call hook times host calls.
fn installer(sampler: &Arc<Mutex<Sampler>>) -> impl FnOnce(&mut Store<HostState>) + use<> {
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
}

/// A profile that reached its budget interrupted the guest: what was gathered is the profile.
fn stopped(sampler: &Mutex<Sampler>) -> bool {
    lock(sampler).truncated.is_some()
}

/// Runs the profiled iterations until `iterations` says done or the profile stops; each one's
/// wall time, ns.
async fn iterate(
    session: &mut Session,
    sampler: &Mutex<Sampler>,
    iterations: ProfileIterations,
    deadline: Duration,
) -> Result<Vec<u64>, Failure> {
    let mut iteration_ns = Vec::new();
    let started = Instant::now();
    while !stopped(sampler) {
        let done = match iterations {
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
        lock(sampler).arm(deadline);
        match session.iterate().await {
            Ok(iteration) => iteration_ns.push(iteration.wall.as_nanos() as u64),
            Err(_) if stopped(sampler) => break,
            Err(failure) => return Err(failure),
        }
    }
    Ok(iteration_ns)
}

/// Closes the session and writes the profile (a close failure counts only when the profile did
/// not stop).
async fn finish(
    session: Session,
    sampler: &Mutex<Sampler>,
    iteration_ns: Vec<u64>,
) -> Result<BenchProfile, Failure> {
    lock(sampler).deadline = None;
    let closed = session.close().await;
    let mut s = lock(sampler);
    let closed = if s.truncated.is_some() {
        Ok(())
    } else {
        closed
    };
    let mut firefox_json = Vec::new();
    if let Some(profiler) = s.profiler.take() {
        profiler
            .finish(&mut firefox_json)
            .map_err(|e| error(format!("writing the profile: {e:#}")))?;
    }
    closed?;
    Ok(BenchProfile {
        firefox_json,
        folded: s.folded(),
        iteration_ns,
        samples: s.samples,
        deep_samples: s.deep_samples,
        truncated: s.truncated.take(),
    })
}
