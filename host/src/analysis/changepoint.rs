//! Change points in a series of per-commit values: where a metric shifted and stayed shifted.
//!
//! Sampled metrics (wall time) use **E-divisive means** (Matteson & James 2014, the method of
//! MongoDB's signal-processing-algorithms and of Apache Otava, formerly Hunter): the split that
//! maximises the energy statistic q̂ between the values before and after it, kept when a
//! permutation test says so, then each side split again. The test makes the sensitivity adapt to
//! each series' own noise: a 2% step is significant in a quiet series and not in one that swings
//! by 10%. Otava replaced the permutation test with a Student t-test for speed; we keep the
//! permutation test (no normality assumption; deterministic through a fixed seed) and stop it
//! early once the p-value can no longer fall under the significance level, which makes a
//! series without a change cost a few dozen permutations.
//!
//! Long series are analysed in overlapping windows, as Otava does, so the cost grows linearly
//! with the history, not with its square.
//!
//! Counted metrics that are exact for a given wasm (fuel, peak memory) change only when the code
//! does: every difference from the previous value is a change point, at once.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::stats::median_of as median;

/// How change points are searched for and kept.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// A change point needs at least this many values on each side (so a shift is seen only after
    /// this many commits carry it).
    pub min_size: usize,
    /// Values per analysed window; longer series are cut into windows overlapping by half.
    pub window: usize,
    /// Permutations of the significance test (at most).
    pub permutations: usize,
    /// Largest p-value of a kept change point.
    pub significance: f64,
    /// Smallest relative change (of the median between the segments around it) kept, e.g. 0.01;
    /// 0 keeps every significant one.
    pub min_change: f64,
}

impl Settings {
    /// Values each side of a change point unless told otherwise.
    pub const DEFAULT_MIN_SIZE: usize = 4;
    /// The permutation test's level unless told otherwise.
    pub const DEFAULT_SIGNIFICANCE: f64 = 0.01;
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            min_size: Settings::DEFAULT_MIN_SIZE,
            window: 120,
            permutations: 199,
            significance: Settings::DEFAULT_SIGNIFICANCE,
            min_change: 0.0,
        }
    }
}

/// A shift between the values before `index` and from `index` on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChangePoint {
    /// The first value after the change.
    pub index: usize,
    /// Median of the segment before and of the segment from here to the next change point.
    pub before: f64,
    pub after: f64,
    /// `(after - before) / before`.
    pub change: f64,
    /// The permutation test's p-value; `None` for an exact series, where any change is one.
    pub p_value: Option<f64>,
}

/// Change points of `values` (in commit order). `exact`: the metric is deterministic for a given
/// wasm, so every difference counts.
pub fn detect(values: &[f64], exact: bool, settings: &Settings) -> Vec<ChangePoint> {
    if exact {
        return exact_changes(values, settings.min_change);
    }
    let mut found: Vec<(usize, f64)> = Vec::new();
    for (start, end) in windows(
        values.len(),
        settings.window.max(2 * settings.min_size.max(2)),
    ) {
        for (index, p) in e_divisive(&values[start..end], settings) {
            let index = start + index;
            // Overlapping windows find the same shift at (nearly) the same place: keep one.
            match found
                .iter_mut()
                .find(|(seen, _)| seen.abs_diff(index) < settings.min_size)
            {
                Some(seen) if p < seen.1 => *seen = (index, p),
                Some(_) => {}
                None => found.push((index, p)),
            }
        }
    }
    found.sort_by_key(|&(index, _)| index);
    let mut points = describe(values, &found);
    // Dropping a change below the floor merges its segments, which changes its neighbours'
    // medians: drop the smallest one at a time.
    while let Some(smallest) = points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.change.abs() < settings.min_change || !p.change.is_finite())
        .min_by(|a, b| a.1.change.abs().total_cmp(&b.1.change.abs()))
        .map(|(i, _)| i)
    {
        found.remove(smallest);
        points = describe(values, &found);
    }
    points
}

/// Windows of `width` over `len` values, overlapping by half, the last one ending at `len`.
fn windows(len: usize, width: usize) -> Vec<(usize, usize)> {
    if len <= width {
        return vec![(0, len)];
    }
    let step = (width / 2).max(1);
    let mut spans: Vec<(usize, usize)> = (0..)
        .map(|i| i * step)
        .take_while(|start| start + width < len)
        .map(|start| (start, start + width))
        .collect();
    spans.push((len - width, len));
    spans
}

fn exact_changes(values: &[f64], min_change: f64) -> Vec<ChangePoint> {
    let indexes: Vec<(usize, f64)> = values
        .windows(2)
        .enumerate()
        .filter(|(_, pair)| pair[0] != pair[1] && relative(pair[0], pair[1]).abs() >= min_change)
        .map(|(i, _)| (i + 1, 0.0))
        .collect();
    describe(values, &indexes)
        .into_iter()
        .map(|point| ChangePoint {
            p_value: None,
            ..point
        })
        .collect()
}

/// The medians around each change point (its segment and its neighbour's).
fn describe(values: &[f64], found: &[(usize, f64)]) -> Vec<ChangePoint> {
    let mut bounds = vec![0];
    bounds.extend(found.iter().map(|&(index, _)| index));
    bounds.push(values.len());
    found
        .iter()
        .enumerate()
        .map(|(k, &(index, p))| {
            let before = median(&values[bounds[k]..bounds[k + 1]]);
            let after = median(&values[bounds[k + 1]..bounds[k + 2]]);
            ChangePoint {
                index,
                before,
                after,
                change: relative(before, after),
                p_value: Some(p),
            }
        })
        .collect()
}

fn relative(before: f64, after: f64) -> f64 {
    if before == after {
        0.0
    } else {
        (after - before) / before.abs()
    }
}

/// Hierarchical E-divisive on one window: significant splits, each with its p-value.
fn e_divisive(values: &[f64], settings: &Settings) -> Vec<(usize, f64)> {
    let min_size = settings.min_size.max(2);
    // A fixed seed: the same series always gives the same answer.
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed_c4a9_e901_7715);
    let mut found: Vec<(usize, f64)> = Vec::new();
    let mut scratch = Vec::with_capacity(values.len());
    loop {
        let bounds = segment_bounds(values.len(), &found);
        let Some((index, observed)) = best_split(values, &bounds, min_size) else {
            break;
        };
        // Permute within each segment: under "no further change", any order of a segment's
        // values is as likely as the one observed.
        let limit = settings.permutations.max(1);
        let allowed = (settings.significance * (limit + 1) as f64).floor() as usize;
        let mut as_extreme = 0usize;
        let mut done = 0usize;
        for _ in 0..limit {
            scratch.clear();
            scratch.extend_from_slice(values);
            for pair in bounds.windows(2) {
                scratch[pair[0]..pair[1]].shuffle(&mut rng);
            }
            done += 1;
            if best_split(&scratch, &bounds, min_size).is_some_and(|(_, q)| q >= observed) {
                as_extreme += 1;
                // p = (as_extreme + 1) / (limit + 1) can no longer reach the level.
                if as_extreme + 1 > allowed {
                    break;
                }
            }
        }
        let p = (as_extreme + 1) as f64 / (done + 1) as f64;
        if as_extreme + 1 > allowed || p > settings.significance {
            break;
        }
        found.push((index, p));
        found.sort_by_key(|&(i, _)| i);
    }
    found
}

fn segment_bounds(len: usize, found: &[(usize, f64)]) -> Vec<usize> {
    let mut bounds = vec![0];
    bounds.extend(found.iter().map(|&(i, _)| i));
    bounds.push(len);
    bounds
}

/// The split with the largest q̂ over all segments: (index, q̂).
fn best_split(values: &[f64], bounds: &[usize], min_size: usize) -> Option<(usize, f64)> {
    bounds
        .windows(2)
        .filter_map(|pair| {
            best_split_of(&values[pair[0]..pair[1]], min_size).map(|(i, q)| (pair[0] + i, q))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// The energy statistic q̂(τ) of splitting `x` before τ (α = 1):
/// `n1·n2/(n1+n2) · (2/(n1·n2)·Σ|x_i − x_j| − Σ_left|x_i − x_k|/C(n1,2) − Σ_right|…|/C(n2,2))`,
/// maximised over τ, in O(n²): moving τ by one moves one value from the right side to the left.
fn best_split_of(x: &[f64], min_size: usize) -> Option<(usize, f64)> {
    let n = x.len();
    if n < 2 * min_size {
        return None;
    }
    // to_left[t]: Σ_{i<t} |x_i − x_t|; to_right[t]: Σ_{j>t} |x_t − x_j|.
    let mut to_left = vec![0.0; n];
    let mut to_right = vec![0.0; n];
    for t in 0..n {
        for j in t + 1..n {
            let d = (x[t] - x[j]).abs();
            to_right[t] += d;
            to_left[j] += d;
        }
    }
    let (mut between, mut within_left) = (0.0, 0.0);
    let mut within_right: f64 = to_right.iter().sum();
    let mut best: Option<(usize, f64)> = None;
    for tau in 1..n {
        let t = tau - 1;
        between += to_right[t] - to_left[t];
        within_left += to_left[t];
        within_right -= to_right[t];
        let (n1, n2) = (tau as f64, (n - tau) as f64);
        if tau < min_size || n - tau < min_size {
            continue;
        }
        let pairs = |k: f64| k * (k - 1.0) / 2.0;
        let q = n1 * n2 / (n1 + n2)
            * (2.0 * between / (n1 * n2)
                - within_left / pairs(n1)
                - within_right.max(0.0) / pairs(n2));
        if best.is_none_or(|(_, b)| q > b) {
            best = Some((tau, q));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic noise: a fixed-seed normal-ish sequence (sum of uniforms).
    fn noise(n: usize, sd: f64, seed: u64) -> Vec<f64> {
        use rand::RngExt;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n)
            .map(|_| {
                let s: f64 = (0..12).map(|_| rng.random::<f64>()).sum::<f64>() - 6.0;
                s * sd
            })
            .collect()
    }

    fn series(n: usize, step_at: usize, step: f64, sd: f64, seed: u64) -> Vec<f64> {
        noise(n, sd, seed)
            .into_iter()
            .enumerate()
            .map(|(i, e)| 100.0 * (1.0 + e) * if i >= step_at { 1.0 + step } else { 1.0 })
            .collect()
    }

    #[test]
    fn q_hat_matches_the_definition() {
        let x = [1.0, 2.0, 1.5, 7.0, 8.0, 7.5, 6.9];
        let (tau, q) = best_split_of(&x, 2).unwrap();
        assert_eq!(tau, 3);
        // Direct evaluation of the formula at τ = 3.
        let (l, r) = x.split_at(3);
        let mut between = 0.0;
        for a in l {
            for b in r {
                between += f64::abs(a - b);
            }
        }
        let within = |s: &[f64]| {
            let mut sum = 0.0;
            for i in 0..s.len() {
                for j in i + 1..s.len() {
                    sum += (s[i] - s[j]).abs();
                }
            }
            sum / (s.len() * (s.len() - 1) / 2) as f64
        };
        let (n1, n2) = (3.0, 4.0);
        let expected = n1 * n2 / (n1 + n2) * (2.0 * between / (n1 * n2) - within(l) - within(r));
        assert!((q - expected).abs() < 1e-9, "{q} vs {expected}");
    }

    #[test]
    fn a_step_well_above_the_noise_is_found_where_it_is() {
        let values = series(60, 35, 0.10, 0.01, 1);
        let points = detect(&values, false, &Settings::default());
        assert_eq!(points.len(), 1, "{points:?}");
        assert_eq!(points[0].index, 35);
        assert!((points[0].change - 0.10).abs() < 0.02, "{points:?}");
        assert!(points[0].p_value.unwrap() <= 0.01);
    }

    #[test]
    fn the_same_step_drowned_in_noise_is_not() {
        let values = series(60, 35, 0.02, 0.10, 2);
        assert!(detect(&values, false, &Settings::default()).is_empty());
    }

    #[test]
    fn pure_noise_gives_no_change_points() {
        let flagged = (0..20)
            .filter(|&seed| {
                !detect(&series(80, 0, 0.0, 0.02, seed), false, &Settings::default()).is_empty()
            })
            .count();
        // At a 1% level over 20 series of 80 points, more than two alarms means a broken test.
        assert!(flagged <= 2, "{flagged} of 20 noise series flagged");
    }

    #[test]
    fn long_series_are_analysed_in_windows_and_find_each_step() {
        let mut values = series(400, 130, 0.08, 0.01, 3);
        for v in values.iter_mut().skip(300) {
            *v *= 0.85;
        }
        let points = detect(&values, false, &Settings::default());
        let indexes: Vec<usize> = points.iter().map(|p| p.index).collect();
        assert_eq!(indexes, vec![130, 300], "{points:?}");
        assert!(points[1].change < -0.1);
    }

    #[test]
    fn exact_series_flag_every_change_at_once() {
        let values = [10.0, 10.0, 10.0, 11.0, 11.0, 10.0];
        let points = detect(&values, true, &Settings::default());
        assert_eq!(
            points.iter().map(|p| p.index).collect::<Vec<_>>(),
            vec![3, 5]
        );
        assert!((points[0].change - 0.1).abs() < 1e-12);
        assert_eq!(points[0].p_value, None);
        // The newest value alone is enough.
        let points = detect(&[5.0, 5.0, 6.0], true, &Settings::default());
        assert_eq!(points[0].index, 2);
    }

    #[test]
    fn the_floor_drops_small_changes() {
        let values = series(60, 30, 0.03, 0.002, 4);
        assert_eq!(detect(&values, false, &Settings::default()).len(), 1);
        let floor = Settings {
            min_change: 0.05,
            ..Settings::default()
        };
        assert!(detect(&values, false, &floor).is_empty());
    }

    #[test]
    fn windows_cover_the_series_and_overlap() {
        assert_eq!(windows(10, 120), vec![(0, 10)]);
        assert_eq!(
            windows(250, 100),
            vec![(0, 100), (50, 150), (100, 200), (150, 250)]
        );
        assert!(detect(&[], false, &Settings::default()).is_empty());
        assert!(detect(&[1.0], false, &Settings::default()).is_empty());
    }
}
