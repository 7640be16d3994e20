//! Deterministic randomness for workloads: splitmix64 and a Zipf sampler over a precomputed CDF.

use crate::Params;

/// The key space of a cache workload from its parameters: `keys` (1 up to, not including,
/// [`crate::lru::NIL`]) and `skew` (the Zipf exponent: finite, ≥ 0, 0 is uniform).
pub fn key_space(params: &Params) -> Result<(usize, f64), String> {
    let keys = params.usize("keys")?;
    if keys == 0 || keys >= crate::lru::NIL as usize {
        return Err(format!(
            "parameter `keys` must be between 1 and {}, got {keys}",
            crate::lru::NIL - 1
        ));
    }
    let skew = params.f64("skew")?;
    if !(skew.is_finite() && skew >= 0.0) {
        return Err(format!(
            "parameter `skew` must be a finite number ≥ 0 (0 is uniform), got {skew}"
        ));
    }
    Ok((keys, skew))
}

/// splitmix64: a small, well-mixed, seedable PRNG (the guest has no `rand`).
#[derive(Clone)]
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// Samples ranks 0..n with P(rank r) ∝ 1 / (r + 1)^s by binary search in a precomputed CDF.
pub struct Zipf {
    pub cdf: Vec<f64>,
}

impl Zipf {
    pub fn new(n: usize, s: f64) -> Self {
        let mut cdf = Vec::with_capacity(n);
        let mut total = 0.0;
        for rank in 1..=n {
            total += 1.0 / (rank as f64).powf(s);
            cdf.push(total);
        }
        cdf.iter_mut().for_each(|c| *c /= total);
        Zipf { cdf }
    }

    pub fn sample(&self, rng: &mut SplitMix) -> usize {
        let u = rng.next_f64();
        // First rank whose cumulative probability exceeds u; the clamp covers rounding at the top.
        self.cdf
            .partition_point(|&c| c <= u)
            .min(self.cdf.len() - 1)
    }
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub fn zipf_prefers_low_ranks_and_is_uniform_at_zero_skew() {
        let mut rng = SplitMix(1);
        let skewed = Zipf::new(100, 1.0);
        let mut counts = [0u32; 100];
        (0..100_000).for_each(|_| counts[skewed.sample(&mut rng)] += 1);
        assert!(counts[0] > counts[1] && counts[1] > counts[10] && counts[10] > counts[99]);
        // P(rank 1) = 1 / H(100) ≈ 0.193.
        assert!((18_000..20_500).contains(&counts[0]), "{}", counts[0]);

        let uniform = Zipf::new(10, 0.0);
        let mut counts = [0u32; 10];
        (0..100_000).for_each(|_| counts[uniform.sample(&mut rng)] += 1);
        assert!(
            counts.iter().all(|&c| (9_000..11_000).contains(&c)),
            "{counts:?}"
        );
        assert_eq!(Zipf::new(1, 2.0).sample(&mut rng), 0);
    }
}
