//! `use_post_message`: typed, origin- and source-checked messages between
//! windows, as a Yew hook.

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::rc::Rc;

use gloo_events::EventListener;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::MessageEvent;
use yew::prelude::*;

use crate::envelope::{Frame, DEFAULT_MAX_MESSAGE_LEN};
use crate::gate::{DropReason, Dropped, Stats};
use crate::notify::Notify;
use crate::origin::{Origin, OriginPolicy};
use crate::peer::{
    announce_targets, inspect, post, post_hellos, report_drop, Admitted, IframeRef, PeerWindow,
    SendError,
};

/// How [`use_post_message`] talks to its peer.
///
/// ```
/// use crossframe::{Origin, OriginPolicy, UsePostMessageOptions};
/// use yew::NodeRef;
/// // Host side: the iframe's child must be on exactly this origin.
/// let child = Origin::parse("http://localhost:8081").unwrap();
/// let host = UsePostMessageOptions::frame(NodeRef::default(), child);
/// // Child side: these hosts may embed us.
/// let child = UsePostMessageOptions::parent(OriginPolicy::parse("http://127.0.0.1:8080").unwrap());
/// assert_eq!(child.max_message_len, crossframe::envelope::DEFAULT_MAX_MESSAGE_LEN);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct UsePostMessageOptions {
    /// The window we talk to; only messages whose `event.source` is this
    /// window are accepted.
    pub peer: PeerWindow,
    /// Origins whose messages are accepted.
    pub allowed: OriginPolicy,
    /// Where sends go before the peer has said anything. Once the peer's
    /// first message is admitted, its origin is used.
    pub target_origin: Option<Origin>,
    /// Longer messages are dropped before they are copied or parsed.
    pub max_message_len: usize,
    /// Called for every dropped message (they are also logged to the console).
    pub on_drop: Option<Notify<Dropped>>,
    /// Called when the child announces that it is listening (host side), with
    /// its origin. It is called again after the child reloads.
    pub on_ready: Option<Notify<Origin>>,
}

impl UsePostMessageOptions {
    /// Host side: talk to the child in `iframe`, which must be on `child_origin`.
    ///
    /// ```
    /// use crossframe::{Origin, UsePostMessageOptions};
    /// let options = UsePostMessageOptions::frame(yew::NodeRef::default(), Origin::parse("https://widget.example").unwrap());
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
    /// use crossframe::{OriginPolicy, UsePostMessageOptions};
    /// let options = UsePostMessageOptions::parent(OriginPolicy::parse("https://shop.example").unwrap());
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
    /// use crossframe::{OriginPolicy, UsePostMessageOptions};
    /// use yew::Callback;
    /// let options = UsePostMessageOptions::parent(OriginPolicy::new())
    ///     .on_drop(Callback::from(|dropped| web_sys::console::log_1(&format!("{dropped}").into())));
    /// assert!(options.on_drop.is_some());
    /// ```
    pub fn on_drop(mut self, callback: impl Into<Notify<Dropped>>) -> Self {
        self.on_drop = Some(callback.into());
        self
    }

    /// Sets the callback for the child's "ready" announcement.
    ///
    /// ```
    /// use crossframe::{Origin, UsePostMessageOptions};
    /// use yew::Callback;
    /// let options = UsePostMessageOptions::frame(yew::NodeRef::default(), Origin::parse("https://w.example").unwrap())
    ///     .on_ready(Callback::from(|origin: Origin| { let _ = origin; }));
    /// assert!(options.on_ready.is_some());
    /// ```
    pub fn on_ready(mut self, callback: impl Into<Notify<Origin>>) -> Self {
        self.on_ready = Some(callback.into());
        self
    }

    /// Sets the largest message accepted.
    ///
    /// ```
    /// use crossframe::{OriginPolicy, UsePostMessageOptions};
    /// let options = UsePostMessageOptions::parent(OriginPolicy::new()).max_message_len(64 * 1024);
    /// assert_eq!(options.max_message_len, 65536);
    /// ```
    pub fn max_message_len(mut self, len: usize) -> Self {
        self.max_message_len = len;
        self
    }
}

/// A message that passed every check, with who sent it.
///
/// ```no_run
/// # use crossframe::Received;
/// # fn handle(received: Received<String>) {
/// let text: &String = &received.message;
/// received.reply(&format!("you said {text}")).ok();
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Received<In> {
    /// The decoded message.
    pub message: In,
    /// The sender's origin (always one the policy allows).
    pub origin: Origin,
    source: JsValue,
}

impl<In> Received<In> {
    /// Answers the sender: posts to `event.source` with target origin
    /// `event.origin`, never `*`.
    ///
    /// ```no_run
    /// # fn handle(received: crossframe::Received<String>) {
    /// if let Err(error) = received.reply(&"thanks") {
    ///     web_sys::console::warn_1(&error.to_string().into());
    /// }
    /// # }
    /// ```
    pub fn reply<Out: Serialize>(&self, message: &Out) -> Result<(), SendError> {
        post(&self.source, &Frame::Message(message), &self.origin)
    }
}

/// What the component holds: send to the peer, and read what the hook knows.
pub struct UsePostMessageHandle<Out> {
    shared: Rc<Shared>,
    peer_origin: Option<Origin>,
    _out: PhantomData<fn(Out)>,
}

impl<Out> std::fmt::Debug for UsePostMessageHandle<Out> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsePostMessageHandle")
            .field("peer_origin", &self.peer_origin)
            .field("stats", &self.shared.stats.get())
            .finish()
    }
}

impl<Out> Clone for UsePostMessageHandle<Out> {
    fn clone(&self) -> Self {
        Self {
            shared: self.shared.clone(),
            peer_origin: self.peer_origin.clone(),
            _out: PhantomData,
        }
    }
}

impl<Out> PartialEq for UsePostMessageHandle<Out> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.shared, &other.shared) && self.peer_origin == other.peer_origin
    }
}

impl<Out: Serialize> UsePostMessageHandle<Out> {
    /// Sends a message to the peer window, to its exact origin: the origin
    /// of its last admitted message, or else the configured `target_origin`.
    ///
    /// ```no_run
    /// # fn send(handle: crossframe::UsePostMessageHandle<String>) {
    /// handle.send(&"Hello".to_owned()).expect("child is listening");
    /// # }
    /// ```
    pub fn send(&self, message: &Out) -> Result<(), SendError> {
        let (peer, target) = {
            let latest = self.shared.options.borrow();
            let target = self
                .shared
                .peer_origin
                .borrow()
                .clone()
                .or_else(|| latest.target_origin.clone());
            (latest.peer.window(), target)
        };
        let peer = peer.ok_or(SendError::NoPeer)?;
        let target = target.ok_or(SendError::PeerOriginUnknown)?;
        post(&peer, &Frame::Message(message), &target)
    }
}

impl<Out> UsePostMessageHandle<Out> {
    /// The peer's origin once it has announced itself or sent an admitted
    /// message; the component re-renders when it changes.
    ///
    /// ```no_run
    /// # fn show(handle: crossframe::UsePostMessageHandle<String>) -> String {
    /// match handle.peer_origin() {
    ///     Some(origin) => format!("connected to {origin}"),
    ///     None => "waiting for the widget…".into(),
    /// }
    /// # }
    /// ```
    pub fn peer_origin(&self) -> Option<&Origin> {
        self.peer_origin.as_ref()
    }

    /// Messages delivered and dropped so far (read on demand, no re-render).
    ///
    /// ```no_run
    /// # fn show(handle: crossframe::UsePostMessageHandle<String>) -> u64 {
    /// handle.stats().dropped
    /// # }
    /// ```
    pub fn stats(&self) -> Stats {
        self.shared.stats.get()
    }
}

/// State shared by the listener and the handle: the newest options and
/// callback (updated on every render, so the listener never re-subscribes).
struct Shared {
    options: RefCell<UsePostMessageOptions>,
    stats: Cell<Stats>,
    peer_origin: RefCell<Option<Origin>>,
}

/// Receives typed messages from one peer window and sends typed messages to it.
///
/// The hook listens to `message` on `window` through a
/// [`gloo_events::EventListener`], removed when the component unmounts. Every
/// message must come from an allowed origin *and* from the peer window
/// (`event.source`), be a crossframe envelope no longer than
/// `max_message_len`, and decode as `In`; anything else is dropped, logged
/// with its reason, counted, and passed to `on_drop`. Sends and replies
/// always name an exact target origin, never `*`.
///
/// On the child side (`Peer::Parent`) the hook announces itself on mount, so
/// the host knows when it can send (its `on_ready`).
///
/// # Example
///
/// ```no_run
/// use crossframe::{use_post_message, OriginPolicy, Received, UsePostMessageOptions};
/// use yew::prelude::*;
///
/// #[component]
/// fn Widget() -> Html {
///     let last = use_state(String::new);
///     let allowed = OriginPolicy::parse("https://host.example").expect("valid origin");
///     let on_message = {
///         let last = last.clone();
///         move |received: Received<String>| {
///             received.reply(&format!("got {}", received.message)).ok();
///             last.set(received.message);
///         }
///     };
///     let _link = use_post_message::<String, String, _>(UsePostMessageOptions::parent(allowed), on_message);
///     html! { <p>{ (*last).clone() }</p> }
/// }
/// ```
#[hook]
pub fn use_post_message<In, Out, F>(
    options: UsePostMessageOptions,
    on_message: F,
) -> UsePostMessageHandle<Out>
where
    In: DeserializeOwned + 'static,
    Out: 'static,
    F: Fn(Received<In>) + 'static,
{
    let peer_origin = use_state(|| None::<Origin>);
    let shared = {
        let options = options.clone();
        use_mut_ref(move || {
            Rc::new(Shared {
                options: RefCell::new(options),
                stats: Cell::new(Stats::default()),
                peer_origin: RefCell::new(None),
            })
        })
        .borrow()
        .clone()
    };
    *shared.options.borrow_mut() = options;
    let on_message = use_latest(on_message);

    {
        let shared = shared.clone();
        let peer_origin = peer_origin.setter();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                announce(&shared);
                EventListener::new(&window, "message", move |event| {
                    let Some(event) = event.dyn_ref::<MessageEvent>() else {
                        return;
                    };
                    let (policy, peer, max_len) = {
                        let options = shared.options.borrow();
                        (
                            options.allowed.clone(),
                            options.peer.clone(),
                            options.max_message_len,
                        )
                    };
                    let admitted =
                        inspect::<In>(event, &policy, &peer, max_len).and_then(|admitted| {
                            match admitted.frame {
                                Frame::Hello | Frame::Message(_) => Ok(admitted),
                                other => Err(Dropped {
                                    origin: admitted.origin.to_string(),
                                    reason: DropReason::UnexpectedKind(other.kind()),
                                }),
                            }
                        });
                    match admitted {
                        Ok(Admitted {
                            origin,
                            frame,
                            source,
                        }) => {
                            bump(&shared.stats, |s| s.delivered += 1);
                            remember_peer(&shared, &peer_origin, &origin);
                            if let Frame::Message(message) = frame {
                                let on_message = on_message.borrow().clone();
                                on_message(Received {
                                    message,
                                    origin,
                                    source,
                                });
                            } else {
                                let on_ready = shared.options.borrow().on_ready.clone();
                                if let Some(on_ready) = on_ready {
                                    on_ready.emit(origin);
                                }
                            }
                        }
                        Err(dropped) => {
                            bump(&shared.stats, |s| s.dropped += 1);
                            let on_drop = shared.options.borrow().on_drop.clone();
                            report_drop(dropped, on_drop.as_ref());
                        }
                    }
                })
            });
            move || drop(listener)
        });
    }

    UsePostMessageHandle {
        shared,
        peer_origin: (*peer_origin).clone(),
        _out: PhantomData,
    }
}

/// Keeps the newest value of a callback without re-subscribing (as
/// yew-hooks' `use_latest`).
#[hook]
fn use_latest<F: 'static>(value: F) -> Rc<RefCell<Rc<F>>> {
    let cell = use_mut_ref(|| None::<Rc<RefCell<Rc<F>>>>);
    let mut slot = cell.borrow_mut();
    match slot.as_ref() {
        Some(latest) => {
            *latest.borrow_mut() = Rc::new(value);
            latest.clone()
        }
        None => slot.insert(Rc::new(RefCell::new(Rc::new(value)))).clone(),
    }
}

fn bump(stats: &Cell<Stats>, change: impl FnOnce(&mut Stats)) {
    let mut s = stats.get();
    change(&mut s);
    stats.set(s);
}

fn remember_peer(shared: &Shared, state: &UseStateSetter<Option<Origin>>, origin: &Origin) {
    let mut known = shared.peer_origin.borrow_mut();
    if known.as_ref() != Some(origin) {
        *known = Some(origin.clone());
        state.set(Some(origin.clone()));
    }
}

/// Child side: tell the parent we are listening, to an exact origin.
fn announce(shared: &Shared) {
    let options = shared.options.borrow();
    if options.peer != PeerWindow::Parent {
        return;
    }
    let Some(parent) = options.peer.framed_window() else {
        return;
    };
    let targets = match &options.target_origin {
        Some(origin) => vec![origin.clone()],
        None => announce_targets(&options.allowed).unwrap_or_default(),
    };
    post_hellos(&parent, &targets);
}
