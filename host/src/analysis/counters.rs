//! Ratios derived from counters: hit ratios of caches, from a plugin's `x_hits` / `x_misses` or the
//! host's `x.hits` / `x.gets`.

use crate::results::BenchResult;

/// (label, hits counter, misses-or-total counter) for every hit ratio the counter names allow. The
/// store is left out: it is the system of record and every read hits.
pub fn hit_ratio_names(names: &[&str]) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for name in names {
        if let Some(prefix) = name.strip_suffix("_hits")
            && names.contains(&format!("{prefix}_misses").as_str())
        {
            out.push((
                prefix.to_string(),
                name.to_string(),
                format!("{prefix}_misses"),
            ));
        }
        if let Some(prefix) = name.strip_suffix(".hits")
            && prefix != "store"
            && names.contains(&format!("{prefix}.gets").as_str())
        {
            out.push((
                prefix.to_string(),
                name.to_string(),
                format!("{prefix}.gets"),
            ));
        }
    }
    out
}

/// hits / (hits + misses), or hits / gets for the host's counters; `None` without data.
pub fn hit_ratio(bench: &BenchResult, hits: &str, other: &str) -> Option<f64> {
    let h = *bench.counters.get(hits)? as f64;
    let o = *bench.counters.get(other)? as f64;
    let total = if other.ends_with("_misses") { h + o } else { o };
    (total > 0.0).then(|| h / total)
}
