//! The calls this side waits on, with their deadlines, as plain Rust.
//!
//! The state machine ([`crate::connection`]) keeps this table: it hands out
//! call ids, bounds how many wait, and decides which fail and why (a
//! deadline passed, the session ended). The browser layer keeps only the
//! other end of each call's future, and arms one alarm for
//! [`PendingCalls::next_deadline`]. A call whose future was dropped is
//! [`PendingCalls::take`]n at once, so abandoned calls never fill the table.

use std::collections::BTreeMap;
use std::time::Duration;

/// One waiting call.
#[derive(Debug, Clone)]
struct Pending<W> {
    waiter: W,
    /// Milliseconds since the epoch after which the call has timed out.
    deadline: f64,
    /// The timeout it was made with, for the error message.
    timeout: Duration,
}

/// Call id → its waiter (`W`: in the browser, the sender half of the
/// call's future) and deadline.
#[derive(Debug, Clone)]
pub(crate) struct PendingCalls<W> {
    calls: BTreeMap<u64, Pending<W>>,
}

impl<W> Default for PendingCalls<W> {
    fn default() -> Self {
        Self {
            calls: BTreeMap::new(),
        }
    }
}

impl<W> PendingCalls<W> {
    /// Call `id` now waits, until `deadline` (ms since the epoch).
    pub(crate) fn insert(&mut self, id: u64, waiter: W, deadline: f64, timeout: Duration) {
        self.calls.insert(
            id,
            Pending {
                waiter,
                deadline,
                timeout,
            },
        );
    }

    /// Removes call `id` (answered, failed, or abandoned): its waiter, if it
    /// was still waiting.
    pub(crate) fn take(&mut self, id: u64) -> Option<W> {
        self.calls.remove(&id).map(|call| call.waiter)
    }

    /// The calls past their deadline at `now`, with the timeout each was made
    /// with. They stay in the table until taken.
    pub(crate) fn due(&self, now: f64) -> Vec<(u64, Duration)> {
        self.calls
            .iter()
            .filter(|(_, call)| call.deadline <= now)
            .map(|(id, call)| (*id, call.timeout))
            .collect()
    }

    /// The earliest deadline still ahead of `now`, for the one alarm.
    pub(crate) fn next_deadline(&self, now: f64) -> Option<f64> {
        self.calls
            .values()
            .map(|call| call.deadline)
            .filter(|deadline| *deadline > now)
            .reduce(f64::min)
    }

    /// How many calls wait.
    pub(crate) fn len(&self) -> usize {
        self.calls.len()
    }

    /// Whether no call waits.
    pub(crate) fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// The ids of the calls that wait, in order.
    pub(crate) fn ids(&self) -> Vec<u64> {
        self.calls.keys().copied().collect()
    }

    /// Removes every call: their ids, in order.
    pub(crate) fn take_all(&mut self) -> Vec<u64> {
        let ids = self.ids();
        self.calls.clear();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn table() -> PendingCalls<&'static str> {
        let mut calls = PendingCalls::default();
        calls.insert(1, "one", 1_000.0, SECOND);
        calls.insert(2, "two", 3_000.0, 3 * SECOND);
        calls.insert(3, "three", 2_000.0, 2 * SECOND);
        calls
    }

    #[test]
    fn an_answer_takes_its_waiter_once() {
        let mut calls = table();
        assert_eq!(calls.take(2), Some("two"));
        assert_eq!(calls.take(2), None, "a late second answer finds nobody");
        assert_eq!(calls.len(), 2);
    }

    #[test]
    fn due_lists_the_calls_past_their_deadline_in_id_order() {
        let calls = table();
        assert_eq!(calls.due(999.0), vec![]);
        assert_eq!(calls.due(2_000.0), vec![(1, SECOND), (3, 2 * SECOND)]);
        assert_eq!(calls.len(), 3, "due does not remove");
    }

    #[test]
    fn next_deadline_is_the_earliest_one_still_ahead() {
        let mut calls = table();
        assert_eq!(calls.next_deadline(0.0), Some(1_000.0));
        assert_eq!(calls.next_deadline(1_000.0), Some(2_000.0));
        calls.take(3);
        assert_eq!(calls.next_deadline(1_000.0), Some(3_000.0));
        assert_eq!(calls.next_deadline(3_000.0), None);
    }

    #[test]
    fn an_abandoned_call_frees_its_place_at_once() {
        let mut calls = PendingCalls::default();
        for id in 0..10_000 {
            calls.insert(id, (), f64::MAX, Duration::MAX);
            calls.take(id);
        }
        assert_eq!(calls.len(), 0);
    }
}
