//! [`ConnectionOptions`]: how a [`crate::Link`] finds and checks its peer,
//! and the bounds it keeps.

use std::time::Duration;

use crate::envelope::DEFAULT_MAX_MESSAGE_LEN;
use crate::gate::Dropped;
use crate::notify::Notify;
use crate::origin::{Origin, OriginPolicy};
use crate::peer::{IframeRef, PeerWindow};
use crate::resize::DEFAULT_MAX_FRAME_HEIGHT;
use crate::wire::WireOptions;

/// How a [`Link`](crate::Link) finds and checks its peer.
///
/// ```no_run
/// # fn iframe() -> web_sys::HtmlIFrameElement { unimplemented!() }
/// use std::time::Duration;
/// use crossframe::{ConnectionOptions, Origin, OriginPolicy};
/// let host = ConnectionOptions::frame(iframe(), Origin::parse("http://localhost:8081").unwrap())
///     .call_timeout(Duration::from_secs(2));
/// let child = ConnectionOptions::parent(OriginPolicy::parse("http://127.0.0.1:8080").unwrap());
/// assert_eq!(child.call_timeout, crossframe::DEFAULT_CALL_TIMEOUT);
/// # let _ = host;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionOptions {
    /// The peer window (host: the iframe; child: `window.parent`).
    pub peer: PeerWindow,
    /// Origins allowed to shake hands with us.
    pub allowed: OriginPolicy,
    /// Where the first `hello` goes (host: the child's origin).
    pub target_origin: Option<Origin>,
    /// How long a call waits for its answer by default.
    pub call_timeout: Duration,
    /// Longer messages are dropped unread.
    pub max_message_len: usize,
    /// Called for every dropped message (also logged to the console).
    pub on_drop: Option<Notify<Dropped>>,
    /// Child: report the content height to the host; host: set the
    /// iframe's height to it. On by default.
    pub auto_resize: bool,
    /// Host: the tallest the iframe may become, in CSS pixels, whatever
    /// height the widget reports.
    pub max_frame_height: u32,
    /// What this side offers for the private port beyond v1 JSON frames
    /// (batches on by default, binary frames off; see [`crate::wire`]).
    pub wire: WireOptions,
}

/// At most this many of the peer's calls are answered at once; more are
/// answered at once with an error ("busy") without running the handler.
/// ```
/// assert_eq!(crossframe::MAX_CALLS_IN_FLIGHT, 1_000);
/// ```
pub const MAX_CALLS_IN_FLIGHT: usize = 1_000;

/// How long the host waits for a `pong` after its iframe loaded a new
/// document, before it takes the old peer for gone.
pub(crate) const PING_TIMEOUT: Duration = Duration::from_millis(1_000);

/// How long a call waits by default: 5 s.
/// ```
/// assert_eq!(crossframe::DEFAULT_CALL_TIMEOUT, std::time::Duration::from_secs(5));
/// ```
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(5);

impl ConnectionOptions {
    /// Host side: connect to the child in `iframe`, which must be on `child_origin`.
    ///
    /// ```no_run
    /// use crossframe::{ConnectionOptions, Origin};
    /// # fn iframe() -> web_sys::HtmlIFrameElement { unimplemented!() }
    /// let options = ConnectionOptions::frame(iframe(), Origin::parse("https://widget.example").unwrap());
    /// assert!(options.allowed.allows("https://widget.example"));
    /// ```
    pub fn frame(iframe: impl Into<IframeRef>, child_origin: Origin) -> Self {
        Self {
            peer: PeerWindow::Frame(iframe.into()),
            allowed: OriginPolicy::exact(child_origin.clone()),
            target_origin: Some(child_origin),
            call_timeout: DEFAULT_CALL_TIMEOUT,
            max_message_len: DEFAULT_MAX_MESSAGE_LEN,
            on_drop: None,
            auto_resize: true,
            max_frame_height: DEFAULT_MAX_FRAME_HEIGHT,
            wire: WireOptions::default(),
        }
    }

    /// Child side: connect to `window.parent`, which must be on an allowed origin.
    ///
    /// ```
    /// use crossframe::{ConnectionOptions, OriginPolicy};
    /// let options = ConnectionOptions::parent(OriginPolicy::parse("https://shop.example, https://*.partner.example").unwrap());
    /// assert!(options.target_origin.is_none());
    /// ```
    pub fn parent(allowed: OriginPolicy) -> Self {
        Self {
            peer: PeerWindow::Parent,
            allowed,
            target_origin: None,
            call_timeout: DEFAULT_CALL_TIMEOUT,
            max_message_len: DEFAULT_MAX_MESSAGE_LEN,
            on_drop: None,
            auto_resize: true,
            max_frame_height: DEFAULT_MAX_FRAME_HEIGHT,
            wire: WireOptions::default(),
        }
    }

    /// Sets the default call timeout.
    ///
    /// ```
    /// # use crossframe::{ConnectionOptions, OriginPolicy};
    /// # let options = ConnectionOptions::parent(OriginPolicy::parse("https://shop.example").unwrap());
    /// let options = options.call_timeout(std::time::Duration::from_secs(30));
    /// assert_eq!(options.call_timeout.as_secs(), 30);
    /// ```
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// Sets the callback for dropped messages.
    ///
    /// ```
    /// # use crossframe::{ConnectionOptions, OriginPolicy};
    /// # let options = ConnectionOptions::parent(OriginPolicy::parse("https://shop.example").unwrap());
    /// let options = options.on_drop(|dropped: crossframe::Dropped| web_sys::console::warn_1(&dropped.to_string().into()));
    /// assert!(options.on_drop.is_some());
    /// ```
    pub fn on_drop(mut self, callback: impl Into<Notify<Dropped>>) -> Self {
        self.on_drop = Some(callback.into());
        self
    }

    /// Sets the largest message accepted.
    ///
    /// ```
    /// # use crossframe::{ConnectionOptions, OriginPolicy};
    /// # let options = ConnectionOptions::parent(OriginPolicy::parse("https://shop.example").unwrap());
    /// let options = options.max_message_len(64 * 1024);
    /// assert_eq!(options.max_message_len, 65_536);
    /// ```
    pub fn max_message_len(mut self, len: usize) -> Self {
        self.max_message_len = len;
        self
    }

    /// Turns height reporting (child) or following (host) on or off.
    ///
    /// ```
    /// # use crossframe::{ConnectionOptions, OriginPolicy};
    /// # let options = ConnectionOptions::parent(OriginPolicy::parse("https://shop.example").unwrap());
    /// let options = options.auto_resize(false);
    /// assert!(!options.auto_resize);
    /// ```
    pub fn auto_resize(mut self, on: bool) -> Self {
        self.auto_resize = on;
        self
    }

    /// Host: the tallest the iframe may become (default
    /// [`DEFAULT_MAX_FRAME_HEIGHT`](crate::DEFAULT_MAX_FRAME_HEIGHT)).
    ///
    /// ```no_run
    /// # fn iframe() -> web_sys::HtmlIFrameElement { unimplemented!() }
    /// # use crossframe::{ConnectionOptions, Origin};
    /// let options = ConnectionOptions::frame(iframe(), Origin::parse("https://widget.example").unwrap())
    ///     .max_frame_height(2_000);
    /// assert_eq!(options.max_frame_height, 2_000);
    /// ```
    pub fn max_frame_height(mut self, px: u32) -> Self {
        self.max_frame_height = px;
        self
    }

    /// What this side offers on the private port: batches, binary frames.
    /// Both sides must offer a feature for it to be used.
    ///
    /// ```
    /// # use crossframe::{ConnectionOptions, OriginPolicy};
    /// use crossframe::wire::WireOptions;
    /// let options = ConnectionOptions::parent(OriginPolicy::parse("https://shop.example").unwrap())
    ///     .wire(WireOptions { batch: true, binary: true });
    /// assert!(options.wire.binary);
    /// ```
    pub fn wire(mut self, wire: WireOptions) -> Self {
        self.wire = wire;
        self
    }
}
