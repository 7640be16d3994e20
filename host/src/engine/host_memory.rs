//! Host-side memory a plugin makes the harness hold (resource tables, HTTP headers and bodies,
//! pollables, backend contents, captured output): counted by the process's allocator, so no
//! allocation escapes, whichever crate makes it.
//!
//! Linear memory is not counted here: wasmtime maps it directly, and the store's
//! [`MemoryLimiter`](super::MemoryLimiter) meters it. What is counted here is every heap byte the
//! process holds; a bench's share is what it holds beyond a baseline taken when its store opens.
//! The budget is twice the bench's memory limit: the simulated backends may store up to the limit
//! (they refuse more with their own message), and everything else gets as much again, at least
//! [`MIN_HOST_BUDGET`] (a store's own bookkeeping, the WASI context and a few buffers need a little
//! room even under a tiny limit).
//! Two places enforce it: the metered pass checks at every epoch tick and after every call (the
//! bench ends `memory-limit`); a worker process arms a ceiling in the allocator itself, and exits
//! with [`HOST_MEMORY_EXIT`] the moment an allocation would cross it, which its supervisor reports
//! as `memory-limit`. Either way the harness never holds much more than the budget for a plugin.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The smallest host budget, whatever the memory limit.
pub const MIN_HOST_BUDGET: u64 = 16 << 20;

/// The exit code of a worker whose plugin made it cross its host memory ceiling.
pub const HOST_MEMORY_EXIT: i32 = 86;

/// The system allocator, counting the bytes live in the process.
pub struct CountingAllocator;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
/// Past this many live bytes the process exits with [`HOST_MEMORY_EXIT`]; `usize::MAX` = unarmed.
static CEILING: AtomicUsize = AtomicUsize::new(usize::MAX);

impl CountingAllocator {
    #[inline]
    fn grew(size: usize) {
        let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
        if live > CEILING.load(Ordering::Relaxed) {
            ceiling_crossed();
        }
    }
}

/// Leaves the process at once: no allocation, no unwinding, nothing that could grow further.
#[cold]
fn ceiling_crossed() -> ! {
    const MESSAGE: &[u8] = b"wasmbench worker: host memory held for the plugin passed its budget\n";
    // SAFETY: write(2) and _exit(2) are async-signal-safe and allocate nothing; the message is a
    // static buffer.
    unsafe {
        libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
        libc::_exit(HOST_MEMORY_EXIT)
    }
}

// SAFETY: every call is forwarded to `System` unchanged; the counter only observes sizes.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            Self::grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            Self::grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                Self::grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        new
    }
}

/// Heap bytes the process holds now.
pub fn live_bytes() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// What the host may hold for a plugin whose memory limit is `memory_limit`: its backend storage
/// (capped at the limit) and as much again for everything else.
pub fn budget_for(memory_limit: u64) -> u64 {
    memory_limit.saturating_add(memory_limit.max(MIN_HOST_BUDGET))
}

/// Makes the process exit with [`HOST_MEMORY_EXIT`] once it holds more than `extra` bytes beyond
/// what it holds now. Only for worker processes: the supervisor must outlive any one plugin.
pub fn arm_ceiling(extra: u64) {
    let ceiling = live_bytes().saturating_add(usize::try_from(extra).unwrap_or(usize::MAX));
    CEILING.store(ceiling, Ordering::Relaxed);
}

/// Raised when the host holds more for a plugin than its budget.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "host memory limit exceeded: the host held {} for the plugin (resources, headers, bodies, buffers), over its {} budget",
    crate::model::size_over(*held, *budget),
    crate::model::size(*budget)
)]
pub struct HostMemoryExceeded {
    pub held: u64,
    pub budget: u64,
}

/// One store's share of the host's memory: what the process holds beyond the baseline taken when
/// the store opened.
#[derive(Debug, Clone, Copy)]
pub struct HostMemoryBudget {
    baseline: usize,
    budget: u64,
    peak: u64,
}

impl HostMemoryBudget {
    /// Starts counting now, for a plugin whose memory limit is `memory_limit`.
    pub fn open(memory_limit: u64) -> Self {
        HostMemoryBudget {
            baseline: live_bytes(),
            budget: budget_for(memory_limit),
            peak: 0,
        }
    }

    /// Bytes held for the plugin now (never negative: frees of older allocations don't count).
    pub fn held(&self) -> u64 {
        live_bytes().saturating_sub(self.baseline) as u64
    }

    /// The most held at any check so far.
    pub fn peak(&self) -> u64 {
        self.peak
    }

    /// Records what is held now; an error when it is over the budget.
    pub fn check(&mut self) -> Result<(), HostMemoryExceeded> {
        let held = self.held();
        self.peak = self.peak.max(held);
        if held > self.budget {
            return Err(HostMemoryExceeded {
                held,
                budget: self.budget,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tests in this binary run concurrently and allocate too: the blocks here are large and the
    // assertions leave 128 MiB of room for everyone else.
    const BLOCK: usize = 512 << 20;
    const ROOM: usize = 128 << 20;

    #[test]
    fn the_budget_sees_what_the_host_holds_and_stops_counting_what_it_frees() {
        let mut budget = HostMemoryBudget::open(1 << 20);
        assert_eq!(
            budget.budget,
            (1 << 20) + MIN_HOST_BUDGET,
            "a small limit gets the floor"
        );
        let block = vec![0u8; BLOCK];
        let error = budget.check().expect_err("512 MiB is over a 17 MiB budget");
        assert!(error.held as usize >= BLOCK - ROOM, "{error}");
        assert!(budget.peak() as usize >= BLOCK - ROOM);
        drop(block);
        assert!((budget.held() as usize) < ROOM, "held {}", budget.held());
    }

    #[test]
    fn realloc_counts_the_difference() {
        let before = live_bytes();
        let mut v: Vec<u8> = Vec::with_capacity(1 << 20);
        v.reserve_exact(BLOCK);
        let grown = live_bytes().saturating_sub(before);
        assert!(grown >= BLOCK - ROOM, "grown by {grown}");
        v.shrink_to(0);
        assert!(live_bytes().saturating_sub(before) < ROOM);
    }
}
