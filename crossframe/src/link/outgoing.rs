//! Our calls to the peer: starting one, its deadline (one alarm for all),
//! and its answer.

use super::*;

impl<Theirs: Api, Ours: Api> Inner<Theirs, Ours> {
    /// Calls the peer; the future ends with its answer or a typed error, at
    /// the latest when `timeout` (or the default) has passed. Dropping the
    /// future cancels the call.
    pub(super) fn call(
        this: &Rc<Self>,
        request: Theirs::Request,
        timeout: Option<Duration>,
    ) -> impl Future<Output = Result<Theirs::Response, CallError>> {
        let timeout = timeout.unwrap_or_else(|| this.options.borrow().call_timeout);
        let started = Inner::start_call(this, &request, timeout);
        // Made now, not when first polled: a future dropped unpolled cancels too.
        let cancel_if_dropped = started.as_ref().ok().map(|(id, _)| CancelCall {
            inner: Rc::downgrade(this),
            id: *id,
        });
        async move {
            let _cancel_if_dropped = cancel_if_dropped;
            let (_, receiver) = started?;
            // A dropped sender means the link itself is gone.
            receiver
                .await
                .unwrap_or(Err(CallError::Disconnected(DisconnectReason::Closed)))
        }
    }

    pub(super) fn start_call(
        this: &Rc<Self>,
        request: &Theirs::Request,
        timeout: Duration,
    ) -> Result<(u64, Answer<Theirs::Response>), CallError> {
        let deadline = crate::timer::deadline(js_sys::Date::now(), timeout);
        let id = this
            .machine
            .borrow_mut()
            .begin_call_until(deadline, timeout)?;
        let sent = match this.post_frame(&Frame::Request { id, body: request }) {
            Ok(()) => Ok(()),
            Err(SendError::NotConnected) => Err(CallError::NotConnected),
            Err(e) => Err(CallError::Send(e)),
        };
        if let Err(error) = sent {
            this.machine.borrow_mut().finish_call(id);
            return Err(error);
        }
        let (answer, receiver) = oneshot::channel();
        this.waiters.borrow_mut().insert(id, answer);
        this.arm(deadline);
        Ok((id, receiver))
    }

    /// Sets the alarm for `deadline` unless it already rings earlier.
    pub(super) fn arm(&self, deadline: f64) {
        if self
            .alarm
            .borrow()
            .as_ref()
            .is_some_and(|(at, _)| *at <= deadline)
        {
            return;
        }
        let weak = self.this.clone();
        // At most ~24.8 days at a time: past that the alarm rings early,
        // finds nothing due, and re-arms for the rest (see `expire`).
        let wait = crate::timer::step(deadline - js_sys::Date::now());
        let timer = Timeout::new(wait, move || {
            if let Some(inner) = weak.upgrade() {
                inner.expire();
            }
        });
        *self.alarm.borrow_mut() = Some((deadline, timer));
    }

    /// The alarm rang: time out every call past its deadline, re-arm for the next.
    pub(super) fn expire(&self) {
        self.alarm.borrow_mut().take();
        let now = js_sys::Date::now();
        let effects = self.machine.borrow_mut().expire(now);
        self.apply(effects);
        let next = self.machine.borrow().next_deadline(now);
        if let Some(next) = next {
            self.arm(next);
        }
    }

    pub(super) fn resolve(&self, id: u64, result: Result<RawBody<'_>, String>, origin: &Origin) {
        let waiter = self.waiters.borrow_mut().remove(&id);
        let Some(waiter) = waiter.filter(|_| self.machine.borrow_mut().finish_call(id)) else {
            // Timed out, failed, cancelled, or never made: say so.
            return self.drop_message(Dropped {
                origin: format!("{origin} (private channel)"),
                reason: DropReason::UnknownCall(id),
            });
        };
        self.delivered();
        let outcome = match result {
            Ok(raw) => raw.decode::<Theirs::Response>().map_err(CallError::Decode),
            Err(remote) => Err(CallError::Remote(remote)),
        };
        let _ = waiter.send(outcome);
    }
}
