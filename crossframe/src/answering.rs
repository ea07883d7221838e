//! The peer's calls this side is answering now, as plain Rust.
//!
//! An asynchronous handler's answer takes a slot while it runs; at most
//! [`crate::MAX_CALLS_IN_FLIGHT`] run at once and the next call is answered
//! "busy" without running its handler. The answers belong to one session:
//! when it ends (`bye`, reload, reconnect, unmount), [`Answering::cancel_all`]
//! cancels every one of them and frees its slot, so a peer that reconnects
//! finds all slots free, and no handler of a dead session keeps running.

use std::collections::HashMap;
use std::future::Future;

use futures_util::future::{AbortHandle, Abortable};

/// A slot taken by one running answer; give it back with [`Answering::finish`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Slot(u64);

/// Every slot is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Busy;

/// The running answers of the current session.
#[derive(Debug)]
pub(crate) struct Answering {
    running: HashMap<Slot, AbortHandle>,
    next: u64,
    max: usize,
}

impl Answering {
    /// At most `max` answers run at once.
    pub(crate) fn new(max: usize) -> Self {
        Self {
            running: HashMap::new(),
            next: 0,
            max,
        }
    }

    /// Takes a slot and starts the answer (`handler` is not called when
    /// every slot is taken): the future to run, which ends with
    /// `Err(Aborted)` at once if the session ends first.
    pub(crate) fn start<F: Future>(
        &mut self,
        handler: impl FnOnce() -> F,
    ) -> Result<(Slot, Abortable<F>), Busy> {
        if self.running.len() >= self.max {
            return Err(Busy);
        }
        let answer = handler();
        let (handle, registration) = AbortHandle::new_pair();
        let slot = Slot(self.next);
        self.next += 1;
        self.running.insert(slot, handle);
        Ok((slot, Abortable::new(answer, registration)))
    }

    /// The answer in `slot` ended: free the slot (a no-op once cancelled).
    pub(crate) fn finish(&mut self, slot: Slot) {
        self.running.remove(&slot);
    }

    /// The session ended: cancels every running answer and frees its slot.
    /// Returns how many were cancelled.
    pub(crate) fn cancel_all(&mut self) -> usize {
        let cancelled = self.running.len();
        for (_, handle) in self.running.drain() {
            handle.abort();
        }
        cancelled
    }

    /// How many answers run now.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.running.len()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::pin::pin;
    use std::rc::Rc;
    use std::task::{Context, Poll};

    use futures_util::future::Aborted;
    use futures_util::task::noop_waker_ref;

    use super::*;

    /// Counts how many of the handler futures were dropped.
    struct DropCounter(Rc<Cell<usize>>);
    impl Drop for DropCounter {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }

    /// A handler that never answers, and tells when it is dropped.
    fn never_answers(dropped: &Rc<Cell<usize>>) -> impl Future<Output = ()> {
        let counter = DropCounter(dropped.clone());
        async move {
            let _counter = counter;
            std::future::pending::<()>().await;
        }
    }

    #[test]
    fn past_the_bound_a_call_is_busy() {
        let dropped = Rc::new(Cell::new(0));
        let mut answering = Answering::new(2);
        let _a = answering.start(|| never_answers(&dropped)).unwrap();
        let (slot, _b) = answering.start(|| never_answers(&dropped)).unwrap();
        assert_eq!(
            answering.start(|| never_answers(&dropped)).err(),
            Some(Busy)
        );
        answering.finish(slot);
        assert!(answering.start(|| never_answers(&dropped)).is_ok());
    }

    #[test]
    fn the_end_of_a_session_cancels_every_answer_and_frees_its_slot() {
        let dropped = Rc::new(Cell::new(0));
        let mut answering = Answering::new(1_000);
        let mut running: Vec<_> = (0..1_000)
            .map(|_| {
                answering
                    .start(|| Box::pin(never_answers(&dropped)))
                    .unwrap()
            })
            .collect();
        assert_eq!(
            answering.start(|| never_answers(&dropped)).err(),
            Some(Busy)
        );
        assert_eq!(dropped.get(), 0, "a busy call's handler is not called");

        assert_eq!(answering.cancel_all(), 1_000);
        assert_eq!(answering.len(), 0);
        let mut context = Context::from_waker(noop_waker_ref());
        for (_, answer) in &mut running {
            assert_eq!(pin!(answer).poll(&mut context), Poll::Ready(Err(Aborted)));
        }
        drop(running);
        assert_eq!(
            dropped.get(),
            1_000,
            "every handler of the old session is dropped"
        );

        // The next session has every slot, and an old slot's late finish
        // frees nothing of it.
        let (_, _new) = answering.start(|| never_answers(&dropped)).unwrap();
        answering.finish(Slot(0));
        assert_eq!(answering.len(), 1);
    }

    #[test]
    fn a_peer_that_keeps_reconnecting_never_runs_more_than_the_bound() {
        let dropped = Rc::new(Cell::new(0));
        let mut answering = Answering::new(10);
        for _session in 0..100 {
            let started = (0..20)
                .filter_map(|_| answering.start(|| never_answers(&dropped)).ok())
                .count();
            assert_eq!(started, 10);
            assert!(answering.len() <= 10);
            answering.cancel_all();
        }
    }
}
