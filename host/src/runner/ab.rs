//! Interleaved A/B: two versions of a plugin measured in one process, their iterations alternating
//! in a seeded shuffled order, so drift (thermal, frequency, other load) hits both sides alike and
//! the wall-time comparison can be made pair by pair.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::Runner;
use super::bench::{Observer, Phase, Record, finish, sample};
use super::plan::BenchPlan;
use super::session::Failure;
use crate::results::BenchResult;

/// Both sides of one bench and their wall-time pairs (base ns, head ns), in run order.
pub struct AbResult {
    pub base: BenchResult,
    pub head: BenchResult,
    pub pairs: Vec<(u64, u64)>,
}

#[derive(Clone, Copy)]
enum Side {
    Base,
    Head,
}

impl Runner {
    /// Runs `base` and `head` (the same bench, two wasm files) interleaved.
    pub async fn run_ab(
        &mut self,
        base: &BenchPlan,
        head: &BenchPlan,
        seed: u64,
        observer: &mut dyn Observer,
    ) -> AbResult {
        let (mut base_record, mut head_record) = (Record::default(), Record::default());
        let mut pairs = Vec::new();
        let failure = self
            .interleave(
                base,
                head,
                &mut base_record,
                &mut head_record,
                &mut pairs,
                seed,
                observer,
            )
            .await;
        let (base_failure, head_failure) = match failure {
            Ok(()) => (None, None),
            Err((Side::Base, f)) => (Some(f), None),
            Err((Side::Head, f)) => (None, Some(f)),
        };
        AbResult {
            base: finish(base, base_record, base_failure.or(base.broken.clone())),
            head: finish(head, head_record, head_failure.or(head.broken.clone())),
            pairs,
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn interleave(
        &mut self,
        base: &BenchPlan,
        head: &BenchPlan,
        base_record: &mut Record,
        head_record: &mut Record,
        pairs: &mut Vec<(u64, u64)>,
        seed: u64,
        observer: &mut dyn Observer,
    ) -> Result<(), (Side, Failure)> {
        let tag = |side: Side| move |f: Failure| (side, f);
        if let Some(f) = &base.broken {
            return Err((Side::Base, f.clone()));
        }
        if let Some(f) = &head.broken {
            return Err((Side::Head, f.clone()));
        }
        let base_timed = self
            .count_pass(base, base_record, observer)
            .await
            .map_err(tag(Side::Base))?;
        let head_timed = self
            .count_pass(head, head_record, observer)
            .await
            .map_err(tag(Side::Head))?;
        let mut base_session = self
            .open_timed(&base_timed, base, base_record, observer)
            .await
            .map_err(tag(Side::Base))?;
        let mut head_session = self
            .open_timed(&head_timed, head, head_record, observer)
            .await
            .map_err(tag(Side::Head))?;
        // Seeded per bench, so a rerun with the same seed alternates identically.
        let mut rng = ChaCha8Rng::seed_from_u64(
            seed ^ crate::analysis::stats::stable_hash(head.id.as_bytes()),
        );
        let samples = head.def.settings.samples;
        for i in 0..samples {
            observer.progress(Phase::Time, i, samples);
            let (b, h) = if rng.random_bool(0.5) {
                let b = sample(&mut base_session, base_record)
                    .await
                    .map_err(tag(Side::Base))?;
                (
                    b,
                    sample(&mut head_session, head_record)
                        .await
                        .map_err(tag(Side::Head))?,
                )
            } else {
                let h = sample(&mut head_session, head_record)
                    .await
                    .map_err(tag(Side::Head))?;
                (
                    sample(&mut base_session, base_record)
                        .await
                        .map_err(tag(Side::Base))?,
                    h,
                )
            };
            pairs.push((b, h));
        }
        base_session.close().await.map_err(tag(Side::Base))?;
        head_session.close().await.map_err(tag(Side::Head))?;
        Ok(())
    }
}
