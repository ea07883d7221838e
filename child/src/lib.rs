//! The demo widget's public protocol: the messages a host page exchanges
//! with it. A host depends on this crate for these types, so both sides are
//! checked by the compiler.
#![deny(missing_docs)]

use serde::{Deserialize, Serialize};

/// Host origins the widget accepts when none are configured at build time
/// (`CROSSFRAME_HOST_ORIGINS`): the demo host's `trunk serve` address.
pub const DEFAULT_HOST_ORIGINS: &str = "http://127.0.0.1:8080";

/// What the host says to the widget.
///
/// ```
/// use crossframe_demo_child::HostToChild;
/// let hello = HostToChild::Text("Hello".into());
/// assert_eq!(hello, HostToChild::Text("Hello".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HostToChild {
    /// Free text (the host's "Hello", or whatever its user typed).
    Text(String),
}

/// What the widget says to the host.
///
/// ```
/// use crossframe_demo_child::ChildToHost;
/// let reply = ChildToHost::reply_from("http://localhost:8081/");
/// assert_eq!(reply, ChildToHost::Reply {
///     text: "您好，这里是 http://localhost:8081/".into(),
///     location: "http://localhost:8081/".into(),
/// });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChildToHost {
    /// Free text typed by the widget's user.
    Text(String),
    /// The widget's answer to each host message, naming where it runs.
    Reply {
        /// The greeting shown to people.
        text: String,
        /// The widget's `location.href`.
        location: String,
    },
}

impl ChildToHost {
    /// The widget's answer, sent from `location`.
    pub fn reply_from(location: &str) -> Self {
        ChildToHost::Reply {
            text: format!("您好，这里是 {location}"),
            location: location.to_owned(),
        }
    }
}

pub mod ui;
