//! The confidence levels and the resample count every interval of the crate is drawn at.

/// Bootstrap resamples for confidence intervals.
pub const RESAMPLES: usize = 2000;
/// Confidence level of the intervals.
pub const CONFIDENCE: f64 = 0.95;
/// Confidence level of the interval that shows two measurements equal within a threshold: two
/// one-sided tests at 5% each (Schuirmann's TOST) are passed exactly when the 90% interval lies
/// within ± the threshold. The 95% interval would make that a 2.5% test, stricter than the one a
/// change is held to.
pub const EQUIVALENCE_CONFIDENCE: f64 = 0.90;
