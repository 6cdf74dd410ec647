//! Monte Carlo sweeps: draw the uncertain quantities, route each draw, and summarise the
//! distribution of door-to-door time and cost, overall and per route chosen.
//!
//! Draw `i` uses its own ChaCha8 stream (`seed`, stream `i`), so every draw — and the
//! whole result — is the same whatever the number of threads or the order in which
//! draws run. Values are drawn in declaration order, per leg or place in id order.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::{Quantity, Uncertain};
use crate::graph::{DirLeg, Graph, Profile};
use crate::model::{Network, PlaceId};
use crate::route::{Query, ReorderScratch, ReorderedRows, Route, shortest};

/// Mean and percentiles of a sample (nearest-rank percentiles).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stats {
    /// Arithmetic mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Stats {
    /// The statistics of `values` (`None` if empty).
    pub fn of(values: &[f64]) -> Option<Stats> {
        if values.is_empty() {
            return None;
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let rank =
            |p: f64| sorted[((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
        Some(Stats {
            mean: values.iter().sum::<f64>() / values.len() as f64,
            p50: rank(0.5),
            p90: rank(0.9),
            p95: rank(0.95),
        })
    }
}

/// One route chosen in some draws.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRoute {
    /// The route as computed in the first draw that chose it.
    pub route: Route,
    /// Share of all draws that chose it.
    pub share: f64,
    /// Number of draws that chose it.
    pub draws: usize,
    /// Door-to-door hours in those draws.
    pub time_h: Stats,
    /// USD per TEU in those draws.
    pub cost_usd: Stats,
}

/// The result of a sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// Number of draws.
    pub samples: usize,
    /// The seed.
    pub seed: u64,
    /// Draws with a route.
    pub reached: usize,
    /// Door-to-door hours over the draws with a route.
    pub time_h: Option<Stats>,
    /// USD per TEU over the draws with a route.
    pub cost_usd: Option<Stats>,
    /// Routes chosen, most frequent first (ties: first chosen first).
    pub routes: Vec<SweepRoute>,
    /// Door-to-door hours of every draw with a route, in draw order (for histograms).
    pub time_h_draws: Vec<f64>,
}

/// Applies one draw of every uncertain quantity to a copy of `network`.
pub fn draw(network: &Network, uncertain: &[Uncertain], seed: u64, index: u64) -> Network {
    let mut drawn = network.clone();
    draw_into(network, uncertain, seed, index, &mut drawn);
    drawn
}

/// Makes `target`, a copy of `network` from an earlier draw (or [`Network::clone`]),
/// the draw `index` of `uncertain`: the uncertain quantities are reset to `network`'s
/// values, then drawn. Cheaper than [`draw`] in a loop: nothing is allocated.
pub fn draw_into(
    network: &Network,
    uncertain: &[Uncertain],
    seed: u64,
    index: u64,
    target: &mut Network,
) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    let wait_factor = network.meta().defaults.wait_factor;
    let (places, legs) = target.values_mut();
    for u in uncertain {
        for id in &u.legs {
            legs[id.index()].time_h = network.leg(*id).time_h;
            legs[id.index()].headway_h = network.leg(*id).headway_h;
        }
        for id in &u.places {
            Arc::make_mut(&mut places[id.index()].transfers).border_h =
                network.place(*id).transfers.border_h;
        }
    }
    for u in uncertain {
        let shared = u.correlated.then(|| u.dist.sample(&mut rng));
        let value = |rng: &mut ChaCha8Rng| shared.unwrap_or_else(|| u.dist.sample(rng));
        match u.quantity {
            Quantity::Time => {
                for id in &u.legs {
                    legs[id.index()].time_h *= value(&mut rng);
                }
            }
            Quantity::WaitH => {
                for id in &u.legs {
                    // wait = wait_factor × headway, so the headway giving this wait.
                    legs[id.index()].headway_h = Some(value(&mut rng) / wait_factor);
                }
            }
            Quantity::DwellH => {
                for id in &u.places {
                    Arc::make_mut(&mut places[id.index()].transfers).border_h = value(&mut rng);
                }
            }
        }
    }
}

/// Routes `query` under `profile` in `samples` draws of `uncertain` (in parallel on the
/// current rayon pool) and summarises them. `progress` is called once per finished draw
/// (from worker threads). O(samples × (copy + compile + search)).
pub fn sweep(
    network: &Network,
    uncertain: &[Uncertain],
    profile: &Profile,
    query: &Query,
    samples: usize,
    seed: u64,
    progress: &(dyn Fn() + Sync),
) -> Sweep {
    let results = route_draws(
        network,
        uncertain,
        profile,
        query,
        0..samples as u64,
        seed,
        progress,
    );
    let outcomes = results.iter().map(|r| {
        r.as_ref()
            .map(|r| (r.dir_legs(), r.totals.time_h, r.totals.cost_usd))
    });
    summarise(samples, seed, outcomes, |i| results[i].clone())
}

/// The route of each draw of `draws`, in draw order (in parallel on the current rayon
/// pool).
fn route_draws(
    network: &Network,
    uncertain: &[Uncertain],
    profile: &Profile,
    query: &Query,
    draws: Range<u64>,
    seed: u64,
    progress: &(dyn Fn() + Sync),
) -> Vec<Option<Route>> {
    draws
        .into_par_iter()
        .map_init(
            || network.clone(),
            |drawn, i| {
                draw_into(network, uncertain, seed, i, drawn);
                let graph = Graph::new(drawn, profile);
                let found = shortest(&graph, query);
                progress();
                found
            },
        )
        .collect()
}

/// The summary of a sweep from each draw's outcome in draw order (the route's legs,
/// hours, USD; `None` without a route); `route_of(i)` is the route of draw `i`, asked
/// once per distinct route, for its first draw.
fn summarise(
    samples: usize,
    seed: u64,
    outcomes: impl Iterator<Item = Option<(Vec<DirLeg>, f64, f64)>>,
    route_of: impl Fn(usize) -> Option<Route>,
) -> Sweep {
    let mut times = Vec::new();
    let mut costs = Vec::new();
    // Per distinct route: its first draw, and its draws' hours and USD.
    let mut groups: Vec<(usize, Vec<f64>, Vec<f64>)> = Vec::new();
    let mut index: HashMap<Vec<DirLeg>, usize> = HashMap::new();
    for (i, outcome) in outcomes.enumerate() {
        let Some((key, time_h, cost_usd)) = outcome else {
            continue;
        };
        times.push(time_h);
        costs.push(cost_usd);
        let group = *index.entry(key).or_insert_with(|| {
            groups.push((i, Vec::new(), Vec::new()));
            groups.len() - 1
        });
        groups[group].1.push(time_h);
        groups[group].2.push(cost_usd);
    }
    let mut chosen: Vec<SweepRoute> = groups
        .into_iter()
        .filter_map(|(first, times, costs)| {
            Some(SweepRoute {
                route: route_of(first)?,
                share: times.len() as f64 / samples.max(1) as f64,
                draws: times.len(),
                time_h: Stats::of(&times)?,
                cost_usd: Stats::of(&costs)?,
            })
        })
        .collect();
    // Stable sort: ties keep the order of first appearance.
    chosen.sort_by_key(|r| std::cmp::Reverse(r.draws));
    Sweep {
        samples,
        seed,
        reached: times.len(),
        time_h: Stats::of(&times),
        cost_usd: Stats::of(&costs),
        routes: chosen,
        time_h_draws: times,
    }
}

/// One draw of a [`SweepPart`] that found a route.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PartDraw {
    /// The route chosen: an index into the part's routes.
    pub route: u32,
    /// Door-to-door hours.
    pub time_h: f64,
    /// USD per TEU.
    pub cost_usd: f64,
}

/// Some consecutive draws of a sweep, computed apart (on another machine) and merged
/// ([`crate::Engine::sweep_part`], [`crate::Engine::merge_sweep`]): plain data, shipped
/// as bytes ([`SweepPart::write_bytes`], [`SweepPart::read_all`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SweepPart {
    /// The index of its first draw.
    pub(crate) first: u64,
    /// The distinct routes chosen, as directed legs, in order of first draw.
    pub(crate) routes: Vec<Vec<DirLeg>>,
    /// Each draw in order: the route chosen and its totals, `None` without a route.
    pub(crate) draws: Vec<Option<PartDraw>>,
}

impl SweepPart {
    /// Appends the part as bytes (parts appended one after the other read back with
    /// [`SweepPart::read_all`]): first draw, route count, each route (leg count, legs),
    /// draw count, each draw (route index + 1, 0 for none; hours; USD). Little-endian.
    pub fn write_bytes(&self, out: &mut Vec<u8>) {
        out.extend(self.first.to_le_bytes());
        out.extend((self.routes.len() as u64).to_le_bytes());
        for route in &self.routes {
            out.extend((route.len() as u64).to_le_bytes());
            for leg in route {
                out.extend(leg.0.to_le_bytes());
            }
        }
        out.extend((self.draws.len() as u64).to_le_bytes());
        for draw in &self.draws {
            let (route, time_h, cost_usd) = draw.map_or((0, 0.0, 0.0), |d| {
                (u64::from(d.route) + 1, d.time_h, d.cost_usd)
            });
            out.extend(route.to_le_bytes());
            out.extend(time_h.to_le_bytes());
            out.extend(cost_usd.to_le_bytes());
        }
    }

    /// The parts [`SweepPart::write_bytes`] appended to `bytes`; `None` if the bytes are
    /// not such parts.
    pub fn read_all(mut bytes: &[u8]) -> Option<Vec<SweepPart>> {
        let u64_at = |bytes: &mut &[u8]| -> Option<u64> {
            let (head, rest) = bytes.split_at_checked(8)?;
            *bytes = rest;
            Some(u64::from_le_bytes(head.try_into().ok()?))
        };
        let mut parts = Vec::new();
        while !bytes.is_empty() {
            let first = u64_at(&mut bytes)?;
            let routes = usize::try_from(u64_at(&mut bytes)?).ok()?;
            let mut part = SweepPart {
                first,
                ..SweepPart::default()
            };
            for _ in 0..routes.min(bytes.len()) {
                let legs = usize::try_from(u64_at(&mut bytes)?).ok()?;
                let (head, rest) = bytes.split_at_checked(legs.checked_mul(4)?)?;
                bytes = rest;
                part.routes.push(
                    head.chunks_exact(4)
                        .map(|c| DirLeg(u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
                        .collect(),
                );
            }
            if part.routes.len() != routes {
                return None;
            }
            let draws = usize::try_from(u64_at(&mut bytes)?).ok()?;
            for _ in 0..draws {
                let route = u64_at(&mut bytes)?;
                let time_h = f64::from_bits(u64_at(&mut bytes)?);
                let cost_usd = f64::from_bits(u64_at(&mut bytes)?);
                part.draws.push(match route {
                    0 => None,
                    r => Some(PartDraw {
                        route: u32::try_from(r - 1).ok()?,
                        time_h,
                        cost_usd,
                    }),
                });
            }
            parts.push(part);
        }
        Some(parts)
    }
}

/// The draws `draws` of the [`sweep`] with these arguments (in parallel on the current
/// rayon pool). Parts covering `0..samples` merge ([`merge_sweep`]) into exactly the
/// sweep of `samples` draws: draw `i` does not depend on the others.
pub fn sweep_part(
    network: &Network,
    uncertain: &[Uncertain],
    profile: &Profile,
    query: &Query,
    draws: Range<u64>,
    seed: u64,
    progress: &(dyn Fn() + Sync),
) -> SweepPart {
    let first = draws.start;
    let results = route_draws(network, uncertain, profile, query, draws, seed, progress);
    let mut part = SweepPart {
        first,
        ..SweepPart::default()
    };
    let mut index: HashMap<Vec<DirLeg>, u32> = HashMap::new();
    for result in &results {
        part.draws.push(result.as_ref().map(|r| {
            let route = *index.entry(r.dir_legs()).or_insert_with(|| {
                part.routes.push(r.dir_legs());
                part.routes.len() as u32 - 1
            });
            PartDraw {
                route,
                time_h: r.totals.time_h,
                cost_usd: r.totals.cost_usd,
            }
        }));
    }
    part
}

/// Why parts do not make up a sweep.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MergeError {
    /// The parts, sorted by first draw, leave a gap or overlap.
    #[error("the parts cover draws up to {covered}, then one starts at draw {next}")]
    NotContiguous {
        /// The draws covered so far.
        covered: u64,
        /// Where the next part starts.
        next: u64,
    },
    /// The parts cover another number of draws.
    #[error("the parts cover {covered} draws, not {samples}")]
    Samples {
        /// The draws covered.
        covered: u64,
        /// The draws asked for.
        samples: usize,
    },
    /// A matrix part over another number of places.
    #[error("a part over {got} places does not merge with one over {expected}")]
    Places {
        /// The places of the part merged into.
        expected: usize,
        /// The places of the other.
        got: usize,
    },
    /// A draw names a route its part does not list.
    #[error("draw {draw} names route {route}, but its part lists {routes}")]
    BadRoute {
        /// The draw.
        draw: u64,
        /// The route index.
        route: u32,
        /// The routes listed.
        routes: usize,
    },
}

/// The sweep of `samples` draws from parts covering draws `0..samples` (in any order),
/// identical to [`sweep`] with the same arguments. The route shown for each distinct
/// route is recomputed from its first draw (one draw per distinct route).
#[allow(clippy::too_many_arguments)]
pub fn merge_sweep(
    network: &Network,
    uncertain: &[Uncertain],
    profile: &Profile,
    query: &Query,
    samples: usize,
    seed: u64,
    parts: &[SweepPart],
) -> Result<Sweep, MergeError> {
    let mut parts: Vec<&SweepPart> = parts.iter().collect();
    parts.sort_by_key(|p| p.first);
    let mut covered = 0u64;
    for part in &parts {
        if part.first != covered {
            return Err(MergeError::NotContiguous {
                covered,
                next: part.first,
            });
        }
        for (k, draw) in part.draws.iter().enumerate() {
            if let Some(d) = draw
                && d.route as usize >= part.routes.len()
            {
                return Err(MergeError::BadRoute {
                    draw: part.first + k as u64,
                    route: d.route,
                    routes: part.routes.len(),
                });
            }
        }
        covered += part.draws.len() as u64;
    }
    if covered != samples as u64 {
        return Err(MergeError::Samples { covered, samples });
    }
    let outcomes = parts.iter().flat_map(|part| {
        part.draws
            .iter()
            .map(|d| d.map(|d| (part.routes[d.route as usize].clone(), d.time_h, d.cost_usd)))
    });
    Ok(summarise(samples, seed, outcomes, |i| {
        let drawn = draw(network, uncertain, seed, i as u64);
        shortest(&Graph::new(&drawn, profile), query)
    }))
}

/// Relative accuracy of the percentiles of a [`sweep_matrix`]: each is the nearest-rank
/// percentile to within this share of its value.
pub const MATRIX_PERCENTILE_ACCURACY: f64 = 1.0 / 2048.0;

/// One origin–destination pair of a [`sweep_matrix`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairStats {
    /// Origin.
    pub from: PlaceId,
    /// Destination.
    pub to: PlaceId,
    /// Draws with a route.
    pub reached: usize,
    /// Door-to-door hours over the draws with a route.
    pub time_h: Option<Stats>,
    /// USD per TEU over the draws with a route.
    pub cost_usd: Option<Stats>,
}

/// Reliability per corridor: a [`sweep`] of `query` restricted to each of `corridors`
/// in turn (see [`Profile::only_corridors`]), the profile's other constraints kept;
/// one result per corridor, in the order given.
pub fn corridor_sweeps(
    network: &Network,
    uncertain: &[Uncertain],
    profile: &Profile,
    query: &Query,
    corridors: &[crate::model::CorridorId],
    samples: usize,
    seed: u64,
) -> Vec<Sweep> {
    corridors
        .iter()
        .map(|&corridor| {
            let restricted = Profile {
                only_corridors: vec![corridor],
                ..profile.clone()
            };
            sweep(
                network,
                uncertain,
                &restricted,
                query,
                samples,
                seed,
                &|| {},
            )
        })
        .collect()
}

/// The result of a sweep over every ordered pair of a set of places.
#[derive(Clone, Debug, PartialEq)]
pub struct MatrixSweep {
    /// Number of draws.
    pub samples: usize,
    /// The seed.
    pub seed: u64,
    /// Every ordered pair of distinct places, row by row in the order given.
    pub pairs: Vec<PairStats>,
}

/// Mantissa bits kept by [`Histogram`] buckets: 2^10 buckets per doubling, so a bucket
/// spans a factor 1 + 2^-10 and its middle is within 2^-11 of any value in it.
const BUCKET_BITS: u32 = 10;
/// Fixed-point scale of the exact sums behind the means (2^20 per unit): integer sums
/// add in any order to the same total, so results do not depend on the threads. Each
/// value converts through `i64` (exact up to 8 × 10^12 hours or USD), sums are `i128`.
const SUM_SCALE: f64 = (1u64 << 20) as f64;

/// A compact log-bucket histogram of non-negative values (the bucket is the value's
/// exponent and top mantissa bits), with exact count, sum, minimum and maximum. Buckets
/// are dense between the smallest and largest seen, a few kB for the spread of one
/// pair's draws. Hand-written because recording is the sweep's innermost loop: a
/// DDSketch (logarithm per value) took a fifth of the run time, and HdrHistogram's
/// preallocated range is megabytes per pair.
#[derive(Clone, Debug, Default)]
struct Histogram {
    first: u64,
    counts: Vec<u32>,
    count: usize,
    sum: i128,
    min: f64,
    max: f64,
}

impl Histogram {
    fn bucket(value: f64) -> u64 {
        value.to_bits() >> (52 - BUCKET_BITS)
    }

    /// The middle of a bucket.
    fn middle(bucket: u64) -> f64 {
        let low = f64::from_bits(bucket << (52 - BUCKET_BITS));
        let high = f64::from_bits((bucket + 1) << (52 - BUCKET_BITS));
        (low + high) / 2.0
    }

    /// Records one value: the sweep's innermost loop (once per pair, metric and draw),
    /// so the common case (a bucket already in range) is inlined into it and growing
    /// the range is not.
    #[inline]
    fn add(&mut self, value: f64) {
        let value = value.max(0.0);
        let bucket = Histogram::bucket(value);
        let index = match bucket.checked_sub(self.first) {
            Some(index) if (index as usize) < self.counts.len() => index as usize,
            _ => self.make_room(bucket, value),
        };
        self.counts[index] += 1;
        self.count += 1;
        // Non-negative: truncating x + 0.5 rounds to nearest.
        self.sum += i128::from((value * SUM_SCALE + 0.5) as i64);
        self.min = self.min.min(value);
        self.max = self.max.max(value);
    }

    /// Widens the buckets to hold `bucket` (of `value`, the first value when the
    /// histogram is empty) and returns its index.
    #[inline(never)]
    fn make_room(&mut self, bucket: u64, value: f64) -> usize {
        if self.counts.is_empty() {
            self.first = bucket;
            self.min = value;
            self.max = value;
        } else if bucket < self.first {
            let grow = (self.first - bucket) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.first = bucket;
        }
        let index = (bucket - self.first) as usize;
        if index >= self.counts.len() {
            self.counts.resize(index + 1, 0);
        }
        index
    }

    fn merge(&mut self, other: &Histogram) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = other.clone();
            return;
        }
        let first = self.first.min(other.first);
        let end =
            (self.first + self.counts.len() as u64).max(other.first + other.counts.len() as u64);
        let mut counts = vec![0u32; (end - first) as usize];
        for (start, list) in [(self.first, &self.counts), (other.first, &other.counts)] {
            for (k, &c) in list.iter().enumerate() {
                counts[(start - first) as usize + k] += c;
            }
        }
        self.first = first;
        self.counts = counts;
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// The nearest-rank percentile `p` (to within a bucket's half width).
    fn percentile(&self, p: f64) -> f64 {
        let rank = ((p * self.count as f64).ceil() as usize).clamp(1, self.count);
        match self.bucket_of_rank(rank) {
            Some(k) => Histogram::middle(self.first + k as u64).clamp(self.min, self.max),
            None => self.max,
        }
    }

    /// The index of the bucket holding the `rank`-th smallest value (from 1), `None` if
    /// the histogram holds fewer values. Percentiles are most of a sweep's summary, and
    /// a pair's buckets are mostly empty (2^10 per doubling for a few hundred draws), so
    /// the counts are summed 16 at a time (a chunk without the rank is skipped whole),
    /// from the end nearer the rank.
    fn bucket_of_rank(&self, rank: usize) -> Option<usize> {
        const CHUNK: usize = 16;
        let sum = |chunk: &[u32]| chunk.iter().map(|&c| u64::from(c)).sum::<u64>();
        let counts = &self.counts;
        if rank > self.count || rank == 0 {
            return None;
        }
        if rank <= self.count / 2 {
            let rank = rank as u64;
            let mut seen = 0;
            for (i, chunk) in counts.chunks(CHUNK).enumerate() {
                let total = sum(chunk);
                if seen + total >= rank {
                    for (j, &c) in chunk.iter().enumerate() {
                        seen += u64::from(c);
                        if seen >= rank {
                            return Some(i * CHUNK + j);
                        }
                    }
                }
                seen += total;
            }
        } else {
            // The `rank`-th smallest is the `from_top`-th largest.
            let from_top = (self.count - rank + 1) as u64;
            let mut seen = 0;
            let mut end = counts.len();
            for chunk in counts.rchunks(CHUNK) {
                let total = sum(chunk);
                let start = end - chunk.len();
                if seen + total >= from_top {
                    for (j, &c) in chunk.iter().enumerate().rev() {
                        seen += u64::from(c);
                        if seen >= from_top {
                            return Some(start + j);
                        }
                    }
                }
                seen += total;
                end = start;
            }
        }
        None
    }

    fn stats(&self) -> Option<Stats> {
        (self.count > 0).then(|| Stats {
            mean: self.sum as f64 / SUM_SCALE / self.count as f64,
            p50: self.percentile(0.5),
            p90: self.percentile(0.9),
            p95: self.percentile(0.95),
        })
    }
}

/// Routes every ordered pair of distinct `places` under `profile` in `samples` draws of
/// `uncertain` (one matrix per draw, draws in parallel on the current rayon pool) and
/// summarises each pair. Counts and means are exact; percentiles come from log-bucket
/// histograms, within [`MATRIX_PERCENTILE_ACCURACY`] of the nearest-rank value, so
/// memory stays O(pairs × spread), not O(pairs × samples). The result does not depend on the number of
/// threads. `progress` is called once per finished draw. O(samples × (copy + compile +
/// places × one-to-all search)); the searches are `route::ReorderedRows` scans in the order
/// Dijkstra settles the states on the undrawn network, exact, and equal to Dijkstra's
/// routes except possibly among routes of equal weight.
pub fn sweep_matrix(
    network: &Network,
    uncertain: &[Uncertain],
    profile: &Profile,
    places: &[PlaceId],
    samples: usize,
    seed: u64,
    progress: &(dyn Fn() + Sync),
) -> MatrixSweep {
    let part = sweep_matrix_part(
        network,
        uncertain,
        profile,
        places,
        0..samples as u64,
        seed,
        progress,
    );
    part.finish(places, samples, seed)
}

/// Some draws of a sweep over pairs ([`crate::Engine::sweep_places_part`]), computed apart (on another machine): a histogram
/// per pair, exact to merge in any order, so parts covering every draw once give exactly
/// the sweep of all draws. [`MatrixSweepPart::to_bytes`] ships it.
#[derive(Clone, Debug, Default)]
pub struct MatrixSweepPart {
    /// Number of places.
    places: usize,
    /// Draws summarised.
    draws: u64,
    /// Hours and USD per ordered pair, `a * places + b`.
    histograms: Vec<[Histogram; 2]>,
}

/// What [`MatrixSweepPart::to_bytes`] writes first (a format version).
const MATRIX_PART_MAGIC: &[u8; 8] = b"cmsp\x00\x00\x00\x01";

impl MatrixSweepPart {
    /// Number of places.
    pub fn places(&self) -> usize {
        self.places
    }

    /// Draws summarised.
    pub fn draws(&self) -> u64 {
        self.draws
    }

    /// Adds the draws of `other` (a part over the same places and arguments); parts over
    /// different numbers of places are refused (field `parts`).
    pub fn merge(&mut self, other: &MatrixSweepPart) -> Result<(), crate::Error> {
        if other.places != self.places {
            let error = MergeError::Places {
                expected: self.places,
                got: other.places,
            };
            return Err(crate::Error::invalid("parts", error.to_string()));
        }
        for ([t, c], [ot, oc]) in self.histograms.iter_mut().zip(&other.histograms) {
            t.merge(ot);
            c.merge(oc);
        }
        self.draws += other.draws;
        Ok(())
    }

    /// The sweep of `samples` draws over `places` (those the parts were computed for),
    /// once the parts merged cover them all.
    pub(crate) fn finish(&self, places: &[PlaceId], samples: usize, seed: u64) -> MatrixSweep {
        let n = places.len();
        let empty = [Histogram::default(), Histogram::default()];
        let pairs = (0..n)
            .flat_map(|a| (0..n).filter(move |&b| b != a).map(move |b| (a, b)))
            .map(|(a, b)| {
                let [time, cost] = self.histograms.get(a * n + b).unwrap_or(&empty);
                PairStats {
                    from: places[a],
                    to: places[b],
                    reached: time.count,
                    time_h: time.stats(),
                    cost_usd: cost.stats(),
                }
            })
            .collect();
        MatrixSweep {
            samples,
            seed,
            pairs,
        }
    }

    /// The part as bytes (a format version first, then little-endian numbers).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MATRIX_PART_MAGIC.to_vec();
        out.extend((self.places as u64).to_le_bytes());
        out.extend(self.draws.to_le_bytes());
        for histogram in self.histograms.iter().flatten() {
            out.extend(histogram.first.to_le_bytes());
            out.extend((histogram.counts.len() as u64).to_le_bytes());
            for c in &histogram.counts {
                out.extend(c.to_le_bytes());
            }
            out.extend((histogram.count as u64).to_le_bytes());
            out.extend(histogram.sum.to_le_bytes());
            out.extend(histogram.min.to_le_bytes());
            out.extend(histogram.max.to_le_bytes());
        }
        out
    }

    /// A part from [`MatrixSweepPart::to_bytes`]; `None` if the bytes are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<MatrixSweepPart> {
        let mut reader = Reader(bytes);
        if reader.take(8)? != MATRIX_PART_MAGIC {
            return None;
        }
        let places = usize::try_from(reader.u64()?).ok()?;
        let draws = reader.u64()?;
        let pairs = places.checked_mul(places)?;
        // Each histogram takes at least 48 bytes: refuse counts the input cannot hold.
        if pairs.checked_mul(96)? > bytes.len() {
            return None;
        }
        let mut histograms = Vec::with_capacity(pairs);
        for _ in 0..pairs {
            let mut pair = [Histogram::default(), Histogram::default()];
            for histogram in &mut pair {
                histogram.first = reader.u64()?;
                let len = usize::try_from(reader.u64()?).ok()?;
                let counts = reader.take(len.checked_mul(4)?)?;
                histogram.counts = counts
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect();
                histogram.count = usize::try_from(reader.u64()?).ok()?;
                // The counts must add up to the count (percentiles rely on it).
                let total: u64 = histogram.counts.iter().map(|&c| u64::from(c)).sum();
                if total != histogram.count as u64 {
                    return None;
                }
                histogram.sum = i128::from_le_bytes(reader.take(16)?.try_into().ok()?);
                histogram.min = f64::from_bits(reader.u64()?);
                histogram.max = f64::from_bits(reader.u64()?);
            }
            histograms.push(pair);
        }
        reader.0.is_empty().then_some(MatrixSweepPart {
            places,
            draws,
            histograms,
        })
    }
}

/// Reads little-endian numbers off the front of a byte slice.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

/// The draws `draws` of the [`sweep_matrix`] with these arguments, as a part to merge
/// (in parallel on the current rayon pool).
pub fn sweep_matrix_part(
    network: &Network,
    uncertain: &[Uncertain],
    profile: &Profile,
    places: &[PlaceId],
    draws: Range<u64>,
    seed: u64,
    progress: &(dyn Fn() + Sync),
) -> MatrixSweepPart {
    let n = places.len();
    let pair_of = |i: usize, j: usize| i * n + j;
    // Draws change weights only: every row scans the states in the order Dijkstra
    // settles them on the undrawn network (see `route::ReorderedRows`).
    let rows = ReorderedRows::new(&Graph::new(network, profile), places);
    let count = draws.end.saturating_sub(draws.start);
    // Enough draws per task that the per-task accumulators stay few.
    let per_task = (count as usize)
        .div_ceil(4 * rayon::current_num_threads().max(1))
        .max(1);
    let total = (draws.start as usize..draws.end as usize)
        .into_par_iter()
        .with_min_len(per_task)
        .fold(
            || {
                let histograms = vec![[Histogram::default(), Histogram::default()]; n * n];
                (
                    histograms,
                    network.clone(),
                    ReorderScratch::default(),
                    Vec::new(),
                )
            },
            |(mut acc, mut drawn, mut scratch, mut cells), i| {
                draw_into(network, uncertain, seed, i as u64, &mut drawn);
                let graph = Graph::new(&drawn, profile);
                for a in 0..n {
                    cells.clear();
                    rows.row(&graph, a, places, &mut scratch, &mut cells);
                    for (b, cell) in cells.iter().enumerate() {
                        if let (true, Some(cell)) = (a != b, cell) {
                            let [time, cost] = &mut acc[pair_of(a, b)];
                            time.add(cell.metrics.time_h);
                            cost.add(cell.metrics.cost_usd);
                        }
                    }
                }
                progress();
                (acc, drawn, scratch, cells)
            },
        )
        .map(|(acc, _, _, _)| acc)
        .reduce_with(|mut a, b| {
            for ([t, c], [bt, bc]) in a.iter_mut().zip(&b) {
                t.merge(bt);
                c.merge(bc);
            }
            a
        })
        .unwrap_or_else(|| vec![[Histogram::default(), Histogram::default()]; n * n]);
    MatrixSweepPart {
        places: n,
        draws: count,
        histograms: total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        let stats = Stats::of(&values).unwrap();
        assert_eq!(
            (stats.mean, stats.p50, stats.p90, stats.p95),
            (50.5, 50.0, 90.0, 95.0)
        );
        assert_eq!(Stats::of(&[7.0]).unwrap().p95, 7.0);
        assert!(Stats::of(&[]).is_none());
    }

    #[test]
    fn parts_whose_counts_do_not_add_up_are_refused() {
        let mut histogram = Histogram::default();
        [1.0, 2.0, 2.5].iter().for_each(|&v| histogram.add(v));
        let len = histogram.counts.len();
        let part = MatrixSweepPart {
            places: 1,
            draws: 3,
            histograms: vec![[histogram.clone(), histogram]],
        };
        let bytes = part.to_bytes();
        let back = MatrixSweepPart::from_bytes(&bytes).unwrap();
        assert_eq!(back.histograms[0][1].counts, part.histograms[0][1].counts);
        // The first histogram's count: after the magic, places, draws, first bucket,
        // number of buckets and the buckets.
        let at = 8 * 5 + 4 * len;
        assert_eq!(bytes[at], 3);
        let mut tampered = bytes.clone();
        tampered[at] = 4;
        assert!(MatrixSweepPart::from_bytes(&tampered).is_none());
    }

    proptest::proptest! {
        /// Histogram percentiles are the exact nearest-rank ones to within the stated
        /// accuracy, means are exact to the fixed-point step, and merging in any split
        /// gives the same histogram as adding everything to one.
        #[test]
        fn histogram_matches_exact_statistics(
            values in proptest::collection::vec(0.0f64..1e5, 1..400),
            split in 0usize..400,
        ) {
            let mut whole = Histogram::default();
            values.iter().for_each(|&v| whole.add(v));
            let split = split.min(values.len());
            let (mut left, mut right) = (Histogram::default(), Histogram::default());
            values[..split].iter().for_each(|&v| left.add(v));
            values[split..].iter().for_each(|&v| right.add(v));
            right.merge(&left);
            let exact = Stats::of(&values).unwrap();
            for histogram in [&whole, &right] {
                let got = histogram.stats().unwrap();
                for (g, e) in [(got.p50, exact.p50), (got.p90, exact.p90), (got.p95, exact.p95)] {
                    proptest::prop_assert!((g - e).abs() <= e * MATRIX_PERCENTILE_ACCURACY, "{} vs {}", g, e);
                }
                proptest::prop_assert!((got.mean - exact.mean).abs() <= 1e-6 * exact.mean.max(1.0));
            }
            proptest::prop_assert_eq!(&whole.counts, &right.counts);
            proptest::prop_assert_eq!(whole.sum, right.sum);
        }

        /// The bucket of every rank, found 16 counts at a time from either end, is the
        /// one a plain scan from the smallest value finds.
        #[test]
        fn bucket_of_rank_matches_a_plain_scan(
            values in proptest::collection::vec(
                proptest::prop_oneof![0.0f64..2.0, 10.0f64..12.0, 1e3f64..1e4], 0..300),
        ) {
            let mut histogram = Histogram::default();
            values.iter().for_each(|&v| histogram.add(v));
            let plain = |rank: usize| {
                let mut seen = 0;
                histogram.counts.iter().position(|&c| {
                    seen += c as usize;
                    seen >= rank
                })
            };
            for rank in 0..=values.len() + 1 {
                let want = if rank == 0 { None } else { plain(rank) };
                proptest::prop_assert_eq!(histogram.bucket_of_rank(rank), want, "rank {}", rank);
            }
        }
    }
}
