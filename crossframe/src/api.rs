//! What each side offers ([`Api`]) and how it handles what the peer sends
//! ([`Handlers`]): the types a [`crate::Link`] is generic over.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::Serialize;

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

pub(crate) type MessageHandler<L> = Rc<dyn Fn(<L as Api>::Message, &Origin)>;
pub(crate) type Answer<L> = Pin<Box<dyn Future<Output = Result<<L as Api>::Response, String>>>>;
pub(crate) type SyncHandler<L> =
    Rc<dyn Fn(<L as Api>::Request, &Origin) -> Result<<L as Api>::Response, String>>;
pub(crate) type AsyncHandler<L> = Rc<dyn Fn(<L as Api>::Request, Origin) -> Answer<L>>;

/// Synchronous handlers answer in the same task; asynchronous ones are
/// spawned and counted against [`MAX_CALLS_IN_FLIGHT`](crate::MAX_CALLS_IN_FLIGHT).
pub(crate) enum RequestHandler<L: Api> {
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
    pub(crate) on_message: Option<MessageHandler<L>>,
    pub(crate) on_request: Option<RequestHandler<L>>,
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
    /// caller as [`CallError::Remote`](crate::CallError::Remote).
    pub fn on_request(
        mut self,
        handler: impl Fn(L::Request, &Origin) -> Result<L::Response, String> + 'static,
    ) -> Self {
        self.on_request = Some(RequestHandler::Sync(Rc::new(handler)));
        self
    }

    /// Answers each call asynchronously (after a timer, a fetch…). If the
    /// connection drops first, the answer is discarded; the caller has
    /// already been told [`CallError::Disconnected`](crate::CallError::Disconnected).
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
