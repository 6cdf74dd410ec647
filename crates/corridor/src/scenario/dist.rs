//! Probability distributions of uncertain quantities (rand_distr underneath).

use rand::Rng;
use rand_distr::{Distribution, LogNormal, Triangular, Uniform};

/// The largest scale factor, and the largest parameter of a distribution, a scenario
/// may give: a million times is far beyond any real change, and keeps every metric of
/// the network's routes finite.
pub const MAX_FACTOR: f64 = 1e6;

/// The largest `p90 / median` of a log-normal distribution: a 90th percentile a thousand
/// times the median is far beyond any real delay, and keeps draws finite.
pub const MAX_LOGNORMAL_SPREAD: f64 = 1e3;

/// z-score of the 90th percentile of the standard normal distribution.
const Z90: f64 = 1.281_551_565_544_600_4;

/// A distribution of one uncertain quantity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Dist {
    /// Triangular between `low` and `high` with its peak at `mode`.
    Triangular {
        /// Minimum.
        low: f64,
        /// Most likely value.
        mode: f64,
        /// Maximum.
        high: f64,
    },
    /// Uniform between `low` and `high`.
    Uniform {
        /// Minimum.
        low: f64,
        /// Maximum.
        high: f64,
    },
    /// Log-normal given by its median and 90th percentile (a right-skewed delay).
    LogNormal {
        /// Median (50th percentile).
        median: f64,
        /// 90th percentile.
        p90: f64,
    },
}

impl Dist {
    /// Checks the parameters: numbers from 0 to [`MAX_FACTOR`], ordered (`low ≤ mode ≤
    /// high`, `0 < median ≤ p90`), and a log-normal spread of at most
    /// [`MAX_LOGNORMAL_SPREAD`] (`p90 / median`), so draws stay finite. Returns what is
    /// wrong.
    pub fn check(&self) -> Result<(), String> {
        let ok = |x: f64| (0.0..=MAX_FACTOR).contains(&x);
        match *self {
            Dist::Triangular { low, mode, high } => {
                if !(ok(low) && ok(mode) && ok(high)) {
                    Err(format!(
                        "triangular parameters must be numbers from 0 to {MAX_FACTOR}"
                    ))
                } else if !(low <= mode && mode <= high) {
                    Err(format!(
                        "triangular needs low <= mode <= high, got {low}, {mode}, {high}"
                    ))
                } else {
                    Ok(())
                }
            }
            Dist::Uniform { low, high } => {
                if !(ok(low) && ok(high)) {
                    Err(format!(
                        "uniform parameters must be numbers from 0 to {MAX_FACTOR}"
                    ))
                } else if low > high {
                    Err(format!("uniform needs low <= high, got {low}, {high}"))
                } else {
                    Ok(())
                }
            }
            Dist::LogNormal { median, p90 } => {
                if !(ok(median) && ok(p90) && median > 0.0) {
                    Err(format!(
                        "lognormal needs a median > 0 and a p90, both at most {MAX_FACTOR}"
                    ))
                } else if p90 < median {
                    Err(format!(
                        "lognormal needs p90 >= median, got median {median}, p90 {p90}"
                    ))
                } else if p90 > median * MAX_LOGNORMAL_SPREAD {
                    Err(format!(
                        "lognormal needs p90 <= {MAX_LOGNORMAL_SPREAD} x median, got median {median}, p90 {p90}"
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }

    /// The mean of the distribution.
    #[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by tests
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Triangular { low, mode, high } => (low + mode + high) / 3.0,
            Dist::Uniform { low, high } => (low + high) / 2.0,
            Dist::LogNormal { median, p90 } => {
                let sigma = (p90 / median).ln() / Z90;
                median * (sigma * sigma / 2.0).exp()
            }
        }
    }

    /// The median of the distribution.
    #[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by tests
    pub fn median(&self) -> f64 {
        match *self {
            Dist::Triangular { low, mode, high } => {
                if high == low {
                    low
                } else if mode - low >= (high - low) / 2.0 {
                    low + ((high - low) * (mode - low) / 2.0).sqrt()
                } else {
                    high - ((high - low) * (high - mode) / 2.0).sqrt()
                }
            }
            Dist::Uniform { low, high } => (low + high) / 2.0,
            Dist::LogNormal { median, .. } => median,
        }
    }

    /// Draws one value. Degenerate distributions (zero width) return their single value.
    /// Call only on a distribution that passed [`Dist::check`].
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match *self {
            Dist::Triangular { low, mode, high } => match Triangular::new(low, high, mode) {
                Ok(d) if high > low => d.sample(rng),
                _ => mode,
            },
            Dist::Uniform { low, high } => match Uniform::new(low, high) {
                Ok(d) if high > low => d.sample(rng),
                _ => low,
            },
            Dist::LogNormal { median, p90 } => {
                let sigma = (p90 / median).ln() / Z90;
                match LogNormal::new(median.ln(), sigma) {
                    Ok(d) if sigma > 0.0 => d.sample(rng),
                    _ => median,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_checked() {
        assert!(
            Dist::Triangular {
                low: 1.0,
                mode: 0.5,
                high: 2.0
            }
            .check()
            .is_err()
        );
        assert!(
            Dist::Uniform {
                low: 2.0,
                high: 1.0
            }
            .check()
            .is_err()
        );
        assert!(
            Dist::LogNormal {
                median: 0.0,
                p90: 1.0
            }
            .check()
            .is_err()
        );
        assert!(
            Dist::LogNormal {
                median: 10.0,
                p90: 5.0
            }
            .check()
            .is_err()
        );
        assert!(
            Dist::Uniform {
                low: f64::NAN,
                high: 1.0
            }
            .check()
            .is_err()
        );
        assert!(
            Dist::Triangular {
                low: 1.0,
                mode: 1.0,
                high: 1.0
            }
            .check()
            .is_ok()
        );
    }

    #[test]
    fn closed_forms() {
        let t = Dist::Triangular {
            low: 0.0,
            mode: 1.0,
            high: 2.0,
        };
        assert_eq!((t.mean(), t.median()), (1.0, 1.0));
        let l = Dist::LogNormal {
            median: 24.0,
            p90: 72.0,
        };
        assert!(l.mean() > 24.0);
        assert_eq!(l.median(), 24.0);
    }
}
