//! A flow instance: for each demand, the arcs of the state graph its freight may use,
//! and the capacity groups (legs, places) those arcs share.

use super::{Demand, Limit};
use crate::graph::{DirLeg, Graph, Link, StateId};
use crate::model::PlaceId;

/// Index of a capacity constraint in an [`Instance`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Group(pub u32);

/// An arc a commodity may use: from a state (or the origin) along a directed leg.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FlowArc {
    /// `None` for a departure from the origin.
    pub(crate) tail: Option<StateId>,
    pub(crate) head: StateId,
    pub(crate) leg: DirLeg,
    pub(crate) weight: f64,
    /// The leg's capacity group, if the leg has a capacity.
    pub(crate) leg_group: Option<Group>,
    /// The head place's capacity group, if the place has a capacity.
    pub(crate) place_group: Option<Group>,
    /// Whether the head is a target state of the destination (the flow ends there).
    pub(crate) ends: bool,
}

/// One demand and the arcs its freight may use.
#[derive(Clone, Debug)]
pub(crate) struct Commodity {
    pub(crate) demand: Demand,
    pub(crate) arcs: Vec<FlowArc>,
    /// The origin place's capacity group (freight starting there counts).
    pub(crate) origin_group: Option<Group>,
}

/// A solution: flow on every commodity arc, the delivered volume and the objective.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    pub(crate) flows: Vec<Vec<f64>>,
    /// TEU per year delivered.
    pub delivered: f64,
    /// Σ arc weight × flow.
    pub objective: f64,
}

impl Solution {
    /// A solution from arc flows: delivered volume and objective summed from them.
    pub(crate) fn from_flows(instance: &Instance<'_, '_>, flows: Vec<Vec<f64>>) -> Solution {
        let (mut delivered, mut objective) = (0.0, 0.0);
        for (commodity, flow) in instance.commodities.iter().zip(&flows) {
            for (arc, &x) in commodity.arcs.iter().zip(flow) {
                objective += arc.weight * x;
                if arc.ends {
                    delivered += x;
                }
            }
        }
        Solution {
            flows,
            delivered,
            objective,
        }
    }
}

/// The flow problem for a set of demands on a compiled graph.
pub struct Instance<'g, 'n> {
    pub(crate) graph: &'g Graph<'n>,
    pub(crate) commodities: Vec<Commodity>,
    limits: Vec<Limit>,
    capacities: Vec<f64>,
    /// The group of each directed leg and of each place (`NO_GROUP` if none).
    leg_groups: Vec<u32>,
    place_groups: Vec<u32>,
}

/// Marks a leg or place without a group in [`Instance`]'s lookup tables.
const NO_GROUP: u32 = u32::MAX;

impl<'g, 'n> Instance<'g, 'n> {
    /// Builds the instance: each demand's arcs are those on some path from its origin to
    /// its destination (never back into the origin, never on past the destination).
    pub fn new(graph: &'g Graph<'n>, demands: &[Demand]) -> Instance<'g, 'n> {
        let network = graph.network();
        let mut instance = Instance {
            graph,
            commodities: Vec::with_capacity(demands.len()),
            limits: Vec::new(),
            capacities: Vec::new(),
            leg_groups: vec![NO_GROUP; 2 * network.legs().len()],
            place_groups: vec![NO_GROUP; network.places().len()],
        };
        let group = |instance: &mut Instance<'_, '_>, limit: Limit, capacity: Option<f64>| {
            let capacity = capacity?;
            let slot = match limit {
                Limit::Leg(dir) => &mut instance.leg_groups[dir.0 as usize],
                Limit::Place(place) => &mut instance.place_groups[place.index()],
            };
            if *slot == NO_GROUP {
                *slot = instance.limits.len() as u32;
                instance.limits.push(limit);
                instance.capacities.push(capacity);
            }
            Some(Group(*slot))
        };
        for demand in demands {
            let arcs = useful_arcs(graph, demand.from, demand.to);
            let origin_group = group(
                &mut instance,
                Limit::Place(demand.from),
                network.place(demand.from).capacity_teu_per_year,
            );
            let arcs = arcs
                .into_iter()
                .map(|(tail, arc)| {
                    let head_place = graph.state_place(arc.head);
                    FlowArc {
                        tail,
                        head: arc.head,
                        leg: arc.leg,
                        weight: arc.weight,
                        leg_group: group(
                            &mut instance,
                            Limit::Leg(arc.leg),
                            network.leg(arc.leg.leg()).capacity_teu_per_year,
                        ),
                        place_group: group(
                            &mut instance,
                            Limit::Place(head_place),
                            network.place(head_place).capacity_teu_per_year,
                        ),
                        ends: head_place == demand.to && graph.is_target(arc.head),
                    }
                })
                .collect();
            instance.commodities.push(Commodity {
                demand: *demand,
                arcs,
                origin_group,
            });
        }
        instance
    }

    /// Number of capacity groups.
    pub fn group_count(&self) -> usize {
        self.limits.len()
    }

    /// The leg or place a group limits.
    #[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by the reference LP
    pub fn limit(&self, group: Group) -> Limit {
        self.limits[group.0 as usize]
    }

    /// The group of a leg direction or place, if it has one.
    pub fn group_of(&self, limit: Limit) -> Option<Group> {
        let slot = match limit {
            Limit::Leg(dir) => self.leg_groups.get(dir.0 as usize),
            Limit::Place(place) => self.place_groups.get(place.index()),
        };
        slot.filter(|&&g| g != NO_GROUP).map(|&g| Group(g))
    }

    /// A group's capacity in TEU per year.
    pub fn capacity(&self, group: Group) -> f64 {
        self.capacities[group.0 as usize]
    }

    /// The capacity of `group` with `overrides` applied.
    pub(crate) fn capacity_with(&self, group: Group, overrides: &[(Group, f64)]) -> f64 {
        overrides
            .iter()
            .find(|(g, _)| *g == group)
            .map_or(self.capacity(group), |(_, c)| *c)
    }

    /// The groups each unit of flow on `arc` of commodity `k` loads.
    #[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by the reference LP
    pub(crate) fn arc_groups(&self, arc: &FlowArc) -> impl Iterator<Item = Group> {
        arc.leg_group.into_iter().chain(arc.place_group)
    }

    /// The load of every group under `solution`, in group order.
    #[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by the reference LP
    pub fn loads(&self, solution: &Solution) -> Vec<(Group, f64)> {
        let mut loads = vec![0.0; self.limits.len()];
        for (k, commodity) in self.commodities.iter().enumerate() {
            let mut departed = 0.0;
            for (arc, &flow) in commodity.arcs.iter().zip(&solution.flows[k]) {
                for group in self.arc_groups(arc) {
                    loads[group.0 as usize] += flow;
                }
                if arc.tail.is_none() {
                    departed += flow;
                }
            }
            if let Some(group) = commodity.origin_group {
                loads[group.0 as usize] += departed;
            }
        }
        loads
            .into_iter()
            .enumerate()
            .map(|(i, load)| (Group(i as u32), load))
            .collect()
    }
}

/// The arcs on some path from `from` to a target state of `to`: forward reachable from
/// the origin without re-entering it or leaving the destination, and able to reach a
/// target. O(states + arcs), sorted by (tail, head, leg) with the origin's departures
/// first.
fn useful_arcs(graph: &Graph<'_>, from: PlaceId, to: PlaceId) -> Vec<(Option<StateId>, Link)> {
    if from == to || !graph.allows_place(from) || !graph.allows_place(to) {
        return Vec::new();
    }
    let mut arcs: Vec<(Option<StateId>, Link)> = Vec::new();
    let mut seen = vec![false; graph.state_count()];
    let mut stack: Vec<StateId> = Vec::new();
    for arc in graph.objective_departures(from) {
        if graph.state_place(arc.head) == from {
            continue;
        }
        arcs.push((None, arc));
        if !std::mem::replace(&mut seen[arc.head as usize], true) {
            stack.push(arc.head);
        }
    }
    while let Some(state) = stack.pop() {
        if graph.state_place(state) == to {
            continue;
        }
        for arc in graph.objective_links(state) {
            if graph.state_place(arc.head) == from {
                continue;
            }
            arcs.push((Some(state), arc));
            if !std::mem::replace(&mut seen[arc.head as usize], true) {
                stack.push(arc.head);
            }
        }
    }
    // States that can reach a target: a fixpoint over the reversed arcs (CSR by head).
    let mut first = vec![0u32; graph.state_count() + 1];
    for (tail, arc) in &arcs {
        if tail.is_some() {
            first[arc.head as usize + 1] += 1;
        }
    }
    for s in 0..graph.state_count() {
        first[s + 1] += first[s];
    }
    let mut next: Vec<u32> = first[..graph.state_count()].to_vec();
    let mut tails = vec![0 as StateId; first[graph.state_count()] as usize];
    let mut good = vec![false; graph.state_count()];
    let mut queue = Vec::new();
    for (tail, arc) in &arcs {
        if let Some(tail) = tail {
            tails[next[arc.head as usize] as usize] = *tail;
            next[arc.head as usize] += 1;
        }
        if graph.state_place(arc.head) == to
            && graph.is_target(arc.head)
            && !std::mem::replace(&mut good[arc.head as usize], true)
        {
            queue.push(arc.head);
        }
    }
    while let Some(state) = queue.pop() {
        let s = state as usize;
        for &tail in &tails[first[s] as usize..first[s + 1] as usize] {
            if !std::mem::replace(&mut good[tail as usize], true) {
                queue.push(tail);
            }
        }
    }
    let mut useful: Vec<(Option<StateId>, Link)> = arcs
        .into_iter()
        .filter(|(tail, arc)| good[arc.head as usize] && tail.is_none_or(|t| good[t as usize]))
        .collect();
    // (tail, leg) is unique, so an unstable sort is deterministic.
    useful.sort_unstable_by_key(|(tail, arc)| (tail.map_or(-1, i64::from), arc.head, arc.leg));
    useful
}
