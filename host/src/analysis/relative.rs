//! Relative summaries: within a group, each alternative against the group's reference — the
//! fastest, or the one the suite names (`[groups.NAME] reference = "…"`) — as ratios with their
//! intervals, the way people read a comparison ("keyset ran 3.1× faster than offset").
//!
//! A group that sweeps a parameter (pagination at depth 1, 100, 1000) is compared within each
//! setting of it: only benches that do the same work are put side by side (the rule the checksum
//! check uses). Every bench metric both benches measured gets a ratio ([`Metric::bench`]): a sampled
//! one (wall time) is a [`WallRatio`] (the values it is made of and a 95% interval); a counted one
//! (fuel, peak memory) is exact, so without an interval. Load scenarios of a group compare their
//! latency metrics (p50, p99) over the whole scenario: one run each, so without an interval.

use std::collections::BTreeMap;

use super::groups::comparable;
use super::ratio::{WallRatio, execution_geomean, wall_ratio};
use crate::model::{Metric, Status, Unit};
use crate::results::{BenchResult, LoadResult, Measurement, RunResults, WallResult};

/// How a set's reference was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    /// The fastest by wall time (for scenarios: by p50).
    Fastest,
    /// Named by the suite.
    Named,
}

/// One set of comparable benches of a group, against its reference.
#[derive(Debug, Clone)]
pub struct GroupSummary {
    pub group: String,
    /// The swept parameters' values this set shares (`depth=1000`); empty when nothing is swept.
    pub setting: String,
    /// Index of the reference in `run.benches`.
    pub reference: usize,
    pub chosen: Chosen,
    pub others: Vec<Relative>,
}

/// One metric of a bench against the reference's: `bench / reference`.
#[derive(Debug, Clone)]
pub enum Ratio {
    /// A sampled metric's ratio: `new` is this bench, `old` the reference, with a 95% interval.
    Sampled(WallRatio),
    /// A counted metric's: exact.
    Exact(f64),
}

/// One bench against its set's reference: `x / reference` per metric.
#[derive(Debug, Clone)]
pub struct Relative {
    /// Index in `run.benches`.
    pub bench: usize,
    /// Each bench metric both measured, in [`Metric::bench`] order.
    pub ratios: Vec<(Metric, Ratio)>,
}

impl Relative {
    pub fn get(&self, metric: Metric) -> Option<&Ratio> {
        (self.ratios.iter())
            .find(|(m, _)| *m == metric)
            .map(|(_, ratio)| ratio)
    }

    /// The wall-time ratio: what orders a set (the fastest is its reference) and its sentence
    /// states. `None` without wall time on either.
    pub fn wall(&self) -> Option<&WallRatio> {
        match self.get(Metric::Wall)? {
            Ratio::Sampled(wall) => Some(wall),
            Ratio::Exact(_) => None,
        }
    }

    /// The other metrics' ratios (all but wall time's), in table order.
    pub fn beside_wall(&self) -> impl Iterator<Item = &(Metric, Ratio)> {
        self.ratios.iter().filter(|(m, _)| *m != Metric::Wall)
    }
}

/// The bench metrics a group view shows beside wall time, in table order: its columns.
pub fn metrics_beside_wall() -> impl Iterator<Item = Metric> {
    Metric::bench().filter(|m| *m != Metric::Wall)
}

/// The load metrics a group of scenarios compares: the latencies (a throughput at the offered rate
/// and an error rate say nothing as a ratio between scenarios).
pub fn load_group_metrics() -> impl Iterator<Item = Metric> + Clone {
    Metric::load().filter(|m| m.unit() == Unit::Nanoseconds)
}

/// Scenarios of one group against the one with the lowest p50 (or the one the suite names).
#[derive(Debug, Clone)]
pub struct LoadGroupSummary {
    pub group: String,
    /// Index in `run.loads`.
    pub reference: usize,
    pub chosen: Chosen,
    pub others: Vec<LoadRelative>,
}

/// One scenario against its group's reference.
#[derive(Debug, Clone)]
pub struct LoadRelative {
    /// Index in `run.loads`.
    pub load: usize,
    /// Scenario / reference for each of [`load_group_metrics`] (`None` where either lacks it).
    pub ratios: Vec<(Metric, Option<f64>)>,
}

/// Whether `spec` (from `[groups.NAME] reference`) names this bench or scenario: its id, its
/// workload, or `plugin/workload`.
pub fn names(spec: &str, id: &str, plugin: &str, workload: &str) -> bool {
    spec == id || spec == workload || spec == format!("{plugin}/{workload}")
}

fn wall_runs(bench: &BenchResult) -> Option<Vec<Vec<f64>>> {
    sampled_runs(bench.wall_ns.as_ref()?)
}

/// A sampled metric's samples per execution (all in one when they don't add up to the samples).
fn sampled_runs(wall: &WallResult) -> Option<Vec<Vec<f64>>> {
    let wall = Some(wall).filter(|w| !w.samples.is_empty())?;
    let in_executions: usize = wall.executions.iter().map(Vec::len).sum();
    Some(if in_executions == wall.samples.len() {
        wall.executions_f64()
    } else {
        vec![wall.samples.iter().map(|&ns| ns as f64).collect()]
    })
}

/// The benches of every group, set by set, each against its reference. Groups (and sets) of one
/// bench are left out: there is nothing to compare.
pub fn group_summaries(run: &RunResults) -> Vec<GroupSummary> {
    let mut order: Vec<&str> = Vec::new();
    for group in run.benches.iter().filter_map(|b| b.head.group.as_deref()) {
        if !order.contains(&group) {
            order.push(group);
        }
    }
    order
        .into_iter()
        .flat_map(|group| group_summary(run, group))
        .collect()
}

/// One group's sets, each against its reference (see [`group_summaries`]).
pub fn group_summary(run: &RunResults, group: &str) -> Vec<GroupSummary> {
    let members: Vec<usize> = (0..run.benches.len())
        .filter(|&i| run.benches[i].head.group.as_deref() == Some(group))
        .collect();
    let swept = swept_keys(run, &members);
    comparable_sets(run, &members)
        .into_iter()
        .filter(|s| s.len() > 1)
        .filter_map(|set| set_summary(run, group, &set, &swept))
        // A set where nothing but the reference was measured has no ratio to state.
        .filter(|s| s.others.iter().any(|r| !r.ratios.is_empty()))
        .collect()
}

/// Members split into sets of benches that do the same work, in run order.
fn comparable_sets(run: &RunResults, members: &[usize]) -> Vec<Vec<usize>> {
    let mut sets: Vec<Vec<usize>> = Vec::new();
    for &i in members {
        let params = &run.benches[i].head.params;
        match sets.iter_mut().find(|set| {
            set.iter()
                .all(|&j| comparable(&run.benches[j].head.params, params))
        }) {
            Some(set) => set.push(i),
            None => sets.push(vec![i]),
        }
    }
    sets
}

/// Parameters whose value differs among benches that set them: the ones a group sweeps.
fn swept_keys(run: &RunResults, members: &[usize]) -> Vec<String> {
    let mut values: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for &i in members {
        for (k, v) in &run.benches[i].head.params {
            let seen = values.entry(k).or_default();
            if !seen.contains(&v.as_str()) {
                seen.push(v);
            }
        }
    }
    values
        .into_iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(k, _)| k.to_string())
        .collect()
}

fn set_summary(
    run: &RunResults,
    group: &str,
    set: &[usize],
    swept: &[String],
) -> Option<GroupSummary> {
    let setting = swept
        .iter()
        .filter_map(|k| {
            // The set's value of a swept key when all its members that set it agree.
            let v = set
                .iter()
                .find_map(|&i| run.benches[i].head.params.get(k))?;
            Some(format!("{k}={v}"))
        })
        .collect::<Vec<_>>()
        .join(", ");
    let measured =
        |i: usize| run.benches[i].head.status == Status::Ok && wall_runs(&run.benches[i]).is_some();
    let named = run
        .suite
        .groups
        .get(group)
        .and_then(|g| g.reference.as_deref())
        .and_then(|spec| {
            set.iter().copied().find(|&i| {
                let b = &run.benches[i];
                names(spec, &b.head.id, &b.head.plugin, &b.head.workload)
            })
        });
    let (reference, chosen) = match named {
        Some(i) => (i, Chosen::Named),
        None => {
            let fastest = set
                .iter()
                .copied()
                .filter(|&i| measured(i))
                .min_by(|&a, &b| {
                    wall_point(&run.benches[a]).total_cmp(&wall_point(&run.benches[b]))
                })?;
            (fastest, Chosen::Fastest)
        }
    };
    let base = &run.benches[reference];
    let others = set
        .iter()
        .copied()
        .filter(|&i| i != reference)
        .map(|i| relative(base, &run.benches[i], i))
        .collect();
    Some(GroupSummary {
        group: group.to_string(),
        setting,
        reference,
        chosen,
        others,
    })
}

/// A bench's wall time by the statistic its ratios use (see [`wall_ratio`]), so the fastest is
/// the one every ratio against it puts at or above 1.
fn wall_point(bench: &BenchResult) -> f64 {
    let Some(runs) = wall_runs(bench) else {
        return f64::INFINITY;
    };
    if runs.iter().filter(|r| !r.is_empty()).count() >= 2 {
        execution_geomean(&runs).unwrap_or(f64::INFINITY)
    } else {
        bench
            .wall_ns
            .as_ref()
            .map_or(f64::INFINITY, |w| w.summary.median)
    }
}

/// `bench` against `reference`, metric by metric: when both ran to completion and measured it.
fn relative(reference: &BenchResult, bench: &BenchResult, index: usize) -> Relative {
    let ok = |b: &BenchResult| b.head.status == Status::Ok;
    let ratios = if ok(reference) && ok(bench) {
        Metric::bench()
            .filter_map(|metric| {
                let ratio = ratio(reference.measurement(metric)?, bench.measurement(metric)?)?;
                Some((metric, ratio))
            })
            .collect()
    } else {
        Vec::new()
    };
    Relative {
        bench: index,
        ratios,
    }
}

/// `new / old` of one metric: a sampled one's with its interval, a counted one's exact (both
/// above 0: a count of 0 is a metric the bench didn't use).
fn ratio(old: Measurement<'_>, new: Measurement<'_>) -> Option<Ratio> {
    match (old, new) {
        (Measurement::Sampled(old), Measurement::Sampled(new)) => Some(Ratio::Sampled(wall_ratio(
            &sampled_runs(old)?,
            &sampled_runs(new)?,
        )?)),
        (Measurement::Counted(old), Measurement::Counted(new)) => {
            (old.value > 0.0 && new.value > 0.0 && new.value.is_finite())
                .then(|| Ratio::Exact(new.value / old.value))
        }
        _ => None,
    }
}

/// The load scenarios of every group with two or more, each against the group's reference.
pub fn load_group_summaries(run: &RunResults) -> Vec<LoadGroupSummary> {
    let mut by_group: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut order = Vec::new();
    for (i, load) in run.loads.iter().enumerate() {
        if let Some(group) = load.head.group.as_deref() {
            if !by_group.contains_key(group) {
                order.push(group);
            }
            by_group.entry(group).or_default().push(i);
        }
    }
    // The shown round's value, as the scenario's tables show it.
    let stat = |l: &LoadResult, metric: Metric| {
        let round = l.overall.as_ref().map(crate::results::LoadRound::of)?;
        round.get(metric).filter(|v| *v > 0.0 && v.is_finite())
    };
    let mut out = Vec::new();
    for group in order {
        let members = &by_group[group];
        if members.len() < 2 {
            continue;
        }
        let named = run
            .suite
            .groups
            .get(group)
            .and_then(|g| g.reference.as_deref())
            .and_then(|spec| {
                members.iter().copied().find(|&i| {
                    let l = &run.loads[i];
                    names(spec, &l.head.id, &l.head.plugin, &l.head.workload)
                })
            });
        let (reference, chosen) = match named {
            Some(i) => (i, Chosen::Named),
            None => match members
                .iter()
                .copied()
                .filter(|&i| stat(&run.loads[i], Metric::LatencyP50).is_some())
                .min_by(|&a, &b| {
                    let p =
                        |i: usize| stat(&run.loads[i], Metric::LatencyP50).unwrap_or(f64::INFINITY);
                    p(a).total_cmp(&p(b))
                }) {
                Some(i) => (i, Chosen::Fastest),
                None => continue,
            },
        };
        let base = &run.loads[reference];
        let ratio = |l: &LoadResult, m: Metric| Some(stat(l, m)? / stat(base, m)?);
        let others = members
            .iter()
            .copied()
            .filter(|&i| i != reference)
            .map(|i| {
                let l = &run.loads[i];
                let ratios = load_group_metrics().map(|m| (m, ratio(l, m))).collect();
                LoadRelative { load: i, ratios }
            })
            .collect();
        out.push(LoadGroupSummary {
            group: group.to_string(),
            reference,
            chosen,
            others,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::GroupInfo;

    /// A bench of `group` with `params`, wall samples per execution and fuel.
    fn bench(
        id: &str,
        group: &str,
        params: &[(&str, &str)],
        wall: Vec<Vec<u64>>,
        fuel: u64,
    ) -> BenchResult {
        // The executions module's test bench, made a `db` bench of `group` with these params and fuel.
        let samples: Vec<&[u64]> = wall.iter().map(Vec::as_slice).collect();
        let mut b = crate::analysis::executions::test_bench(id, &samples);
        b.head.plugin = "db".into();
        b.head.workload = id
            .split('/')
            .nth(1)
            .unwrap_or(id)
            .split('[')
            .next()
            .unwrap()
            .into();
        b.head.group = Some(group.into());
        b.head.params = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        b.fuel = serde_json::from_value(serde_json::json!({
            "per_iteration": fuel, "samples": [fuel], "varies": false, "setup": 0
        }))
        .expect("a fuel result");
        b
    }

    fn run(benches: Vec<BenchResult>) -> RunResults {
        let mut run = crate::report::testing::run_with_loads(Vec::new());
        run.benches = benches;
        run
    }

    fn times(ms: &[u64]) -> Vec<Vec<u64>> {
        ms.iter()
            .map(|&m| (0..5).map(|k| m * 1_000_000 + k * 1000).collect())
            .collect()
    }

    #[test]
    fn a_sweep_is_compared_within_each_setting_against_the_fastest() {
        let r = run(vec![
            bench(
                "db/offset[depth=1]",
                "pagination",
                &[("depth", "1")],
                times(&[10, 10, 11]),
                100,
            ),
            bench(
                "db/keyset[depth=1]",
                "pagination",
                &[("depth", "1")],
                times(&[10, 11, 10]),
                100,
            ),
            bench(
                "db/offset[depth=1000]",
                "pagination",
                &[("depth", "1000")],
                times(&[40, 41, 40]),
                500,
            ),
            bench(
                "db/keyset[depth=1000]",
                "pagination",
                &[("depth", "1000")],
                times(&[10, 10, 10]),
                100,
            ),
        ]);
        let s = group_summaries(&r);
        assert_eq!(s.len(), 2, "one set per depth");
        assert_eq!(s[1].setting, "depth=1000");
        assert_eq!(r.benches[s[1].reference].head.id, "db/keyset[depth=1000]");
        assert_eq!(s[1].chosen, Chosen::Fastest);
        let other = &s[1].others[0];
        assert_eq!(other.bench, 2);
        let wall = other.wall().cloned().unwrap();
        assert!((wall.ratio - wall.new / wall.old).abs() < 1e-9);
        assert!(
            wall.ratio > 3.9 && wall.ratio < 4.2 && wall.distinguishable(),
            "{wall:?}"
        );
        let exact = |m| match other.get(m) {
            Some(Ratio::Exact(v)) => Some(*v),
            _ => None,
        };
        assert_eq!(exact(Metric::Fuel), Some(5.0));
        assert_eq!(exact(Metric::Memory), Some(1.0));
    }

    #[test]
    fn the_suite_can_name_the_reference_by_workload() {
        let mut r = run(vec![
            bench("db/fast", "g", &[], times(&[10, 10, 10]), 100),
            bench("db/slow", "g", &[], times(&[20, 20, 21]), 100),
        ]);
        r.suite.groups.insert(
            "g".into(),
            GroupInfo {
                reference: Some("slow".into()),
            },
        );
        let s = group_summaries(&r);
        assert_eq!(r.benches[s[0].reference].head.id, "db/slow");
        assert_eq!(s[0].chosen, Chosen::Named);
        assert!(s[0].others[0].wall().unwrap().ratio < 0.55);
    }

    #[test]
    fn a_set_with_nothing_measured_beside_the_reference_is_left_out() {
        let mut failed = bench("db/b", "g", &[], vec![], 100);
        failed.head.status = Status::MemoryLimit;
        failed.fuel = None;
        let r = run(vec![
            bench("db/a", "g", &[], times(&[10, 10, 10]), 100),
            failed,
        ]);
        assert!(group_summaries(&r).is_empty());
    }

    #[test]
    fn load_scenarios_of_a_group_are_stated_by_p50_and_p99_against_the_lowest_p50() {
        use crate::report::testing::overloaded;
        let mut slow = overloaded();
        slow.head.id = "api/slow".into();
        slow.head.group = Some("api".into());
        let mut fast = slow.clone();
        fast.head.id = "api/fast".into();
        let latency = fast.overall.as_mut().unwrap().latency.as_mut().unwrap();
        latency.p50 /= 2;
        latency.p99 /= 4;
        let r = crate::report::testing::run_with_loads(vec![slow.clone(), fast.clone()]);
        let s = load_group_summaries(&r);
        assert_eq!(s.len(), 1);
        assert_eq!(r.loads[s[0].reference].head.id, "api/fast");
        let other = &s[0].others[0];
        assert_eq!(r.loads[other.load].head.id, "api/slow");
        let [(Metric::LatencyP50, p50), (Metric::LatencyP99, p99)] = other.ratios[..] else {
            panic!("p50 and p99, in that order: {other:?}");
        };
        let (slow_p, fast_p) = (
            slow.overall.unwrap().latency.unwrap(),
            fast.overall.unwrap().latency.unwrap(),
        );
        assert_eq!(p50, Some(slow_p.p50 as f64 / fast_p.p50 as f64));
        assert_eq!(p99, Some(slow_p.p99 as f64 / fast_p.p99 as f64));
    }

    #[test]
    fn the_fastest_is_chosen_by_the_statistic_the_ratios_use() {
        // `a` has the lower pooled median but executions skewed slow (none standing apart); by
        // execution medians `b` is faster, and every ratio against it must be at least 1.
        let r = run(vec![
            bench("db/a", "g", &[], times(&[80, 95, 110, 140, 160]), 100),
            bench("db/b", "g", &[], times(&[112, 112, 112, 112, 112]), 100),
        ]);
        let s = group_summaries(&r);
        assert_eq!(r.benches[s[0].reference].head.id, "db/b");
        assert!(s[0].others[0].wall().unwrap().ratio >= 1.0);
    }
}
