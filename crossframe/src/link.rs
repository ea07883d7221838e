//! [`Link`]: a live connection to the peer window, in the browser.
//!
//! A `Link` owns everything the connection needs — its `message`,
//! `pagehide` and `pageshow` listeners, the private `MessagePort`, one alarm
//! for all call deadlines — and releases all of it when dropped (saying `bye` to the peer and
//! failing pending calls with [`CallError::Disconnected`]). Decisions are
//! made by the plain-Rust [`Connection`] state machine; this module only
//! carries them out. [`crate::use_connection`] is a thin hook around it; plain
//! async code can use a `Link` directly.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::{Rc, Weak};
use std::time::Duration;

use futures_channel::oneshot;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use serde_json::value::RawValue;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageChannel, MessageEvent, MessagePort};

use crate::answering::Answering;
use crate::api::{Api, CallFuture, Handlers, Peer, Remote, RequestHandler};
use crate::calls::PendingCalls;
use crate::connection::{CallError, Connection, ConnectionState, DisconnectReason, Effect, Role};
use crate::envelope::{self, DecodeError, Frame};
use crate::gate::{read_frame, DropReason, Dropped, Stats};
use crate::notify::Notify;
use crate::options::{ConnectionOptions, MAX_CALLS_IN_FLIGHT, PING_TIMEOUT};
use crate::origin::Origin;
use crate::peer::{
    announce_targets, classify_port_data, inspect, is_hello, post, post_hellos, post_on_port,
    post_with_port, report_drop, PeerWindow, SendError,
};
use crate::resize::{follow_height, watch_height, HeightWatch};

struct Port {
    port: MessagePort,
    _listener: EventListener,
}

/// Whoever waits for the answer to one of our calls.
type Waiter<T> = oneshot::Sender<Result<T, CallError>>;
/// Where that answer arrives.
type Answer<T> = oneshot::Receiver<Result<T, CallError>>;

struct Inner<Theirs: Api, Ours: Api> {
    /// Itself, for listeners that must not keep it alive.
    this: Weak<Inner<Theirs, Ours>>,
    options: RefCell<ConnectionOptions>,
    handlers: RefCell<Handlers<Theirs, Ours>>,
    on_state: RefCell<Option<Notify<ConnectionState>>>,
    machine: RefCell<Connection>,
    port: RefCell<Option<Port>>,
    /// The port that came with a `connect`, until the machine adopts it.
    incoming_port: RefCell<Option<MessagePort>>,
    calls: RefCell<PendingCalls<Waiter<Theirs::Response>>>,
    listeners: RefCell<Vec<EventListener>>,
    stats: Cell<Stats>,
    /// Child: the content height last measured, and last sent.
    height: Cell<Option<u64>>,
    height_sent: Cell<Option<u64>>,
    resize_observer: RefCell<Option<HeightWatch>>,
    /// Child: answered a refused parent already.
    refused_sent: Cell<bool>,
    /// The peer's calls being answered now, cancelled when the session ends.
    answering: RefCell<Answering>,
    /// Host: waiting for a `pong` since the iframe loaded; fires if none comes.
    ping_timer: RefCell<Option<Timeout>>,
    /// One timer for all call deadlines: armed for the earliest (at, timer).
    alarm: RefCell<Option<(f64, Timeout)>>,
}

/// A connection to the peer window; see the [crate docs](crate).
///
/// ```no_run
/// use crossframe::{Api, ConnectionOptions, Handlers, Link, OriginPolicy};
/// struct Host;
/// impl Api for Host { type Message = String; type Request = (); type Response = (); }
/// struct Widget;
/// impl Api for Widget { type Message = String; type Request = String; type Response = String; }
///
/// # async fn run() -> Result<(), crossframe::CallError> {
/// let allowed = OriginPolicy::parse("https://shop.example").unwrap();
/// let link = Link::<Host, Widget>::new(ConnectionOptions::parent(allowed), Handlers::new(), None);
/// let answer = link.call(()).await?; // once connected
/// # Ok(()) }
/// ```
pub struct Link<Theirs: Api, Ours: Api> {
    inner: Rc<Inner<Theirs, Ours>>,
}

impl<Theirs: Api, Ours: Api> std::fmt::Debug for Link<Theirs, Ours> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link")
            .field("state", &self.state())
            .field("stats", &self.stats())
            .finish()
    }
}

impl<Theirs: Api, Ours: Api> Link<Theirs, Ours> {
    /// Starts listening and says hello. `on_state` hears every state change.
    pub fn new(
        options: ConnectionOptions,
        handlers: Handlers<Theirs, Ours>,
        on_state: Option<Notify<ConnectionState>>,
    ) -> Self {
        let role = match options.peer {
            PeerWindow::Frame(_) => Role::Host,
            PeerWindow::Parent => Role::Child,
        };
        let inner = Rc::new_cyclic(|this| Inner {
            this: this.clone(),
            options: RefCell::new(options),
            handlers: RefCell::new(handlers),
            on_state: RefCell::new(on_state),
            machine: RefCell::new(Connection::new(role)),
            port: RefCell::new(None),
            incoming_port: RefCell::new(None),
            calls: RefCell::new(PendingCalls::default()),
            listeners: RefCell::new(Vec::new()),
            stats: Cell::new(Stats::default()),
            height: Cell::new(None),
            height_sent: Cell::new(None),
            resize_observer: RefCell::new(None),
            refused_sent: Cell::new(false),
            answering: RefCell::new(Answering::new(MAX_CALLS_IN_FLIGHT)),
            ping_timer: RefCell::new(None),
            alarm: RefCell::new(None),
        });
        if role == Role::Child && inner.options.borrow().auto_resize {
            let weak = Rc::downgrade(&inner);
            *inner.resize_observer.borrow_mut() = watch_height(move |height| {
                if let Some(inner) = weak.upgrade() {
                    inner.height.set(Some(height));
                    inner.report_height();
                }
            });
        }
        if let Some(window) = web_sys::window() {
            let weak = Rc::downgrade(&inner);
            let on_message = EventListener::new(&window, "message", move |event| {
                if let (Some(inner), Some(event)) =
                    (weak.upgrade(), event.dyn_ref::<MessageEvent>())
                {
                    inner.on_window_message(event);
                }
            });
            // Unload, reload and navigation: tell the peer at once, so its
            // pending calls fail now rather than at their timeout.
            let weak = Rc::downgrade(&inner);
            let on_hide = EventListener::new(&window, "pagehide", move |_| {
                if let Some(inner) = weak.upgrade() {
                    let effects = inner.machine.borrow_mut().close();
                    inner.apply(effects);
                }
            });
            // Back/Forward: a page restored from the back/forward cache
            // was closed by its pagehide; it starts over with a hello.
            let weak = Rc::downgrade(&inner);
            let on_show = EventListener::new(&window, "pageshow", move |event| {
                let restored = event
                    .dyn_ref::<web_sys::PageTransitionEvent>()
                    .is_some_and(web_sys::PageTransitionEvent::persisted);
                if let (true, Some(inner)) = (restored, weak.upgrade()) {
                    let effects = inner.machine.borrow_mut().resume();
                    inner.apply(effects);
                }
            });
            inner
                .listeners
                .borrow_mut()
                .extend([on_message, on_hide, on_show]);
            // Host: a new document in the iframe. Its old one may be gone
            // without a `bye` (cross-site navigation): check the port.
            let iframe = match &inner.options.borrow().peer {
                PeerWindow::Frame(iframe) => iframe.get(),
                PeerWindow::Parent => None,
            };
            if let Some(iframe) = iframe {
                let weak = Rc::downgrade(&inner);
                let on_load = EventListener::new(&iframe, "load", move |_| {
                    if let Some(inner) = weak.upgrade() {
                        inner.ping();
                    }
                });
                inner.listeners.borrow_mut().push(on_load);
            }
        }
        let effects = inner.machine.borrow_mut().start();
        inner.apply(effects);
        Link { inner }
    }

    /// Where the connection stands.
    pub fn state(&self) -> ConnectionState {
        self.inner.machine.borrow().state().clone()
    }

    /// Messages delivered and dropped so far.
    pub fn stats(&self) -> Stats {
        self.inner.stats.get()
    }

    /// Replaces the handlers (the hook does this on every render).
    pub fn set_handlers(&self, handlers: Handlers<Theirs, Ours>) {
        *self.inner.handlers.borrow_mut() = handlers;
    }

    /// Replaces the options (the peer's role cannot change).
    pub fn set_options(&self, options: ConnectionOptions) {
        *self.inner.options.borrow_mut() = options;
    }

    /// Sends a fire-and-forget message on the private channel.
    pub fn send(&self, message: &Theirs::Message) -> Result<(), SendError> {
        self.inner.send(message)
    }

    /// Calls the peer with the default timeout.
    pub fn call(
        &self,
        request: Theirs::Request,
    ) -> impl Future<Output = Result<Theirs::Response, CallError>> {
        Inner::call(&self.inner, request, None)
    }

    /// Calls the peer; the future ends with its answer or a typed error, at
    /// the latest when `timeout` has passed. Dropping the future cancels the
    /// call: it stops counting against
    /// [`MAX_PENDING_CALLS`](crate::connection::MAX_PENDING_CALLS), and a late
    /// answer is dropped as one to an unknown call.
    pub fn call_with_timeout(
        &self,
        request: Theirs::Request,
        timeout: Duration,
    ) -> impl Future<Output = Result<Theirs::Response, CallError>> {
        Inner::call(&self.inner, request, Some(timeout))
    }

    /// The peer as handlers see it, once connected: its origin, `send`, `call`.
    pub fn peer(&self) -> Option<Peer<Theirs>> {
        match self.inner.machine.borrow().state() {
            ConnectionState::Connected { peer } => Some(self.inner.peer_handle(peer.clone())),
            _ => None,
        }
    }
}

/// Forgets call `id` when its future is dropped before the answer came (a
/// no-op once it was answered, failed or timed out).
struct CancelCall<Theirs: Api, Ours: Api> {
    inner: Weak<Inner<Theirs, Ours>>,
    id: u64,
}

impl<Theirs: Api, Ours: Api> Drop for CancelCall<Theirs, Ours> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.upgrade() {
            inner.machine.borrow_mut().finish_call(self.id);
            inner.calls.borrow_mut().take(self.id);
        }
    }
}

impl<Theirs: Api, Ours: Api> Drop for Link<Theirs, Ours> {
    fn drop(&mut self) {
        let effects = self.inner.machine.borrow_mut().close();
        self.inner.apply(effects);
        self.inner.listeners.borrow_mut().clear();
        self.inner.resize_observer.borrow_mut().take();
    }
}

impl<Theirs: Api, Ours: Api> Remote<Theirs> for Inner<Theirs, Ours> {
    fn send(&self, message: &Theirs::Message) -> Result<(), SendError> {
        Inner::send(self, message)
    }

    fn call(&self, request: Theirs::Request, timeout: Option<Duration>) -> CallFuture<Theirs> {
        match self.this.upgrade() {
            Some(this) => Box::pin(Inner::call(&this, request, timeout)),
            None => Box::pin(std::future::ready(Err(CallError::Disconnected(
                DisconnectReason::Closed,
            )))),
        }
    }
}

impl<Theirs: Api, Ours: Api> Inner<Theirs, Ours> {
    /// The handle handlers get for the peer at `origin`.
    fn peer_handle(&self, origin: Origin) -> Peer<Theirs> {
        let this: Weak<dyn Remote<Theirs>> = self.this.clone();
        Peer::new(origin, this)
    }

    /// Calls the peer; the future ends with its answer or a typed error, at
    /// the latest when `timeout` (or the default) has passed. Dropping the
    /// future cancels the call.
    fn call(
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

    fn send(&self, message: &Theirs::Message) -> Result<(), SendError> {
        if !self.machine.borrow().is_connected() {
            return Err(SendError::NotConnected);
        }
        let port = self.port.borrow();
        let port = port.as_ref().ok_or(SendError::NotConnected)?;
        post_on_port(&port.port, &Frame::Message(message))
    }

    fn start_call(
        this: &Rc<Self>,
        request: &Theirs::Request,
        timeout: Duration,
    ) -> Result<(u64, Answer<Theirs::Response>), CallError> {
        let id = this.machine.borrow_mut().begin_call()?;
        let sent = match this.port.borrow().as_ref() {
            Some(port) => post_on_port(&port.port, &Frame::Request { id, body: request })
                .map_err(|e| CallError::Send(e.to_string())),
            None => Err(CallError::NotConnected),
        };
        if let Err(error) = sent {
            this.machine.borrow_mut().finish_call(id);
            return Err(error);
        }
        let (answer, receiver) = oneshot::channel();
        let deadline = crate::timer::deadline(js_sys::Date::now(), timeout);
        this.calls
            .borrow_mut()
            .insert(id, answer, deadline, timeout);
        this.arm(deadline);
        Ok((id, receiver))
    }

    fn drop_message(&self, dropped: Dropped) {
        let mut stats = self.stats.get();
        stats.dropped += 1;
        self.stats.set(stats);
        let on_drop = self.options.borrow().on_drop.clone();
        report_drop(dropped, on_drop.as_ref());
    }

    fn delivered(&self) {
        let mut stats = self.stats.get();
        stats.delivered += 1;
        self.stats.set(stats);
    }

    fn on_window_message(&self, event: &MessageEvent) {
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
            Frame::Connect { session } => {
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
                self.deliver_message(&raw, &origin);
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

    fn on_port_message(&self, event: &MessageEvent) {
        let (max_len, peer) = {
            let options = self.options.borrow();
            (options.max_message_len, options.target_origin.clone())
        };
        let origin = match self.machine.borrow().state() {
            ConnectionState::Connected { peer } => peer.clone(),
            _ => peer.unwrap_or_else(Origin::null),
        };
        let dropped = |reason: DropReason| Dropped {
            origin: format!("{origin} (private channel)"),
            reason,
        };
        // Our private port: no origin or window to check, the rest of the gate.
        let data = classify_port_data(&event.data(), max_len);
        let frame = match read_frame::<Box<RawValue>>(data, max_len) {
            Ok(frame) => frame,
            Err(reason) => return self.drop_message(dropped(reason)),
        };
        let effects = match frame {
            Frame::Ack { session } => self.machine.borrow_mut().ack(session),
            Frame::Bye => self.machine.borrow_mut().bye(),
            Frame::Ping => {
                if let Some(port) = self.port.borrow().as_ref() {
                    let _ = post_on_port::<()>(&port.port, &Frame::Pong);
                }
                return;
            }
            Frame::Pong => {
                self.ping_timer.borrow_mut().take();
                return;
            }
            Frame::Message(raw) => return self.deliver_message(&raw, &origin),
            Frame::Request { id, body } => return self.answer(id, &body, origin),
            Frame::Response { id, result } => return self.resolve(id, result, &origin),
            Frame::Resize { height } => {
                self.delivered();
                return self.follow_height(height);
            }
            other => return self.drop_message(dropped(DropReason::UnexpectedKind(other.kind()))),
        };
        self.delivered();
        self.apply(effects);
    }

    fn deliver_message(&self, raw: &RawValue, origin: &Origin) {
        match envelope::body::<Ours::Message>(raw) {
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

    /// Sets the alarm for `deadline` unless it already rings earlier.
    fn arm(&self, deadline: f64) {
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
    fn expire(&self) {
        self.alarm.borrow_mut().take();
        let now = js_sys::Date::now();
        let (due, next) = {
            let calls = self.calls.borrow();
            (calls.due(now), calls.next_deadline(now))
        };
        for (id, timeout) in due {
            let effects = self.machine.borrow_mut().timeout(id, timeout);
            self.apply(effects);
        }
        if let Some(next) = next {
            self.arm(next);
        }
    }

    fn answer(&self, id: u64, raw: &RawValue, origin: Origin) {
        let request = match envelope::body::<Ours::Request>(raw) {
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
    fn respond(&self, id: u64, result: Result<Ours::Response, String>) {
        if let Some(port) = self.port.borrow().as_ref() {
            if let Err(error) = post_on_port(&port.port, &Frame::Response { id, result }) {
                web_sys::console::warn_1(
                    &format!("crossframe: answering call {id}: {error}").into(),
                );
            }
        }
    }

    fn resolve(&self, id: u64, result: Result<Box<RawValue>, String>, origin: &Origin) {
        let waiter = self.calls.borrow_mut().take(id);
        let Some(waiter) = waiter.filter(|_| self.machine.borrow_mut().finish_call(id)) else {
            // Timed out, failed, cancelled, or never made: say so.
            return self.drop_message(Dropped {
                origin: format!("{origin} (private channel)"),
                reason: DropReason::UnknownCall(id),
            });
        };
        self.delivered();
        let outcome = match result {
            Ok(raw) => envelope::body::<Theirs::Response>(&raw)
                .map_err(|e| CallError::Decode(e.to_string())),
            Err(remote) => Err(CallError::Remote(remote)),
        };
        let _ = waiter.send(outcome);
    }

    fn apply(&self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::PostHello(to) => self.post_hello(to),
                Effect::OpenChannel { to, session } => self.open_channel(&to, session),
                Effect::AdoptPort { session } => self.adopt_port(session),
                Effect::SendBye => {
                    if let Some(port) = self.port.borrow().as_ref() {
                        let _ = post_on_port::<()>(&port.port, &Frame::Bye);
                    }
                }
                Effect::ClosePort => self.replace_port(None),
                Effect::FailCalls(ids, error) => {
                    let mut calls = self.calls.borrow_mut();
                    let failed: Vec<_> = ids.iter().filter_map(|id| calls.take(*id)).collect();
                    drop(calls);
                    for waiter in failed {
                        let _ = waiter.send(Err(error.clone()));
                    }
                }
                Effect::State(state) => {
                    let on_state = self.on_state.borrow().clone();
                    if let Some(on_state) = on_state {
                        on_state.emit(state);
                    }
                }
            }
        }
    }

    fn post_hello(&self, to: Option<Origin>) {
        let options = self.options.borrow();
        let Some(window) = options.peer.framed_window() else {
            return;
        };
        let targets = match (to, &options.target_origin) {
            (Some(origin), _) => vec![origin],
            (None, Some(origin)) => vec![origin.clone()],
            (None, None) => match announce_targets(&options.allowed) {
                Ok(targets) => targets,
                Err(not_allowed) => {
                    // Framed by a page we do not allow: tell it (and only
                    // that) at its exact origin, once, and say nothing else.
                    if post::<()>(&window, &Frame::Refused, &not_allowed).is_ok() {
                        self.refused_sent.set(true);
                    }
                    drop(options);
                    let effects = self.machine.borrow_mut().parent_not_allowed(&not_allowed);
                    web_sys::console::warn_1(
                        &format!("crossframe: embedded by {not_allowed}, which is not an allowed host: refusing to talk").into(),
                    );
                    self.apply(effects);
                    return;
                }
            },
        };
        post_hellos(&window, &targets);
    }

    fn listen_to(&self, port: MessagePort) -> Port {
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
    fn replace_port(&self, port: Option<Port>) {
        let old = std::mem::replace(&mut *self.port.borrow_mut(), port);
        if let Some(old) = old {
            old.port.close();
        }
        self.answering.borrow_mut().cancel_all();
    }

    fn open_channel(&self, to: &Origin, session: u64) {
        let Some(window) = self.options.borrow().peer.window() else {
            return;
        };
        let Ok(channel) = MessageChannel::new() else {
            return;
        };
        self.replace_port(Some(self.listen_to(channel.port1())));
        if let Err(error) = post_with_port(
            &window,
            &Frame::<()>::Connect { session },
            to,
            &channel.port2(),
        ) {
            web_sys::console::warn_1(&format!("crossframe: connect to {to}: {error}").into());
        }
    }

    fn adopt_port(&self, session: u64) {
        let Some(port) = self.incoming_port.borrow_mut().take() else {
            return;
        };
        let port = self.listen_to(port);
        if let Err(error) = post_on_port::<()>(&port.port, &Frame::Ack { session }) {
            web_sys::console::warn_1(&format!("crossframe: ack: {error}").into());
        }
        self.replace_port(Some(port));
        self.height_sent.set(None);
        self.report_height();
    }

    /// Host: asks the peer on the current port whether it is still there;
    /// without an answer in [`PING_TIMEOUT`] it is taken for gone.
    fn ping(&self) {
        if !self.machine.borrow().is_connected() {
            return;
        }
        let Some(port) = self.port.borrow().as_ref().map(|p| p.port.clone()) else {
            return;
        };
        let weak = self.this.clone();
        let timer = Timeout::new(PING_TIMEOUT.as_millis() as u32, move || {
            if let Some(inner) = weak.upgrade() {
                let still_same = inner.port.borrow().as_ref().is_some_and(|p| p.port == port);
                inner.ping_timer.borrow_mut().take();
                if still_same {
                    let effects = inner.machine.borrow_mut().bye();
                    inner.apply(effects);
                }
            }
        });
        *self.ping_timer.borrow_mut() = Some(timer);
        if let Some(port) = self.port.borrow().as_ref() {
            let _ = post_on_port::<()>(&port.port, &Frame::Ping);
        }
    }

    /// Child: a parent on an origin we do not allow said hello. Tell it, once,
    /// at its exact origin, so the embedding page can say why nothing works.
    fn refuse_parent(&self, event: &MessageEvent, peer: &PeerWindow) {
        if *peer != PeerWindow::Parent || self.refused_sent.get() {
            return;
        }
        let source = event.source().map(JsValue::from);
        if !peer.is_source(source.as_ref()) {
            return;
        }
        let (Ok(origin), Some(source)) = (Origin::parse(&event.origin()), source) else {
            return;
        };
        if is_hello(&event.data()) && post::<()>(&source, &Frame::Refused, &origin).is_ok() {
            self.refused_sent.set(true);
        }
    }

    /// Child: the content height changed (or we just connected).
    fn report_height(&self) {
        let Some(height) = self.height.get() else {
            return;
        };
        if self.height_sent.get() == Some(height) || !self.machine.borrow().is_connected() {
            return;
        }
        if let Some(port) = self.port.borrow().as_ref() {
            if post_on_port::<()>(&port.port, &Frame::Resize { height }).is_ok() {
                self.height_sent.set(Some(height));
            }
        }
    }

    /// Host: the widget's content is `height` px high; so is its iframe
    /// now, up to [`ConnectionOptions::max_frame_height`].
    fn follow_height(&self, height: u64) {
        let options = self.options.borrow();
        let (PeerWindow::Frame(iframe), true) = (&options.peer, options.auto_resize) else {
            return;
        };
        if let Some(iframe) = iframe.get() {
            follow_height(&iframe, height, options.max_frame_height);
        }
    }
}
