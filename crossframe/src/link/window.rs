//! The window path: the `message` listener on `window` (hello, connect,
//! refused, version mismatch), our hellos, and refusing a parent we do not allow.

use super::*;

impl<Theirs: Api, Ours: Api> Inner<Theirs, Ours> {
    pub(super) fn on_window_message(&self, event: &MessageEvent) {
        let (policy, peer, max_len) = {
            let options = self.options.borrow();
            (
                options.allowed.clone(),
                options.peer.clone(),
                options.max_message_len,
            )
        };
        let admitted = match inspect::<Box<RawValue>>(event, &policy, &peer, max_len) {
            Ok(admitted) => admitted,
            Err(dropped) => {
                // Right origin and window, other protocol: tell the state machine.
                if let DropReason::Decode(DecodeError::UnsupportedVersion { got }) = dropped.reason
                {
                    if let Ok(origin) = Origin::parse(&dropped.origin) {
                        let effects = self.machine.borrow_mut().version_mismatch(origin, got);
                        self.apply(effects);
                    }
                }
                if matches!(dropped.reason, DropReason::Origin(_)) {
                    self.refuse_parent(event, &peer);
                }
                self.drop_message(dropped);
                return;
            }
        };
        let origin = admitted.origin;
        let effects = match admitted.frame {
            Frame::Hello => self.machine.borrow_mut().hello(origin),
            Frame::Connect { session, wire } => {
                self.peer_wire.set(wire);
                let port = event.ports().get(0).dyn_into::<MessagePort>().ok();
                let Some(port) = port else {
                    self.drop_message(Dropped {
                        origin: origin.to_string(),
                        reason: DropReason::Decode(DecodeError::Malformed(
                            "connect without a port".to_owned(),
                        )),
                    });
                    return;
                };
                *self.incoming_port.borrow_mut() = Some(port);
                self.machine.borrow_mut().connect(origin, session)
            }
            // The window path, for peers that do not use a port.
            Frame::Message(raw) => {
                self.deliver_message(RawBody::Json(&raw), &origin);
                return;
            }
            Frame::Resize { height } => {
                self.delivered();
                return self.follow_height(height);
            }
            Frame::Refused => self.machine.borrow_mut().refused(),
            other => {
                self.drop_message(Dropped {
                    origin: origin.to_string(),
                    reason: DropReason::UnexpectedKind(other.kind()),
                });
                return;
            }
        };
        self.delivered();
        self.apply(effects);
    }

    pub(super) fn post_hello(&self, to: Option<Origin>) {
        let options = self.options.borrow();
        let Some(window) = options.peer.framed_window() else {
            return;
        };
        let targets = match hello_targets(
            to.as_ref(),
            options.target_origin.as_ref(),
            &options.allowed,
        ) {
            Ok(targets) => targets,
            Err(not_allowed) => {
                // Framed by a page we do not allow: the machine refuses
                // (tells that page, once) and says nothing else.
                drop(options);
                let effects = self.machine.borrow_mut().parent_not_allowed(&not_allowed);
                self.apply(effects);
                return;
            }
        };
        post_hellos(&window, &targets);
    }

    /// Child: a parent on an origin we do not allow wrote to us. If it is a
    /// `hello` (read only while a refusal is still due, and only if short),
    /// the state machine refuses it.
    pub(super) fn refuse_parent(&self, event: &MessageEvent, peer: &PeerWindow) {
        if *peer != PeerWindow::Parent || !self.machine.borrow().would_refuse() {
            return;
        }
        let source = event.source().map(JsValue::from);
        if !peer.is_source(source.as_ref()) {
            return;
        }
        let Ok(origin) = Origin::parse(&event.origin()) else {
            return;
        };
        if is_hello(&event.data()) {
            let effects = self
                .machine
                .borrow_mut()
                .hello_from_disallowed_parent(&origin);
            self.apply(effects);
        }
    }

    /// Tells our parent, at `origin`, that we refuse to talk.
    pub(super) fn post_refused(&self, origin: &Origin) {
        let Some(parent) = self.options.borrow().peer.framed_window() else {
            return;
        };
        if let Err(error) = post::<()>(&parent, &Frame::Refused, origin) {
            web_sys::console::warn_1(&format!("crossframe: refused to {origin}: {error}").into());
        }
    }
}
