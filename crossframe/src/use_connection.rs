//! `use_connection`: a [`Link`] to the peer window, owned by a component.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use yew::prelude::*;

use crate::connection::SendError;
use crate::connection::{CallError, ConnectionState};
use crate::gate::Stats;
use crate::notify::Notify;
use crate::{Api, ConnectionOptions, Handlers, Link};

/// What a component holds: the connection's state (it re-renders on every
/// change), and `send` / `call` to the peer's [`Api`] `Theirs`. Cheap to
/// clone into callbacks.
///
/// ```no_run
/// # struct W; impl crossframe::Api for W { type Message = String; type Request = (); type Response = (); }
/// # fn button(link: crossframe::ConnectionHandle<W, W>) -> yew::Callback<yew::MouseEvent> {
/// let link = link.clone();
/// yew::Callback::from(move |_| { link.send(&"Hello".to_owned()).ok(); })
/// # }
/// ```
pub struct ConnectionHandle<Theirs: Api, Ours: Api> {
    link: Rc<RefCell<Option<Link<Theirs, Ours>>>>,
    state: ConnectionState,
}

impl<Theirs: Api, Ours: Api> Clone for ConnectionHandle<Theirs, Ours> {
    fn clone(&self) -> Self {
        Self {
            link: self.link.clone(),
            state: self.state.clone(),
        }
    }
}

impl<Theirs: Api, Ours: Api> PartialEq for ConnectionHandle<Theirs, Ours> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.link, &other.link) && self.state == other.state
    }
}

impl<Theirs: Api, Ours: Api> std::fmt::Debug for ConnectionHandle<Theirs, Ours> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionHandle")
            .field("state", &self.state)
            .finish()
    }
}

impl<Theirs: Api, Ours: Api> ConnectionHandle<Theirs, Ours> {
    /// The connection's state as of this render.
    ///
    /// ```no_run
    /// # fn badge<Theirs: crossframe::Api, Ours: crossframe::Api>(link: crossframe::ConnectionHandle<Theirs, Ours>) -> String {
    /// link.state().to_string() // "connecting", "connected to http://localhost:8081", …
    /// # }
    /// ```
    pub fn state(&self) -> &ConnectionState {
        &self.state
    }

    /// Sends a fire-and-forget message on the private channel.
    ///
    /// ```no_run
    /// # struct W; impl crossframe::Api for W { type Message = String; type Request = (); type Response = (); }
    /// # fn hello(link: crossframe::ConnectionHandle<W, W>) {
    /// link.send(&"Hello".to_owned()).ok();
    /// # }
    /// ```
    pub fn send(&self, message: &Theirs::Message) -> Result<(), SendError> {
        match self.link.borrow().as_ref() {
            Some(link) => link.send(message),
            None => Err(SendError::NotConnected),
        }
    }

    /// Calls the peer with the default timeout; the future is `'static`, so
    /// it can be spawned from a callback with `wasm_bindgen_futures::spawn_local`.
    ///
    /// ```no_run
    /// # struct W; impl crossframe::Api for W { type Message = (); type Request = String; type Response = String; }
    /// # fn ask(link: crossframe::ConnectionHandle<W, W>) {
    /// let answer = link.call("location".to_owned());
    /// wasm_bindgen_futures::spawn_local(async move {
    ///     match answer.await {
    ///         Ok(location) => web_sys::console::log_1(&location.into()),
    ///         Err(error) => web_sys::console::warn_1(&error.to_string().into()),
    ///     }
    /// });
    /// # }
    /// ```
    pub fn call(
        &self,
        request: Theirs::Request,
    ) -> impl Future<Output = Result<Theirs::Response, CallError>> {
        let call = self.link.borrow().as_ref().map(|link| link.call(request));
        async move {
            match call {
                Some(call) => call.await,
                None => Err(CallError::NotConnected),
            }
        }
    }

    /// Calls the peer, failing with [`CallError::TimedOut`] after `timeout`.
    ///
    /// ```no_run
    /// # struct W; impl crossframe::Api for W { type Message = (); type Request = u32; type Response = u32; }
    /// # fn show(link: crossframe::ConnectionHandle<W, W>) {
    /// let answer = link.call_with_timeout(21, std::time::Duration::from_secs(1));
    /// wasm_bindgen_futures::spawn_local(async move { let _ = answer.await; });
    /// # }
    /// ```
    pub fn call_with_timeout(
        &self,
        request: Theirs::Request,
        timeout: Duration,
    ) -> impl Future<Output = Result<Theirs::Response, CallError>> {
        let call = self
            .link
            .borrow()
            .as_ref()
            .map(|link| link.call_with_timeout(request, timeout));
        async move {
            match call {
                Some(call) => call.await,
                None => Err(CallError::NotConnected),
            }
        }
    }

    /// Messages delivered and dropped so far (read on demand).
    ///
    /// ```no_run
    /// # struct W; impl crossframe::Api for W { type Message = (); type Request = u32; type Response = u32; }
    /// # fn show(link: crossframe::ConnectionHandle<W, W>) {
    /// let dropped = link.stats().dropped;
    /// # }
    /// ```
    pub fn stats(&self) -> Stats {
        self.link
            .borrow()
            .as_ref()
            .map(Link::stats)
            .unwrap_or_default()
    }
}

/// Connects this component to its peer window: handshake, private
/// `MessageChannel`, typed calls with timeouts, reconnect after the peer
/// reloads. The [`Link`] is created after the first render (so an iframe's
/// `NodeRef` is set) and dropped on unmount, which says `bye` to the peer,
/// closes the port, removes the listeners and fails pending calls.
///
/// It re-subscribes (a new [`Link`], a new handshake) only when what decides
/// who the peer is changes: the peer window (for a host, the iframe element
/// itself: a new `<iframe>` after mount gets a new connection), the allowed
/// origins, or the target origin. New handlers and the other options (call
/// timeout, bounds, `on_drop`, auto-resize) take effect on the next message
/// without reconnecting.
///
/// `Theirs` is the peer's [`Api`] (what we send and call), `Ours` ours (what
/// we handle).
///
/// # Example
///
/// ```no_run
/// use crossframe::{use_connection, Api, ConnectionOptions, Handlers, Origin};
/// use yew::prelude::*;
///
/// struct Widget; // what the child offers
/// impl Api for Widget { type Message = String; type Request = (); type Response = String; }
/// struct Host;   // what the host offers
/// impl Api for Host { type Message = String; type Request = (); type Response = (); }
///
/// #[component]
/// fn Embed() -> Html {
///     let iframe = use_node_ref();
///     let child = Origin::parse("http://localhost:8081").expect("valid origin");
///     let handlers = Handlers::<Widget, Host>::new().on_message(|text, _widget| web_sys::console::log_1(&text.into()));
///     let link = use_connection::<Widget, Host>(ConnectionOptions::frame(iframe.clone(), child), handlers);
///     html! { <><p>{ link.state().to_string() }</p><iframe ref={iframe} src="http://localhost:8081/" /></> }
/// }
/// ```
#[hook]
pub fn use_connection<Theirs: Api, Ours: Api>(
    options: ConnectionOptions,
    handlers: Handlers<Theirs, Ours>,
) -> ConnectionHandle<Theirs, Ours> {
    let state = use_state(|| ConnectionState::Connecting);
    let link = use_mut_ref(|| None::<Link<Theirs, Ours>>);
    let subscribed = use_mut_ref(|| None::<crate::peer::PeerKey>);
    if let Some(live) = link.borrow().as_ref() {
        live.set_handlers(handlers.clone());
        live.set_options(options.clone());
    }
    {
        // After every render: a new Link only if the subscription changed.
        let (link, subscribed, setter) = (link.clone(), subscribed.clone(), state.setter());
        use_effect(move || {
            let wanted = crate::peer::PeerKey::new(
                &options.peer,
                &options.allowed,
                options.target_origin.as_ref(),
            );
            if subscribed.borrow().as_ref() != Some(&wanted) {
                // Take the old one out first: dropping it emits a last state change.
                let old = link.borrow_mut().take();
                drop(old);
                setter.set(ConnectionState::Connecting);
                let on_state = Notify::new(move |state| setter.set(state));
                *link.borrow_mut() = Some(Link::new(options, handlers, Some(on_state)));
                *subscribed.borrow_mut() = Some(wanted);
            }
        });
    }
    {
        let link = link.clone();
        use_effect_with((), move |_| {
            move || {
                let live = link.borrow_mut().take();
                drop(live);
            }
        });
    }
    ConnectionHandle {
        link,
        state: (*state).clone(),
    }
}
