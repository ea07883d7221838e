//! The private `MessagePort`: opening or adopting it, what arrives on it,
//! the liveness ping, and the child's height reports.

use super::*;

impl<Theirs: Api, Ours: Api> Inner<Theirs, Ours> {
    pub(super) fn on_port_message(&self, event: &MessageEvent) {
        let (max_len, peer) = {
            let options = self.options.borrow();
            (options.max_message_len, options.target_origin.clone())
        };
        let origin = match self.machine.borrow().state() {
            ConnectionState::Connected { peer } => peer.clone(),
            _ => peer.unwrap_or_else(Origin::null),
        };
        // Our private port: no origin or window to check, the rest of the gate.
        let data = event.data();
        // Binary frames (a wire feature both sides offered): one or more
        // records in a transferred ArrayBuffer, or, when short, in a string.
        if let Some(buffer) = data.dyn_ref::<js_sys::ArrayBuffer>() {
            let len = buffer.byte_length() as usize;
            if len > max_len {
                let reason = DecodeError::TooLarge { len, max: max_len };
                return self.drop_on_port(reason.into(), &origin);
            }
            self.on_port_binary(&js_sys::Uint8Array::new(buffer).to_vec(), &origin);
        } else {
            self.on_port_text(classify_port_data(&data, max_len), &origin);
        }
        // What the handlers queued (answers, replies) leaves now, at the end
        // of this event, rather than in a microtask after it.
        self.flush();
    }

    fn on_port_text(&self, data: Data, origin: &Origin) {
        let max_len = self.options.borrow().max_message_len;
        let text = match data {
            Data::Text(text) => text,
            other => {
                let reason = read_frame::<()>(other, max_len).err();
                return self.drop_on_port(
                    reason.unwrap_or(DropReason::UnexpectedKind("empty")),
                    origin,
                );
            }
        };
        match wire::binary_from_text(&text) {
            Some(Ok(bytes)) => return self.on_port_binary(&bytes, origin),
            Some(Err(reason)) => return self.drop_on_port(reason.into(), origin),
            None => {}
        }
        // A batch (a JSON array of envelopes), or one envelope.
        let parts = match wire::split_json(&text) {
            Some(Ok(parts)) => parts,
            Some(Err(reason)) => return self.drop_on_port(reason.into(), origin),
            None => vec![text.as_str()],
        };
        for part in parts {
            // Our own messages, requests and responses (kind before body):
            // header and body in one pass. The rest, and whatever that
            // does not take, in two: the header, then the body by its kind.
            let typed = envelope::decode_typed::<Ours::Message, Ours::Request, Theirs::Response>;
            if let Some(typed) = typed(part, max_len) {
                self.on_port_typed(typed, origin);
                continue;
            }
            match envelope::decode::<Box<RawValue>>(part, max_len) {
                Ok(frame) => self.on_port_json(frame, origin),
                Err(reason) => self.drop_on_port(reason.into(), origin),
            }
        }
    }

    /// A frame read in one pass: its body, decoded already, goes on as a
    /// [`RawBody::Decoded`].
    fn on_port_typed(
        &self,
        typed: envelope::Typed<Ours::Message, Ours::Request, Theirs::Response>,
        origin: &Origin,
    ) {
        match typed {
            envelope::Typed::Message(message) => {
                let slot = Cell::new(Some(message));
                self.on_port_frame(Frame::Message(RawBody::Decoded(&slot)), origin);
            }
            envelope::Typed::Request { id, body } => {
                let slot = Cell::new(Some(body));
                let body = RawBody::Decoded(&slot);
                self.on_port_frame(Frame::Request { id, body }, origin);
            }
            envelope::Typed::Response { id, body } => {
                let slot = Cell::new(Some(body));
                let result = Ok(RawBody::Decoded(&slot));
                self.on_port_frame(Frame::Response { id, result }, origin);
            }
        }
    }

    fn on_port_binary(&self, bytes: &[u8], origin: &Origin) {
        match wire::read_binary(bytes) {
            Ok(frames) => {
                for frame in frames {
                    match frame {
                        Ok(frame) => self.on_port_frame(frame.map(RawBody::Binary), origin),
                        Err(reason) => self.drop_on_port(reason.into(), origin),
                    }
                }
            }
            Err(reason) => self.drop_on_port(reason.into(), origin),
        }
    }

    fn drop_on_port(&self, reason: DropReason, origin: &Origin) {
        self.drop_message(Dropped {
            origin: format!("{origin} (private channel)"),
            reason,
        });
    }

    fn on_port_json(&self, frame: Frame<Box<RawValue>>, origin: &Origin) {
        match frame {
            Frame::Message(raw) => self.on_port_frame(Frame::Message(RawBody::Json(&raw)), origin),
            Frame::Request { id, body } => self.on_port_frame(
                Frame::Request {
                    id,
                    body: RawBody::Json(&body),
                },
                origin,
            ),
            Frame::Response { id, result } => match result {
                Ok(raw) => self.on_port_frame(
                    Frame::Response {
                        id,
                        result: Ok(RawBody::Json(&raw)),
                    },
                    origin,
                ),
                Err(error) => self.on_port_frame(
                    Frame::Response {
                        id,
                        result: Err(error),
                    },
                    origin,
                ),
            },
            other => self.on_port_frame(other.map(|_| unreachable!()), origin),
        }
    }

    /// One frame that came on the port, its body not decoded yet.
    fn on_port_frame(&self, frame: Frame<RawBody<'_>>, origin: &Origin) {
        let origin = origin.clone();
        let effects = match frame {
            Frame::Ack { session, wire } => {
                let effects = self.machine.borrow_mut().ack(session);
                // The child's choice, among what we offered.
                let offered = Features::offered(self.options.borrow().wire);
                self.wire.set(offered.common(wire));
                effects
            }
            Frame::Bye => self.machine.borrow_mut().bye(),
            Frame::Ping => {
                let _ = self.post_frame::<()>(&Frame::Pong);
                return;
            }
            Frame::Pong => {
                self.ping_timer.borrow_mut().take();
                self.machine.borrow_mut().pong();
                return;
            }
            Frame::Message(raw) => return self.deliver_message(raw, &origin),
            Frame::Request { id, body } => return self.answer(id, body, origin),
            Frame::Response { id, result } => return self.resolve(id, result, &origin),
            Frame::Resize { height } => {
                self.delivered();
                return self.follow_height(height);
            }
            other => {
                return self.drop_message(Dropped {
                    origin: format!("{origin} (private channel)"),
                    reason: DropReason::UnexpectedKind(other.kind()),
                })
            }
        };
        self.delivered();
        self.apply(effects);
    }

    pub(super) fn listen_to(&self, port: MessagePort) -> Port {
        let weak = self.this.clone();
        let listener = EventListener::new(&port, "message", move |event| {
            if let (Some(inner), Some(event)) = (weak.upgrade(), event.dyn_ref::<MessageEvent>()) {
                inner.on_port_message(event);
            }
        });
        port.start();
        Port {
            port,
            _listener: listener,
        }
    }

    /// The session's port changes (a new channel, or none): the old one is
    /// closed, and the answers still running for its session are cancelled.
    pub(super) fn replace_port(&self, port: Option<Port>) {
        // What was queued for the old port goes on it before it closes.
        self.flush();
        self.wire.set(Features::NONE);
        let old = std::mem::replace(&mut *self.port.borrow_mut(), port);
        if let Some(old) = old {
            old.port.close();
        }
        // The session's answers end with it, except while the page is being
        // hidden: waking their tasks then schedules work in a document that
        // is going away (Firefox then runs wasm-bindgen's task queue
        // re-entrantly: "closure invoked recursively"). A page that comes
        // back from the back/forward cache starts a new session, which
        // cancels them.
        if !self.hiding.get() {
            self.answering.borrow_mut().cancel_all();
        }
    }

    pub(super) fn open_channel(&self, to: &Origin, session: u64) {
        let Some(window) = self.options.borrow().peer.window() else {
            return;
        };
        let Ok(channel) = MessageChannel::new() else {
            return;
        };
        self.replace_port(Some(self.listen_to(channel.port1())));
        if let Err(error) = post_with_port(
            &window,
            &Frame::<()>::Connect {
                session,
                wire: Features::offered(self.options.borrow().wire),
            },
            to,
            &channel.port2(),
        ) {
            web_sys::console::warn_1(&format!("crossframe: connect to {to}: {error}").into());
        }
    }

    pub(super) fn adopt_port(&self, session: u64) {
        let Some(port) = self.incoming_port.borrow_mut().take() else {
            return;
        };
        let port = self.listen_to(port);
        // What we will send from now on: what both of us offer. The ack
        // itself is v1 JSON, which every host reads.
        let wire = Features::offered(self.options.borrow().wire).common(self.peer_wire.get());
        let ack = Frame::<()>::Ack { session, wire };
        if let Err(error) = post_on_port::<()>(&port.port, &ack) {
            web_sys::console::warn_1(&format!("crossframe: ack: {error}").into());
        }
        self.replace_port(Some(port));
        self.wire.set(wire);
        self.height_sent.set(None);
        self.report_height();
    }

    /// Host: the iframe loaded a document; the state machine decides
    /// whether to ask the peer if it is still there.
    pub(super) fn frame_loaded(&self) {
        let effects = self.machine.borrow_mut().frame_loaded();
        self.apply(effects);
    }

    /// Posts `ping` for `session`; without a `pong` in [`PING_TIMEOUT`] the
    /// state machine hears of it.
    pub(super) fn ping(&self, session: u64) {
        let weak = self.this.clone();
        let timer = Timeout::new(PING_TIMEOUT.as_millis() as u32, move || {
            if let Some(inner) = weak.upgrade() {
                inner.ping_timer.borrow_mut().take();
                let effects = inner.machine.borrow_mut().ping_timed_out(session);
                inner.apply(effects);
            }
        });
        *self.ping_timer.borrow_mut() = Some(timer);
        let _ = self.post_frame::<()>(&Frame::Ping);
    }

    /// Child: the content height changed (or we just connected).
    pub(super) fn report_height(&self) {
        let Some(height) = self.height.get() else {
            return;
        };
        if self.height_sent.get() == Some(height) || !self.machine.borrow().is_connected() {
            return;
        }
        if self.post_frame::<()>(&Frame::Resize { height }).is_ok() {
            self.height_sent.set(Some(height));
        }
    }

    /// Host: the widget's content is `height` px high; so is its iframe
    /// now, up to [`ConnectionOptions::max_frame_height`].
    pub(super) fn follow_height(&self, height: u64) {
        let options = self.options.borrow();
        let (PeerWindow::Frame(iframe), true) = (&options.peer, options.auto_resize) else {
            return;
        };
        if let Some(iframe) = iframe.get() {
            follow_height(&iframe, height, options.max_frame_height);
        }
    }
}
