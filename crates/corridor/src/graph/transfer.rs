//! The one place where transfer rules live: what happens at a place when freight arrives
//! one way and leaves another, and at the borders a leg crosses. The compiler sums these
//! events into arc weights; route reports list them. Both call the same functions, so
//! what is charged and what is reported cannot drift apart.

use crate::model::{Country, Leg, Mode, Network, PlaceId, PlaceKind};

/// How freight arrived at a place: the mode and (for rail) the gauge of the last leg.
/// `None` at the origin, where nothing arrived yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Arrival {
    /// Mode of the arriving leg.
    pub mode: Mode,
    /// Gauge of the arriving rail leg, when stated.
    pub gauge_mm: Option<u16>,
}

impl Arrival {
    /// The arrival class of a leg.
    pub fn of(leg: &Leg) -> Arrival {
        Arrival {
            mode: leg.mode,
            gauge_mm: leg.gauge_mm,
        }
    }
}

/// What kind of transfer happened.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TransferKind {
    /// Freight moved between two modes (port handling, transshipment).
    ModeChange {
        /// Arriving mode.
        from: Mode,
        /// Departing mode.
        to: Mode,
    },
    /// Freight changed vessel at a port: it arrived by sea (or ferry) and leaves on
    /// another sailing of the same mode (a feeder to a mainline ship, one liner service
    /// to another). Charged like a mode change: the port lifts the box off one ship and
    /// onto the next.
    Transshipment {
        /// The mode of both vessels.
        mode: Mode,
    },
    /// Rail gauge changed (bogie exchange or transshipment).
    GaugeChange {
        /// Arriving gauge in mm.
        from_mm: u16,
        /// Departing gauge in mm.
        to_mm: u16,
    },
    /// Waiting for the departure of a scheduled service (ferry, ship).
    Wait {
        /// Hours between departures.
        headway_h: f64,
    },
    /// Leaving a country (exit formalities).
    BorderExit {
        /// The country left.
        country: Country,
        /// Index in `Meta::customs_unions` of the union shared with the next country, if
        /// any (its factors were applied).
        union: Option<usize>,
    },
    /// Entering a country (entry formalities, customs).
    BorderEntry {
        /// The country entered.
        country: Country,
        /// Index in `Meta::customs_unions` of the union shared with the previous country.
        union: Option<usize>,
    },
}

impl TransferKind {
    /// A short name for output: `mode-change`, `transshipment`, `gauge-change`, `wait`,
    /// `border-exit`, `border-entry`.
    pub fn as_str(&self) -> &'static str {
        match self {
            TransferKind::ModeChange { .. } => "mode-change",
            TransferKind::Transshipment { .. } => "transshipment",
            TransferKind::GaugeChange { .. } => "gauge-change",
            TransferKind::Wait { .. } => "wait",
            TransferKind::BorderExit { .. } => "border-exit",
            TransferKind::BorderEntry { .. } => "border-entry",
        }
    }

    /// Whether the box is handled: lifted between modes or vessels, or its wagon's gauge
    /// changed (not a border formality or a wait).
    pub fn is_handling(&self) -> bool {
        matches!(
            self,
            TransferKind::ModeChange { .. }
                | TransferKind::Transshipment { .. }
                | TransferKind::GaugeChange { .. }
        )
    }
}

/// A transfer charged on a route.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transfer {
    /// Where it happens.
    pub place: PlaceId,
    /// What happens.
    pub kind: TransferKind,
    /// Hours spent.
    pub time_h: f64,
    /// USD per TEU paid.
    pub cost_usd: f64,
}

/// Calls `emit` for each transfer at place `at` when freight that arrived as `arrival`
/// (`None` at the origin) departs on `leg`, in the order they happen: mode change,
/// transshipment (sea to sea or ferry to ferry at a place that is not a waypoint: another
/// vessel, charged the place's mode-change hours and fee), gauge change (both rail legs
/// state different gauges), waiting for the service (boarding a leg with a headway at the
/// origin, from another mode, or at any place that is not a sea waypoint — continuing
/// past a waypoint on the same mode is the same voyage). A leg's headway is its own, else
/// its departure place's for sea and ferry legs. When `booked` is set the freight is
/// booked on a departure at the origin (`arrival` is `None`), so it does not wait for
/// the service there (border formalities are charged apart, by [`border_transfers`]).
/// Events are emitted even when they cost nothing, so routes list every change they
/// make.
#[inline]
pub(crate) fn departure_transfers(
    network: &Network,
    at: PlaceId,
    arrival: Option<Arrival>,
    booked: bool,
    leg: &Leg,
    mut emit: impl FnMut(Transfer),
) {
    let place = network.place(at);
    let t = &place.transfers;
    if let Some(arrival) = arrival {
        if arrival.mode != leg.mode {
            emit(Transfer {
                place: at,
                kind: TransferKind::ModeChange {
                    from: arrival.mode,
                    to: leg.mode,
                },
                time_h: t.mode_change_h,
                cost_usd: t.mode_change_usd,
            });
        } else if matches!(leg.mode, Mode::Sea | Mode::Ferry) && place.kind != PlaceKind::Waypoint {
            emit(Transfer {
                place: at,
                kind: TransferKind::Transshipment { mode: leg.mode },
                time_h: t.mode_change_h,
                cost_usd: t.mode_change_usd,
            });
        }
        if arrival.mode == Mode::Rail
            && leg.mode == Mode::Rail
            && let (Some(from_mm), Some(to_mm)) = (arrival.gauge_mm, leg.gauge_mm)
            && from_mm != to_mm
        {
            emit(Transfer {
                place: at,
                kind: TransferKind::GaugeChange { from_mm, to_mm },
                time_h: t.gauge_change_h,
                cost_usd: t.gauge_change_usd,
            });
        }
    }
    let boarding = arrival.is_none_or(|a| a.mode != leg.mode) || place.kind != PlaceKind::Waypoint;
    let place_headway = if matches!(leg.mode, Mode::Sea | Mode::Ferry) {
        t.headway_h
    } else {
        0.0
    };
    let headway_h = leg.headway_h.unwrap_or(place_headway);
    if boarding && headway_h > 0.0 && !(booked && arrival.is_none()) {
        emit(Transfer {
            place: at,
            kind: TransferKind::Wait { headway_h },
            time_h: network.meta().defaults.wait_factor * headway_h,
            cost_usd: 0.0,
        });
    }
}

/// Calls `emit` for the border formalities of travelling on a leg from `from` to `to`:
/// the exit at `from` and the entry at `to`, when their countries differ (a place without
/// a country is international waters). Between two members of one customs union the
/// union's factors apply.
#[inline]
pub(crate) fn border_transfers(
    network: &Network,
    from: PlaceId,
    to: PlaceId,
    mut emit: impl FnMut(Transfer),
) {
    let (a, b) = (network.place(from), network.place(to));
    if a.country == b.country {
        return;
    }
    let union = match (a.country, b.country) {
        (Some(x), Some(y)) => network
            .meta()
            .customs_unions
            .iter()
            .position(|u| u.countries.contains(&x) && u.countries.contains(&y)),
        _ => None,
    };
    let (dwell, fee) = union.map_or((1.0, 1.0), |i| {
        let u = &network.meta().customs_unions[i];
        (u.dwell_factor, u.fee_factor)
    });
    let mut charge = |id: PlaceId, kind: TransferKind, h: f64, usd: f64| {
        emit(Transfer {
            place: id,
            kind,
            time_h: h * dwell,
            cost_usd: usd * fee,
        });
    };
    if let Some(country) = a.country {
        charge(
            from,
            TransferKind::BorderExit { country, union },
            a.transfers.border_exit_h,
            a.transfers.border_exit_usd,
        );
    }
    if let Some(country) = b.country {
        charge(
            to,
            TransferKind::BorderEntry { country, union },
            b.transfers.border_h,
            b.transfers.border_usd,
        );
    }
}
