//! A [`Hierarchy`] as plain arrays, to store it (snapshots) and rebuild it without the
//! preprocessing.
//!
//! Only what cannot be derived from the graph is kept: where each edge comes from (an
//! arc of the graph, or a shortcut over two edges) and which edges each state searches
//! upward and downward, in order. Ends, weights and metrics of every edge are derived
//! again from the graph when the hierarchy is rebuilt, so a hierarchy that does not
//! belong to the graph (another network, another profile, an older compiler) is
//! refused instead of answering wrongly.

use rayon::prelude::*;

use super::{Edge, Hierarchy, Layout, Origin, SearchPool};
use crate::graph::{Arc, DirLeg, Graph, Metrics, StateId};

/// Where an edge of a hierarchy comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeOrigin {
    /// The arc number `index` of state `tail` in the graph.
    Arc {
        /// The state the arc leaves.
        tail: u32,
        /// Its position among the state's arcs.
        index: u32,
    },
    /// A shortcut: edge `first`, then edge `second`.
    Shortcut {
        /// The edge into the contracted state.
        first: u32,
        /// The edge out of it.
        second: u32,
    },
}

/// A hierarchy as plain arrays ([`Hierarchy::to_parts`], [`Hierarchy::from_parts`]).
#[derive(Clone, Debug, PartialEq)]
pub struct HierarchyParts {
    /// States of the graph the hierarchy was built on.
    pub states: u32,
    /// Shortcuts the preprocessing added (reported, not checked).
    pub shortcuts: u64,
    /// Where the upward edges of each state start in `up` (`states + 1` entries).
    pub up_start: Vec<u32>,
    /// Upward edges (ids into `origins`), grouped by their tail state.
    pub up: Vec<u32>,
    /// Where the downward edges of each state start in `down` (`states + 1` entries).
    pub down_start: Vec<u32>,
    /// Edges into each state from a higher one (ids into `origins`), grouped by head.
    pub down: Vec<u32>,
    /// Where every edge comes from, by edge id.
    pub origins: Vec<EdgeOrigin>,
    /// A hash of every edge's weight ([`weight_check`]): the weights derived from the
    /// graph must give the same, so a hierarchy of another profile or of a graph
    /// compiled differently is refused.
    pub weight_check: u64,
}

/// A hash of edge weights in id order (FNV-1a over their bits).
pub fn weight_check(weights: impl IntoIterator<Item = f64>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for weight in weights {
        hash ^= weight.to_bits();
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Why [`Hierarchy::from_parts`] refused: the parts do not describe a hierarchy of this
/// graph. The message says what does not match.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PartsError(pub String);

impl Hierarchy {
    /// The hierarchy as plain arrays.
    pub fn to_parts(&self) -> HierarchyParts {
        let mut weights = vec![0.0; self.origins.len()];
        for edge in self.up.iter().chain(&self.down) {
            weights[edge.id as usize] = edge.weight;
        }
        let (up_start, up) = self.by_state(Hierarchy::up);
        let (down_start, down) = self.by_state(Hierarchy::down);
        HierarchyParts {
            weight_check: weight_check(weights),
            states: self.states as u32,
            shortcuts: self.shortcuts as u64,
            up_start,
            up,
            down_start,
            down,
            origins: self
                .origins
                .iter()
                .map(|origin| match *origin {
                    Origin::Arc(tail, index, _) => EdgeOrigin::Arc { tail, index },
                    Origin::Shortcut(first, second) => EdgeOrigin::Shortcut { first, second },
                })
                .collect(),
        }
    }

    /// Edge lists in state order (as parts store them, whatever the search layout):
    /// offsets and edge ids.
    fn by_state(&self, edges: fn(&Hierarchy, u32) -> &[Edge]) -> (Vec<u32>, Vec<u32>) {
        let mut start = Vec::with_capacity(self.states + 1);
        let mut ids = Vec::new();
        start.push(0);
        for s in 0..self.states as StateId {
            ids.extend(edges(self, self.at(s)).iter().map(|e| e.id));
            start.push(ids.len() as u32);
        }
        (start, ids)
    }

    /// Rebuilds a hierarchy of `graph` from its parts, checking that they belong to it:
    /// the state count, every arc an edge names exists, shortcuts join edges end to end
    /// and never contain themselves, every edge is listed once at most and at the
    /// state it leaves (upward) or enters (downward). Weights and metrics are those of
    /// the graph's arcs, summed as the preprocessing sums them, so answers are the same
    /// as with the hierarchy that was stored. O(edges).
    pub fn from_parts(graph: &Graph<'_>, parts: &HierarchyParts) -> Result<Hierarchy, PartsError> {
        let fail = |message: String| Err(PartsError(message));
        let states = graph.state_count();
        if parts.states as usize != states {
            return fail(format!(
                "the hierarchy was built on a graph of {} states; this network's graph has {states}",
                parts.states
            ));
        }
        let edges = parts.origins.len();
        if edges > u32::MAX as usize {
            return fail(format!("{edges} edges: at most {} expected", u32::MAX));
        }
        let (ends, weights, metrics) = derive_edges(graph, &parts.origins)?;
        // Edges listed nowhere (loops at a state) weigh nothing in the stored check.
        let mut listed_weights = vec![0.0; edges];
        for &id in parts.up.iter().chain(&parts.down) {
            if let Some(&w) = weights.get(id as usize) {
                listed_weights[id as usize] = w;
            }
        }
        if weight_check(listed_weights) != parts.weight_check {
            return fail(
                "its edge weights differ from this network's graph (built for another profile or by another version)"
                    .to_owned(),
            );
        }
        let mut listed = vec![false; edges];
        let mut adjacency = |start: &[u32], ids: &[u32], upward: bool| {
            let what = if upward { "upward" } else { "downward" };
            if start.len() != states + 1
                || start.first() != Some(&0)
                || start.last().map(|&s| s as usize) != Some(ids.len())
                || start.windows(2).any(|w| w[0] > w[1])
            {
                return Err(PartsError(format!(
                    "the {what} edge lists are not {} increasing offsets ending at {}",
                    states + 1,
                    ids.len()
                )));
            }
            let mut out = Vec::with_capacity(ids.len());
            for (s, range) in start.windows(2).enumerate() {
                for &id in &ids[range[0] as usize..range[1] as usize] {
                    let Some(&(tail, head)) = ends.get(id as usize) else {
                        return Err(PartsError(format!(
                            "{what} edge {id} of state {s} does not exist ({edges} edges)"
                        )));
                    };
                    if std::mem::replace(&mut listed[id as usize], true) {
                        return Err(PartsError(format!("edge {id} is listed twice")));
                    }
                    let (at, other) = if upward { (tail, head) } else { (head, tail) };
                    if at as usize != s {
                        return Err(PartsError(format!(
                            "{what} edge {id} is listed at state {s} but runs {tail} → {head}"
                        )));
                    }
                    out.push(Edge {
                        head: other,
                        weight: weights[id as usize],
                        id,
                    });
                }
            }
            Ok(out)
        };
        let up = adjacency(&parts.up_start, &parts.up, true)?;
        let down = adjacency(&parts.down_start, &parts.down, false)?;
        let positive =
            (0..states as StateId).all(|s| graph.hot_arcs(s).iter().all(|arc| arc.weight > 0.0));
        let layout = Layout::new(&parts.up_start, &up, &parts.down_start, &down);
        Ok(Hierarchy {
            states,
            position: layout.position,
            state_at: layout.state_at,
            up_start: layout.up_start,
            up: layout.up,
            down_start: layout.down_start,
            down: layout.down,
            // Arcs were checked by `derive_edges`: they exist.
            origins: parts
                .origins
                .par_iter()
                .map(|origin| match *origin {
                    EdgeOrigin::Arc { tail, index } => {
                        let leg = graph.links(tail).nth(index as usize).map(|link| link.leg);
                        Origin::Arc(tail, index, leg.unwrap_or(DirLeg(0)))
                    }
                    EdgeOrigin::Shortcut { first, second } => Origin::Shortcut(first, second),
                })
                .collect(),
            ends,
            metrics,
            shortcuts: usize::try_from(parts.shortcuts).unwrap_or(usize::MAX),
            positive,
            pool: SearchPool::default(),
        })
    }
}

/// Ends, weights and metrics of every edge, children before the shortcuts over them
/// (an explicit stack, no recursion); a shortcut that contains itself is refused.
#[allow(clippy::type_complexity)]
fn derive_edges(
    graph: &Graph<'_>,
    origins: &[EdgeOrigin],
) -> Result<(Vec<(StateId, StateId)>, Vec<f64>, Vec<Metrics>), PartsError> {
    const NEW: u8 = 0;
    const OPEN: u8 = 1;
    const DONE: u8 = 2;
    let n = origins.len();
    let mut mark = vec![NEW; n];
    let mut ends = vec![(0, 0); n];
    let mut weights = vec![0.0; n];
    let mut metrics = vec![Metrics::ZERO; n];
    // Edges of the graph's arcs first, in parallel (their metrics are recomputed from
    // the network on large graphs), then shortcuts over them.
    ends.par_iter_mut()
        .zip(weights.par_iter_mut())
        .zip(metrics.par_iter_mut())
        .zip(mark.par_iter_mut())
        .zip(origins.par_iter())
        .enumerate()
        .try_for_each(|(e, ((((ends, weight), metrics), mark), origin))| {
            let EdgeOrigin::Arc { tail, index } = *origin else {
                return Ok(());
            };
            let arc = arc_of(graph, e, tail, index)?;
            *ends = (tail, arc.head);
            *weight = arc.weight;
            *metrics = arc.metrics;
            *mark = DONE;
            Ok(())
        })?;
    let mut stack: Vec<u32> = Vec::new();
    for root in 0..n as u32 {
        if mark[root as usize] == DONE {
            continue;
        }
        stack.push(root);
        while let Some(&e) = stack.last() {
            let i = e as usize;
            match origins[i] {
                EdgeOrigin::Arc { tail, index } => {
                    let arc = arc_of(graph, i, tail, index)?;
                    ends[i] = (tail, arc.head);
                    weights[i] = arc.weight;
                    metrics[i] = arc.metrics;
                    mark[i] = DONE;
                    stack.pop();
                }
                EdgeOrigin::Shortcut { first, second } => {
                    let (a, b) = (first as usize, second as usize);
                    if a >= n || b >= n {
                        return Err(PartsError(format!(
                            "shortcut {e} joins edges {first} and {second}; there are {n} edges"
                        )));
                    }
                    if mark[a] == DONE && mark[b] == DONE {
                        if ends[a].1 != ends[b].0 {
                            return Err(PartsError(format!(
                                "shortcut {e} joins edge {first} ({} → {}) to edge {second} ({} → {}), which do not meet",
                                ends[a].0, ends[a].1, ends[b].0, ends[b].1
                            )));
                        }
                        ends[i] = (ends[a].0, ends[b].1);
                        weights[i] = weights[a] + weights[b];
                        metrics[i] = metrics[a] + metrics[b];
                        mark[i] = DONE;
                        stack.pop();
                        continue;
                    }
                    if mark[i] == OPEN {
                        // Its children were pushed once already and are not done: one of
                        // them contains this edge.
                        return Err(PartsError(format!("shortcut {e} contains itself")));
                    }
                    mark[i] = OPEN;
                    for child in [b, a] {
                        match mark[child] {
                            DONE => {}
                            OPEN => {
                                return Err(PartsError(format!("shortcut {e} contains itself")));
                            }
                            _ => stack.push(child as u32),
                        }
                    }
                }
            }
        }
    }
    Ok((ends, weights, metrics))
}

/// The arc `index` of state `tail` that edge `e` stands for, if the graph has it.
fn arc_of(graph: &Graph<'_>, e: usize, tail: StateId, index: u32) -> Result<Arc, PartsError> {
    let arcs = if (tail as usize) < graph.state_count() {
        graph.hot_arcs(tail).len()
    } else {
        0
    };
    if index as usize >= arcs {
        return Err(PartsError(format!(
            "edge {e} stands for arc {index} of state {tail}, which the graph does not have"
        )));
    }
    Ok(graph.arc_at(tail, index as usize))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::{Synthetic, generate};
    use crate::{Objective, Profile};

    /// Parts rebuild the same hierarchy (same edges, weights and metrics); broken parts
    /// are refused.
    #[test]
    fn parts_round_trip_and_refuse_broken_ones() {
        let network = generate(Synthetic {
            places: 400,
            seed: 3,
        });
        let graph = Graph::new(&network, &Profile::new(Objective::Cost));
        let hierarchy = Hierarchy::new(&graph);
        let parts = hierarchy.to_parts();
        let again = Hierarchy::from_parts(&graph, &parts).unwrap();
        assert_eq!(again.to_parts(), parts);
        assert_eq!(again.ends, hierarchy.ends);
        assert_eq!(again.positive, hierarchy.positive);
        for (a, b) in again.up.iter().zip(&hierarchy.up) {
            assert_eq!(
                (a.head, a.weight.to_bits(), a.id),
                (b.head, b.weight.to_bits(), b.id)
            );
        }
        for (a, b) in again.metrics.iter().zip(&hierarchy.metrics) {
            assert_eq!(a, b);
        }
        let other = Graph::new(&network, &Profile::new(Objective::Time));
        let error = Hierarchy::from_parts(&other, &parts).unwrap_err();
        assert!(error.0.contains("weights differ"), "{error}");
        let small = generate(Synthetic {
            places: 100,
            seed: 3,
        });
        let small_graph = Graph::new(&small, &Profile::new(Objective::Cost));
        assert!(Hierarchy::from_parts(&small_graph, &parts).is_err());
        let mut looped = parts.clone();
        let last = looped.origins.len() as u32 - 1;
        looped.origins[last as usize] = EdgeOrigin::Shortcut {
            first: last,
            second: last,
        };
        let error = Hierarchy::from_parts(&graph, &looped).unwrap_err();
        assert!(error.0.contains("contains itself"), "{error}");
        let mut listed = parts.clone();
        listed.up[0] = listed.up[1];
        assert!(Hierarchy::from_parts(&graph, &listed).is_err());
        let mut arc = parts;
        arc.origins[0] = EdgeOrigin::Arc {
            tail: 0,
            index: 1000,
        };
        assert!(Hierarchy::from_parts(&graph, &arc).is_err());
    }
}
