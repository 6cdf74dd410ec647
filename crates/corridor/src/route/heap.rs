//! An indexed 4-ary min-heap of states keyed by weight, with decrease-key: each state is
//! in the heap at most once, so a search does at most one push and one pop per state
//! instead of one per improving arc (what a lazy binary heap does). Hand-written
//! because it is the innermost loop of every one-to-all search and sweep; checked
//! against a sorted reference in the tests below and through every search's tests.

use crate::graph::StateId;

const ARITY: usize = 4;
const ABSENT: u32 = u32::MAX;
/// The position of a state popped since it was last reopened: pushes ignore it.
const CLOSED: u32 = u32::MAX - 1;

/// The heap; keys are `f64` bit patterns of non-negative weights (they order as the
/// weights do). With `CLOSE`, popped states stay out until reopened (A*, where rounding
/// can make a settled state look a hair closer later); without, a popped state may be
/// pushed again, which plain Dijkstra never does, and nothing is left to reopen.
#[derive(Debug, Default)]
pub(crate) struct IndexedHeap<const CLOSE: bool = false> {
    entries: Vec<(u64, StateId)>,
    /// Position of each state in `entries`, `ABSENT` if not in the heap.
    position: Vec<u32>,
}

impl<const CLOSE: bool> IndexedHeap<CLOSE> {
    /// An empty heap for `states` states.
    pub(crate) fn new(states: usize) -> IndexedHeap<CLOSE> {
        IndexedHeap {
            entries: Vec::new(),
            position: vec![ABSENT; states],
        }
    }

    /// Whether `state` was popped and not reopened since.
    #[cfg(test)]
    pub(crate) fn is_closed(&self, state: StateId) -> bool {
        self.position[state as usize] == CLOSED
    }

    /// Lets a popped state be pushed again.
    #[inline(always)]
    pub(crate) fn reopen(&mut self, state: StateId) {
        if CLOSE {
            self.position[state as usize] = ABSENT;
        }
    }

    /// Empties the heap, calling `f` for each state that was in it (popped states stay
    /// closed).
    pub(crate) fn drain(&mut self, mut f: impl FnMut(StateId)) {
        for &(_, s) in &self.entries {
            self.position[s as usize] = ABSENT;
            f(s);
        }
        self.entries.clear();
    }

    /// Inserts `state` with `weight`, or lowers its key if it is in the heap with a
    /// larger one; nothing if it is closed. `weight` must be non-negative. True if the
    /// state was inserted or its key lowered.
    #[inline(always)]
    pub(crate) fn push(&mut self, weight: f64, state: StateId) -> bool {
        let key = weight.to_bits();
        let at = self.position[state as usize];
        if at == CLOSED {
            return false;
        }
        let index = if at == ABSENT {
            self.entries.push((key, state));
            self.entries.len() - 1
        } else {
            let index = at as usize;
            if key >= self.entries[index].0 {
                return false;
            }
            self.entries[index].0 = key;
            index
        };
        self.sift_up(index);
        true
    }

    /// The state with the smallest weight, left in the heap.
    #[inline(always)]
    pub(crate) fn peek_state(&self) -> Option<StateId> {
        self.entries.first().map(|&(_, s)| s)
    }

    /// Removes and returns the state with the smallest weight, and closes it.
    pub(crate) fn pop(&mut self) -> Option<(f64, StateId)> {
        self.pop_inline()
    }

    /// [`IndexedHeap::pop`], always inlined: the loops of searches on small graphs
    /// (see [`crate::route::kernel::Queue::pop_inline`]).
    #[inline(always)]
    pub(crate) fn pop_inline(&mut self) -> Option<(f64, StateId)> {
        let (key, state) = *self.entries.first()?;
        self.position[state as usize] = if CLOSE { CLOSED } else { ABSENT };
        let last = self.entries.pop()?;
        if !self.entries.is_empty() {
            // Move the hole at the root down along smallest children to a leaf, then
            // put the last entry there and sift it up: the last entry is usually large,
            // so this skips the unpredictable "stop here?" test on the way down.
            let hole = self.hole_to_leaf();
            self.entries[hole] = last;
            self.sift_up(hole);
        }
        Some((f64::from_bits(key), state))
    }

    /// Moves the hole at the root down to a leaf, pulling the smallest child up at each
    /// level; returns the leaf position.
    fn hole_to_leaf(&mut self) -> usize {
        let len = self.entries.len();
        let mut index = 0;
        loop {
            let first = index * ARITY + 1;
            if first >= len {
                return index;
            }
            let end = (first + ARITY).min(len);
            // The smallest child, written so that it compiles to conditional moves:
            // keys are random, so branches here would mispredict half the time.
            let mut best = first;
            let mut best_key = self.entries[first].0;
            for child in first + 1..end {
                let key = self.entries[child].0;
                let less = key < best_key;
                best = if less { child } else { best };
                best_key = if less { key } else { best_key };
            }
            let below = self.entries[best];
            self.entries[index] = below;
            self.position[below.1 as usize] = index as u32;
            index = best;
        }
    }

    fn sift_up(&mut self, mut index: usize) {
        let item = self.entries[index];
        while index > 0 {
            let parent = (index - 1) / ARITY;
            let above = self.entries[parent];
            if above.0 <= item.0 {
                break;
            }
            self.entries[index] = above;
            self.position[above.1 as usize] = index as u32;
            index = parent;
        }
        self.entries[index] = item;
        self.position[item.1 as usize] = index as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any sequence of pushes (with decrease-keys) and pops gives what a sorted
        /// map of best keys per state gives.
        #[test]
        fn matches_a_sorted_reference(ops in prop::collection::vec((0u32..40, 0.0f64..1e6, any::<bool>()), 0..300)) {
            let mut heap = IndexedHeap::<true>::new(40);
            let mut reference: std::collections::BTreeMap<StateId, f64> = Default::default();
            for (state, weight, pop) in ops {
                if pop {
                    let got = heap.pop();
                    let want = reference
                        .iter()
                        .min_by(|a, b| a.1.total_cmp(b.1).then(a.0.cmp(b.0)))
                        .map(|(&s, &w)| (w, s));
                    prop_assert_eq!(got.map(|g| g.0), want.map(|w| w.0));
                    if let Some((_, s)) = got {
                        prop_assert!(reference.remove(&s).is_some());
                    }
                } else {
                    // A popped state is closed: reopen it as a fresh insert.
                    if heap.is_closed(state) {
                        heap.reopen(state);
                    }
                    heap.push(weight, state);
                    let slot = reference.entry(state).or_insert(weight);
                    *slot = slot.min(weight);
                }
            }
            heap.drain(|_| {});
            prop_assert!(heap.pop().is_none());
        }
    }
}
