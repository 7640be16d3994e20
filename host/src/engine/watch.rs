//! What a store on the metered engine is watched for between epoch ticks and host calls: its
//! deadline, the host memory held for it, and the time it spends outside guest code.

use std::time::Instant;

use wasmtime::{CallHook, Store, UpdateDeadline};

use super::host_calls::{HostCallNesting, HostCalls, ImportGroup};
use super::host_memory::HostMemoryBudget;

/// The per-store state the watch keeps.
#[derive(Debug)]
pub struct StoreWatch {
    /// When the current call must end (metered engine; set per call).
    pub deadline: Option<Instant>,
    pub host_memory: HostMemoryBudget,
    host_calls: HostCalls,
    nesting: HostCallNesting,
    /// The group of the call in progress, named by the getter its function went through.
    calling: Option<ImportGroup>,
    /// Bytes the call in progress moved across the boundary.
    call_bytes: u64,
}

impl StoreWatch {
    /// A watch for a plugin whose memory limit is `memory_limit`; host memory counts from now.
    pub fn new(memory_limit: u64) -> Self {
        StoreWatch {
            deadline: None,
            host_memory: HostMemoryBudget::open(memory_limit),
            host_calls: HostCalls::default(),
            nesting: HostCallNesting::default(),
            calling: None,
            call_bytes: 0,
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

    /// Names the group of the host call in progress (called by the linker's getters; the last
    /// name wins, so a function may narrow its interface's group).
    pub fn calling(&mut self, group: ImportGroup) {
        self.calling = Some(group);
    }

    /// Counts bytes the host call in progress moved across the boundary.
    pub fn moved(&mut self, bytes: usize) {
        self.call_bytes += bytes as u64;
    }

    /// The byte count of the host call in progress, to add to.
    pub fn call_bytes(&mut self) -> &mut u64 {
        &mut self.call_bytes
    }

    fn on_call_hook(&mut self, hook: CallHook) {
        match hook {
            CallHook::CallingHost => {
                // Calls nest: lowering a host function's result may call the guest's allocator,
                // which may grow memory through a libcall. The outermost call owns the time.
                if self.nesting.enter() {
                    self.calling = None;
                    self.call_bytes = 0;
                    self.nesting.started(Instant::now());
                }
            }
            CallHook::ReturningFromHost => {
                if let Some(entered) = self.nesting.leave() {
                    let group = self.calling.take().unwrap_or(ImportGroup::Runtime);
                    let bytes = std::mem::take(&mut self.call_bytes);
                    self.host_calls.record(group, bytes, entered.elapsed());
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
