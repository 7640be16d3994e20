//! When requests should arrive in the open model: the phases' rates (linear ramps included) turned
//! into intended start times, evenly spaced or as a seeded Poisson process. Intended times are
//! fixed before the run, whatever the completions: that is what makes latency measured from them
//! free of coordinated omission.

use std::time::Duration;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::suite::{Arrival, LoadPhase};

/// Where each phase starts, from the scenario's start.
pub fn phase_starts(phases: &[LoadPhase]) -> Vec<Duration> {
    phases
        .iter()
        .scan(Duration::ZERO, |at, phase| {
            let start = *at;
            *at += phase.duration;
            Some(start)
        })
        .collect()
}

/// The phase an offset from the scenario's start falls in (the last one past the end).
pub fn phase_at(starts: &[Duration], offset: Duration) -> usize {
    starts
        .iter()
        .rposition(|start| *start <= offset)
        .unwrap_or(0)
}

/// Intended arrival times of a whole scenario, in order: `(offset from start, phase index)`.
pub struct Arrivals<'a> {
    phases: &'a [LoadPhase],
    starts: Vec<Duration>,
    phase: usize,
    /// Arrivals so far in the current phase (uniform), or the unit-rate Poisson clock (poisson).
    position: f64,
    rng: Option<ChaCha8Rng>,
}

impl<'a> Arrivals<'a> {
    pub fn new(phases: &'a [LoadPhase], arrival: Arrival) -> Self {
        let rng = match arrival {
            Arrival::Uniform => None,
            Arrival::Poisson { seed } => Some(ChaCha8Rng::seed_from_u64(seed)),
        };
        let mut arrivals = Arrivals {
            phases,
            starts: phase_starts(phases),
            phase: 0,
            position: 0.0,
            rng,
        };
        arrivals.position = arrivals.first_position();
        arrivals
    }

    /// Uniform arrivals start at the phase's start; Poisson ones after a first exponential gap.
    fn first_position(&mut self) -> f64 {
        match &mut self.rng {
            None => 0.0,
            Some(rng) => exponential(rng),
        }
    }

    fn advance(&mut self) {
        self.position += match &mut self.rng {
            None => 1.0,
            Some(rng) => exponential(rng),
        };
    }
}

impl Iterator for Arrivals<'_> {
    type Item = (Duration, usize);

    fn next(&mut self) -> Option<(Duration, usize)> {
        loop {
            let phase = self.phases.get(self.phase)?;
            match time_of(phase, self.position) {
                Some(at) if at < phase.duration.as_secs_f64() => {
                    self.advance();
                    let offset = self.starts[self.phase] + Duration::from_secs_f64(at);
                    return Some((offset, self.phase));
                }
                _ => {
                    self.phase += 1;
                    self.position = self.first_position();
                }
            }
        }
    }
}

/// A unit-rate exponential gap.
fn exponential(rng: &mut ChaCha8Rng) -> f64 {
    let u: f64 = rng.random();
    -(1.0 - u).ln()
}

/// Seconds into `phase` at which `count` arrivals are due: the inverse of the cumulative arrivals
/// `N(t) = r0·t + (r1 − r0)·t² / 2D`; none when the phase never gets there.
fn time_of(phase: &LoadPhase, count: f64) -> Option<f64> {
    let (r0, r1, d) = (phase.rate, phase.end_rate(), phase.duration.as_secs_f64());
    let a = (r1 - r0) / (2.0 * d);
    let t = if a.abs() < 1e-12 {
        if r0 <= 0.0 {
            return None;
        }
        count / r0
    } else {
        let discriminant = r0 * r0 + 4.0 * a * count;
        if discriminant < 0.0 {
            return None;
        }
        (-r0 + discriminant.sqrt()) / (2.0 * a)
    };
    (t.is_finite() && t >= 0.0).then_some(t)
}

/// Planned arrivals per second at `offset` into a phase.
pub fn rate_at(phase: &LoadPhase, offset: Duration) -> f64 {
    let fraction = (offset.as_secs_f64() / phase.duration.as_secs_f64()).clamp(0.0, 1.0);
    phase.rate + (phase.end_rate() - phase.rate) * fraction
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phase(rate: f64, ramp_to: Option<f64>, secs: u64) -> LoadPhase {
        LoadPhase {
            name: format!("{rate}"),
            duration: Duration::from_secs(secs),
            rate,
            ramp_to,
            thresholds: Vec::new(),
        }
    }

    #[test]
    fn uniform_arrivals_follow_each_phases_rate() {
        let phases = [phase(5.0, None, 2), phase(100.0, None, 1)];
        let all: Vec<_> = Arrivals::new(&phases, Arrival::Uniform).collect();
        assert_eq!(all.iter().filter(|(_, p)| *p == 0).count(), 10);
        assert_eq!(all.iter().filter(|(_, p)| *p == 1).count(), 100);
        assert_eq!(all[0], (Duration::ZERO, 0));
        assert_eq!(all[1].0, Duration::from_millis(200));
        assert_eq!(all[10], (Duration::from_secs(2), 1));
        assert!(all.windows(2).all(|w| w[0].0 <= w[1].0));
    }

    #[test]
    fn a_ramp_sends_the_area_under_its_rate() {
        // 0 → 100/s over 10 s: 500 arrivals, sparse at first and dense at the end.
        let phases = [phase(0.0, Some(100.0), 10)];
        let all: Vec<_> = Arrivals::new(&phases, Arrival::Uniform).collect();
        assert!((499..=501).contains(&all.len()), "{}", all.len());
        let first_second = all.iter().filter(|(t, _)| t.as_secs_f64() < 1.0).count();
        let last_second = all.iter().filter(|(t, _)| t.as_secs_f64() >= 9.0).count();
        assert!(
            first_second <= 6 && last_second >= 94,
            "{first_second} {last_second}"
        );
        // Down-ramps work too.
        let down = [phase(100.0, Some(0.0), 10)];
        assert!((499..=501).contains(&Arrivals::new(&down, Arrival::Uniform).count()));
    }

    #[test]
    fn poisson_arrivals_average_the_rate_and_repeat_for_a_seed() {
        let phases = [phase(200.0, None, 20)];
        let a: Vec<_> = Arrivals::new(&phases, Arrival::Poisson { seed: 3 }).collect();
        let b: Vec<_> = Arrivals::new(&phases, Arrival::Poisson { seed: 3 }).collect();
        assert_eq!(a, b);
        // 4000 expected; a Poisson count's standard deviation is √4000 ≈ 63.
        assert!((3750..=4250).contains(&a.len()), "{}", a.len());
        let gaps: Vec<f64> = a
            .windows(2)
            .map(|w| (w[1].0 - w[0].0).as_secs_f64())
            .collect();
        assert!(gaps.iter().any(|g| *g < 0.001) && gaps.iter().any(|g| *g > 0.015));
    }

    #[test]
    fn phases_are_found_by_offset() {
        let phases = [phase(1.0, None, 2), phase(1.0, None, 3)];
        let starts = phase_starts(&phases);
        assert_eq!(starts, [Duration::ZERO, Duration::from_secs(2)]);
        assert_eq!(phase_at(&starts, Duration::from_millis(1999)), 0);
        assert_eq!(phase_at(&starts, Duration::from_secs(2)), 1);
        assert_eq!(phase_at(&starts, Duration::from_secs(99)), 1);
        assert_eq!(
            rate_at(&phase(10.0, Some(20.0), 10), Duration::from_secs(5)),
            15.0
        );
    }
}
