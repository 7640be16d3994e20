//! Waits that end on time: the latencies the fixture server and the simulated backends add.
//!
//! A plain sleep overshoots here by 50–130 µs (Linux's default 50 µs timer slack plus the
//! wake-up), and tokio's timer rounds up to the millisecond, so a "100 µs" round trip cost 170 µs
//! and a "1 ms" request 2 ms. These waits sleep most of the way with a 1 ns timer slack, then spin
//! for the last stretch, so they end within a few microseconds of their deadline: a blocking wait
//! spins for the last [`SPIN`]; an async one is woken [`EARLY`] before its deadline (waking a task
//! on another thread takes 35 µs at the median here, 200 µs at the 99th percentile) and spins on
//! its own thread for the rest. The spinning is the price: 250 µs to 1 ms of one core per wait, 4% of a long one.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long before a deadline sleeping stops and spinning starts: above the sleep overshoot's
/// 99th percentile with a 1 ns slack on this kind of machine (32 µs median, 48 µs p99, measured).
const SPIN: Duration = Duration::from_micros(150);

/// How long before its deadline an async wait is woken, at least: the timer's overshoot plus the
/// task's wake-up, at their 99th percentiles (50 and 200 µs measured on this kind of machine).
const EARLY: Duration = Duration::from_micros(250);

/// A thread that sat idle longer wakes later (a halted virtual CPU), so long waits are woken
/// earlier still: this share of the wait, up to [`EARLIEST`].
const EARLY_SHARE: u32 = 25;
const EARLIEST: Duration = Duration::from_millis(1);

fn early_by(wait: Duration) -> Duration {
    (wait / EARLY_SHARE).clamp(EARLY, EARLIEST)
}

/// Asks Linux to wake this thread's sleeps on time: the default timer slack (50 µs) would add
/// itself to every wait.
pub fn tighten_timer_slack() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_TIMERSLACK only changes this thread's timer slack; it takes no pointers.
    unsafe {
        libc::prctl(libc::PR_SET_TIMERSLACK, 1 as libc::c_ulong);
    }
}

/// Blocks this thread for `wait`, ending within microseconds of it.
pub fn block_for(wait: Duration) {
    if !wait.is_zero() {
        block_until(Instant::now() + wait);
    }
}

/// Blocks this thread for about `wait` without spinning (it may end tens of µs late), for when
/// another process needs the cores a spin would take (a database server on this machine);
/// returns how long it really blocked.
pub fn sleep_for(wait: Duration) -> Duration {
    tighten_once();
    let start = Instant::now();
    std::thread::sleep(wait);
    start.elapsed()
}

/// [`tighten_timer_slack`], once per thread.
fn tighten_once() {
    thread_local! {
        static TIGHTENED: () = tighten_timer_slack();
    }
    TIGHTENED.with(|_| ());
}

/// Blocks this thread until `deadline`: sleeps to [`SPIN`] before it, then spins.
pub fn block_until(deadline: Instant) {
    tighten_once();
    let now = Instant::now();
    if deadline > now + SPIN {
        std::thread::sleep(deadline - now - SPIN);
    }
    spin_until(deadline);
}

/// Spins to `deadline`. While more threads spin than there are CPUs, each yields its CPU between
/// looks instead (a pool of 16 connections waiting out their latency on 2 cores): waits then end
/// as the scheduler allows, but the threads with work to do get the CPUs.
fn spin_until(deadline: Instant) {
    static SPINNING: AtomicUsize = AtomicUsize::new(0);
    static CPUS: OnceLock<usize> = OnceLock::new();
    let cpus = *CPUS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let crowded = SPINNING.fetch_add(1, Ordering::Relaxed) >= cpus;
    while Instant::now() < deadline {
        if crowded {
            std::thread::yield_now();
        } else {
            std::hint::spin_loop();
        }
    }
    SPINNING.fetch_sub(1, Ordering::Relaxed);
}

/// Waits `wait`, blocking the async runtime's thread only for the last [`early_by`]: one timer
/// thread keeps every pending deadline and wakes each waiter a little early, in deadline order.
pub async fn wait_for(wait: Duration) {
    let deadline = Instant::now() + wait;
    let early = early_by(wait);
    if wait > early {
        let (wake, woken) = tokio::sync::oneshot::channel();
        timer().add(deadline - early, wake);
        let _ = woken.await;
    }
    spin_until(deadline);
}

/// The pending deadlines, earliest first, and the timer thread's doorbell.
struct Timer {
    pending: Mutex<BinaryHeap<Reverse<Deadline>>>,
    added: Condvar,
}

struct Deadline {
    at: Instant,
    wake: tokio::sync::oneshot::Sender<()>,
}

impl PartialEq for Deadline {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}
impl Eq for Deadline {}
impl PartialOrd for Deadline {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Deadline {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.at.cmp(&other.at)
    }
}

fn timer() -> &'static Timer {
    static TIMER: OnceLock<&'static Timer> = OnceLock::new();
    TIMER.get_or_init(|| {
        let timer: &'static Timer = Box::leak(Box::new(Timer {
            pending: Mutex::new(BinaryHeap::new()),
            added: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("wasmbench-precise-timer".into())
            .spawn(move || timer.run())
            .expect("starting the precise timer thread");
        timer
    })
}

impl Timer {
    fn add(&self, at: Instant, wake: tokio::sync::oneshot::Sender<()>) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let earliest = pending.peek().is_none_or(|Reverse(first)| at < first.at);
        pending.push(Reverse(Deadline { at, wake }));
        if earliest {
            self.added.notify_one();
        }
    }

    /// Wakes each deadline as it comes, waiting on the doorbell in between (with a 1 ns timer
    /// slack, so within tens of microseconds; the waiter spins the rest).
    fn run(&self) {
        tighten_timer_slack();
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let now = Instant::now();
            while pending.peek().is_some_and(|Reverse(first)| first.at <= now) {
                let Reverse(due) = pending.pop().expect("peeked");
                let _ = due.wake.send(());
            }
            let Some(Reverse(first)) = pending.peek() else {
                pending = self.added.wait(pending).unwrap_or_else(|e| e.into_inner());
                continue;
            };
            let left = first.at - now;
            pending = self
                .added
                .wait_timeout(pending, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blocking_wait_never_ends_early() {
        for micros in [1, 100, 300] {
            let wait = Duration::from_micros(micros);
            let start = Instant::now();
            block_for(wait);
            assert!(start.elapsed() >= wait, "{micros} µs ended early");
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn concurrent_waits_each_end_at_their_own_deadline_not_before() {
        let start = Instant::now();
        // Milliseconds, not microseconds: a loaded machine's scheduling hiccups (a few ms) must not
        // read as the waits having run one after the other.
        let waits = [90u64, 30, 60, 30, 0].map(Duration::from_millis);
        let end_of = |wait: Duration| async move {
            wait_for(wait).await;
            start.elapsed()
        };
        let (a, b, c, d, e) = tokio::join!(
            end_of(waits[0]),
            end_of(waits[1]),
            end_of(waits[2]),
            end_of(waits[3]),
            end_of(waits[4])
        );
        let ends = [a, b, c, d, e];
        for (wait, end) in waits.iter().zip(&ends) {
            assert!(end >= wait, "a {wait:?} wait ended at {end:?}");
        }
        // They ran at once: one after the other they would take the waits' sum (210 ms), and the
        // shortest ends first. (Ends a few µs apart may swap on a loaded machine: a spinning
        // wait gets the thread when the runtime polls it.)
        let sum: Duration = waits.iter().sum();
        let last = ends.iter().max().expect("five ends");
        assert!(*last < sum, "{ends:?}");
        assert!(ends[1] <= ends[0] && ends[4] <= ends[0], "{ends:?}");
    }
}
