//! [`Messenger`]: typed messages on the window path, checked like every
//! other message (origin, then source window, then size, envelope, body),
//! answered through `event.source` at `event.origin` ([`Received::reply`]).
//!
//! This is the raw path, with no private channel and no calls: the seed
//! scenario of a host that posts to its widget's exact origin and a widget
//! that answers whoever (allowed) wrote to it. A `Messenger` owns its
//! `message` listener and removes it when dropped.
//! [`use_post_message`](crate::use_post_message) is a thin hook around it;
//! for calls, reconnects and auto-resize use [`crate::Link`].
//!
//! Both sides say `hello` when they start ("I am listening"); a child
//! answers a host's `hello` with its own, so either may start first.

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::rc::Rc;

use gloo_events::EventListener;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::MessageEvent;

use crate::connection::SendError;
use crate::envelope::{Frame, DEFAULT_MAX_MESSAGE_LEN};
use crate::gate::{DropReason, Dropped, Stats};
use crate::notify::Notify;
use crate::origin::{Origin, OriginPolicy};
use crate::peer::{
    hello_targets, inspect, post, post_hellos, report_drop, Admitted, IframeRef, PeerWindow,
};

/// How a [`Messenger`] (and [`use_post_message`](crate::use_post_message)) talks to its peer.
///
/// ```no_run
/// use crossframe::{MessengerOptions, Origin, OriginPolicy};
/// # fn iframe() -> web_sys::HtmlIFrameElement { unimplemented!() }
/// // Host side: the iframe's child must be on exactly this origin.
/// let child = Origin::parse("http://localhost:8081").unwrap();
/// let host = MessengerOptions::frame(iframe(), child);
/// // Child side: these hosts may embed us.
/// let child = MessengerOptions::parent(OriginPolicy::parse("http://127.0.0.1:8080").unwrap());
/// assert_eq!(child.max_message_len, crossframe::envelope::DEFAULT_MAX_MESSAGE_LEN);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MessengerOptions {
    /// The window we talk to; only messages whose `event.source` is this
    /// window are accepted.
    pub peer: PeerWindow,
    /// Origins whose messages are accepted.
    pub allowed: OriginPolicy,
    /// Where our first `hello` goes (host: the child's origin). Sends go
    /// only to the peer's origin once it said hello or sent a message.
    pub target_origin: Option<Origin>,
    /// Longer messages are dropped before they are copied or parsed.
    pub max_message_len: usize,
    /// Called for every dropped message (they are also logged to the console).
    pub on_drop: Option<Notify<Dropped>>,
    /// Called when the peer says it is listening (a `hello`), with its
    /// origin: on the host, when the child has loaded (again after each
    /// reload); on the child, when the host (re)mounted.
    pub on_ready: Option<Notify<Origin>>,
}

impl MessengerOptions {
    /// Host side: talk to the child in `iframe`, which must be on `child_origin`.
    ///
    /// ```no_run
    /// # fn iframe() -> web_sys::HtmlIFrameElement { unimplemented!() }
    /// use crossframe::{Origin, MessengerOptions};
    /// let options = MessengerOptions::frame(iframe(), Origin::parse("https://widget.example").unwrap());
    /// assert!(options.allowed.allows("https://widget.example"));
    /// ```
    pub fn frame(iframe: impl Into<IframeRef>, child_origin: Origin) -> Self {
        Self {
            peer: PeerWindow::Frame(iframe.into()),
            allowed: OriginPolicy::exact(child_origin.clone()),
            target_origin: Some(child_origin),
            max_message_len: DEFAULT_MAX_MESSAGE_LEN,
            on_drop: None,
            on_ready: None,
        }
    }

    /// Child side: talk to `window.parent`, which must be on an allowed origin.
    ///
    /// ```
    /// use crossframe::{OriginPolicy, MessengerOptions};
    /// let options = MessengerOptions::parent(OriginPolicy::parse("https://shop.example").unwrap());
    /// assert!(options.target_origin.is_none());
    /// ```
    pub fn parent(allowed: OriginPolicy) -> Self {
        Self {
            peer: PeerWindow::Parent,
            allowed,
            target_origin: None,
            max_message_len: DEFAULT_MAX_MESSAGE_LEN,
            on_drop: None,
            on_ready: None,
        }
    }

    /// Sets the callback for dropped messages.
    ///
    /// ```
    /// use crossframe::{OriginPolicy, MessengerOptions};
    /// let options = MessengerOptions::parent(OriginPolicy::new())
    ///     .on_drop(|dropped: crossframe::Dropped| web_sys::console::log_1(&format!("{dropped}").into()));
    /// assert!(options.on_drop.is_some());
    /// ```
    pub fn on_drop(mut self, callback: impl Into<Notify<Dropped>>) -> Self {
        self.on_drop = Some(callback.into());
        self
    }

    /// Sets the callback for the peer's `hello` ("I am listening").
    ///
    /// ```no_run
    /// # fn iframe() -> web_sys::HtmlIFrameElement { unimplemented!() }
    /// use crossframe::{Origin, MessengerOptions};
    /// let options = MessengerOptions::frame(iframe(), Origin::parse("https://w.example").unwrap())
    ///     .on_ready(|origin: Origin| web_sys::console::log_1(&format!("{origin} is listening").into()));
    /// assert!(options.on_ready.is_some());
    /// ```
    pub fn on_ready(mut self, callback: impl Into<Notify<Origin>>) -> Self {
        self.on_ready = Some(callback.into());
        self
    }

    /// Sets the largest message accepted.
    ///
    /// ```
    /// use crossframe::{OriginPolicy, MessengerOptions};
    /// let options = MessengerOptions::parent(OriginPolicy::new()).max_message_len(64 * 1024);
    /// assert_eq!(options.max_message_len, 65536);
    /// ```
    pub fn max_message_len(mut self, len: usize) -> Self {
        self.max_message_len = len;
        self
    }
}

/// A message that passed every check, with who sent it; `Out` is what
/// [`Received::reply`] sends back.
///
/// ```no_run
/// # use crossframe::Received;
/// # fn handle(received: Received<String, String>) {
/// let text: &String = &received.message;
/// received.reply(&format!("you said {text}")).ok();
/// # }
/// ```
pub struct Received<In, Out> {
    /// The decoded message.
    pub message: In,
    /// The sender's origin (always one the policy allows).
    pub origin: Origin,
    source: JsValue,
    _out: PhantomData<fn(&Out)>,
}

impl<In: std::fmt::Debug, Out> std::fmt::Debug for Received<In, Out> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Received")
            .field("message", &self.message)
            .field("origin", &self.origin)
            .finish()
    }
}

impl<In, Out: Serialize> Received<In, Out> {
    /// Answers the sender: posts to `event.source` with target origin
    /// `event.origin`, never `*`.
    ///
    /// ```no_run
    /// # fn handle(received: crossframe::Received<String, String>) {
    /// if let Err(error) = received.reply(&"thanks".to_owned()) {
    ///     web_sys::console::warn_1(&error.to_string().into());
    /// }
    /// # }
    /// ```
    pub fn reply(&self, message: &Out) -> Result<(), SendError> {
        post(&self.source, &Frame::Message(message), &self.origin)
    }
}

/// The handler of admitted messages.
type OnMessage<In, Out> = Rc<dyn Fn(Received<In, Out>)>;

/// What the listener and the `Messenger` share: the newest options and
/// handler, the counters, and the peer's origin once known.
struct Shared<In, Out> {
    options: RefCell<MessengerOptions>,
    on_message: RefCell<OnMessage<In, Out>>,
    on_peer: RefCell<Option<Notify<Origin>>>,
    stats: Cell<Stats>,
    peer_origin: RefCell<Option<Origin>>,
}

/// Receives typed messages (`In`) from one peer window and sends typed
/// messages (`Out`) to it, on the window path: no private channel, no calls.
/// Both sides say `hello` when they start; a child answers a host's hello,
/// so either may start first. Dropping it removes its listener.
///
/// ```no_run
/// use crossframe::{Messenger, MessengerOptions, OriginPolicy, Received};
/// let allowed = OriginPolicy::parse("https://shop.example").unwrap();
/// // The widget: answer every message from the host.
/// let messenger = Messenger::<String, String>::new(MessengerOptions::parent(allowed), |received: Received<String, String>| {
///     received.reply(&format!("got {}", received.message)).ok();
/// });
/// # drop(messenger);
/// ```
pub struct Messenger<In, Out> {
    shared: Rc<Shared<In, Out>>,
    _listener: Option<EventListener>,
}

impl<In, Out> std::fmt::Debug for Messenger<In, Out> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Messenger")
            .field("peer_origin", &self.peer_origin())
            .field("stats", &self.stats())
            .finish()
    }
}

impl<In: DeserializeOwned + 'static, Out: 'static> Messenger<In, Out> {
    /// Starts listening and says hello to the peer.
    ///
    /// ```no_run
    /// # use crossframe::{Messenger, MessengerOptions, Origin, Received};
    /// # fn iframe() -> web_sys::HtmlIFrameElement { unimplemented!() }
    /// let child = Origin::parse("https://widget.example").unwrap();
    /// let host = Messenger::<String, String>::new(MessengerOptions::frame(iframe(), child), |received: Received<String, String>| {
    ///     web_sys::console::log_1(&received.message.into());
    /// });
    /// # drop(host);
    /// ```
    pub fn new(
        options: MessengerOptions,
        on_message: impl Fn(Received<In, Out>) + 'static,
    ) -> Self {
        let shared = Rc::new(Shared {
            options: RefCell::new(options),
            on_message: RefCell::new(Rc::new(on_message)),
            on_peer: RefCell::new(None),
            stats: Cell::new(Stats::default()),
            peer_origin: RefCell::new(None),
        });
        let listener = web_sys::window().map(|window| {
            let shared = shared.clone();
            EventListener::new(&window, "message", move |event| {
                if let Some(event) = event.dyn_ref::<MessageEvent>() {
                    receive(&shared, event);
                }
            })
        });
        greet(&shared.options.borrow(), None);
        Messenger {
            shared,
            _listener: listener,
        }
    }
}

impl<In, Out> Messenger<In, Out> {
    /// Replaces the message handler (the hook does this on every render).
    ///
    /// ```no_run
    /// # fn swap(messenger: &crossframe::Messenger<String, String>) {
    /// messenger.set_on_message(|received| web_sys::console::log_1(&received.message.into()));
    /// # }
    /// ```
    pub fn set_on_message(&self, on_message: impl Fn(Received<In, Out>) + 'static) {
        *self.shared.on_message.borrow_mut() = Rc::new(on_message);
    }

    /// Replaces the options that need no new listener (size limit,
    /// callbacks); the peer, allow-list and target origin are the
    /// `Messenger`'s for life.
    ///
    /// ```no_run
    /// # fn shrink(messenger: &crossframe::Messenger<String, String>) {
    /// # let options = crossframe::MessengerOptions::parent(crossframe::OriginPolicy::new());
    /// messenger.set_options(options.max_message_len(1024));
    /// # }
    /// ```
    pub fn set_options(&self, options: MessengerOptions) {
        let mut current = self.shared.options.borrow_mut();
        current.max_message_len = options.max_message_len;
        current.on_drop = options.on_drop;
        current.on_ready = options.on_ready;
    }

    /// Hears the peer's origin whenever it becomes known or changes (the
    /// hook re-renders on it).
    ///
    /// ```no_run
    /// # fn watch(messenger: &crossframe::Messenger<String, String>) {
    /// messenger.on_peer(crossframe::Notify::new(|origin| web_sys::console::log_1(&format!("talking to {origin}").into())));
    /// # }
    /// ```
    pub fn on_peer(&self, notify: Notify<Origin>) {
        *self.shared.on_peer.borrow_mut() = Some(notify);
    }

    /// The peer's origin once it said hello or sent an admitted message.
    ///
    /// ```no_run
    /// # fn show(messenger: &crossframe::Messenger<String, String>) -> String {
    /// match messenger.peer_origin() {
    ///     Some(origin) => format!("talking to {origin}"),
    ///     None => "waiting for the peer…".into(),
    /// }
    /// # }
    /// ```
    pub fn peer_origin(&self) -> Option<Origin> {
        self.shared.peer_origin.borrow().clone()
    }

    /// Messages delivered and dropped so far (hellos are not messages).
    ///
    /// ```no_run
    /// # fn show(messenger: &crossframe::Messenger<String, String>) -> u64 {
    /// messenger.stats().dropped
    /// # }
    /// ```
    pub fn stats(&self) -> Stats {
        self.shared.stats.get()
    }
}

impl<In, Out: Serialize> Messenger<In, Out> {
    /// Sends a message to the peer window at its exact origin. Until the
    /// peer has said hello (or written), there is nobody known to listen:
    /// [`SendError::PeerOriginUnknown`], rather than a post the browser
    /// would drop unseen.
    ///
    /// ```no_run
    /// # fn hello(messenger: &crossframe::Messenger<String, String>) {
    /// if let Err(error) = messenger.send(&"Hello".to_owned()) {
    ///     web_sys::console::warn_1(&error.to_string().into()); // not listening yet
    /// }
    /// # }
    /// ```
    pub fn send(&self, message: &Out) -> Result<(), SendError> {
        let target = self
            .shared
            .peer_origin
            .borrow()
            .clone()
            .ok_or(SendError::PeerOriginUnknown)?;
        let peer = self
            .shared
            .options
            .borrow()
            .peer
            .window()
            .ok_or(SendError::NoPeer)?;
        post(&peer, &Frame::Message(message), &target)
    }
}

/// One `message` event: checked, then delivered, answered (a child answers
/// a host's hello) or dropped with its reason.
fn receive<In: DeserializeOwned, Out>(shared: &Shared<In, Out>, event: &MessageEvent) {
    let (policy, peer, max_len) = {
        let options = shared.options.borrow();
        (
            options.allowed.clone(),
            options.peer.clone(),
            options.max_message_len,
        )
    };
    let admitted =
        inspect::<In>(event, &policy, &peer, max_len).and_then(|admitted| match admitted.frame {
            Frame::Hello | Frame::Message(_) => Ok(admitted),
            other => Err(Dropped {
                origin: admitted.origin.to_string(),
                reason: DropReason::UnexpectedKind(other.kind()),
            }),
        });
    let Admitted {
        origin,
        frame,
        source,
    } = match admitted {
        Ok(admitted) => admitted,
        Err(dropped) => {
            bump(&shared.stats, |s| s.dropped += 1);
            let on_drop = shared.options.borrow().on_drop.clone();
            return report_drop(dropped, on_drop.as_ref());
        }
    };
    remember_peer(shared, &origin);
    match frame {
        Frame::Message(message) => {
            bump(&shared.stats, |s| s.delivered += 1);
            let on_message = shared.on_message.borrow().clone();
            on_message(Received {
                message,
                origin,
                source,
                _out: PhantomData,
            });
        }
        _hello => {
            // A child answers the host's hello, so the host learns it is
            // listening whichever side started first; a host does not answer.
            greet(&shared.options.borrow(), Some(&origin));
            let on_ready = shared.options.borrow().on_ready.clone();
            if let Some(on_ready) = on_ready {
                on_ready.emit(origin);
            }
        }
    }
}

/// Says hello: the host to its child's origin when it starts; the child to
/// its parent when it starts (`to: None`) and in answer to the host's hello.
fn greet(options: &MessengerOptions, to: Option<&Origin>) {
    let Some(window) = options.peer.framed_window() else {
        return;
    };
    // A host answers no hello, and greets only a child it knows the origin of.
    let host = matches!(options.peer, PeerWindow::Frame(_));
    if host && (to.is_some() || options.target_origin.is_none()) {
        return;
    }
    match hello_targets(to, options.target_origin.as_ref(), &options.allowed) {
        Ok(targets) => post_hellos(&window, &targets),
        // Framed by a page we do not allow: tell it, at its exact origin,
        // so it can say why nothing works; say nothing else.
        Err(not_allowed) => {
            let _ = post::<()>(&window, &Frame::Refused, &not_allowed);
        }
    }
}

fn bump(stats: &Cell<Stats>, change: impl FnOnce(&mut Stats)) {
    let mut s = stats.get();
    change(&mut s);
    stats.set(s);
}

fn remember_peer<In, Out>(shared: &Shared<In, Out>, origin: &Origin) {
    let changed = {
        let mut known = shared.peer_origin.borrow_mut();
        let changed = known.as_ref() != Some(origin);
        *known = Some(origin.clone());
        changed
    };
    let on_peer = shared.on_peer.borrow().clone();
    if let (true, Some(on_peer)) = (changed, on_peer) {
        on_peer.emit(origin.clone());
    }
}
