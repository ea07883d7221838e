//! [`Link`]: a live connection to the peer window, in the browser.
//!
//! A `Link` owns everything the connection needs — its `message`,
//! `pagehide` and `pageshow` listeners, the private `MessagePort`, one alarm
//! for all call deadlines — and releases all of it when dropped (saying `bye` to the peer and
//! failing pending calls with [`CallError::Disconnected`]). Decisions are
//! made by the plain-Rust [`Connection`] state machine; this module only
//! carries them out. [`crate::use_connection`] is a thin hook around it; plain
//! async code can use a `Link` directly.
//!
//! This file holds the `Link` and its shared state; the rest is split by
//! what arrives or leaves where:
//!
//! * `window`: the `message` listener on `window` (hello, connect, refused),
//!   our hellos, refusing a parent we do not allow;
//! * `port`: the private `MessagePort`, what arrives on it, the liveness
//!   ping, height reports;
//! * `outgoing`: our calls (start, one alarm for all deadlines, answers);
//! * `incoming`: the peer's messages and calls (delivered, answered).
//! * `outbox`: frames leaving on the port, one by one or batched per task.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
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
use crate::connection::{
    CallError, Connection, ConnectionState, DisconnectReason, Effect, Role, SendError,
};
use crate::envelope::{self, DecodeError, Frame};
use crate::gate::{read_frame, Data, DropReason, Dropped, Stats};
use crate::notify::Notify;
use crate::options::{ConnectionOptions, MAX_CALLS_IN_FLIGHT, PING_TIMEOUT};
use crate::origin::Origin;
use crate::peer::{
    classify_port_data, hello_targets, inspect, is_hello, post, post_bytes, post_hellos,
    post_on_port, post_text, post_with_port, report_drop, PeerWindow,
};
use crate::resize::{follow_height, watch_height, HeightWatch};
use crate::wire::{self, Features, RawBody};

mod incoming;
mod outbox;
mod outgoing;
mod port;
mod window;

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
    /// The other end of each pending call's future; which calls are
    /// pending, and until when, the state machine knows.
    waiters: RefCell<HashMap<u64, Waiter<Theirs::Response>>>,
    listeners: RefCell<Vec<EventListener>>,
    stats: Cell<Stats>,
    /// Child: the content height last measured, and last sent.
    height: Cell<Option<u64>>,
    height_sent: Cell<Option<u64>>,
    resize_observer: RefCell<Option<HeightWatch>>,
    /// The peer's calls being answered now, cancelled when the session ends.
    answering: RefCell<Answering>,
    /// In the `pagehide` listener: the page is going away or into the
    /// back/forward cache.
    hiding: Cell<bool>,
    /// Host: waiting for a `pong` since the iframe loaded; fires if none comes.
    ping_timer: RefCell<Option<Timeout>>,
    /// One timer for all call deadlines: armed for the earliest (at, timer).
    alarm: RefCell<Option<(f64, Timeout)>>,
    /// What we send on the current port (agreed in its connect and ack).
    wire: Cell<Features>,
    /// Child: what the host offered in its last `connect`.
    peer_wire: Cell<Features>,
    /// Frames queued in this task, posted together in a microtask (batches).
    outbox: RefCell<outbox::Outbox>,
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
    ///
    /// ```no_run
    /// use crossframe::{Api, ConnectionOptions, ConnectionState, Handlers, Link, Notify, OriginPolicy};
    /// struct Host; impl Api for Host { type Message = String; type Request = (); type Response = (); }
    /// struct Widget; impl Api for Widget { type Message = String; type Request = (); type Response = (); }
    /// let allowed = OriginPolicy::parse("https://shop.example").unwrap();
    /// let on_state = Notify::new(|state: ConnectionState| web_sys::console::log_1(&state.to_string().into()));
    /// // Keep it as long as the connection should live: dropping it says bye.
    /// let link = Link::<Host, Widget>::new(ConnectionOptions::parent(allowed), Handlers::new(), Some(on_state));
    /// ```
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
            waiters: RefCell::new(HashMap::new()),
            listeners: RefCell::new(Vec::new()),
            stats: Cell::new(Stats::default()),
            height: Cell::new(None),
            height_sent: Cell::new(None),
            resize_observer: RefCell::new(None),
            answering: RefCell::new(Answering::new(MAX_CALLS_IN_FLIGHT)),
            hiding: Cell::new(false),
            ping_timer: RefCell::new(None),
            alarm: RefCell::new(None),
            wire: Cell::new(Features::NONE),
            peer_wire: Cell::new(Features::NONE),
            outbox: RefCell::new(outbox::Outbox::default()),
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
                    inner.hiding.set(true);
                    let effects = inner.machine.borrow_mut().close();
                    inner.apply(effects);
                    inner.hiding.set(false);
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
                        inner.frame_loaded();
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
    ///
    /// ```no_run
    /// # use crossframe::{Api, ConnectionOptions, Handlers, Link, OriginPolicy};
    /// # struct Host; impl Api for Host { type Message = String; type Request = u32; type Response = u32; }
    /// # struct Widget; impl Api for Widget { type Message = String; type Request = u32; type Response = u32; }
    /// # let link = Link::<Host, Widget>::new(ConnectionOptions::parent(OriginPolicy::parse("https://shop.example").unwrap()), Handlers::new(), None);
    /// if let crossframe::ConnectionState::Connected { peer } = link.state() {
    ///     web_sys::console::log_1(&format!("talking to {peer}").into());
    /// }
    /// ```
    pub fn state(&self) -> ConnectionState {
        self.inner.machine.borrow().state().clone()
    }

    /// Messages delivered and dropped so far.
    ///
    /// ```no_run
    /// # use crossframe::{Api, ConnectionOptions, Handlers, Link, OriginPolicy};
    /// # struct Host; impl Api for Host { type Message = String; type Request = u32; type Response = u32; }
    /// # struct Widget; impl Api for Widget { type Message = String; type Request = u32; type Response = u32; }
    /// # let link = Link::<Host, Widget>::new(ConnectionOptions::parent(OriginPolicy::parse("https://shop.example").unwrap()), Handlers::new(), None);
    /// let dropped = link.stats().dropped;
    /// ```
    pub fn stats(&self) -> Stats {
        self.inner.stats.get()
    }

    /// Replaces the handlers (the hook does this on every render).
    ///
    /// ```no_run
    /// # use crossframe::{Api, ConnectionOptions, Handlers, Link, OriginPolicy};
    /// # struct Host; impl Api for Host { type Message = String; type Request = u32; type Response = u32; }
    /// # struct Widget; impl Api for Widget { type Message = String; type Request = u32; type Response = u32; }
    /// # let link = Link::<Host, Widget>::new(ConnectionOptions::parent(OriginPolicy::parse("https://shop.example").unwrap()), Handlers::new(), None);
    /// link.set_handlers(Handlers::new().on_request(|n, _host| Ok(n + 1)));
    /// ```
    pub fn set_handlers(&self, handlers: Handlers<Theirs, Ours>) {
        *self.inner.handlers.borrow_mut() = handlers;
    }

    /// Replaces the options (the peer's role cannot change).
    ///
    /// ```no_run
    /// # use crossframe::{Api, ConnectionOptions, Handlers, Link, OriginPolicy};
    /// # struct Host; impl Api for Host { type Message = String; type Request = u32; type Response = u32; }
    /// # struct Widget; impl Api for Widget { type Message = String; type Request = u32; type Response = u32; }
    /// # let link = Link::<Host, Widget>::new(ConnectionOptions::parent(OriginPolicy::parse("https://shop.example").unwrap()), Handlers::new(), None);
    /// let allowed = OriginPolicy::parse("https://shop.example").unwrap();
    /// link.set_options(ConnectionOptions::parent(allowed).call_timeout(std::time::Duration::from_secs(30)));
    /// ```
    pub fn set_options(&self, options: ConnectionOptions) {
        *self.inner.options.borrow_mut() = options;
    }

    /// Sends a fire-and-forget message on the private channel.
    ///
    /// ```no_run
    /// # use crossframe::{Api, ConnectionOptions, Handlers, Link, OriginPolicy};
    /// # struct Host; impl Api for Host { type Message = String; type Request = u32; type Response = u32; }
    /// # struct Widget; impl Api for Widget { type Message = String; type Request = u32; type Response = u32; }
    /// # let link = Link::<Host, Widget>::new(ConnectionOptions::parent(OriginPolicy::parse("https://shop.example").unwrap()), Handlers::new(), None);
    /// if let Err(error) = link.send(&"Hello".to_owned()) {
    ///     web_sys::console::warn_1(&error.to_string().into()); // e.g. not connected yet
    /// }
    /// ```
    pub fn send(&self, message: &Theirs::Message) -> Result<(), SendError> {
        self.inner.send(message)
    }

    /// Calls the peer with the default timeout.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), crossframe::CallError> {
    /// # use crossframe::{Api, ConnectionOptions, Handlers, Link, OriginPolicy};
    /// # struct Host; impl Api for Host { type Message = String; type Request = u32; type Response = u32; }
    /// # struct Widget; impl Api for Widget { type Message = String; type Request = u32; type Response = u32; }
    /// # let link = Link::<Host, Widget>::new(ConnectionOptions::parent(OriginPolicy::parse("https://shop.example").unwrap()), Handlers::new(), None);
    /// let doubled = link.call(21).await?;
    /// # Ok(()) }
    /// ```
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
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), crossframe::CallError> {
    /// # use crossframe::{Api, ConnectionOptions, Handlers, Link, OriginPolicy};
    /// # struct Host; impl Api for Host { type Message = String; type Request = u32; type Response = u32; }
    /// # struct Widget; impl Api for Widget { type Message = String; type Request = u32; type Response = u32; }
    /// # let link = Link::<Host, Widget>::new(ConnectionOptions::parent(OriginPolicy::parse("https://shop.example").unwrap()), Handlers::new(), None);
    /// let answer = link.call_with_timeout(21, std::time::Duration::from_secs(1)).await?;
    /// # Ok(()) }
    /// ```
    pub fn call_with_timeout(
        &self,
        request: Theirs::Request,
        timeout: Duration,
    ) -> impl Future<Output = Result<Theirs::Response, CallError>> {
        Inner::call(&self.inner, request, Some(timeout))
    }

    /// The peer as handlers see it, once connected: its origin, `send`, `call`.
    ///
    /// ```no_run
    /// # use crossframe::{Api, ConnectionOptions, Handlers, Link, OriginPolicy};
    /// # struct Host; impl Api for Host { type Message = String; type Request = u32; type Response = u32; }
    /// # struct Widget; impl Api for Widget { type Message = String; type Request = u32; type Response = u32; }
    /// # let link = Link::<Host, Widget>::new(ConnectionOptions::parent(OriginPolicy::parse("https://shop.example").unwrap()), Handlers::new(), None);
    /// if let Some(host) = link.peer() {
    ///     host.send(&format!("hello, {}", host.origin())).ok();
    /// }
    /// ```
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
            inner.waiters.borrow_mut().remove(&self.id);
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

    fn send(&self, message: &Theirs::Message) -> Result<(), SendError> {
        if !self.machine.borrow().is_connected() {
            return Err(SendError::NotConnected);
        }
        self.post_frame(&Frame::Message(message))
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

    fn apply(&self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::PostHello(to) => self.post_hello(to),
                Effect::OpenChannel { to, session } => self.open_channel(&to, session),
                Effect::AdoptPort { session } => self.adopt_port(session),
                Effect::SendBye => {
                    let _ = self.post_frame_now::<()>(&Frame::Bye);
                }
                Effect::ClosePort => self.replace_port(None),
                Effect::FailCalls(ids, error) => {
                    let mut waiters = self.waiters.borrow_mut();
                    let failed: Vec<_> = ids.iter().filter_map(|id| waiters.remove(id)).collect();
                    drop(waiters);
                    for waiter in failed {
                        let _ = waiter.send(Err(error.clone()));
                    }
                }
                Effect::Ping { session } => self.ping(session),
                Effect::Refuse(origin) => self.post_refused(&origin),
                Effect::State(state) => {
                    let on_state = self.on_state.borrow().clone();
                    if let Some(on_state) = on_state {
                        on_state.emit(state);
                    }
                }
            }
        }
    }
}
