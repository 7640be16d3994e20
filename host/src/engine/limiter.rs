//! A resource limiter that enforces the memory limit and records the memory a store uses.

use wasmtime::ResourceLimiter;

/// Raised (as a trap) when a guest asks for more linear memory than its limit.
#[derive(Debug, thiserror::Error)]
#[error(
    "memory limit exceeded: the guest asked to grow linear memory to {}, over the {} limit",
    crate::model::size_over(*desired as u64, *limit as u64),
    crate::model::size(*limit as u64)
)]
pub struct MemoryLimitExceeded {
    pub desired: usize,
    pub limit: usize,
}

/// Enforces a cap on the total linear memory of a store and tracks its current size and peak.
#[derive(Debug)]
pub struct MemoryLimiter {
    limit: usize,
    /// Sum of the current sizes of every memory in the store.
    current: usize,
    peak: usize,
    hit: Option<MemoryLimitExceeded>,
}

impl MemoryLimiter {
    pub fn new(limit: u64) -> Self {
        MemoryLimiter {
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
            current: 0,
            peak: 0,
            hit: None,
        }
    }

    /// Bytes of linear memory the store holds now. Wasm memory never shrinks, so this is also the
    /// peak so far.
    pub fn current(&self) -> usize {
        self.current
    }

    pub fn peak(&self) -> usize {
        self.peak
    }

    /// Whether the guest ran into the limit (even if it caught the failure itself).
    pub fn limit_hit(&self) -> Option<&MemoryLimitExceeded> {
        self.hit.as_ref()
    }
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let total = self.current - current.min(self.current) + desired;
        if total > self.limit {
            let exceeded = MemoryLimitExceeded {
                desired: total,
                limit: self.limit,
            };
            // Trap at once rather than fail the grow: a guest that handles allocation failure (e.g.
            // `std::fs::read` returning an out-of-memory error) would otherwise report a misleading
            // error, and the status must say `memory-limit` either way.
            let error = wasmtime::Error::msg(exceeded.to_string());
            self.hit = Some(exceeded);
            return Err(error);
        }
        self.current = total;
        self.peak = self.peak.max(total);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Tables hold function references; a million is far beyond any real plugin.
        Ok(desired <= 1_000_000)
    }
}
