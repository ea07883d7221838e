//! What the peer sends us: its messages to our handlers, and its calls,
//! answered at once or in a slot of the session.

use super::*;

impl<Theirs: Api, Ours: Api> Inner<Theirs, Ours> {
    pub(super) fn deliver_message(&self, raw: RawBody<'_>, origin: &Origin) {
        match raw.decode::<Ours::Message>() {
            Ok(message) => {
                self.delivered();
                let handler = self.handlers.borrow().on_message.clone();
                if let Some(handler) = handler {
                    handler(message, &self.peer_handle(origin.clone()));
                }
            }
            Err(error) => self.drop_message(Dropped {
                origin: origin.to_string(),
                reason: error.into(),
            }),
        }
    }

    pub(super) fn answer(&self, id: u64, raw: RawBody<'_>, origin: Origin) {
        let request = match raw.decode::<Ours::Request>() {
            Ok(request) => request,
            Err(error) => return self.respond(id, Err(error.to_string())),
        };
        self.delivered();
        let handler = self.handlers.borrow().on_request.clone();
        match handler {
            None => self.respond(id, Err("this side answers no calls".to_owned())),
            Some(RequestHandler::Sync(handler)) => {
                let result = handler(request, &self.peer_handle(origin));
                self.respond(id, result);
            }
            Some(RequestHandler::Async(handler)) => {
                if self.port.borrow().is_none() {
                    return;
                }
                // The handler runs in a slot of this session: when the
                // session ends, it is cancelled (dropped) and its slot freed.
                let started = self
                    .answering
                    .borrow_mut()
                    .start(|| handler(request, self.peer_handle(origin)));
                let Ok((slot, answer)) = started else {
                    let busy = format!("busy: {MAX_CALLS_IN_FLIGHT} calls in flight");
                    return self.respond(id, Err(busy));
                };
                let this = self.this.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    // Err: cancelled, the session it belongs to has ended.
                    let Ok(result) = answer.await else {
                        return;
                    };
                    if let Some(inner) = this.upgrade() {
                        inner.answering.borrow_mut().finish(slot);
                        inner.respond(id, result);
                    }
                });
            }
        }
    }

    /// Posts the answer to call `id` on the current port.
    pub(super) fn respond(&self, id: u64, result: Result<Ours::Response, String>) {
        match self.post_frame(&Frame::Response { id, result }) {
            Ok(()) | Err(SendError::NotConnected) => {}
            Err(error) => web_sys::console::warn_1(
                &format!("crossframe: answering call {id}: {error}").into(),
            ),
        }
    }
}
