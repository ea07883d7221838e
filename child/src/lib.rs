//! The demo widget's public protocol: the messages a host page exchanges
//! with it. A host depends on this crate for these types, so both sides are
//! checked by the compiler.
#![deny(missing_docs)]

use serde::{Deserialize, Serialize};

/// Host origins the widget accepts when none are configured at build time
/// (`CROSSFRAME_HOST_ORIGINS`): the demo host's `trunk serve` address.
pub const DEFAULT_HOST_ORIGINS: &str = "http://127.0.0.1:8080";

/// What the demo apps offer on the port: batches and binary frames. Every
/// type of this protocol is one postcard can carry (no
/// `skip_serializing_if`, `untagged`, `flatten` or `serde_json::Value`), so
/// the Yew host and the widget talk postcard; a host that offers JSON only
/// (embed.js, a v1 client) gets JSON.
///
/// ```
/// let options = crossframe::ConnectionOptions::parent(Default::default())
///     .wire(crossframe_demo_child::WIRE);
/// # let _ = options;
/// assert!(crossframe_demo_child::WIRE.binary);
/// ```
pub const WIRE: crossframe::wire::WireOptions = crossframe::wire::WireOptions {
    batch: true,
    binary: true,
};

/// What the widget offers the host: messages it shows, calls it answers.
///
/// ```
/// use crossframe_demo_child::{Widget, WidgetRequest};
/// fn ask(link: &crossframe::Link<Widget, crossframe_demo_child::HostPage>) {
///     let _answer = link.call(WidgetRequest::Location);
/// }
/// ```
#[derive(Debug)]
pub struct Widget;

impl crossframe::Api for Widget {
    type Message = HostToChild;
    type Request = WidgetRequest;
    type Response = WidgetResponse;
}

/// What the host page offers the widget.
#[derive(Debug)]
pub struct HostPage;

impl crossframe::Api for HostPage {
    type Message = ChildToHost;
    type Request = HostRequest;
    type Response = HostResponse;
}

/// A fire-and-forget message from the host, shown by the widget.
///
/// ```
/// use crossframe_demo_child::HostToChild;
/// assert_eq!(HostToChild::Text("hi".into()), HostToChild::Text("hi".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "typescript",
    derive(crossframe::typescript::TS),
    ts(crate = "crossframe::typescript::ts_rs")
)]
pub enum HostToChild {
    /// Free text.
    Text(String),
    /// One of a numbered burst (load test): the widget counts them.
    Tally(u64),
}

/// Calls the widget answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "typescript",
    derive(crossframe::typescript::TS),
    ts(crate = "crossframe::typescript::ts_rs")
)]
pub enum WidgetRequest {
    /// Show this text (the host's "Hello") and answer with a greeting.
    Greet(String),
    /// Where does the widget run?
    Location,
    /// Add two numbers.
    Add(i64, i64),
    /// Answer after this many milliseconds (to see timeouts and reconnects).
    Wait(u32),
}

/// The widget's answers.
///
/// ```
/// use crossframe_demo_child::WidgetResponse;
/// let reply = WidgetResponse::greeting_from("http://localhost:8081/");
/// assert_eq!(reply, WidgetResponse::Greeting {
///     text: "您好，这里是 http://localhost:8081/".into(),
///     location: "http://localhost:8081/".into(),
/// });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "typescript",
    derive(crossframe::typescript::TS),
    ts(crate = "crossframe::typescript::ts_rs")
)]
pub enum WidgetResponse {
    /// The answer to [`WidgetRequest::Greet`], naming where the widget runs.
    Greeting {
        /// The greeting shown to people.
        text: String,
        /// The widget's `location.href`.
        location: String,
    },
    /// The widget's `location.href`.
    Location(String),
    /// A sum.
    Sum(i64),
    /// The answer to [`WidgetRequest::Wait`]: waited this long.
    Waited(u32),
}

impl WidgetResponse {
    /// The widget's greeting, sent from `location`.
    pub fn greeting_from(location: &str) -> Self {
        WidgetResponse::Greeting {
            text: format!("您好，这里是 {location}"),
            location: location.to_owned(),
        }
    }
}

/// A fire-and-forget message from the widget, shown by the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "typescript",
    derive(crossframe::typescript::TS),
    ts(crate = "crossframe::typescript::ts_rs")
)]
pub enum ChildToHost {
    /// Free text typed by the widget's user.
    Text(String),
    /// One of a numbered burst (load test): the host counts them.
    Tally(u64),
}

/// Calls the host answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "typescript",
    derive(crossframe::typescript::TS),
    ts(crate = "crossframe::typescript::ts_rs")
)]
pub enum HostRequest {
    /// The host page's title.
    Title,
}

/// The host's answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "typescript",
    derive(crossframe::typescript::TS),
    ts(crate = "crossframe::typescript::ts_rs")
)]
pub enum HostResponse {
    /// `document.title`.
    Title(String),
}

/// Plain messaging (`?mode=plain`, no connection): what the host posts to
/// the widget with `use_post_message`.
///
/// ```
/// use crossframe_demo_child::PlainToChild;
/// let wire = serde_json::to_string(&PlainToChild::Text("Hello".into())).unwrap();
/// assert_eq!(wire, r#"{"Text":"Hello"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "typescript",
    derive(crossframe::typescript::TS),
    ts(crate = "crossframe::typescript::ts_rs")
)]
pub enum PlainToChild {
    /// Text typed on the host page ("Hello").
    Text(String),
}

/// Plain messaging (`?mode=plain`): the widget's answer to each
/// [`PlainToChild`], sent with `Received::reply` (to `event.source`, at
/// `event.origin`).
///
/// ```
/// use crossframe_demo_child::PlainToHost;
/// assert_eq!(PlainToHost::reply_to("Hello", "http://localhost:8081/?mode=plain"), PlainToHost::Reply {
///     text: "您好, I got: Hello".into(),
///     location: "http://localhost:8081/?mode=plain".into(),
/// });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "typescript",
    derive(crossframe::typescript::TS),
    ts(crate = "crossframe::typescript::ts_rs")
)]
pub enum PlainToHost {
    /// The widget got this text.
    Reply {
        /// The answer shown to people.
        text: String,
        /// The widget's `location.href`, as it says (the host shows the
        /// origin the browser vouches for beside it).
        location: String,
    },
}

impl PlainToHost {
    /// The widget's answer to `text`, sent from `location` (a long text is
    /// cut as the logs cut it, so the answer stays well within the host's
    /// `max_message_len`).
    pub fn reply_to(text: &str, location: &str) -> Self {
        PlainToHost::Reply {
            text: format!("您好, I got: {}", text::shown_text(text.to_owned())),
            location: location.to_owned(),
        }
    }
}

pub mod config;
pub mod text;
#[cfg(feature = "yew")]
pub mod ui;
