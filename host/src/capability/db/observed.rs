//! What a bench's pool saw, whatever database is behind it: the query plan of each distinct
//! statement (captured on the counting pass only) and the waits for a connection.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::outcome::{PoolWaits, StatementPlan};

/// Most distinct statements whose query plans are kept per bench.
const MAX_PLANS: usize = 64;
/// Longest statement text kept with a plan.
const MAX_PLAN_SQL: usize = 2000;

#[derive(Debug)]
pub struct Observed {
    /// Whether statements' plans are captured (the counting pass; timed passes skip it).
    capture_plans: bool,
    plans: Mutex<BTreeMap<String, Vec<String>>>,
    waits: AtomicU64,
    wait_ns: AtomicU64,
}

impl Observed {
    pub fn new(capture_plans: bool) -> Observed {
        Observed {
            capture_plans,
            plans: Mutex::new(BTreeMap::new()),
            waits: AtomicU64::new(0),
            wait_ns: AtomicU64::new(0),
        }
    }

    /// Whether `sql`'s plan is still to be captured (the counting pass, a statement not seen
    /// yet, fewer than [`MAX_PLANS`] kept).
    pub fn wants_plan(&self, sql: &str) -> bool {
        if !self.capture_plans {
            return false;
        }
        let plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
        plans.len() < MAX_PLANS && !plans.contains_key(&plan_key(sql))
    }

    /// Keeps `sql`'s plan (an empty one too, so a statement that can't be explained is tried once).
    pub fn keep_plan(&self, sql: &str, plan: Vec<String>) {
        let mut plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
        if plans.len() < MAX_PLANS {
            plans.entry(plan_key(sql)).or_insert(plan);
        }
    }

    /// The plans of the distinct statements run so far, in statement order.
    pub fn plans(&self) -> Vec<StatementPlan> {
        self.plans
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|(_, plan)| !plan.is_empty())
            .map(|(sql, plan)| StatementPlan {
                sql: sql.clone(),
                plan: plan.clone(),
            })
            .collect()
    }

    /// The wait for a connection that was asked for at `start`: zero when one was free then
    /// (`blocked` false), else the time since, counted.
    pub fn waited(&self, start: Instant, blocked: bool) -> Duration {
        if !blocked {
            return Duration::ZERO;
        }
        let wait = start.elapsed();
        self.waits.fetch_add(1, Ordering::Relaxed);
        self.wait_ns
            .fetch_add(wait.as_nanos() as u64, Ordering::Relaxed);
        wait
    }

    /// Waits for a connection so far.
    pub fn pool_waits(&self) -> PoolWaits {
        PoolWaits {
            waits: self.waits.load(Ordering::Relaxed),
            wait: Duration::from_nanos(self.wait_ns.load(Ordering::Relaxed)),
        }
    }
}

fn plan_key(sql: &str) -> String {
    sql.trim().chars().take(MAX_PLAN_SQL).collect()
}
