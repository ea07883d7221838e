//! Where a connection stands ([`ConnectionState`], [`DisconnectReason`]) and
//! what can go wrong talking to the peer ([`SendError`], [`CallError`]), in
//! plain Rust. Re-exported by [`crate::connection`] and at the crate root.

use std::fmt;
use std::time::Duration;

use thiserror::Error;

use crate::connection::MAX_PENDING_CALLS;
use crate::envelope::{DecodeError, EncodeError};
use crate::origin::Origin;

/// Why a connection is down.
///
/// ```
/// use crossframe::connection::DisconnectReason;
/// let reason = DisconnectReason::VersionMismatch { ours: 1, theirs: 2 };
/// assert_eq!(reason.to_string(), "the peer speaks protocol version 2, this side speaks 1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DisconnectReason {
    /// The peer said goodbye (unmount, reload or navigation) or started over.
    #[error("the peer went away")]
    PeerGone,
    /// The peer speaks another protocol version.
    #[error("the peer speaks protocol version {theirs}, this side speaks {ours}")]
    VersionMismatch {
        /// Our version.
        ours: u64,
        /// Theirs.
        theirs: u64,
    },
    /// This side closed the connection (the component unmounted).
    #[error("this side closed the connection")]
    Closed,
    /// The widget does not allow this page's origin (its allowed hosts).
    #[error("the widget does not allow this page's origin")]
    Refused,
    /// Child: embedded by a page whose origin is not an allowed host.
    #[error("embedded by {origin}, which is not an allowed host")]
    ParentNotAllowed {
        /// The embedding page's origin.
        origin: String,
    },
}

/// Where a connection stands; components re-render when it changes.
///
/// ```
/// use crossframe::connection::ConnectionState;
/// assert_eq!(ConnectionState::Connecting.to_string(), "connecting");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    /// Handshake under way (or waiting for the peer to load).
    Connecting,
    /// Talking to `peer` on a private channel.
    Connected {
        /// The peer's exact origin, checked at the handshake.
        peer: Origin,
    },
    /// Down, and why. A peer that comes back reconnects by itself, except
    /// after [`DisconnectReason::Closed`].
    Disconnected(DisconnectReason),
}

impl ConnectionState {
    /// Whether the connection is up (calls and messages can go out).
    ///
    /// ```
    /// use crossframe::connection::ConnectionState;
    /// use crossframe::Origin;
    /// let peer = Origin::parse("https://widget.example").unwrap();
    /// assert!(ConnectionState::Connected { peer }.is_connected());
    /// assert!(!ConnectionState::Connecting.is_connected());
    /// ```
    pub fn is_connected(&self) -> bool {
        matches!(self, ConnectionState::Connected { .. })
    }

    /// The peer's exact origin while connected.
    ///
    /// ```
    /// use crossframe::connection::ConnectionState;
    /// use crossframe::Origin;
    /// let peer = Origin::parse("https://widget.example").unwrap();
    /// let state = ConnectionState::Connected { peer: peer.clone() };
    /// assert_eq!(state.peer(), Some(&peer));
    /// assert_eq!(ConnectionState::Connecting.peer(), None);
    /// ```
    pub fn peer(&self) -> Option<&Origin> {
        match self {
            ConnectionState::Connected { peer } => Some(peer),
            _ => None,
        }
    }
}

impl fmt::Display for ConnectionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectionState::Connecting => f.write_str("connecting"),
            ConnectionState::Connected { peer } => write!(f, "connected to {peer}"),
            ConnectionState::Disconnected(reason) => write!(f, "disconnected: {reason}"),
        }
    }
}

/// Why a message could not be sent.
///
/// ```
/// use crossframe::SendError;
/// assert!(SendError::OpaqueOrigin.to_string().contains("\"*\""));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SendError {
    /// The peer window does not exist (iframe not mounted, page not framed).
    #[error("the peer window is not available")]
    NoPeer,
    /// No exact target origin is known yet: configure one, or wait for the
    /// peer's first message.
    #[error("the peer's origin is not known yet; crossframe never posts to \"*\"")]
    PeerOriginUnknown,
    /// The peer's origin is `null`; only `*` reaches it, and crossframe never
    /// posts to `*`.
    #[error("cannot post to an opaque \"null\" origin: that would need \"*\", which crossframe never uses")]
    OpaqueOrigin,
    /// The message could not be encoded.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// The browser refused the post (for example a detached window).
    #[error("postMessage failed: {0}")]
    Post(String),
    /// No connection is up (see `ConnectionState`).
    #[error("not connected")]
    NotConnected,
}

/// Why a call failed; every pending call ends with a value or one of these.
///
/// ```
/// use std::time::Duration;
/// use crossframe::connection::CallError;
/// assert_eq!(CallError::TimedOut(Duration::from_millis(1500)).to_string(), "no answer within 1500 ms");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CallError {
    /// Not connected yet when the call was made (the handshake is under way).
    #[error("not connected")]
    NotConnected,
    /// No answer in time.
    // Integer milliseconds: float formatting would add ~10 KB to every bundle.
    #[error("no answer within {} ms", u64::try_from(.0.as_millis()).unwrap_or(u64::MAX))]
    TimedOut(Duration),
    /// The connection is down, and why: it went down while the call was
    /// pending, or was already down when the call was made.
    #[error("disconnected: {0}")]
    Disconnected(DisconnectReason),
    /// The peer's handler returned an error.
    #[error("the peer's handler failed: {0}")]
    Remote(String),
    /// The request could not be encoded or sent.
    #[error("the request could not be sent: {0}")]
    Send(#[source] SendError),
    /// The response did not decode as the expected type.
    #[error("the response does not match the expected type: {0}")]
    Decode(#[source] DecodeError),
    /// Too many calls are already waiting for answers.
    #[error("{MAX_PENDING_CALLS} calls are already waiting for answers")]
    Overloaded,
}
