//! What a store on the metered engine is watched for between epoch ticks and host calls: its
//! deadline, the host memory held for it, and the time it spends outside guest code.

use std::time::{Duration, Instant};

use wasmtime::{CallHook, Store, UpdateDeadline};

use super::host_memory::HostMemoryBudget;

/// Time spent outside guest code, in host functions and runtime calls (memory growth, bulk memory
/// operations): the work fuel doesn't see. Measured on the metered pass only, where a hook on every
/// transition costs nothing that is timed; host code runs natively there, so the time is the same
/// as in the timed pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HostCalls {
    pub calls: u64,
    pub time: Duration,
}

impl HostCalls {
    /// What was added between `earlier` and `self` (two readings of one store's count).
    pub fn since(self, earlier: HostCalls) -> HostCalls {
        HostCalls {
            calls: self.calls.saturating_sub(earlier.calls),
            time: self.time.saturating_sub(earlier.time),
        }
    }
}

/// The per-store state the watch keeps.
#[derive(Debug)]
pub struct StoreWatch {
    /// When the current call must end (metered engine; set per call).
    pub deadline: Option<Instant>,
    pub host_memory: HostMemoryBudget,
    host_calls: HostCalls,
    entered_host: Option<Instant>,
}

impl StoreWatch {
    /// A watch for a plugin whose memory limit is `memory_limit`; host memory counts from now.
    pub fn new(memory_limit: u64) -> Self {
        StoreWatch {
            deadline: None,
            host_memory: HostMemoryBudget::open(memory_limit),
            host_calls: HostCalls::default(),
            entered_host: None,
        }
    }

    /// Host calls since the last take, so far.
    pub fn host_calls(&self) -> HostCalls {
        self.host_calls
    }

    /// Host calls since the last take.
    pub fn take_host_calls(&mut self) -> HostCalls {
        std::mem::take(&mut self.host_calls)
    }

    fn on_call_hook(&mut self, hook: CallHook) {
        match hook {
            CallHook::CallingHost => {
                self.entered_host.get_or_insert_with(Instant::now);
            }
            CallHook::ReturningFromHost => {
                if let Some(entered) = self.entered_host.take() {
                    self.host_calls.calls += 1;
                    self.host_calls.time += entered.elapsed();
                }
            }
            CallHook::CallingWasm | CallHook::ReturningFromWasm => {}
        }
    }
}

/// A store's data that carries a [`StoreWatch`].
pub trait Watched: Send + 'static {
    fn watch(&mut self) -> &mut StoreWatch;
}

/// Watches `store` (metered engine): at every epoch tick, the host memory held for it and its
/// deadline; at every host call, the time spent there.
pub fn install<T: Watched>(store: &mut Store<T>) {
    store.epoch_deadline_callback(|mut context| {
        let watch = context.data_mut().watch();
        watch.host_memory.check()?;
        match watch.deadline {
            Some(deadline) if Instant::now() >= deadline => Ok(UpdateDeadline::Interrupt),
            _ => Ok(UpdateDeadline::Continue(1)),
        }
    });
    store.call_hook(|mut context, hook| {
        context.data_mut().watch().on_call_hook(hook);
        Ok(())
    });
}
