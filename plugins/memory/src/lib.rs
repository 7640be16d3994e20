//! Memory leaks, event-listener style: listeners registered and never removed, vs a bounded registry
//! that cleans up after itself.
//!
//! Both workloads do the same work per iteration: register `listeners` new listeners (boxed closures,
//! each capturing its own `payload`-byte buffer) on an emitter that lives for the whole bench, then
//! emit one event. They report the same checksum for the same params (it covers only the listeners
//! registered in this iteration, so it is also the same every iteration).
//!
//! - `leaky` never removes a listener: the registry, and with it linear memory, grows by about
//!   `listeners × payload` bytes per iteration (`memory.growth_per_iteration` in the results), and
//!   every emit also calls all the stale listeners, so iterations get slower too.
//! - `bounded` caps the registry at `cap` listeners, evicting (dropping) the oldest before adding a
//!   new one: memory stops growing after the first iteration and emit cost stays flat.

use std::collections::VecDeque;

use wasmbench_sdk::{Outcome, Params, Workload, fnv1a};

/// What an emitter dispatches to its listeners.
struct Event {
    kind: u32,
    value: u64,
}

/// A registered callback; it returns a digest of what it did with the event.
type Listener = Box<dyn Fn(&Event) -> u64>;

/// The event emitted once per iteration; constant, so every iteration's checksum is the same.
const EVENT: Event = Event {
    kind: 7,
    value: 0x5eed_f0e7_e7e7,
};

/// A minimal event emitter (`on` / `emit`, plus `evict_oldest` for cleanup).
#[derive(Default)]
struct Emitter {
    listeners: VecDeque<Listener>,
}

impl Emitter {
    fn on(&mut self, listener: Listener) {
        self.listeners.push_back(listener);
    }

    /// Removes (and drops, freeing its captured buffer) the longest-registered listener.
    fn evict_oldest(&mut self) -> bool {
        self.listeners.pop_front().is_some()
    }

    /// Calls every listener in registration order; returns the results of the last `newest` of them
    /// folded into one digest, plus how many listeners were called in all.
    fn emit(&self, event: &Event, newest: usize) -> (u64, u64) {
        let first_new = self.listeners.len().saturating_sub(newest);
        let mut digest = 0;
        let mut stale = 0u64;
        for (i, listener) in self.listeners.iter().enumerate() {
            let result = listener(event);
            if i >= first_new {
                digest = fnv1a(digest, &result.to_le_bytes());
            } else {
                // Older listeners' work is real but not part of the checksum (it would differ
                // between iterations and between the two workloads).
                stale ^= result;
            }
        }
        std::hint::black_box(stale);
        (digest, self.listeners.len() as u64)
    }
}

/// A listener like a request handler's closure: it captures a buffer (its "context") and, when
/// called, hashes it together with the event.
fn make_listener(id: u64, payload_size: usize) -> Listener {
    let mut state = id.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xa076_1d64_78bd_642f;
    let mut payload = vec![0u8; payload_size];
    for chunk in payload.chunks_mut(8) {
        chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes()[..chunk.len()]);
    }
    Box::new(move |event: &Event| {
        let seed = fnv1a(0, &event.kind.to_le_bytes()) ^ event.value.wrapping_mul(id + 1);
        fnv1a(seed | 1, &payload)
    })
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

struct Common {
    listeners: usize,
    payload: usize,
}

impl Common {
    fn parse(params: &Params) -> Result<Self, String> {
        let listeners = params.usize("listeners")?;
        if listeners == 0 {
            return Err("parameter `listeners` must be at least 1".into());
        }
        let payload = params.bytes("payload")?;
        let payload = usize::try_from(payload)
            .map_err(|_| format!("parameter `payload` is too large: {payload}"))?;
        Ok(Common { listeners, payload })
    }

    /// One iteration on `emitter`: register, (let `cleanup` make room before each registration),
    /// emit.
    fn iterate(&self, emitter: &mut Emitter, mut cleanup: impl FnMut(&mut Emitter)) -> Outcome {
        for id in 0..self.listeners {
            cleanup(emitter);
            emitter.on(make_listener(id as u64, self.payload));
        }
        let (checksum, dispatched) = emitter.emit(&EVENT, self.listeners);
        Outcome::new(checksum, self.listeners as u64)
            .counter("dispatched", dispatched)
            .counter("registered", emitter.listeners.len() as u64)
    }
}

/// Registers listeners every iteration and never removes them.
struct Leaky {
    common: Common,
    emitter: Emitter,
}

impl Workload for Leaky {
    const NAME: &'static str = "leaky";
    const DESCRIPTION: &'static str = "register `listeners` closures (each holding `payload` bytes) per iteration, never remove them, emit";
    const UNIT: &'static str = "listeners";
    const PARAMS: &'static [(&'static str, &'static str)] =
        &[("listeners", "1000"), ("payload", "256 B")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(Leaky {
            common: Common::parse(params)?,
            emitter: Emitter::default(),
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        Ok(self.common.iterate(&mut self.emitter, |_| {}))
    }
}

/// The same work with the registry capped at `cap`: the oldest listener is evicted to make room.
struct Bounded {
    common: Common,
    cap: usize,
    emitter: Emitter,
}

impl Workload for Bounded {
    const NAME: &'static str = "bounded";
    const DESCRIPTION: &'static str = "as `leaky`, but the registry holds at most `cap` listeners, evicting the oldest (memory stays flat)";
    const UNIT: &'static str = "listeners";
    const PARAMS: &'static [(&'static str, &'static str)] =
        &[("listeners", "1000"), ("payload", "256 B"), ("cap", "1000")];

    fn setup(params: &Params) -> Result<Self, String> {
        let common = Common::parse(params)?;
        let cap = params.usize("cap")?;
        if cap < common.listeners {
            // The emit must reach every listener registered this iteration, or the checksum could
            // not match `leaky`'s.
            return Err(format!(
                "parameter `cap` ({cap}) must be at least `listeners` ({}): this iteration's listeners must all stay registered until the emit",
                common.listeners
            ));
        }
        Ok(Bounded {
            common,
            cap,
            emitter: Emitter {
                listeners: VecDeque::with_capacity(cap),
            },
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let cap = self.cap;
        Ok(self.common.iterate(&mut self.emitter, |emitter| {
            while emitter.listeners.len() >= cap && emitter.evict_oldest() {}
        }))
    }
}

wasmbench_sdk::register!(Leaky, Bounded);
