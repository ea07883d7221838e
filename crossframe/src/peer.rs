//! The window on the other side ([`PeerWindow`]), and the one place
//! crossframe posts to it.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlIFrameElement, MessageEvent, Window};

use crate::connection::SendError;
use crate::envelope::{self, Frame};
use crate::gate::{admit, Data, Dropped};
use crate::notify::Notify;
use crate::origin::{Origin, OriginPolicy};
use crate::wire;

/// Where the host finds its `<iframe>`: the element itself, or (with the
/// `yew` feature) a `yew::NodeRef` that points at it once rendered.
///
/// ```no_run
/// use crossframe::IframeRef;
/// # fn iframe() -> web_sys::HtmlIFrameElement { unimplemented!() }
/// let element = IframeRef::from(iframe()); // an element you made
/// # #[cfg(feature = "yew")] {
/// let rendered_later = IframeRef::from(yew::NodeRef::default()); // Yew's ref to <iframe ref={…}>
/// assert!(rendered_later.get().is_none());
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct IframeRef(IframeSource);

#[derive(Debug, Clone, PartialEq)]
enum IframeSource {
    Element(HtmlIFrameElement),
    #[cfg(feature = "yew")]
    Node(yew::NodeRef),
}

impl IframeRef {
    /// The `<iframe>` element, if there is one now.
    ///
    /// ```no_run
    /// use wasm_bindgen::JsCast;
    /// let document = web_sys::window().unwrap().document().unwrap();
    /// let element: web_sys::HtmlIFrameElement = document.create_element("iframe").unwrap().unchecked_into();
    /// assert!(crossframe::IframeRef::from(element).get().is_some());
    /// ```
    pub fn get(&self) -> Option<HtmlIFrameElement> {
        match &self.0 {
            IframeSource::Element(element) => Some(element.clone()),
            #[cfg(feature = "yew")]
            IframeSource::Node(node) => node.cast::<HtmlIFrameElement>(),
        }
    }
}

impl From<HtmlIFrameElement> for IframeRef {
    fn from(element: HtmlIFrameElement) -> Self {
        Self(IframeSource::Element(element))
    }
}

#[cfg(feature = "yew")]
impl From<yew::NodeRef> for IframeRef {
    fn from(node: yew::NodeRef) -> Self {
        Self(IframeSource::Node(node))
    }
}

/// What decides who the peer is, for the hooks: when it changes, they
/// subscribe anew (a new listener, a new handshake).
#[cfg(feature = "yew")]
#[derive(PartialEq)]
pub(crate) struct PeerKey {
    /// Host: the iframe element now (`None` before it is rendered); child: `None`.
    iframe: Option<Option<HtmlIFrameElement>>,
    allowed: OriginPolicy,
    target_origin: Option<Origin>,
}

#[cfg(feature = "yew")]
impl PeerKey {
    pub(crate) fn new(
        peer: &PeerWindow,
        allowed: &OriginPolicy,
        target_origin: Option<&Origin>,
    ) -> Self {
        Self {
            iframe: match peer {
                PeerWindow::Frame(iframe) => Some(iframe.get()),
                PeerWindow::Parent => None,
            },
            allowed: allowed.clone(),
            target_origin: target_origin.cloned(),
        }
    }
}

/// Which window we talk to.
///
/// ```no_run
/// use crossframe::PeerWindow;
/// # fn iframe() -> web_sys::HtmlIFrameElement { unimplemented!() }
/// let host_side = PeerWindow::Frame(iframe().into()); // the <iframe> we embed
/// let child_side = PeerWindow::Parent;                               // the page that embeds us
/// assert_ne!(host_side, child_side);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum PeerWindow {
    /// The `contentWindow` of this `<iframe>` (the host's view of its child).
    Frame(IframeRef),
    /// `window.parent` (the child's view of its host).
    Parent,
}

impl PeerWindow {
    /// The peer's window, if it exists right now (an iframe not yet mounted
    /// has none; a top-level page has no parent other than itself).
    pub(crate) fn window(&self) -> Option<JsValue> {
        match self {
            PeerWindow::Frame(iframe) => iframe
                .get()
                .and_then(|frame| frame.content_window())
                .map(JsValue::from),
            PeerWindow::Parent => web_sys::window()
                .and_then(|w| w.parent().ok().flatten())
                .map(JsValue::from),
        }
    }

    /// The peer's window, except for a child that is not framed (its
    /// "parent" is itself: there is nobody to greet).
    pub(crate) fn framed_window(&self) -> Option<JsValue> {
        let window = self.window()?;
        let unframed = *self == PeerWindow::Parent
            && web_sys::window().is_some_and(|own| JsValue::from(own) == window);
        (!unframed).then_some(window)
    }

    /// The expected sender, in words, for drop reasons.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            PeerWindow::Frame(_) => "the embedded iframe's window",
            PeerWindow::Parent => "window.parent",
        }
    }

    /// Whether `source` (`MessageEvent.source`) is the peer's window.
    pub(crate) fn is_source(&self, source: Option<&JsValue>) -> bool {
        match (self.window(), source) {
            (Some(peer), Some(source)) => &peer == source,
            _ => false,
        }
    }
}

/// Encodes `frame` and posts it to `window` with the exact `target` origin.
/// This function and [`post_on_port`] are the only calls to `postMessage` in
/// crossframe; window posts take an [`Origin`], which cannot be `*`.
pub(crate) fn post<T: Serialize>(
    window: &JsValue,
    frame: &Frame<T>,
    target: &Origin,
) -> Result<(), SendError> {
    post_to_window(window, frame, target, None)
}

/// [`post`], transferring `port` with the message (the host's `connect`).
pub(crate) fn post_with_port<T: Serialize>(
    window: &JsValue,
    frame: &Frame<T>,
    target: &Origin,
    port: &web_sys::MessagePort,
) -> Result<(), SendError> {
    post_to_window(window, frame, target, Some(port))
}

fn post_to_window<T: Serialize>(
    window: &JsValue,
    frame: &Frame<T>,
    target: &Origin,
    port: Option<&web_sys::MessagePort>,
) -> Result<(), SendError> {
    if target.is_opaque() {
        return Err(SendError::OpaqueOrigin);
    }
    let data = JsValue::from_str(&envelope::encode(frame)?);
    // A cross-origin WindowProxy fails `instanceof Window`, so no dyn_into.
    let window = window.unchecked_ref::<Window>();
    match port {
        None => window.post_message(&data, target.as_str()),
        Some(port) => {
            window.post_message_with_transfer(&data, target.as_str(), &js_sys::Array::of1(port))
        }
    }
    .map_err(|e| SendError::Post(format!("{e:?}")))
}

/// Envelopes at least this long travel on the private port as UTF-8 bytes in
/// a transferred `Uint8Array`: one copy each way instead of transcoding to
/// and from a JS string (UTF-16) on both sides. Shorter ones stay strings,
/// which are cheaper to post.
///
/// ```
/// assert_eq!(crossframe::BINARY_FRAME_MIN_LEN, 8 * 1024);
/// ```
pub const BINARY_FRAME_MIN_LEN: usize = 8 * 1024;

/// Says `hello` to `window` at each of `targets` (exact origins).
pub(crate) fn post_hellos(window: &JsValue, targets: &[Origin]) {
    for target in targets {
        if let Err(error) = post::<()>(window, &Frame::Hello, target) {
            web_sys::console::warn_1(&format!("crossframe: hello to {target}: {error}").into());
        }
    }
}

/// Posts `frame` on a private `MessagePort` (no origin: the port is ours).
pub(crate) fn post_on_port<T: Serialize>(
    port: &web_sys::MessagePort,
    frame: &Frame<T>,
) -> Result<(), SendError> {
    post_text(port, &envelope::encode(frame)?)
}

/// Posts JSON text on a port: a string, or from [`BINARY_FRAME_MIN_LEN`]
/// up its UTF-8 bytes in a transferred buffer.
pub(crate) fn post_text(port: &web_sys::MessagePort, text: &str) -> Result<(), SendError> {
    let posted = if text.len() >= BINARY_FRAME_MIN_LEN {
        let bytes = js_sys::Uint8Array::new_with_length(text.len() as u32);
        bytes.copy_from(text.as_bytes());
        port.post_message_with_transferable(&bytes, &js_sys::Array::of1(&bytes.buffer()))
    } else {
        port.post_message(&JsValue::from_str(text))
    };
    posted.map_err(|e| SendError::Post(format!("{e:?}")))
}

/// Posts a binary port message ([`crate::wire`]): up to
/// [`wire::BINARY_AS_TEXT_MAX_LEN`] bytes as a string of one character per
/// byte, longer as a transferred `ArrayBuffer`.
pub(crate) fn post_bytes(port: &web_sys::MessagePort, bytes: &[u8]) -> Result<(), SendError> {
    let posted = if bytes.len() <= wire::BINARY_AS_TEXT_MAX_LEN {
        port.post_message(&JsValue::from_str(&wire::binary_as_text(bytes)))
    } else {
        // SAFETY: the view lives for this one statement, in which nothing
        // allocates in wasm memory; `slice` copies it into a new buffer.
        let buffer = unsafe { js_sys::Uint8Array::view(bytes) }
            .slice(0, bytes.len() as u32)
            .buffer();
        port.post_message_with_transferable(&buffer, &js_sys::Array::of1(&buffer))
    };
    posted.map_err(|e| SendError::Post(format!("{e:?}")))
}

/// The parent's origin from `location.ancestorOrigins` (Chromium, Safari;
/// `None` elsewhere or at the top level).
pub(crate) fn parent_origin() -> Option<String> {
    web_sys::window()
        .map(|w| JsValue::from(w.location()))
        .and_then(|location| js_sys::Reflect::get(&location, &"ancestorOrigins".into()).ok())
        .filter(|list| !list.is_undefined() && !list.is_null())
        .and_then(|list| js_sys::Reflect::get(&list, &0.into()).ok())
        .and_then(|first| first.as_string())
}

/// Where the child can announce itself before it knows its parent's origin:
/// the parent's origin from `location.ancestorOrigins` if the policy allows
/// it, otherwise every exact origin the policy lists (the browser delivers
/// only to the one that matches). `Err` carries a parent origin known *not*
/// to be allowed.
pub(crate) fn announce_targets(policy: &OriginPolicy) -> Result<Vec<Origin>, Origin> {
    match parent_origin() {
        Some(parent) => match (policy.check(&parent), Origin::parse(&parent)) {
            (Ok(origin), _) if !origin.is_opaque() => Ok(vec![origin]),
            (_, Ok(origin)) if !origin.is_opaque() => Err(origin),
            _ => Ok(Vec::new()),
        },
        None => Ok(policy.exact_origins().cloned().collect()),
    }
}

/// Where a `hello` goes: to `to` (answering a peer), else to the configured
/// target origin, else (a child not yet told) to [`announce_targets`].
/// `Err` carries a parent origin we do not allow (logged here).
pub(crate) fn hello_targets(
    to: Option<&Origin>,
    target_origin: Option<&Origin>,
    allowed: &OriginPolicy,
) -> Result<Vec<Origin>, Origin> {
    match to.or(target_origin) {
        Some(origin) => Ok(vec![origin.clone()]),
        None => announce_targets(allowed).inspect_err(|not_allowed| {
            web_sys::console::warn_1(
                &format!("crossframe: embedded by {not_allowed}, which is not an allowed host: refusing to talk").into(),
            );
        }),
    }
}

/// A window `message` event that passed every check.
pub(crate) struct Admitted<T> {
    pub(crate) origin: Origin,
    pub(crate) frame: Frame<T>,
    /// `event.source`: the peer's window, to reply to.
    #[cfg_attr(not(feature = "yew"), allow(dead_code))]
    pub(crate) source: JsValue,
}

/// Runs a window `message` event through the admission gate: origin, then
/// source window, then size, then envelope and body.
pub(crate) fn inspect<T: DeserializeOwned>(
    event: &MessageEvent,
    policy: &OriginPolicy,
    peer: &PeerWindow,
    max_len: usize,
) -> Result<Admitted<T>, Dropped> {
    let origin = event.origin();
    let source = event.source().map(JsValue::from);
    let is_source = peer.is_source(source.as_ref());
    // `event.data` is read only once origin and source passed.
    let data = || classify(&event.data(), max_len);
    match admit::<T>(policy, &origin, is_source, peer.describe(), data, max_len) {
        Ok((origin, frame)) => Ok(Admitted {
            origin,
            frame,
            source: source.unwrap_or(JsValue::UNDEFINED),
        }),
        Err(reason) => Err(Dropped { origin, reason }),
    }
}

/// At most this many drops are logged per second; the rest are counted and
/// summed up in one line, so a flood of junk cannot flood the console.
///
/// ```
/// assert_eq!(crossframe::DROP_LOG_LIMIT_PER_SECOND, 20);
/// ```
pub const DROP_LOG_LIMIT_PER_SECOND: u32 = 20;

thread_local! {
    /// (start of the current one-second window, logged in it, not logged in it)
    static DROP_LOG: std::cell::Cell<(f64, u32, u64)> = const { std::cell::Cell::new((0.0, 0, 0)) };
}

/// Logs a dropped message with its reason (rate-limited) and tells `on_drop`
/// (always).
pub(crate) fn report_drop(dropped: Dropped, on_drop: Option<&Notify<Dropped>>) {
    let now = js_sys::Date::now();
    DROP_LOG.with(|log| {
        let (mut start, mut logged, mut quiet) = log.get();
        if now - start >= 1000.0 {
            if quiet > 0 {
                web_sys::console::warn_1(
                    &format!("crossframe: {quiet} more messages dropped (logging at most {DROP_LOG_LIMIT_PER_SECOND} a second)").into(),
                );
            }
            (start, logged, quiet) = (now, 0, 0);
        }
        if logged < DROP_LOG_LIMIT_PER_SECOND {
            logged += 1;
            web_sys::console::warn_1(&format!("crossframe: {dropped}").into());
        } else {
            quiet += 1;
        }
        log.set((start, logged, quiet));
    });
    if let Some(on_drop) = on_drop {
        on_drop.emit(dropped);
    }
}

/// On the private port: a string, or UTF-8 bytes (see [`BINARY_FRAME_MIN_LEN`]).
pub(crate) fn classify_port_data(data: &JsValue, max_len: usize) -> Data {
    let Some(bytes) = data.dyn_ref::<js_sys::Uint8Array>() else {
        return classify(data, max_len);
    };
    let len = bytes.length() as usize;
    if len > max_len {
        return Data::LongText(len);
    }
    match String::from_utf8(bytes.to_vec()) {
        Ok(text) => Data::Text(text),
        Err(_) => Data::Other("Uint8Array that is not UTF-8".to_owned()),
    }
}

/// The longest `hello` a refused parent's data is read for: a hello is
/// about 30 characters; anything longer is not read at all.
const HELLO_MAX_LEN: usize = 256;

/// Child: whether data from our parent (at an origin we do not allow) is a
/// `hello`, to answer it `refused`. At most [`HELLO_MAX_LEN`] characters of
/// it are read.
pub(crate) fn is_hello(data: &JsValue) -> bool {
    matches!(classify(data, HELLO_MAX_LEN), Data::Text(text)
        if matches!(envelope::decode::<serde::de::IgnoredAny>(&text, HELLO_MAX_LEN), Ok(Frame::Hello)))
}

/// Reads only what admission needs: a string's length before its content.
pub(crate) fn classify(data: &JsValue, max_len: usize) -> Data {
    match data.dyn_ref::<js_sys::JsString>() {
        Some(text) if text.length() as usize > max_len => Data::LongText(text.length() as usize),
        Some(text) => Data::Text(String::from(text)),
        None if data.is_null() => Data::Other("null".to_owned()),
        None => Data::Other(data.js_typeof().as_string().unwrap_or_default()),
    }
}
