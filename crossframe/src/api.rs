//! What each side offers ([`Api`]), how it handles what the peer sends
//! ([`Handlers`]), and the [`Peer`] handle those handlers answer through.

use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::connection::SendError;
use crate::connection::{CallError, DisconnectReason};
use crate::origin::Origin;

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

/// The peer, as a handler sees it: its origin, and `send` / `call` to it
/// on the same connection (cheap to clone: it holds no strong reference, so
/// a handler that keeps it does not keep the connection alive).
///
/// ```no_run
/// use crossframe::{Api, Handlers, Peer};
/// struct Host;
/// impl Api for Host { type Message = String; type Request = (); type Response = (); }
/// struct Widget;
/// impl Api for Widget { type Message = String; type Request = (); type Response = (); }
/// // The widget answers each message with a message.
/// let handlers = Handlers::<Host, Widget>::new().on_message(|text, host: &Peer<Host>| {
///     host.send(&format!("{} said {text}", host.origin())).ok();
/// });
/// # let _ = handlers;
/// ```
pub struct Peer<Theirs: Api> {
    origin: Origin,
    link: Weak<dyn Remote<Theirs>>,
}

/// What a [`Peer`] handle reaches: the connection, with its own API erased.
pub(crate) trait Remote<Theirs: Api> {
    fn send(&self, message: &Theirs::Message) -> Result<(), SendError>;
    fn call(&self, request: Theirs::Request, timeout: Option<Duration>) -> CallFuture<Theirs>;
}

/// A call in flight, as a [`Peer`] handle makes it.
pub(crate) type CallFuture<Theirs> =
    Pin<Box<dyn Future<Output = Result<<Theirs as Api>::Response, CallError>>>>;

impl<Theirs: Api> Peer<Theirs> {
    pub(crate) fn new(origin: Origin, link: Weak<dyn Remote<Theirs>>) -> Self {
        Self { origin, link }
    }

    /// The peer's exact origin, checked at the handshake.
    ///
    /// ```no_run
    /// # fn show<T: crossframe::Api>(peer: &crossframe::Peer<T>) -> String {
    /// format!("from {}", peer.origin())
    /// # }
    /// ```
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// Sends the peer a message, as [`crate::Link::send`] does.
    ///
    /// ```no_run
    /// # struct H; impl crossframe::Api for H { type Message = String; type Request = (); type Response = (); }
    /// # fn answer(peer: &crossframe::Peer<H>) {
    /// peer.send(&"thanks".to_owned()).ok();
    /// # }
    /// ```
    pub fn send(&self, message: &Theirs::Message) -> Result<(), SendError> {
        match self.link.upgrade() {
            Some(link) => link.send(message),
            None => Err(SendError::NotConnected),
        }
    }

    /// Calls the peer with the default timeout, as [`crate::Link::call`] does.
    ///
    /// ```no_run
    /// # struct H; impl crossframe::Api for H { type Message = (); type Request = u32; type Response = u32; }
    /// # async fn ask(peer: crossframe::Peer<H>) {
    /// let doubled = peer.call(21).await;
    /// # }
    /// ```
    pub fn call(
        &self,
        request: Theirs::Request,
    ) -> impl Future<Output = Result<Theirs::Response, CallError>> {
        self.start(request, None)
    }

    /// Calls the peer, failing with [`CallError::TimedOut`] after `timeout`.
    ///
    /// ```no_run
    /// # struct H; impl crossframe::Api for H { type Message = (); type Request = u32; type Response = u32; }
    /// # async fn ask(peer: crossframe::Peer<H>) {
    /// let doubled = peer.call_with_timeout(21, std::time::Duration::from_secs(1)).await;
    /// # }
    /// ```
    pub fn call_with_timeout(
        &self,
        request: Theirs::Request,
        timeout: Duration,
    ) -> impl Future<Output = Result<Theirs::Response, CallError>> {
        self.start(request, Some(timeout))
    }

    fn start(&self, request: Theirs::Request, timeout: Option<Duration>) -> CallFuture<Theirs> {
        match self.link.upgrade() {
            Some(link) => link.call(request, timeout),
            None => Box::pin(std::future::ready(Err(CallError::Disconnected(
                DisconnectReason::Closed,
            )))),
        }
    }
}

impl<Theirs: Api> Clone for Peer<Theirs> {
    fn clone(&self) -> Self {
        Self {
            origin: self.origin.clone(),
            link: self.link.clone(),
        }
    }
}

impl<Theirs: Api> std::fmt::Debug for Peer<Theirs> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Peer")
            .field("origin", &self.origin)
            .finish()
    }
}

pub(crate) type MessageHandler<Theirs, Ours> = Rc<dyn Fn(<Ours as Api>::Message, &Peer<Theirs>)>;
pub(crate) type Answer<Ours> =
    Pin<Box<dyn Future<Output = Result<<Ours as Api>::Response, String>>>>;
pub(crate) type SyncHandler<Theirs, Ours> =
    Rc<dyn Fn(<Ours as Api>::Request, &Peer<Theirs>) -> Result<<Ours as Api>::Response, String>>;
pub(crate) type AsyncHandler<Theirs, Ours> =
    Rc<dyn Fn(<Ours as Api>::Request, Peer<Theirs>) -> Answer<Ours>>;

/// Synchronous handlers answer in the same task; asynchronous ones are
/// spawned and counted against [`MAX_CALLS_IN_FLIGHT`](crate::MAX_CALLS_IN_FLIGHT).
pub(crate) enum RequestHandler<Theirs: Api, Ours: Api> {
    Sync(SyncHandler<Theirs, Ours>),
    Async(AsyncHandler<Theirs, Ours>),
}

impl<Theirs: Api, Ours: Api> Clone for RequestHandler<Theirs, Ours> {
    fn clone(&self) -> Self {
        match self {
            RequestHandler::Sync(handler) => RequestHandler::Sync(handler.clone()),
            RequestHandler::Async(handler) => RequestHandler::Async(handler.clone()),
        }
    }
}

/// How this side (API `Ours`) handles what the peer (API `Theirs`) sends:
/// its messages, and its calls. Each handler gets the [`Peer`], to answer
/// with a message or a call of its own. A call with no handler is answered
/// with an error.
///
/// ```
/// use crossframe::{Api, Handlers};
/// struct Widget;
/// impl Api for Widget { type Message = String; type Request = (); type Response = (); }
/// struct Host;
/// impl Api for Host { type Message = String; type Request = (); type Response = u32; }
/// let handlers = Handlers::<Widget, Host>::new()
///     .on_message(|text, widget| web_sys::console::log_1(&format!("{}: {text}", widget.origin()).into()))
///     .on_request(|(), _widget| Ok(42));
/// # let _ = handlers;
/// ```
pub struct Handlers<Theirs: Api, Ours: Api> {
    pub(crate) on_message: Option<MessageHandler<Theirs, Ours>>,
    pub(crate) on_request: Option<RequestHandler<Theirs, Ours>>,
}

impl<Theirs: Api, Ours: Api> Handlers<Theirs, Ours> {
    /// No handlers: messages are ignored, calls answered with an error.
    ///
    /// ```
    /// # struct A; impl crossframe::Api for A { type Message = (); type Request = (); type Response = (); }
    /// let none = crossframe::Handlers::<A, A>::new();
    /// # let _ = none;
    /// ```
    pub fn new() -> Self {
        Self {
            on_message: None,
            on_request: None,
        }
    }

    /// Handles each message, with the [`Peer`] that sent it.
    ///
    /// ```
    /// # struct A; impl crossframe::Api for A { type Message = String; type Request = (); type Response = (); }
    /// let handlers = crossframe::Handlers::<A, A>::new().on_message(|text, peer| {
    ///     peer.send(&text).ok(); // an echo
    /// });
    /// # let _ = handlers;
    /// ```
    pub fn on_message(mut self, handler: impl Fn(Ours::Message, &Peer<Theirs>) + 'static) -> Self {
        self.on_message = Some(Rc::new(handler));
        self
    }

    /// Answers each call (with the caller as a [`Peer`]); an `Err` reaches
    /// the caller as [`CallError::Remote`].
    ///
    /// ```
    /// # struct A; impl crossframe::Api for A { type Message = (); type Request = u32; type Response = u32; }
    /// let handlers = crossframe::Handlers::<A, A>::new().on_request(|n, _caller| n.checked_mul(2).ok_or("too big".into()));
    /// # let _ = handlers;
    /// ```
    pub fn on_request(
        mut self,
        handler: impl Fn(Ours::Request, &Peer<Theirs>) -> Result<Ours::Response, String> + 'static,
    ) -> Self {
        self.on_request = Some(RequestHandler::Sync(Rc::new(handler)));
        self
    }

    /// Answers each call asynchronously (after a timer, a fetch, a call of
    /// its own to the peer…). If the session ends first, the handler's
    /// future is dropped (cancelled) and nothing is answered; the caller has
    /// already been told [`CallError::Disconnected`].
    ///
    /// ```
    /// use crossframe::{Api, Handlers};
    /// struct Widget;
    /// impl Api for Widget { type Message = (); type Request = u32; type Response = u32; }
    /// let handlers = Handlers::<Widget, Widget>::new().on_request_async(|millis, _caller| async move {
    ///     gloo_timers::future::TimeoutFuture::new(millis).await;
    ///     Ok(millis)
    /// });
    /// # let _ = handlers;
    /// ```
    pub fn on_request_async<F>(
        mut self,
        handler: impl Fn(Ours::Request, Peer<Theirs>) -> F + 'static,
    ) -> Self
    where
        F: Future<Output = Result<Ours::Response, String>> + 'static,
    {
        self.on_request = Some(RequestHandler::Async(Rc::new(move |request, peer| {
            Box::pin(handler(request, peer))
        })));
        self
    }
}

impl<Theirs: Api, Ours: Api> Default for Handlers<Theirs, Ours> {
    fn default() -> Self {
        Self::new()
    }
}

impl<Theirs: Api, Ours: Api> Clone for Handlers<Theirs, Ours> {
    fn clone(&self) -> Self {
        Self {
            on_message: self.on_message.clone(),
            on_request: self.on_request.clone(),
        }
    }
}

impl<Theirs: Api, Ours: Api> std::fmt::Debug for Handlers<Theirs, Ours> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handlers")
            .field("on_message", &self.on_message.is_some())
            .field("on_request", &self.on_request.is_some())
            .finish()
    }
}
