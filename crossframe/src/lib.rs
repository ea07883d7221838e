//! Typed, origin-checked messaging between a host page and a widget in a
//! cross-origin iframe: a handshake, a private `MessagePort`, typed messages
//! and calls with timeouts, reconnects, auto-resize — as Yew hooks, or as a
//! plain-Rust core for any framework (`default-features = false`).
//!
//! * [`use_connection`] is the hook most apps want: each side declares what
//!   it offers (an [`Api`]), handles the peer's messages and calls
//!   ([`Handlers`], which answer through a [`Peer`] handle), and sends or
//!   calls through the [`ConnectionHandle`]. [`Link`] is the same without
//!   Yew.
//! * [`use_post_message`] (and [`Messenger`] without Yew) is the raw window
//!   path: typed messages checked for origin *and* source window, answered
//!   through `event.source` at `event.origin` ([`Received::reply`]).
//! * [`OriginPolicy`] says who may talk to you: exact origins, subdomain
//!   patterns, `null` only on request. An [`Origin`] is never `*`, so no send
//!   can ever use the wildcard target.
//! * The plain core, tested natively: [`envelope`] (the wire format),
//!   [`gate`] (the admission check), [`connection`] (the state machine),
//!   [`timer`] (waits of any length).
//!
//! # Quick start
//!
//! ```no_run
//! # #[cfg(feature = "yew")] mod example {
//! use crossframe::{use_connection, Api, ConnectionOptions, Handlers, Origin};
//! use yew::prelude::*;
//!
//! struct Widget; // what the widget accepts and answers
//! impl Api for Widget { type Message = String; type Request = (); type Response = String; }
//! struct Host;   // what this page accepts and answers
//! impl Api for Host { type Message = String; type Request = (); type Response = (); }
//!
//! #[component]
//! fn Shop() -> Html {
//!     let iframe = use_node_ref();
//!     let child = Origin::parse("https://widget.example").expect("valid origin");
//!     let handlers = Handlers::<Widget, Host>::new().on_message(|text, widget| web_sys::console::log_1(&format!("{}: {text}", widget.origin()).into()));
//!     let link = use_connection::<Widget, Host>(ConnectionOptions::frame(iframe.clone(), child), handlers);
//!     let onclick = { let link = link.clone(); move |_| { link.send(&"Hello".to_owned()).ok(); } };
//!     html! { <><p>{ link.state().to_string() }</p><button {onclick}>{ "Hello" }</button><iframe ref={iframe} src="https://widget.example/" /></> }
//! }
//! # }
//! ```
#![deny(missing_docs, missing_debug_implementations)]

// The crate README's examples compile, or the doc tests fail.
#[cfg(all(doctest, feature = "yew"))]
#[doc(hidden)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

mod answering;
mod api;
mod calls;
pub mod connection;
pub mod envelope;
pub mod gate;
mod link;
mod messenger;
mod notify;
mod options;
mod origin;
mod peer;
mod resize;
mod state;
pub mod timer;
#[cfg(feature = "typescript")]
pub mod typescript;
#[cfg(feature = "yew")]
mod use_connection;
#[cfg(feature = "yew")]
mod use_post_message;
pub mod wire;

pub use api::{Api, Handlers, Peer};
pub use connection::{CallError, ConnectionState, DisconnectReason, SendError};
pub use gate::{DropReason, Dropped, Stats};
pub use link::Link;
pub use messenger::{Messenger, MessengerOptions, Received};
pub use notify::Notify;
pub use options::{ConnectionOptions, DEFAULT_CALL_TIMEOUT, MAX_CALLS_IN_FLIGHT};
pub use origin::{Origin, OriginError, OriginPolicy, OriginRejected};
pub use peer::{IframeRef, PeerWindow, BINARY_FRAME_MIN_LEN, DROP_LOG_LIMIT_PER_SECOND};
pub use resize::DEFAULT_MAX_FRAME_HEIGHT;
#[cfg(feature = "yew")]
pub use use_connection::{use_connection, ConnectionHandle};
#[cfg(feature = "yew")]
pub use use_post_message::{use_post_message, UsePostMessageHandle, UsePostMessageOptions};
