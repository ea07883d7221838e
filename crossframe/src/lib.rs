//! Typed, origin-checked messaging between a Yew host page and a Yew widget
//! in a cross-origin iframe.
//!
//! * [`OriginPolicy`] says who may talk to you: exact origins, subdomain
//!   patterns, `null` only on request. An [`Origin`] is never `*`, so no send
//!   can ever use the wildcard target.
//! * [`envelope`] is the wire format: a versioned, namespaced JSON string, so
//!   messages of other scripts are recognised as foreign.
//! * [`use_post_message`] is the hook: it admits a message only from an
//!   allowed origin *and* the expected window, decodes it into your serde
//!   type, and drops everything else with a logged, typed reason.
//!
//! # Quick start
//!
//! ```no_run
//! use crossframe::{use_post_message, Origin, Received, UsePostMessageOptions};
//! use yew::prelude::*;
//!
//! #[component]
//! fn Host() -> Html {
//!     let iframe = use_node_ref();
//!     let child = Origin::parse("http://localhost:8081").expect("valid origin");
//!     let on_message = |received: Received<String>| web_sys::console::log_1(&received.message.into());
//!     let link = use_post_message::<String, String, _>(UsePostMessageOptions::frame(iframe.clone(), child), on_message);
//!     let onclick = move |_| { link.send(&"Hello".to_owned()).ok(); };
//!     html! { <><iframe ref={iframe} src="http://localhost:8081/" /><button {onclick}>{ "Say hello" }</button></> }
//! }
//! ```
#![deny(missing_docs, missing_debug_implementations)]

// The crate README's examples compile, or the doc tests fail.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

mod answering;
mod api;
mod calls;
pub mod connection;
pub mod envelope;
pub mod gate;
mod link;
mod notify;
mod options;
mod origin;
mod peer;
mod resize;
pub mod timer;
#[cfg(feature = "yew")]
mod use_connection;
#[cfg(feature = "yew")]
mod use_post_message;
pub mod wire;

pub use api::{Api, Handlers, Peer};
pub use connection::{CallError, ConnectionState, DisconnectReason};
pub use gate::{DropReason, Dropped, Stats};
pub use link::Link;
pub use notify::Notify;
pub use options::{ConnectionOptions, DEFAULT_CALL_TIMEOUT, MAX_CALLS_IN_FLIGHT};
pub use origin::{Origin, OriginError, OriginPolicy, OriginRejected};
pub use peer::{IframeRef, PeerWindow, SendError, BINARY_FRAME_MIN_LEN, DROP_LOG_LIMIT_PER_SECOND};
pub use resize::DEFAULT_MAX_FRAME_HEIGHT;
#[cfg(feature = "yew")]
pub use use_connection::{use_connection, ConnectionHandle};
#[cfg(feature = "yew")]
pub use use_post_message::{
    use_post_message, Received, UsePostMessageHandle, UsePostMessageOptions,
};
