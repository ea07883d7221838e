//! The admission check every incoming message passes, as plain Rust.
//!
//! The hook gathers four facts from a `MessageEvent` (origin, whether the
//! source is the expected window, the data's shape, its length) and asks
//! [`admit`] whether to deliver it. The checks run cheapest first, so a
//! message from a wrong origin or window is never copied into wasm or parsed.

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

/// The shape of `MessageEvent.data`, as far as admission cares.
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
/// size, then envelope and body.
///
/// ```
/// use crossframe::envelope::Frame;
/// use crossframe::gate::{admit, Data};
/// use crossframe::OriginPolicy;
/// let policy = OriginPolicy::parse("http://localhost:8081").unwrap();
/// let data = Data::Text(r#"{"crossframe":1,"kind":"message","body":"hi"}"#.into());
/// let (origin, frame) = admit::<String>(&policy, "http://localhost:8081", true, "the iframe", data, 1024).unwrap();
/// assert_eq!(origin.as_str(), "http://localhost:8081");
/// assert_eq!(frame, Frame::Message("hi".into()));
/// ```
pub fn admit<T: DeserializeOwned>(
    policy: &OriginPolicy,
    origin: &str,
    from_expected_source: bool,
    expected_source: &'static str,
    data: Data,
    max_len: usize,
) -> Result<(Origin, Frame<T>), DropReason> {
    let origin = policy.check(origin)?;
    if !from_expected_source {
        return Err(DropReason::UnexpectedSource {
            expected: expected_source,
        });
    }
    let text = match data {
        Data::Text(text) => text,
        Data::LongText(len) => {
            return Err(DecodeError::TooLarge { len, max: max_len }.into());
        }
        Data::Other(kind) => return Err(DecodeError::NotText(kind).into()),
    };
    let frame = envelope::decode(&text, max_len)?;
    Ok((origin, frame))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEER: &str = "http://localhost:8081";
    const GOOD: &str = r#"{"crossframe":1,"kind":"message","body":"hi"}"#;

    fn admit_str(origin: &str, source_ok: bool, data: Data) -> Result<Frame<String>, DropReason> {
        let policy = OriginPolicy::parse(PEER).unwrap();
        admit(&policy, origin, source_ok, "the iframe", data, 1024).map(|(_, frame)| frame)
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
