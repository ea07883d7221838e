//! The admission check every incoming message passes, as plain Rust.
//!
//! The hook gathers two facts from a `MessageEvent` (its origin, and whether
//! its source is the expected window) and asks [`admit`] whether to deliver
//! it, handing over a way to read the data rather than the data: the data is
//! read (its shape, then its length, then its content) only after both checks
//! passed, so a message from a wrong origin or window is never copied into
//! wasm or parsed.

use serde::de::DeserializeOwned;
use thiserror::Error;

use crate::envelope::{self, DecodeError, Frame};
use crate::origin::{Origin, OriginPolicy, OriginRejected};

/// Why a message was dropped rather than delivered.
///
/// ```
/// use crossframe::{DropReason, OriginRejected};
/// let reason = DropReason::Origin(OriginRejected::Null);
/// assert_eq!(reason.to_string(), "origin \"null\" (a sandboxed or data: document) is not allowed");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DropReason {
    /// The sender's origin is not allowed.
    #[error(transparent)]
    Origin(#[from] OriginRejected),
    /// Right origin, wrong window (another tab, frame or popup of that origin).
    #[error("sender is not {expected}")]
    UnexpectedSource {
        /// Which window was expected, in words.
        expected: &'static str,
    },
    /// The data is not a message of the expected type.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A well-formed frame of a kind this receiver does not take here (for
    /// example a call on the window path, where only the port carries calls).
    #[error("a {0:?} frame is not expected here")]
    UnexpectedKind(&'static str),
    /// An answer to a call this side is not waiting for: it timed out, was
    /// cancelled (its future dropped), failed, or was never made.
    #[error("an answer to call {0}, which is not waiting (timed out, cancelled, or never made)")]
    UnknownCall(u64),
}

/// A message that was dropped, with who sent it and why. Passed to
/// `on_drop` callbacks and logged to the console.
///
/// ```
/// use crossframe::{Dropped, DropReason};
/// let dropped = Dropped {
///     origin: "https://evil.example".into(),
///     reason: DropReason::UnexpectedSource { expected: "the iframe's window" },
/// };
/// assert_eq!(dropped.to_string(), "dropped a message from https://evil.example: sender is not the iframe's window");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("dropped a message from {origin}: {reason}")]
pub struct Dropped {
    /// `MessageEvent.origin`, as the browser reported it.
    pub origin: String,
    /// Why it was not delivered.
    pub reason: DropReason,
}

/// What came in so far: messages delivered, and messages dropped (each also
/// logged with its reason and passed to `on_drop`).
///
/// ```
/// let stats = crossframe::Stats::default();
/// assert_eq!((stats.delivered, stats.dropped), (0, 0));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Messages handed to the app (or, for protocol frames, acted on).
    pub delivered: u64,
    /// Messages dropped.
    pub dropped: u64,
}

/// The shape of `MessageEvent.data`, as far as admission cares.
///
/// ```
/// use crossframe::envelope::DecodeError;
/// use crossframe::gate::{read_frame, Data};
/// use crossframe::DropReason;
/// let not_a_string = Data::Other("object".into());
/// assert_eq!(
///     read_frame::<String>(not_a_string, 1024),
///     Err(DropReason::Decode(DecodeError::NotText("object".into())))
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Data {
    /// A string (our envelopes are JSON strings).
    Text(String),
    /// A string too long to copy: only its length was read.
    LongText(usize),
    /// Anything else, named by its JS type.
    Other(String),
}

/// Decides whether a message is delivered: origin, then source window, then
/// size, then envelope and body. `read_data` is called only once origin and
/// source passed.
///
/// ```
/// use crossframe::envelope::Frame;
/// use crossframe::gate::{admit, Data};
/// use crossframe::OriginPolicy;
/// let policy = OriginPolicy::parse("http://localhost:8081").unwrap();
/// let data = || Data::Text(r#"{"crossframe":1,"kind":"message","body":"hi"}"#.into());
/// let (origin, frame) = admit::<String>(&policy, "http://localhost:8081", true, "the iframe", data, 1024).unwrap();
/// assert_eq!(origin.as_str(), "http://localhost:8081");
/// assert_eq!(frame, Frame::Message("hi".into()));
///
/// let never_read = || unreachable!("a wrong origin's data is never read");
/// assert!(admit::<String>(&policy, "https://evil.example", true, "the iframe", never_read, 1024).is_err());
/// ```
pub fn admit<T: DeserializeOwned>(
    policy: &OriginPolicy,
    origin: &str,
    from_expected_source: bool,
    expected_source: &'static str,
    read_data: impl FnOnce() -> Data,
    max_len: usize,
) -> Result<(Origin, Frame<T>), DropReason> {
    let origin = policy.check(origin)?;
    if !from_expected_source {
        return Err(DropReason::UnexpectedSource {
            expected: expected_source,
        });
    }
    read_frame(read_data(), max_len).map(|frame| (origin, frame))
}

/// Decodes data that passed the origin and source checks (or came on our
/// private port): size, then envelope and body.
///
/// ```
/// use crossframe::envelope::{DecodeError, Frame};
/// use crossframe::gate::{read_frame, Data};
/// use crossframe::DropReason;
/// assert_eq!(read_frame::<()>(Data::Text(r#"{"crossframe":1,"kind":"bye"}"#.into()), 1024), Ok(Frame::Bye));
/// assert_eq!(
///     read_frame::<()>(Data::LongText(5000), 1024),
///     Err(DropReason::Decode(DecodeError::TooLarge { len: 5000, max: 1024 }))
/// );
/// ```
pub fn read_frame<T: DeserializeOwned>(data: Data, max_len: usize) -> Result<Frame<T>, DropReason> {
    let text = match data {
        Data::Text(text) => text,
        Data::LongText(len) => {
            return Err(DecodeError::TooLarge { len, max: max_len }.into());
        }
        Data::Other(kind) => return Err(DecodeError::NotText(kind).into()),
    };
    Ok(envelope::decode(&text, max_len)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEER: &str = "http://localhost:8081";
    const GOOD: &str = r#"{"crossframe":1,"kind":"message","body":"hi"}"#;

    fn admit_str(origin: &str, source_ok: bool, data: Data) -> Result<Frame<String>, DropReason> {
        let policy = OriginPolicy::parse(PEER).unwrap();
        admit(&policy, origin, source_ok, "the iframe", || data, 1024).map(|(_, frame)| frame)
    }

    #[test]
    fn allowed_message_from_the_expected_window_is_delivered() {
        assert_eq!(
            admit_str(PEER, true, Data::Text(GOOD.into())),
            Ok(Frame::Message("hi".into()))
        );
    }

    #[test]
    fn wrong_origin_is_dropped_before_anything_else() {
        let reason = admit_str("http://evil.example", false, Data::Other("object".into()));
        assert_eq!(
            reason,
            Err(DropReason::Origin(OriginRejected::NotAllowed(
                "http://evil.example".into()
            )))
        );
    }

    #[test]
    fn the_data_of_a_wrong_origin_or_window_is_never_read() {
        let policy = OriginPolicy::parse(PEER).unwrap();
        for (origin, source_ok) in [("http://evil.example", true), (PEER, false)] {
            let read = std::cell::Cell::new(false);
            let data = || {
                read.set(true);
                Data::Text(GOOD.into())
            };
            assert!(admit::<String>(&policy, origin, source_ok, "the iframe", data, 1024).is_err());
            assert!(!read.get(), "{origin}, expected source: {source_ok}");
        }
    }

    #[test]
    fn right_origin_from_another_window_is_dropped() {
        assert_eq!(
            admit_str(PEER, false, Data::Text(GOOD.into())),
            Err(DropReason::UnexpectedSource {
                expected: "the iframe"
            })
        );
    }

    #[test]
    fn objects_and_long_strings_are_dropped_unread() {
        assert_eq!(
            admit_str(PEER, true, Data::Other("object".into())),
            Err(DropReason::Decode(DecodeError::NotText("object".into())))
        );
        assert_eq!(
            admit_str(PEER, true, Data::LongText(5000)),
            Err(DropReason::Decode(DecodeError::TooLarge {
                len: 5000,
                max: 1024
            }))
        );
    }

    #[test]
    fn decode_errors_say_what_was_wrong() {
        let reason = admit_str(PEER, true, Data::Text("garbage{".into())).unwrap_err();
        assert!(matches!(
            reason,
            DropReason::Decode(DecodeError::Foreign(_))
        ));
        assert!(reason
            .to_string()
            .starts_with("data is not a crossframe envelope"));
    }
}
