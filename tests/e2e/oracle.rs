//! Independent references for the routing tests: a from-the-documentation cost model and
//! brute-force enumeration of walks. Nothing here calls the library's graph or route
//! code; it reads only the loaded network.

use corridor::graph::Criterion;
use corridor::{Leg, LegId, Metrics, Mode, Network, Objective, PlaceId, PlaceKind};

/// A leg travelled in one direction.
pub type Step = (LegId, bool);

/// The ends of a step.
pub fn ends(network: &Network, (leg, reverse): Step) -> (PlaceId, PlaceId) {
    let l = network.leg(leg);
    if reverse {
        (l.to, l.from)
    } else {
        (l.from, l.to)
    }
}

/// Door-to-door metrics of travelling `steps` from the first step's start, following
/// docs/data-format.md "How transfers are charged".
pub fn walk_metrics(network: &Network, steps: &[Step]) -> Metrics {
    walk_metrics_booked(network, steps, false)
}

/// [`walk_metrics`], from a departure booked at the start when `booked` (README: no
/// wait for the first service there).
pub fn walk_metrics_booked(network: &Network, steps: &[Step], booked: bool) -> Metrics {
    let meta = network.meta();
    let mut total = Metrics::default();
    let mut previous: Option<&Leg> = None;
    for &step in steps {
        let leg = network.leg(step.0);
        let (a, b) = ends(network, step);
        let here = network.place(a);
        let t = &here.transfers;
        if let Some(prev) = previous {
            // A mode change, or a change of vessel (sea to sea, ferry to ferry) at a place
            // that is not a waypoint: both cost the place's handling.
            let vessel_change = prev.mode == leg.mode
                && matches!(leg.mode, Mode::Sea | Mode::Ferry)
                && here.kind != PlaceKind::Waypoint;
            if prev.mode != leg.mode || vessel_change {
                total.time_h += t.mode_change_h;
                total.cost_usd += t.mode_change_usd;
            }
            if prev.mode == Mode::Rail
                && leg.mode == Mode::Rail
                && prev.gauge_mm.is_some()
                && leg.gauge_mm.is_some()
                && prev.gauge_mm != leg.gauge_mm
            {
                total.time_h += t.gauge_change_h;
                total.cost_usd += t.gauge_change_usd;
            }
        }
        let place_headway = if matches!(leg.mode, Mode::Sea | Mode::Ferry) {
            t.headway_h
        } else {
            0.0
        };
        let headway = leg.headway_h.unwrap_or(place_headway);
        let boarding = match previous {
            None => !booked,
            Some(prev) => prev.mode != leg.mode || here.kind != PlaceKind::Waypoint,
        };
        if boarding && headway > 0.0 {
            total.time_h += meta.defaults.wait_factor * headway;
        }
        let there = network.place(b);
        if here.country != there.country {
            let (mut dwell, mut fee) = (1.0, 1.0);
            if let (Some(x), Some(y)) = (here.country, there.country)
                && let Some(u) = meta
                    .customs_unions
                    .iter()
                    .find(|u| u.countries.contains(&x) && u.countries.contains(&y))
            {
                dwell = u.dwell_factor;
                fee = u.fee_factor;
            }
            if here.country.is_some() {
                total.time_h += t.border_exit_h * dwell;
                total.cost_usd += t.border_exit_usd * fee;
            }
            if there.country.is_some() {
                total.time_h += there.transfers.border_h * dwell;
                total.cost_usd += there.transfers.border_usd * fee;
            }
        }
        total.distance_km += leg.distance_km;
        total.time_h += leg.time_h;
        total.cost_usd += leg.cost_usd;
        total.co2_kg += network.leg_co2_kg(leg);
        previous = Some(leg);
    }
    total
}

/// The objective value of metrics, without the tie-break.
pub fn objective(objective: Objective, metrics: &Metrics, value_of_time: f64) -> f64 {
    match objective {
        Objective::Distance => metrics.distance_km,
        Objective::Time => metrics.time_h,
        Objective::Cost => metrics.cost_usd,
        Objective::Co2 => metrics.co2_kg,
        Objective::Generalized => metrics.cost_usd + value_of_time * metrics.time_h,
    }
}

/// What breaks ties between routes equal on the objective, as the documentation of
/// `Profile::search_weight` states it: USD for routes by time, hours for every other.
pub fn tie_break(objective: Objective, metrics: &Metrics) -> f64 {
    if objective == Objective::Time {
        metrics.cost_usd
    } else {
        metrics.time_h
    }
}

/// The weight a route minimises: the objective value plus 10^-8 × the tie-break.
pub fn weigh(objective: Objective, metrics: &Metrics, value_of_time: f64) -> f64 {
    self::objective(objective, metrics, value_of_time) + 1e-8 * tie_break(objective, metrics)
}

/// The quantity of one criterion.
pub fn criterion(metrics: &Metrics, c: Criterion) -> f64 {
    match c {
        Criterion::Distance => metrics.distance_km,
        Criterion::Time => metrics.time_h,
        Criterion::Cost => metrics.cost_usd,
        Criterion::Co2 => metrics.co2_kg,
    }
}

/// A walk found by enumeration.
pub struct Walk {
    pub steps: Vec<Step>,
}

/// Every walk from `from` that passes `via` in order and ends at `to` (without reaching
/// it earlier after the last via place, and without coming back to `from` before the
/// first via place), using the legs `allowed` accepts, in which no (stage, place,
/// arrival mode, arrival gauge) repeats.
/// `None` if there are more than `limit` partial walks (the case is too big to check).
pub fn walks(
    network: &Network,
    allowed: &dyn Fn(&Leg) -> bool,
    from: PlaceId,
    to: PlaceId,
    via: &[PlaceId],
    limit: usize,
) -> Option<Vec<Walk>> {
    type Key = (usize, PlaceId, Mode, Option<u16>);
    let advance = |mut stage: usize, place: PlaceId| {
        while stage < via.len() && via[stage] == place {
            stage += 1;
        }
        stage
    };
    let mut out = Vec::new();
    let mut explored = 0usize;
    let origin_stage = advance(0, from);
    // Depth-first over (steps, visited keys, stage, place, revisited origin).
    let mut stack: Vec<(Vec<Step>, Vec<Key>, usize, PlaceId)> =
        vec![(Vec::new(), Vec::new(), origin_stage, from)];
    while let Some((steps, keys, stage, place)) = stack.pop() {
        explored += 1;
        if explored > limit {
            return None;
        }
        if !steps.is_empty() && stage == via.len() && place == to {
            out.push(Walk { steps });
            // A route ends when it reaches its destination.
            continue;
        }
        for (index, leg) in network.legs().iter().enumerate() {
            if !allowed(leg) {
                continue;
            }
            for reverse in [false, true] {
                if reverse && leg.one_way {
                    continue;
                }
                let step = (LegId(index as u32), reverse);
                let (a, b) = ends(network, step);
                if a != place {
                    continue;
                }
                let next_stage = advance(stage, b);
                let key = (next_stage, b, leg.mode, leg.gauge_mm);
                if keys.contains(&key) || (b == from && next_stage == origin_stage) {
                    continue;
                }
                let mut steps = steps.clone();
                steps.push(step);
                let mut keys = keys.clone();
                keys.push(key);
                stack.push((steps, keys, next_stage, b));
            }
        }
    }
    Some(out)
}

/// Whether `walk` passes through each via place (the engine's rule for via places): it
/// leaves a via place it has just passed towards another place than the one it came
/// from, and does not come back to it before the next via place.
pub fn passes_through(network: &Network, walk: &Walk, from: PlaceId, via: &[PlaceId]) -> bool {
    let advance = |mut stage: usize, place: PlaceId| {
        while stage < via.len() && via[stage] == place {
            stage += 1;
        }
        stage
    };
    let mut stage = advance(0, from);
    let mut back: Option<PlaceId> = None;
    for &step in &walk.steps {
        let (a, b) = ends(network, step);
        let next = advance(stage, b);
        if back == Some(b) || (next == stage && stage > 0 && via[stage - 1] == b) {
            return false;
        }
        back = (next > stage).then_some(a);
        stage = next;
    }
    true
}

/// The walks a via query may answer with: those passing through the via places, or all
/// of them when none does (the engine then allows turning back).
pub fn via_walks<'w>(
    network: &Network,
    walks: &'w [Walk],
    from: PlaceId,
    via: &[PlaceId],
) -> Vec<&'w Walk> {
    let through: Vec<&Walk> = walks
        .iter()
        .filter(|w| passes_through(network, w, from, via))
        .collect();
    if through.is_empty() {
        walks.iter().collect()
    } else {
        through
    }
}

/// `a` is no worse than `b` in every criterion (with a relative tolerance).
pub fn covers(a: &[f64], b: &[f64]) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| *x <= *y + 1e-9 * y.abs().max(1.0))
}

/// Relative closeness.
pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}
