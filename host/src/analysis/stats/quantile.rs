//! Quantiles of samples: linear-interpolated from sorted values, and the median by selection.

/// Linear-interpolated quantile `q` (0..=1) of sorted values.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let position = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// Median of unsorted values (the same value as [`quantile_sorted`] at 0.5), by selection on a
/// copy: O(n), not a sort. NaN without values.
pub fn median_of(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    let position = 0.5 * (v.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    let (below, &mut at_high, _) = v.select_nth_unstable_by(high, f64::total_cmp);
    let at_low = if low == high {
        at_high
    } else {
        // The largest value below the selected one is the sorted order's element `low`.
        below
            .iter()
            .copied()
            .max_by(f64::total_cmp)
            .expect("`high` > 0 when it differs from `low`")
    };
    at_low + (at_high - at_low) * (position - low as f64)
}
