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
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::time::Duration;

use futures_channel::oneshot;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::value::RawValue;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageChannel, MessageEvent, MessagePort};
use yew::Callback;

use crate::connection::{CallError, Connection, ConnectionState, Effect, Role};
use crate::envelope::{self, DecodeError, Frame, DEFAULT_MAX_MESSAGE_LEN};
use crate::gate::{DropReason, Dropped};
use crate::origin::{Origin, OriginPolicy};
use crate::peer::{
    announce_targets, classify, classify_port_data, inspect, post, post_hellos, post_on_port,
    post_with_port, report_drop, Peer, SendError,
};
use crate::Stats;

/// What one side offers the other: the messages it accepts, and the
/// requests it answers with which response type.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// #[derive(Serialize, Deserialize)]
/// enum WidgetRequest { Location, Add(i32, i32) }
/// #[derive(Serialize, Deserialize)]
/// enum WidgetResponse { Location(String), Sum(i32) }
///
/// struct Widget;
/// impl crossframe::Api for Widget {
///     type Message = String;
///     type Request = WidgetRequest;
///     type Response = WidgetResponse;
/// }
/// ```
pub trait Api: 'static {
    /// Fire-and-forget messages this side accepts.
    type Message: Serialize + DeserializeOwned + 'static;
    /// Calls this side answers.
    type Request: Serialize + DeserializeOwned + 'static;
    /// The answers to those calls.
    type Response: Serialize + DeserializeOwned + 'static;
}

type MessageHandler<L> = Rc<dyn Fn(<L as Api>::Message, &Origin)>;
type Answer<L> = Pin<Box<dyn Future<Output = Result<<L as Api>::Response, String>>>>;
type SyncHandler<L> =
    Rc<dyn Fn(<L as Api>::Request, &Origin) -> Result<<L as Api>::Response, String>>;
type AsyncHandler<L> = Rc<dyn Fn(<L as Api>::Request, Origin) -> Answer<L>>;

/// Synchronous handlers answer in the same task; asynchronous ones are
/// spawned and counted against [`MAX_CALLS_IN_FLIGHT`].
enum RequestHandler<L: Api> {
    Sync(SyncHandler<L>),
    Async(AsyncHandler<L>),
}

impl<L: Api> Clone for RequestHandler<L> {
    fn clone(&self) -> Self {
        match self {
            RequestHandler::Sync(handler) => RequestHandler::Sync(handler.clone()),
            RequestHandler::Async(handler) => RequestHandler::Async(handler.clone()),
        }
    }
}

/// How this side handles what the peer sends: its messages, and its calls to
/// our [`Api`]. A call with no handler is answered with an error.
///
/// ```
/// use crossframe::{Api, Handlers};
/// struct Host;
/// impl Api for Host { type Message = String; type Request = (); type Response = u32; }
/// let handlers = Handlers::<Host>::new()
///     .on_message(|text, origin| web_sys::console::log_1(&format!("{origin}: {text}").into()))
///     .on_request(|(), _origin| Ok(42));
/// # let _ = handlers;
/// ```
pub struct Handlers<L: Api> {
    on_message: Option<MessageHandler<L>>,
    on_request: Option<RequestHandler<L>>,
}

impl<L: Api> Handlers<L> {
    /// No handlers: messages are ignored, calls answered with an error.
    pub fn new() -> Self {
        Self {
            on_message: None,
            on_request: None,
        }
    }

    /// Handles each message with the sender's origin.
    pub fn on_message(mut self, handler: impl Fn(L::Message, &Origin) + 'static) -> Self {
        self.on_message = Some(Rc::new(handler));
        self
    }

    /// Answers each call (with the caller's origin); an `Err` reaches the
    /// caller as [`CallError::Remote`].
    pub fn on_request(
        mut self,
        handler: impl Fn(L::Request, &Origin) -> Result<L::Response, String> + 'static,
    ) -> Self {
        self.on_request = Some(RequestHandler::Sync(Rc::new(handler)));
        self
    }

    /// Answers each call asynchronously (after a timer, a fetch…). If the
    /// connection drops first, the answer is discarded; the caller has
    /// already been told [`CallError::Disconnected`].
    ///
    /// ```
    /// use crossframe::{Api, Handlers};
    /// struct Widget;
    /// impl Api for Widget { type Message = (); type Request = u32; type Response = u32; }
    /// let handlers = Handlers::<Widget>::new().on_request_async(|millis, _origin| async move {
    ///     gloo_timers::future::TimeoutFuture::new(millis).await;
    ///     Ok(millis)
    /// });
    /// # let _ = handlers;
    /// ```
    pub fn on_request_async<F>(
        mut self,
        handler: impl Fn(L::Request, Origin) -> F + 'static,
    ) -> Self
    where
        F: Future<Output = Result<L::Response, String>> + 'static,
    {
        self.on_request = Some(RequestHandler::Async(Rc::new(move |request, origin| {
            Box::pin(handler(request, origin))
        })));
        self
    }
}

impl<L: Api> Default for Handlers<L> {
    fn default() -> Self {
        Self::new()
    }
}

impl<L: Api> Clone for Handlers<L> {
    fn clone(&self) -> Self {
        Self {
            on_message: self.on_message.clone(),
            on_request: self.on_request.clone(),
        }
    }
}

impl<L: Api> std::fmt::Debug for Handlers<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handlers")
            .field("on_message", &self.on_message.is_some())
            .field("on_request", &self.on_request.is_some())
            .finish()
    }
}

/// How a [`Link`] finds and checks its peer.
///
/// ```
/// use std::time::Duration;
/// use crossframe::{ConnectionOptions, Origin, OriginPolicy};
/// let host = ConnectionOptions::frame(Default::default(), Origin::parse("http://localhost:8081").unwrap())
///     .call_timeout(Duration::from_secs(2));
/// let child = ConnectionOptions::parent(OriginPolicy::parse("http://127.0.0.1:8080").unwrap());
/// assert_eq!(child.call_timeout, crossframe::DEFAULT_CALL_TIMEOUT);
/// # let _ = host;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionOptions {
    /// The peer window (host: the iframe; child: `window.parent`).
    pub peer: Peer,
    /// Origins allowed to shake hands with us.
    pub allowed: OriginPolicy,
    /// Where the first `hello` goes (host: the child's origin).
    pub target_origin: Option<Origin>,
    /// How long a call waits for its answer by default.
    pub call_timeout: Duration,
    /// Longer messages are dropped unread.
    pub max_message_len: usize,
    /// Called for every dropped message (also logged to the console).
    pub on_drop: Option<Callback<Dropped>>,
    /// Child: report the content height to the host; host: set the
    /// iframe's height to it. On by default.
    pub auto_resize: bool,
}

/// At most this many of the peer's calls are answered at once; more are
/// answered at once with an error ("busy") without running the handler.
pub const MAX_CALLS_IN_FLIGHT: usize = 1_000;

/// How long the host waits for a `pong` after its iframe loaded a new
/// document, before it takes the old peer for gone.
pub const PING_TIMEOUT: Duration = Duration::from_millis(1_000);

/// How long a call waits by default: 5 s.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(5);

impl ConnectionOptions {
    /// Host side: connect to the child in `iframe`, which must be on `child_origin`.
    pub fn frame(iframe: yew::NodeRef, child_origin: Origin) -> Self {
        Self {
            peer: Peer::Frame(iframe),
            allowed: OriginPolicy::exact(child_origin.clone()),
            target_origin: Some(child_origin),
            call_timeout: DEFAULT_CALL_TIMEOUT,
            max_message_len: DEFAULT_MAX_MESSAGE_LEN,
            on_drop: None,
            auto_resize: true,
        }
    }

    /// Child side: connect to `window.parent`, which must be on an allowed origin.
    pub fn parent(allowed: OriginPolicy) -> Self {
        Self {
            peer: Peer::Parent,
            allowed,
            target_origin: None,
            call_timeout: DEFAULT_CALL_TIMEOUT,
            max_message_len: DEFAULT_MAX_MESSAGE_LEN,
            on_drop: None,
            auto_resize: true,
        }
    }

    /// Sets the default call timeout.
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// Sets the callback for dropped messages.
    pub fn on_drop(mut self, callback: Callback<Dropped>) -> Self {
        self.on_drop = Some(callback);
        self
    }

    /// Sets the largest message accepted.
    pub fn max_message_len(mut self, len: usize) -> Self {
        self.max_message_len = len;
        self
    }

    /// Turns height reporting (child) or following (host) on or off.
    pub fn auto_resize(mut self, on: bool) -> Self {
        self.auto_resize = on;
        self
    }
}

struct Port {
    port: MessagePort,
    _listener: EventListener,
}

struct PendingCall<T> {
    answer: oneshot::Sender<Result<T, CallError>>,
    /// `Date.now()` after which the call has timed out.
    deadline: f64,
    timeout: Duration,
}

struct Inner<R: Api, L: Api> {
    /// Itself, for listeners that must not keep it alive.
    this: Weak<Inner<R, L>>,
    options: RefCell<ConnectionOptions>,
    handlers: RefCell<Handlers<L>>,
    on_state: RefCell<Option<Callback<ConnectionState>>>,
    machine: RefCell<Connection>,
    port: RefCell<Option<Port>>,
    /// The port that came with a `connect`, until the machine adopts it.
    incoming_port: RefCell<Option<MessagePort>>,
    calls: RefCell<HashMap<u64, PendingCall<R::Response>>>,
    listeners: RefCell<Vec<EventListener>>,
    stats: Cell<Stats>,
    /// Child: the content height last measured, and last sent.
    height: Cell<Option<u64>>,
    height_sent: Cell<Option<u64>>,
    resize_observer: RefCell<Option<ResizeWatch>>,
    /// Child: answered a refused parent already.
    refused_sent: Cell<bool>,
    /// The peer's calls being answered now.
    in_flight: Cell<usize>,
    /// Host: waiting for a `pong` since the iframe loaded; fires if none comes.
    ping_timer: RefCell<Option<Timeout>>,
    /// One timer for all call deadlines: armed for the earliest (at, timer).
    alarm: RefCell<Option<(f64, Timeout)>>,
}

/// A `ResizeObserver` on `<html>` and its callback, disconnected on drop.
struct ResizeWatch {
    observer: web_sys::ResizeObserver,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl Drop for ResizeWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// A connection to the peer window; see the [module docs](self).
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
pub struct Link<R: Api, L: Api> {
    inner: Rc<Inner<R, L>>,
}

impl<R: Api, L: Api> std::fmt::Debug for Link<R, L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link")
            .field("state", &self.state())
            .field("stats", &self.stats())
            .finish()
    }
}

impl<R: Api, L: Api> Link<R, L> {
    /// Starts listening and says hello. `on_state` hears every state change.
    pub fn new(
        options: ConnectionOptions,
        handlers: Handlers<L>,
        on_state: Option<Callback<ConnectionState>>,
    ) -> Self {
        let role = match options.peer {
            Peer::Frame(_) => Role::Host,
            Peer::Parent => Role::Child,
        };
        let inner = Rc::new_cyclic(|this| Inner {
            this: this.clone(),
            options: RefCell::new(options),
            handlers: RefCell::new(handlers),
            on_state: RefCell::new(on_state),
            machine: RefCell::new(Connection::new(role)),
            port: RefCell::new(None),
            incoming_port: RefCell::new(None),
            calls: RefCell::new(HashMap::new()),
            listeners: RefCell::new(Vec::new()),
            stats: Cell::new(Stats::default()),
            height: Cell::new(None),
            height_sent: Cell::new(None),
            resize_observer: RefCell::new(None),
            refused_sent: Cell::new(false),
            in_flight: Cell::new(0),
            ping_timer: RefCell::new(None),
            alarm: RefCell::new(None),
        });
        if role == Role::Child && inner.options.borrow().auto_resize {
            *inner.resize_observer.borrow_mut() = watch_height(Rc::downgrade(&inner));
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
                Peer::Frame(node) => node.cast::<web_sys::HtmlElement>(),
                Peer::Parent => None,
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
    pub fn set_handlers(&self, handlers: Handlers<L>) {
        *self.inner.handlers.borrow_mut() = handlers;
    }

    /// Replaces the options (the peer's role cannot change).
    pub fn set_options(&self, options: ConnectionOptions) {
        *self.inner.options.borrow_mut() = options;
    }

    /// Sends a fire-and-forget message on the private channel.
    pub fn send(&self, message: &R::Message) -> Result<(), SendError> {
        self.inner.send(message)
    }

    /// Calls the peer with the default timeout.
    pub fn call(
        &self,
        request: R::Request,
    ) -> impl Future<Output = Result<R::Response, CallError>> {
        let timeout = self.inner.options.borrow().call_timeout;
        self.call_with_timeout(request, timeout)
    }

    /// Calls the peer; the future ends with its answer or a typed error, at
    /// the latest when `timeout` has passed.
    pub fn call_with_timeout(
        &self,
        request: R::Request,
        timeout: Duration,
    ) -> impl Future<Output = Result<R::Response, CallError>> {
        let receiver = Inner::start_call(&self.inner, &request, timeout);
        async move {
            match receiver {
                Err(error) => Err(error),
                // A dropped sender means the link itself is gone.
                Ok(receiver) => receiver.await.unwrap_or(Err(CallError::Disconnected(
                    crate::DisconnectReason::Closed,
                ))),
            }
        }
    }
}

impl<R: Api, L: Api> Drop for Link<R, L> {
    fn drop(&mut self) {
        let effects = self.inner.machine.borrow_mut().close();
        self.inner.apply(effects);
        self.inner.listeners.borrow_mut().clear();
        self.inner.resize_observer.borrow_mut().take();
    }
}

impl<R: Api, L: Api> Inner<R, L> {
    fn send(&self, message: &R::Message) -> Result<(), SendError> {
        if !self.machine.borrow().is_connected() {
            return Err(SendError::NotConnected);
        }
        let port = self.port.borrow();
        let port = port.as_ref().ok_or(SendError::NotConnected)?;
        post_on_port(&port.port, &Frame::Message(message))
    }

    fn start_call(
        this: &Rc<Self>,
        request: &R::Request,
        timeout: Duration,
    ) -> Result<oneshot::Receiver<Result<R::Response, CallError>>, CallError> {
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
        this.calls.borrow_mut().insert(
            id,
            PendingCall {
                answer,
                deadline,
                timeout,
            },
        );
        this.arm(deadline);
        Ok(receiver)
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
                    self.refuse_parent(event, &peer, max_len);
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
        let text = match classify_port_data(&event.data(), max_len) {
            crate::gate::Data::Text(text) => text,
            crate::gate::Data::LongText(len) => {
                return self
                    .drop_message(dropped(DecodeError::TooLarge { len, max: max_len }.into()))
            }
            crate::gate::Data::Other(kind) => {
                return self.drop_message(dropped(DecodeError::NotText(kind).into()))
            }
        };
        let frame = match envelope::decode::<Box<RawValue>>(&text, max_len) {
            Ok(frame) => frame,
            Err(error) => return self.drop_message(dropped(error.into())),
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
            Frame::Response { id, result } => return self.resolve(id, result),
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
        match envelope::body::<L::Message>(raw) {
            Ok(message) => {
                self.delivered();
                let handler = self.handlers.borrow().on_message.clone();
                if let Some(handler) = handler {
                    handler(message, origin);
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
        let (due, next): (Vec<_>, Option<f64>) = {
            let calls = self.calls.borrow();
            let due = calls
                .iter()
                .filter(|(_, call)| call.deadline <= now)
                .map(|(id, call)| (*id, call.timeout))
                .collect();
            let next = calls
                .values()
                .map(|call| call.deadline)
                .filter(|deadline| *deadline > now)
                .reduce(f64::min);
            (due, next)
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
        let request = match envelope::body::<L::Request>(raw) {
            Ok(request) => request,
            Err(error) => return self.respond(id, Err(error.to_string())),
        };
        self.delivered();
        let handler = self.handlers.borrow().on_request.clone();
        match handler {
            None => self.respond(id, Err("this side answers no calls".to_owned())),
            Some(RequestHandler::Sync(handler)) => {
                let result = handler(request, &origin);
                self.respond(id, result);
            }
            Some(RequestHandler::Async(handler)) => {
                if self.in_flight.get() >= MAX_CALLS_IN_FLIGHT {
                    let busy = format!("busy: {MAX_CALLS_IN_FLIGHT} calls in flight");
                    return self.respond(id, Err(busy));
                }
                // Answer on the port the request came on, if it is still open then.
                let Some(port) = self.port.borrow().as_ref().map(|p| p.port.clone()) else {
                    return;
                };
                self.in_flight.set(self.in_flight.get() + 1);
                let answer = handler(request, origin);
                let this = self.this.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let result = answer.await;
                    let Some(inner) = this.upgrade() else {
                        return;
                    };
                    inner.in_flight.set(inner.in_flight.get().saturating_sub(1));
                    let still_open = inner.port.borrow().as_ref().is_some_and(|p| p.port == port);
                    if still_open {
                        inner.respond(id, result);
                    }
                });
            }
        }
    }

    /// Posts the answer to call `id` on the current port.
    fn respond(&self, id: u64, result: Result<L::Response, String>) {
        if let Some(port) = self.port.borrow().as_ref() {
            if let Err(error) = post_on_port(&port.port, &Frame::Response { id, result }) {
                web_sys::console::warn_1(
                    &format!("crossframe: answering call {id}: {error}").into(),
                );
            }
        }
    }

    fn resolve(&self, id: u64, result: Result<Box<RawValue>, String>) {
        if !self.machine.borrow_mut().finish_call(id) {
            return; // timed out or failed already
        }
        self.delivered();
        let Some(call) = self.calls.borrow_mut().remove(&id) else {
            return;
        };
        let outcome = match result {
            Ok(raw) => {
                envelope::body::<R::Response>(&raw).map_err(|e| CallError::Decode(e.to_string()))
            }
            Err(remote) => Err(CallError::Remote(remote)),
        };
        let _ = call.answer.send(outcome);
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
                Effect::ClosePort => {
                    if let Some(port) = self.port.borrow_mut().take() {
                        port.port.close();
                    }
                }
                Effect::FailCalls(ids, error) => {
                    let mut calls = self.calls.borrow_mut();
                    let failed: Vec<_> = ids.iter().filter_map(|id| calls.remove(id)).collect();
                    drop(calls);
                    for call in failed {
                        let _ = call.answer.send(Err(error.clone()));
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

    fn open_channel(&self, to: &Origin, session: u64) {
        let Some(window) = self.options.borrow().peer.window() else {
            return;
        };
        let Ok(channel) = MessageChannel::new() else {
            return;
        };
        let port = self.listen_to(channel.port1());
        *self.port.borrow_mut() = Some(port);
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
        *self.port.borrow_mut() = Some(port);
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
    fn refuse_parent(&self, event: &MessageEvent, peer: &Peer, max_len: usize) {
        if *peer != Peer::Parent || self.refused_sent.get() {
            return;
        }
        let source = event.source().map(JsValue::from);
        if !peer.is_source(source.as_ref()) {
            return;
        }
        let is_hello = matches!(classify(&event.data(), max_len), crate::gate::Data::Text(text)
            if matches!(envelope::decode::<Box<RawValue>>(&text, max_len), Ok(Frame::Hello)));
        let (Ok(origin), Some(source)) = (Origin::parse(&event.origin()), source) else {
            return;
        };
        if is_hello && post::<()>(&source, &Frame::Refused, &origin).is_ok() {
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

    /// Host: the widget's content is `height` px high; so is its iframe now.
    fn follow_height(&self, height: u64) {
        let options = self.options.borrow();
        let Peer::Frame(node) = &options.peer else {
            return;
        };
        if !options.auto_resize {
            return;
        }
        if let Some(iframe) = node.cast::<web_sys::HtmlElement>() {
            let _ = iframe
                .style()
                .set_property("height", &format!("{height}px"));
        }
    }
}

/// Child: watches `<html>`'s height and reports it whenever it changes.
fn watch_height<R: Api, L: Api>(inner: Weak<Inner<R, L>>) -> Option<ResizeWatch> {
    let root = web_sys::window()?.document()?.document_element()?;
    let measure = root.clone();
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries| {
        let Some(inner) = inner.upgrade() else {
            return;
        };
        // The content's own height: <html> is as tall as its content unless
        // the page sets height: 100% on it (then it would follow the iframe).
        let height = measure.get_bounding_client_rect().height().ceil();
        inner.height.set(Some(height as u64));
        inner.report_height();
    });
    let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    observer.observe(&root);
    Some(ResizeWatch {
        observer,
        _callback: callback,
    })
}
