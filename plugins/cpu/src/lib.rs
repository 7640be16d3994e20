//! CPU-bound work: pure computation with no I/O, deterministic in time and fuel.

use wasmbench_sdk::{Outcome, Params, Workload};

/// Naive recursive Fibonacci: call-heavy work.
struct Fib {
    n: u64,
}

fn fib(n: u64) -> u64 {
    if n < 2 { n } else { fib(n - 1) + fib(n - 2) }
}

impl Workload for Fib {
    const NAME: &'static str = "fib";
    const DESCRIPTION: &'static str = "naive recursive Fibonacci of n (call-heavy)";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("n", "25")];

    fn setup(params: &Params) -> Result<Self, String> {
        let n = params.u64("n")?;
        if n > 90 {
            return Err(format!(
                "parameter `n` must be at most 90 (fib overflows u64), got {n}"
            ));
        }
        Ok(Fib { n })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        // black_box keeps the optimiser from folding the call for a constant n.
        let n = std::hint::black_box(self.n);
        Ok(Outcome::new(fib(n), 1))
    }
}

/// Sieve of Eratosthenes up to `limit`: memory-bound loops over a byte array.
struct Sieve {
    limit: usize,
    marks: Vec<bool>,
}

impl Workload for Sieve {
    const NAME: &'static str = "sieve";
    const DESCRIPTION: &'static str = "sieve of Eratosthenes up to limit (loop- and memory-heavy)";
    const UNIT: &'static str = "numbers";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("limit", "1000000")];

    fn setup(params: &Params) -> Result<Self, String> {
        let limit = params.usize("limit")?;
        if limit < 2 {
            return Err(format!("parameter `limit` must be at least 2, got {limit}"));
        }
        Ok(Sieve {
            limit,
            marks: vec![true; limit + 1],
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let marks = &mut self.marks;
        marks.fill(true);
        marks[0] = false;
        marks[1] = false;
        let mut i = 2;
        while i * i <= self.limit {
            if marks[i] {
                (i * i..=self.limit)
                    .step_by(i)
                    .for_each(|j| marks[j] = false);
            }
            i += 1;
        }
        let (count, sum) = marks
            .iter()
            .enumerate()
            .filter(|&(_, &prime)| prime)
            .fold((0u64, 0u64), |(c, s), (n, _)| {
                (c + 1, s.wrapping_add(n as u64))
            });
        Ok(Outcome::new(count.rotate_left(32) ^ sum, self.limit as u64).counter("primes", count))
    }
}

/// Sort a seeded pseudo-random vector: branchy, cache-unfriendly comparison work.
struct Sort {
    input: Vec<u64>,
    scratch: Vec<u64>,
}

impl Workload for Sort {
    const NAME: &'static str = "sort";
    const DESCRIPTION: &'static str =
        "sort len seeded pseudo-random u64s (copy, then unstable sort)";
    const UNIT: &'static str = "elements";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("len", "100000"), ("seed", "1")];

    fn setup(params: &Params) -> Result<Self, String> {
        let len = params.usize("len")?;
        let mut state = params.u64("seed")? | 1;
        let input = (0..len)
            .map(|_| {
                // xorshift64: a fixed, dependency-free sequence so every run sorts the same data.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            })
            .collect();
        Ok(Sort {
            input,
            scratch: Vec::with_capacity(len),
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        self.scratch.clear();
        self.scratch.extend_from_slice(&self.input);
        self.scratch.sort_unstable();
        let checksum = self.scratch.iter().enumerate().fold(0u64, |acc, (i, v)| {
            acc.rotate_left(5) ^ v.wrapping_mul(i as u64 + 1)
        });
        Ok(Outcome::new(checksum, self.scratch.len() as u64))
    }
}

wasmbench_sdk::register!(Fib, Sieve, Sort);
