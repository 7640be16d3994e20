//! Recording a load scenario as it runs: each request's intended start, actual start and end into
//! HDR histograms per phase and overall, and a timeline of fixed steps; then the summaries that go
//! into results.json.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;

use crate::results::{LoadStats, Percentiles, SpectrumPoint, TimelinePoint};

/// Latencies are recorded in ns with 3 significant digits (0.1% resolution at any magnitude).
const SIGNIFICANT_DIGITS: u8 = 3;

/// An empty histogram that grows to any latency (see [`record`]).
pub fn histogram() -> Histogram<u64> {
    Histogram::new(SIGNIFICANT_DIGITS).expect("3 significant digits are valid")
}

/// Records `value`, growing the histogram as needed (`saturating_record` would clamp to its
/// current range instead).
pub fn record(histogram: &mut Histogram<u64>, value: u64) {
    if histogram.record(value.max(1)).is_err() {
        histogram.saturating_record(value);
    }
}

/// Requests of one span (a phase, or the whole scenario).
struct Span {
    offered: u64,
    dropped: u64,
    ok: u64,
    /// Requests that succeeded and ended within the span's time (its phase; the phases for
    /// overall): throughput is these over the span's duration, so answers that straggle in
    /// during the drain after an overload don't inflate it.
    served: u64,
    errors: BTreeMap<String, u64>,
    /// From the intended start.
    latency: Histogram<u64>,
    /// From the actual start.
    service: Histogram<u64>,
}

impl Span {
    fn new() -> Self {
        Span {
            offered: 0,
            dropped: 0,
            ok: 0,
            served: 0,
            errors: BTreeMap::new(),
            latency: histogram(),
            service: histogram(),
        }
    }

    fn completed(&self) -> u64 {
        self.ok + self.errors.values().sum::<u64>()
    }

    fn stats(&self, duration: Duration) -> LoadStats {
        let seconds = duration.as_secs_f64().max(1e-9);
        let failed: u64 = self.errors.values().sum();
        let sent = self.offered - self.dropped;
        LoadStats {
            offered: self.offered,
            dropped: self.dropped,
            ok: self.ok,
            errors: self.errors.clone(),
            offered_rate: self.offered as f64 / seconds,
            throughput: self.served as f64 / seconds,
            error_rate: ratio(failed, sent),
            drop_rate: ratio(self.dropped, self.offered),
            latency: percentiles(&self.latency),
            service: percentiles(&self.service),
            spectrum: spectrum(&self.latency, &self.service),
        }
    }
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// One timeline step, by when requests were offered (offered, dropped) or finished (the rest).
#[derive(Default)]
struct Step {
    offered: u64,
    dropped: u64,
    ok: u64,
    failed: u64,
    latency: Option<Histogram<u64>>,
}

/// What happened to a request an instance took.
pub struct Finished {
    pub phase: usize,
    /// Offsets from the scenario's start.
    pub intended: Duration,
    pub started: Duration,
    pub ended: Duration,
    /// The failure's kind (`error`, `trap`, `memory-limit`, `deadline`, …), none when it succeeded.
    pub failure: Option<String>,
}

/// Everything recorded so far.
pub struct Recorder {
    phases: Vec<Span>,
    /// Where each phase starts, and where the last ends.
    starts: Vec<Duration>,
    end: Duration,
    overall: Span,
    steps: Vec<Step>,
    step: Duration,
}

impl Recorder {
    /// A recorder for phases of these durations.
    pub fn new(durations: &[Duration]) -> Self {
        let starts: Vec<Duration> = durations
            .iter()
            .scan(Duration::ZERO, |at, d| {
                let start = *at;
                *at += *d;
                Some(start)
            })
            .collect();
        let total: Duration = durations.iter().sum();
        Recorder {
            phases: durations.iter().map(|_| Span::new()).collect(),
            starts,
            end: total,
            overall: Span::new(),
            steps: Vec::new(),
            step: timeline_step(total),
        }
    }

    fn step_at(&mut self, offset: Duration) -> &mut Step {
        let index = (offset.as_nanos() / self.step.as_nanos()) as usize;
        if self.steps.len() <= index {
            self.steps.resize_with(index + 1, Step::default);
        }
        &mut self.steps[index]
    }

    /// The schedule produced a request (dropped when the queue was full).
    pub fn offered(&mut self, phase: usize, at: Duration, dropped: bool) {
        for span in [&mut self.phases[phase], &mut self.overall] {
            span.offered += 1;
            span.dropped += u64::from(dropped);
        }
        let step = self.step_at(at);
        step.offered += 1;
        step.dropped += u64::from(dropped);
    }

    pub fn finished(&mut self, request: Finished) {
        let latency = nanos(request.ended.saturating_sub(request.intended));
        let service = nanos(request.ended.saturating_sub(request.started));
        if request.failure.is_none() && request.ended < self.end {
            let window = super::schedule::phase_at(&self.starts, request.ended);
            self.phases[window].served += 1;
            self.overall.served += 1;
        }
        for span in [&mut self.phases[request.phase], &mut self.overall] {
            match &request.failure {
                None => span.ok += 1,
                Some(kind) => *span.errors.entry(kind.clone()).or_default() += 1,
            }
            record(&mut span.latency, latency);
            record(&mut span.service, service);
        }
        let step = self.step_at(request.ended);
        match request.failure {
            None => step.ok += 1,
            Some(_) => step.failed += 1,
        }
        // Two digits are plenty for a timeline point, and keep ~150 of them small.
        let step_histogram = || Histogram::new(2).expect("2 significant digits are valid");
        record(step.latency.get_or_insert_with(step_histogram), latency);
    }

    /// Requests sent but never finished by the end of the drain: failed as `timeout`.
    pub fn unfinished(&mut self) -> u64 {
        let mut total = 0;
        for phase in 0..self.phases.len() {
            let span = &self.phases[phase];
            let left = (span.offered - span.dropped).saturating_sub(span.completed());
            if left > 0 {
                for span in [&mut self.phases[phase], &mut self.overall] {
                    *span.errors.entry("timeout".into()).or_default() += left;
                }
                total += left;
            }
        }
        total
    }

    /// Requests sent and not finished yet.
    pub fn in_flight(&self) -> u64 {
        (self.overall.offered - self.overall.dropped).saturating_sub(self.overall.completed())
    }

    /// The phases end here instead (an abort stopped the schedule early).
    pub fn cut_short(&mut self, end: Duration) {
        self.end = self.end.min(end);
    }

    pub fn phase_stats(&self, phase: usize, duration: Duration) -> LoadStats {
        self.phases[phase].stats(duration)
    }

    pub fn overall_stats(&self, duration: Duration) -> LoadStats {
        self.overall.stats(duration)
    }

    /// The p99 of phase `phase` so far (corrected), for live progress.
    pub fn phase_p99(&self, phase: usize) -> Option<u64> {
        let latency = &self.phases[phase].latency;
        (!latency.is_empty()).then(|| latency.value_at_quantile(0.99))
    }

    /// Completed requests (with or without error), failed ones and dropped ones so far.
    pub fn totals(&self) -> (u64, u64, u64) {
        let failed = self.overall.errors.values().sum();
        (self.overall.completed(), failed, self.overall.dropped)
    }

    /// The timeline up to `end`, and its step.
    pub fn timeline(&self, end: Duration) -> (Vec<TimelinePoint>, Duration) {
        let steps = (end.as_nanos().div_ceil(self.step.as_nanos()) as usize).max(self.steps.len());
        let mut in_flight = 0u64;
        let points = (0..steps)
            .map(|index| {
                let step = self.steps.get(index);
                let get = |f: fn(&Step) -> u64| step.map_or(0, f);
                in_flight = (in_flight + get(|s| s.offered - s.dropped))
                    .saturating_sub(get(|s| s.ok + s.failed));
                let latency = step.and_then(|s| s.latency.as_ref());
                let at = |q: f64| latency.map_or(0, |h| h.value_at_quantile(q));
                TimelinePoint {
                    at_ns: nanos(self.step) * index as u64,
                    offered: get(|s| s.offered),
                    ok: get(|s| s.ok),
                    failed: get(|s| s.failed),
                    dropped: get(|s| s.dropped),
                    in_flight,
                    p50_ns: at(0.5),
                    p99_ns: at(0.99),
                    max_ns: latency.map_or(0, Histogram::max),
                }
            })
            .collect();
        (points, self.step)
    }
}

/// The timeline's step: the shortest round step that keeps a scenario within ~150 points.
fn timeline_step(total: Duration) -> Duration {
    const STEPS_MS: [u64; 9] = [100, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];
    let wanted = total.as_millis() as u64 / 150;
    Duration::from_millis(
        STEPS_MS
            .into_iter()
            .find(|ms| *ms >= wanted)
            .unwrap_or(60_000),
    )
}

pub fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// p50 … max and the mean of a histogram; none when it is empty.
pub fn percentiles(h: &Histogram<u64>) -> Option<Percentiles> {
    (!h.is_empty()).then(|| Percentiles {
        count: h.len(),
        p50: h.value_at_quantile(0.50),
        p90: h.value_at_quantile(0.90),
        p95: h.value_at_quantile(0.95),
        p99: h.value_at_quantile(0.99),
        p999: h.value_at_quantile(0.999),
        max: h.max(),
        mean: h.mean(),
    })
}

/// The latency at percentiles spaced evenly on the log of 1/(1 − p) (0, 68.4, 90, 96.8, 99, …),
/// as far as the count resolves, then the maximum: an HDR percentile spectrum.
fn spectrum(latency: &Histogram<u64>, service: &Histogram<u64>) -> Vec<SpectrumPoint> {
    if latency.is_empty() {
        return Vec::new();
    }
    // Beyond 1 − 1/count the histogram only repeats its maximum.
    let deepest = (latency.len() as f64).log10();
    let mut points: Vec<SpectrumPoint> = (0..)
        .map(|i| f64::from(i) * 0.25)
        .take_while(|x| *x <= deepest)
        .map(|x| {
            let quantile = 1.0 - 10f64.powf(-x);
            SpectrumPoint {
                percentile: quantile * 100.0,
                latency_ns: latency.value_at_quantile(quantile),
                service_ns: service.value_at_quantile(quantile),
            }
        })
        .collect();
    points.push(SpectrumPoint {
        percentile: 100.0,
        latency_ns: latency.max(),
        service_ns: service.max(),
    });
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(phase: usize, intended_ms: u64, started_ms: u64, ended_ms: u64) -> Finished {
        Finished {
            phase,
            intended: Duration::from_millis(intended_ms),
            started: Duration::from_millis(started_ms),
            ended: Duration::from_millis(ended_ms),
            failure: None,
        }
    }

    #[test]
    fn latency_counts_from_the_intended_start_and_service_from_the_actual_one() {
        let mut recorder = Recorder::new(&[Duration::from_secs(1), Duration::from_secs(1)]);
        for i in 0..100 {
            recorder.offered(0, Duration::from_millis(i * 10), false);
            // Every request waited 50 ms in the queue and ran 1 ms.
            recorder.finished(done(0, i * 10, i * 10 + 50, i * 10 + 51));
        }
        recorder.offered(1, Duration::from_millis(1500), true);
        recorder.offered(1, Duration::from_millis(1600), false);
        recorder.finished(Finished {
            failure: Some("trap".into()),
            ..done(1, 1600, 1600, 1610)
        });
        let phase = recorder.phase_stats(0, Duration::from_secs(1));
        let latency = phase.latency.unwrap();
        let service = phase.service.unwrap();
        assert!(
            (50_900_000..=51_100_000).contains(&latency.p50),
            "{latency:?}"
        );
        assert!((990_000..=1_010_000).contains(&service.p99), "{service:?}");
        assert_eq!((phase.offered, phase.ok, phase.failed()), (100, 100, 0));
        // Throughput counts answers by when they ended: the last five ended in the next phase.
        assert_eq!(phase.throughput, 95.0);
        assert_eq!(
            recorder.phase_stats(1, Duration::from_secs(1)).throughput,
            5.0
        );
        let second = recorder.phase_stats(1, Duration::from_secs(1));
        assert_eq!((second.dropped, second.errors["trap"]), (1, 1));
        assert_eq!((second.drop_rate, second.error_rate), (0.5, 1.0));
        let overall = recorder.overall_stats(Duration::from_secs(2));
        assert_eq!(
            (overall.offered, overall.ok, overall.failed()),
            (102, 100, 1)
        );
        assert!(overall.spectrum.last().unwrap().percentile == 100.0);
        assert!(
            overall
                .spectrum
                .windows(2)
                .all(|w| w[0].latency_ns <= w[1].latency_ns)
        );
    }

    #[test]
    fn unfinished_requests_fail_as_timeouts_and_the_timeline_tracks_in_flight() {
        let mut recorder = Recorder::new(&[Duration::from_secs(1)]);
        for i in 0..4 {
            recorder.offered(0, Duration::from_millis(i * 100), false);
        }
        recorder.finished(done(0, 0, 0, 150));
        assert_eq!(recorder.in_flight(), 3);
        assert_eq!(recorder.unfinished(), 3);
        let stats = recorder.phase_stats(0, Duration::from_secs(1));
        assert_eq!(stats.errors["timeout"], 3);
        let (points, step) = recorder.timeline(Duration::from_secs(1));
        assert_eq!(step, Duration::from_millis(100));
        assert_eq!(points.len(), 10);
        assert_eq!((points[0].offered, points[0].in_flight), (1, 1));
        assert_eq!((points[1].ok, points[1].in_flight), (1, 1));
        assert_eq!(points[3].in_flight, 3);
    }
}
