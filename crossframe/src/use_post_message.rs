//! `use_post_message`: the raw window path ([`Messenger`]) as a Yew hook.

use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use yew::prelude::*;

use crate::connection::SendError;
use crate::gate::Stats;
use crate::messenger::{Messenger, MessengerOptions, Received};
use crate::notify::Notify;
use crate::origin::Origin;
use crate::peer::PeerKey;

/// The options of [`use_post_message`]: a [`MessengerOptions`].
///
/// ```
/// use crossframe::{OriginPolicy, UsePostMessageOptions};
/// let widget = UsePostMessageOptions::parent(OriginPolicy::parse("https://shop.example").unwrap());
/// # let _ = widget;
/// ```
pub type UsePostMessageOptions = MessengerOptions;

/// What the component holds: send to the peer, and read what the hook knows.
///
/// ```no_run
/// # fn greet(link: crossframe::UsePostMessageHandle<String>) {
/// if link.peer_origin().is_some() {
///     link.send(&"Hello".to_owned()).ok();
/// }
/// # }
/// ```
pub struct UsePostMessageHandle<Out> {
    messenger: Rc<RefCell<Option<Rc<dyn Sender<Out>>>>>,
    peer_origin: Option<Origin>,
    _out: PhantomData<fn(Out)>,
}

/// A [`Messenger`] with its incoming type erased (the handle only sends).
trait Sender<Out> {
    fn send(&self, message: &Out) -> Result<(), SendError>;
    fn stats(&self) -> Stats;
}

impl<In, Out: Serialize> Sender<Out> for Messenger<In, Out> {
    fn send(&self, message: &Out) -> Result<(), SendError> {
        Messenger::send(self, message)
    }
    fn stats(&self) -> Stats {
        Messenger::stats(self)
    }
}

impl<Out> std::fmt::Debug for UsePostMessageHandle<Out> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsePostMessageHandle")
            .field("peer_origin", &self.peer_origin)
            .finish()
    }
}

impl<Out> Clone for UsePostMessageHandle<Out> {
    fn clone(&self) -> Self {
        Self {
            messenger: self.messenger.clone(),
            peer_origin: self.peer_origin.clone(),
            _out: PhantomData,
        }
    }
}

impl<Out> PartialEq for UsePostMessageHandle<Out> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.messenger, &other.messenger) && self.peer_origin == other.peer_origin
    }
}

impl<Out: Serialize> UsePostMessageHandle<Out> {
    /// Sends a message to the peer window at its exact origin, once the
    /// peer said it is listening ([`SendError::PeerOriginUnknown`] before).
    ///
    /// ```no_run
    /// # fn send(handle: crossframe::UsePostMessageHandle<String>) {
    /// handle.send(&"Hello".to_owned()).ok();
    /// # }
    /// ```
    pub fn send(&self, message: &Out) -> Result<(), SendError> {
        match self.messenger.borrow().as_ref() {
            Some(messenger) => messenger.send(message),
            None => Err(SendError::PeerOriginUnknown),
        }
    }
}

impl<Out> UsePostMessageHandle<Out> {
    /// The peer's origin once it said hello or sent an admitted message;
    /// the component re-renders when it changes.
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
        self.messenger
            .borrow()
            .as_ref()
            .map(|m| m.stats())
            .unwrap_or_default()
    }
}

/// Receives typed messages (`In`) from one peer window and sends typed
/// messages (`Out`) to it: the raw window path, a thin hook around a
/// [`Messenger`] (for a private channel, calls and reconnects, use
/// [`use_connection`](crate::use_connection)).
///
/// Every message must come from an allowed origin *and* from the peer window
/// (`event.source`), be a crossframe envelope no longer than
/// `max_message_len`, and decode as `In`; anything else is dropped, logged
/// with its reason, counted, and passed to `on_drop`. Sends and replies
/// always name an exact target origin, never `*`.
///
/// The listener is made after the first render and removed on unmount. It is
/// made anew only when the peer window (for a host: the iframe element), the
/// allowed origins or the target origin change; a new `on_message` and the
/// other options apply to the next message without it.
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
///         move |received: Received<String, String>| {
///             received.reply(&format!("got {}", received.message)).ok(); // to event.source, at event.origin
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
    Out: Serialize + 'static,
    F: Fn(Received<In, Out>) + 'static,
{
    let peer_origin = use_state(|| None::<Origin>);
    let messenger = use_mut_ref(|| None::<Rc<Messenger<In, Out>>>);
    let erased = use_mut_ref(|| None::<Rc<dyn Sender<Out>>>);
    let subscribed = use_mut_ref(|| None::<PeerKey>);
    let on_message = Rc::new(on_message);
    if let Some(live) = messenger.borrow().as_ref() {
        let on_message = on_message.clone();
        live.set_on_message(move |received| on_message(received));
        live.set_options(options.clone());
    }
    {
        let (messenger, erased, subscribed) =
            (messenger.clone(), erased.clone(), subscribed.clone());
        let setter = peer_origin.setter();
        use_effect(move || {
            let wanted = PeerKey::new(
                &options.peer,
                &options.allowed,
                options.target_origin.as_ref(),
            );
            if subscribed.borrow().as_ref() != Some(&wanted) {
                erased.borrow_mut().take();
                messenger.borrow_mut().take();
                setter.set(None);
                let live = Rc::new(Messenger::new(options, move |received| {
                    on_message(received)
                }));
                let notify = setter.clone();
                live.on_peer(Notify::new(move |origin| notify.set(Some(origin))));
                *erased.borrow_mut() = Some(live.clone());
                *messenger.borrow_mut() = Some(live);
                *subscribed.borrow_mut() = Some(wanted);
            }
        });
    }
    {
        let (messenger, erased) = (messenger.clone(), erased.clone());
        use_effect_with((), move |_| {
            move || {
                erased.borrow_mut().take();
                messenger.borrow_mut().take();
            }
        });
    }
    UsePostMessageHandle {
        messenger: erased,
        peer_origin: (*peer_origin).clone(),
        _out: PhantomData,
    }
}
