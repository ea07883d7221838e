//! The wire envelope: how a typed message travels through `postMessage`.
//!
//! Every crossframe message is a **JSON string** of this object:
//!
//! ```json
//! {"crossframe": 1, "kind": "hello"}
//! {"crossframe": 1, "kind": "connect", "session": 3}        (+ a transferred MessagePort)
//! {"crossframe": 1, "kind": "ack", "session": 3}
//! {"crossframe": 1, "kind": "message", "body": <the app's own serde value>}
//! {"crossframe": 1, "kind": "request", "id": 7, "body": <value>}
//! {"crossframe": 1, "kind": "response", "id": 7, "body": <value>}
//! {"crossframe": 1, "kind": "response", "id": 7, "error": "why the handler failed"}
//! {"crossframe": 1, "kind": "bye"}
//! {"crossframe": 1, "kind": "resize", "height": 412}
//! {"crossframe": 1, "kind": "refused"}
//! {"crossframe": 1, "kind": "ping"}  /  {"crossframe": 1, "kind": "pong"}
//! ```
//!
//! * `crossframe` is the protocol version, and its presence is what marks the
//!   message as ours: objects posted by extensions, devtools or other
//!   libraries lack it and are recognised as foreign.
//! * `kind` says what the frame is ([`Frame`]); unknown kinds are refused.
//! * `body` is the application's message, encoded by serde.
//!
//! Why a JSON string rather than a structured-clone object: the whole codec
//! is plain Rust (testable natively, no JS types), the size limit is checked
//! on the string's length before anything is copied or parsed, decoding
//! crosses from JS into wasm once rather than once per field, and a string
//! clones faster than an object of the same content (see README).
//!
//! [`decode`] reads the header first and the body once its kind says the
//! type (two passes over the body); [`decode_typed`] reads our own
//! messages, requests and responses in one, and leaves the rest to `decode`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use thiserror::Error;

use crate::wire::Features;

mod typed;
pub use typed::{decode_typed, Typed};

/// The protocol version this build speaks, sent in every envelope.
///
/// ```
/// use crossframe::envelope::{encode, Frame, PROTOCOL_VERSION};
/// let wire = encode(&Frame::<()>::Bye).unwrap();
/// assert_eq!(wire, format!(r#"{{"crossframe":{PROTOCOL_VERSION},"kind":"bye"}}"#));
/// ```
pub const PROTOCOL_VERSION: u32 = 1;

/// Default limit on an incoming message's length (in UTF-16 code units as
/// the browser measures strings, bytes when decoding natively): 4 Mi.
/// Longer messages are refused before they are copied or parsed.
///
/// ```
/// use crossframe::envelope::{decode, DecodeError, DEFAULT_MAX_MESSAGE_LEN};
/// let huge = "x".repeat(DEFAULT_MAX_MESSAGE_LEN + 1);
/// assert!(matches!(
///     decode::<String>(&huge, DEFAULT_MAX_MESSAGE_LEN),
///     Err(DecodeError::TooLarge { max: DEFAULT_MAX_MESSAGE_LEN, .. })
/// ));
/// ```
pub const DEFAULT_MAX_MESSAGE_LEN: usize = 4 * 1024 * 1024;

/// What an envelope carries. `T` is the body's type; decode with
/// `Box<RawValue>` to read the header first and the body later
/// ([`body`]), when the kind decides the type.
///
/// ```
/// use crossframe::envelope::{decode, encode, Frame};
/// let wire = encode(&Frame::Message("Hello".to_owned())).unwrap();
/// assert_eq!(wire, r#"{"crossframe":1,"kind":"message","body":"Hello"}"#);
/// assert_eq!(decode::<String>(&wire, 1024).unwrap(), Frame::Message("Hello".to_owned()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame<T> {
    /// "I am listening": sent by each side when it starts, and by the child
    /// in answer to the host's.
    Hello,
    /// Host to child, with a transferred `MessagePort`: talk on this port.
    Connect {
        /// Numbers the host's channels, so a late ack of an old one is ignored.
        session: u64,
        /// What the host can read on the port besides v1 JSON frames (the
        /// optional `wire` field; see [`crate::wire`]).
        wire: Features,
    },
    /// Child to host, on the new port: connected.
    Ack {
        /// The session being acknowledged.
        session: u64,
        /// What the child will send on the port: the features both offer.
        wire: Features,
    },
    /// "I am going away" (unmount, reload, navigation).
    Bye,
    /// A fire-and-forget application message.
    Message(T),
    /// A call that expects a [`Frame::Response`] with the same id.
    Request {
        /// Correlates the response.
        id: u64,
        /// The request.
        body: T,
    },
    /// The answer to a [`Frame::Request`]: its value, or why the handler failed.
    Response {
        /// The request's id.
        id: u64,
        /// The handler's result.
        result: Result<T, String>,
    },
    /// Child to host: my content is this many CSS pixels high.
    Resize {
        /// The content height.
        height: u64,
    },
    /// Child to a parent whose origin it does not allow, in answer to its
    /// hello: "you are not allowed to talk to me" (carries nothing else).
    Refused,
    /// Host to child on the port: "are you still there?" (after the iframe
    /// loaded a new document, whose old one may be gone without a `bye`).
    Ping,
    /// The answer to [`Frame::Ping`].
    Pong,
}

impl<T> Frame<T> {
    /// The same frame with its body changed by `f` (kinds without a body
    /// are unchanged).
    ///
    /// ```
    /// use crossframe::envelope::Frame;
    /// assert_eq!(Frame::Message(2).map(|n| n * 10), Frame::Message(20));
    /// ```
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Frame<U> {
        match self {
            Frame::Hello => Frame::Hello,
            Frame::Connect { session, wire } => Frame::Connect { session, wire },
            Frame::Ack { session, wire } => Frame::Ack { session, wire },
            Frame::Bye => Frame::Bye,
            Frame::Message(body) => Frame::Message(f(body)),
            Frame::Request { id, body } => Frame::Request { id, body: f(body) },
            Frame::Response { id, result } => Frame::Response {
                id,
                result: result.map(f),
            },
            Frame::Resize { height } => Frame::Resize { height },
            Frame::Refused => Frame::Refused,
            Frame::Ping => Frame::Ping,
            Frame::Pong => Frame::Pong,
        }
    }

    /// The wire name of this frame's kind.
    ///
    /// ```
    /// use crossframe::envelope::Frame;
    /// assert_eq!(Frame::<()>::Bye.kind(), "bye");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Frame::Hello => "hello",
            Frame::Connect { .. } => "connect",
            Frame::Ack { .. } => "ack",
            Frame::Bye => "bye",
            Frame::Message(_) => "message",
            Frame::Request { .. } => "request",
            Frame::Response { .. } => "response",
            Frame::Resize { .. } => "resize",
            Frame::Refused => "refused",
            Frame::Ping => "ping",
            Frame::Pong => "pong",
        }
    }
}

/// Why incoming data is not a message we can deliver.
///
/// ```
/// use crossframe::envelope::{decode, DecodeError};
/// assert!(matches!(decode::<String>("{\"type\":\"webpackOk\"}", 1024), Err(DecodeError::Foreign(_))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The data is not a string: a structured-clone object from some other
    /// script (extensions, devtools, other libraries).
    #[error("data is not a crossframe envelope (a {0}, not a string)")]
    NotText(String),
    /// Longer than the configured limit; refused before being decoded.
    #[error("message is {len} long, over the limit of {max}")]
    TooLarge {
        /// The message's length.
        len: usize,
        /// The limit it broke.
        max: usize,
    },
    /// Not JSON, or JSON without the `crossframe` marker.
    #[error("data is not a crossframe envelope: {0}")]
    Foreign(String),
    /// Has the marker, but the envelope itself is broken.
    #[error("malformed crossframe envelope: {0}")]
    Malformed(String),
    /// Another version of the protocol.
    #[error("protocol version {got} is not supported (this side speaks {PROTOCOL_VERSION})")]
    UnsupportedVersion {
        /// The version the peer sent.
        got: u64,
    },
    /// A `kind` this side does not know.
    #[error("unknown message kind {0:?}")]
    UnknownKind(String),
    /// The body is not a value of the expected message type.
    #[error("message body does not match the expected type: {0}")]
    Body(String),
}

/// Why a message could not be encoded.
///
/// ```
/// use std::collections::HashMap;
/// use crossframe::envelope::{encode, EncodeError, Frame};
/// let mut map = HashMap::new();
/// map.insert((1, 2), "tuple keys are not JSON");
/// assert!(matches!(encode(&Frame::Message(map)), Err(EncodeError::Serialize(_))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EncodeError {
    /// serde could not represent the message as JSON.
    #[error("message cannot be encoded as JSON: {0}")]
    Serialize(String),
}

/// The envelope without its body: one copy of this serializer serves every
/// message type (the body, the only generic part, is appended as JSON text
/// by [`encode`]: see there).
#[derive(Serialize)]
struct WireOut<'a> {
    crossframe: u32,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wire: Option<Vec<&'static str>>,
}

/// The envelope's fields, read lazily: the body stays raw JSON until the
/// header has been checked.
/// A field that is present (even as `null`) is `Some`; only a missing one is `None`.
#[derive(Deserialize)]
struct WireIn<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    crossframe: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    kind: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    body: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    session: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    id: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    error: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    height: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    wire: Option<&'a RawValue>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

/// Encodes a frame as the JSON string that goes on the wire.
///
/// ```
/// use crossframe::envelope::{encode, Frame};
/// assert_eq!(encode::<()>(&Frame::Hello).unwrap(), r#"{"crossframe":1,"kind":"hello"}"#);
/// let response = Frame::Response { id: 7, result: Err::<(), _>("no such item".to_owned()) };
/// assert_eq!(encode(&response).unwrap(), r#"{"crossframe":1,"kind":"response","id":7,"error":"no such item"}"#);
/// ```
pub fn encode<T: Serialize>(frame: &Frame<T>) -> Result<String, EncodeError> {
    // Only the body depends on `T`: it is serialized on its own, and the
    // rest of the envelope by one non-generic function, so each message
    // type adds its own serializer and nothing more to the bundle.
    let body = match frame {
        Frame::Message(body)
        | Frame::Request { body, .. }
        | Frame::Response {
            result: Ok(body), ..
        } => Some(json(body)?),
        _ => None,
    };
    let error = match frame {
        Frame::Response {
            result: Err(error), ..
        } => Some(error.as_str()),
        _ => None,
    };
    envelope(frame.kind(), header(frame), body.as_deref(), error)
}

fn json<T: Serialize + ?Sized>(value: &T) -> Result<String, EncodeError> {
    serde_json::to_string(value).map_err(|e| EncodeError::Serialize(e.to_string()))
}

/// A frame's numbers and features: `(session, id, height, wire)`.
fn header<T>(frame: &Frame<T>) -> (Option<u64>, Option<u64>, Option<u64>, Features) {
    match *frame {
        Frame::Connect { session, wire } | Frame::Ack { session, wire } => {
            (Some(session), None, None, wire)
        }
        Frame::Request { id, .. } | Frame::Response { id, .. } => {
            (None, Some(id), None, Features::NONE)
        }
        Frame::Resize { height } => (None, None, Some(height), Features::NONE),
        _ => (None, None, None, Features::NONE),
    }
}

/// The envelope around a body already serialized (`body`, JSON text). The
/// fields keep their order: the body comes after `id`, and the fields after
/// it (`error`, `height`, `wire`) are never in a frame that has a body.
fn envelope(
    kind: &str,
    (session, id, height, features): (Option<u64>, Option<u64>, Option<u64>, Features),
    body: Option<&str>,
    error: Option<&str>,
) -> Result<String, EncodeError> {
    let wire = WireOut {
        crossframe: PROTOCOL_VERSION,
        kind,
        session,
        id,
        error,
        height,
        wire: features.names(),
    };
    let mut text = json(&wire)?;
    if let Some(body) = body {
        text.pop(); // the closing brace
        text.reserve(body.len() + 9);
        text.push_str(",\"body\":");
        text.push_str(body);
        text.push('}');
    }
    Ok(text)
}

/// Decodes a body read raw (see [`Frame`]) into its type.
///
/// ```
/// use crossframe::envelope::{body, decode, Frame};
/// use serde_json::value::RawValue;
/// let frame = decode::<Box<RawValue>>(r#"{"crossframe":1,"kind":"request","id":1,"body":[1,2]}"#, 1024).unwrap();
/// let Frame::Request { body: raw, .. } = frame else { unreachable!() };
/// assert_eq!(body::<(u8, u8)>(&raw), Ok((1, 2)));
/// ```
pub fn body<T: DeserializeOwned>(raw: &RawValue) -> Result<T, DecodeError> {
    serde_json::from_str(raw.get()).map_err(|e| DecodeError::Body(e.to_string()))
}

/// The `wire` field of a connect or ack: a list of feature names. Anything
/// else (a later version's richer value) is read as no feature.
fn features(field: Option<&RawValue>) -> Features {
    field
        .and_then(|raw| serde_json::from_str::<Vec<String>>(raw.get()).ok())
        .map(|names| Features::parse(&names))
        .unwrap_or(Features::NONE)
}

/// Decodes a wire string into a frame, refusing anything longer than
/// `max_len` bytes before parsing it.
///
/// ```
/// use crossframe::envelope::{decode, DecodeError, Frame};
/// let frame = decode::<u32>(r#"{"crossframe":1,"kind":"message","body":7}"#, 1024);
/// assert_eq!(frame, Ok(Frame::Message(7)));
/// let wrong_type = decode::<u32>(r#"{"crossframe":1,"kind":"message","body":"x"}"#, 1024);
/// assert!(matches!(wrong_type, Err(DecodeError::Body(_))));
/// ```
pub fn decode<T: DeserializeOwned>(text: &str, max_len: usize) -> Result<Frame<T>, DecodeError> {
    if text.len() > max_len {
        return Err(DecodeError::TooLarge {
            len: text.len(),
            max: max_len,
        });
    }
    // serde would also fill a struct from an array, field by position.
    if !text.trim_start().starts_with('{') {
        return Err(DecodeError::Foreign("not a JSON object".to_owned()));
    }
    let wire: WireIn<'_> = serde_json::from_str(text).map_err(|e| {
        if text.contains("\"crossframe\"") {
            DecodeError::Malformed(e.to_string())
        } else {
            DecodeError::Foreign(e.to_string())
        }
    })?;
    let version = wire
        .crossframe
        .ok_or_else(|| DecodeError::Foreign("no \"crossframe\" field".to_owned()))?;
    let version: u64 = serde_json::from_str(version.get())
        .map_err(|_| DecodeError::Malformed(format!("version is {}", version.get())))?;
    if version != u64::from(PROTOCOL_VERSION) {
        return Err(DecodeError::UnsupportedVersion { got: version });
    }
    let kind = wire
        .kind
        .ok_or_else(|| DecodeError::Malformed("no \"kind\" field".to_owned()))?;
    let kind: &str = serde_json::from_str(kind.get())
        .map_err(|_| DecodeError::Malformed(format!("kind is {}", kind.get())))?;
    let number = |field: Option<&RawValue>, name: &str| -> Result<u64, DecodeError> {
        let raw =
            field.ok_or_else(|| DecodeError::Malformed(format!("{kind} has no \"{name}\"")))?;
        serde_json::from_str(raw.get())
            .map_err(|_| DecodeError::Malformed(format!("{name} is {}", raw.get())))
    };
    let typed_body = || -> Result<T, DecodeError> {
        let raw = wire
            .body
            .ok_or_else(|| DecodeError::Malformed(format!("{kind} has no \"body\"")))?;
        body(raw)
    };
    match kind {
        "hello" => Ok(Frame::Hello),
        "bye" => Ok(Frame::Bye),
        "refused" => Ok(Frame::Refused),
        "ping" => Ok(Frame::Ping),
        "pong" => Ok(Frame::Pong),
        "resize" => Ok(Frame::Resize {
            height: number(wire.height, "height")?,
        }),
        "connect" => Ok(Frame::Connect {
            session: number(wire.session, "session")?,
            wire: features(wire.wire),
        }),
        "ack" => Ok(Frame::Ack {
            session: number(wire.session, "session")?,
            wire: features(wire.wire),
        }),
        "message" => typed_body().map(Frame::Message),
        "request" => Ok(Frame::Request {
            id: number(wire.id, "id")?,
            body: typed_body()?,
        }),
        "response" => {
            let id = number(wire.id, "id")?;
            let result = match wire.error {
                Some(error) => Err(serde_json::from_str::<String>(error.get())
                    .map_err(|_| DecodeError::Malformed(format!("error is {}", error.get())))?),
                None => Ok(typed_body()?),
            };
            Ok(Frame::Response { id, result })
        }
        other => Err(DecodeError::UnknownKind(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    enum Msg {
        Text(String),
        Point { x: i32, y: i32 },
        Ping,
    }

    const MAX: usize = DEFAULT_MAX_MESSAGE_LEN;

    fn round_trip(msg: Msg) {
        let wire = encode(&Frame::Message(msg.clone())).unwrap();
        assert_eq!(decode::<Msg>(&wire, MAX), Ok(Frame::Message(msg)));
    }

    #[test]
    fn messages_round_trip() {
        round_trip(Msg::Text("Hello".into()));
        round_trip(Msg::Text(
            "您好，这里是 http://localhost:8081/ \"quoted\" \u{1F600}".into(),
        ));
        round_trip(Msg::Text("<img src=x onerror=alert(1)>".into()));
        round_trip(Msg::Point { x: -1, y: 2 });
        round_trip(Msg::Ping);
    }

    #[test]
    fn control_frames_round_trip() {
        for frame in [
            Frame::Hello,
            Frame::Bye,
            Frame::Connect {
                session: 3,
                wire: Features::NONE,
            },
            Frame::Connect {
                session: 3,
                wire: Features {
                    batch: true,
                    binary: true,
                },
            },
            Frame::Ack {
                session: u64::MAX,
                wire: Features::NONE,
            },
            Frame::Ack {
                session: 1,
                wire: Features {
                    batch: true,
                    binary: false,
                },
            },
            Frame::Resize { height: 412 },
            Frame::Refused,
            Frame::Ping,
            Frame::Pong,
        ] {
            let wire = encode::<Msg>(&frame).unwrap();
            assert_eq!(decode::<Msg>(&wire, MAX), Ok(frame));
        }
    }

    #[test]
    fn calls_round_trip() {
        for frame in [
            Frame::Request {
                id: 1,
                body: Msg::Ping,
            },
            Frame::Response {
                id: 1,
                result: Ok(Msg::Text("pong".into())),
            },
            Frame::Response {
                id: 2,
                result: Err("handler failed".into()),
            },
        ] {
            let wire = encode(&frame).unwrap();
            assert_eq!(decode::<Msg>(&wire, MAX), Ok(frame));
        }
    }

    #[test]
    fn bodies_can_be_read_after_the_header() {
        let wire = encode(&Frame::Request {
            id: 9,
            body: Msg::Point { x: 1, y: 2 },
        })
        .unwrap();
        let Ok(Frame::Request { id: 9, body: raw }) = decode::<Box<RawValue>>(&wire, MAX) else {
            panic!("not a request");
        };
        assert_eq!(body::<Msg>(&raw), Ok(Msg::Point { x: 1, y: 2 }));
        assert!(matches!(body::<u8>(&raw), Err(DecodeError::Body(_))));
    }

    #[test]
    fn calls_without_their_fields_are_malformed() {
        for bad in [
            r#"{"crossframe":1,"kind":"request","body":"Ping"}"#,
            r#"{"crossframe":1,"kind":"request","id":-1,"body":"Ping"}"#,
            r#"{"crossframe":1,"kind":"request","id":1}"#,
            r#"{"crossframe":1,"kind":"response","body":"Ping"}"#,
            r#"{"crossframe":1,"kind":"response","id":1,"error":5}"#,
            r#"{"crossframe":1,"kind":"connect"}"#,
            r#"{"crossframe":1,"kind":"ack","session":"x"}"#,
        ] {
            assert!(
                matches!(decode::<Msg>(bad, MAX), Err(DecodeError::Malformed(_))),
                "{bad:?}: {:?}",
                decode::<Msg>(bad, MAX)
            );
        }
    }

    #[test]
    fn wire_features_are_an_optional_field_that_v1_peers_ignore() {
        let connect = encode::<()>(&Frame::Connect {
            session: 2,
            wire: Features {
                batch: true,
                binary: true,
            },
        })
        .unwrap();
        assert_eq!(
            connect,
            r#"{"crossframe":1,"kind":"connect","session":2,"wire":["batch","binary"]}"#
        );
        let plain = encode::<()>(&Frame::Ack {
            session: 2,
            wire: Features::NONE,
        })
        .unwrap();
        assert_eq!(plain, r#"{"crossframe":1,"kind":"ack","session":2}"#);
        // Unknown names and shapes are no feature, never an error.
        let odd = r#"{"crossframe":1,"kind":"ack","session":2,"wire":{"v":2}}"#;
        assert_eq!(
            decode::<()>(odd, MAX),
            Ok(Frame::Ack {
                session: 2,
                wire: Features::NONE
            })
        );
        let later = r#"{"crossframe":1,"kind":"connect","session":2,"wire":["zstd","batch"]}"#;
        assert_eq!(
            decode::<()>(later, MAX),
            Ok(Frame::Connect {
                session: 2,
                wire: Features {
                    batch: true,
                    binary: false
                }
            })
        );
    }

    #[test]
    fn wire_format_is_stable() {
        let wire = encode(&Frame::Message(Msg::Text("hi".into()))).unwrap();
        assert_eq!(
            wire,
            r#"{"crossframe":1,"kind":"message","body":{"Text":"hi"}}"#
        );
    }

    #[test]
    fn field_order_and_extra_fields_do_not_matter() {
        let wire = r#"{"body":"Ping","extra":[1,2],"kind":"message","crossframe":1}"#;
        assert_eq!(decode::<Msg>(wire, MAX), Ok(Frame::Message(Msg::Ping)));
    }

    #[test]
    fn foreign_data_is_recognised() {
        for foreign in [
            "",
            "hello",
            "{not json",
            "[1,2,3]",
            "42",
            r#"{"type":"webpackOk"}"#,
            r#"{"source":"react-devtools-bridge","payload":{}}"#,
        ] {
            assert!(
                matches!(decode::<Msg>(foreign, MAX), Err(DecodeError::Foreign(_))),
                "{foreign:?}"
            );
        }
    }

    #[test]
    fn malformed_envelopes_are_rejected() {
        for bad in [
            r#"{"crossframe":"1","kind":"message","body":"Ping"}"#,
            r#"{"crossframe":1,"body":"Ping"}"#,
            r#"{"crossframe":1,"kind":7,"body":"Ping"}"#,
            r#"{"crossframe":1,"kind":"message"}"#,
            r#"{"crossframe":1,"kind":"message","body":"Ping""#,
            r#"{"crossframe":1,"crossframe":1,"kind":"hello"}"#,
        ] {
            assert!(
                matches!(decode::<Msg>(bad, MAX), Err(DecodeError::Malformed(_))),
                "{bad:?}: {:?}",
                decode::<Msg>(bad, MAX)
            );
        }
    }

    #[test]
    fn other_versions_are_rejected_with_the_version() {
        let wire = r#"{"crossframe":2,"kind":"message","body":"Ping"}"#;
        assert_eq!(
            decode::<Msg>(wire, MAX),
            Err(DecodeError::UnsupportedVersion { got: 2 })
        );
    }

    #[test]
    fn unknown_kinds_are_rejected_by_name() {
        let wire = r#"{"crossframe":1,"kind":"explode","body":"Ping"}"#;
        assert_eq!(
            decode::<Msg>(wire, MAX),
            Err(DecodeError::UnknownKind("explode".into()))
        );
    }

    #[test]
    fn bodies_of_the_wrong_type_are_rejected() {
        for bad in [
            r#"{"crossframe":1,"kind":"message","body":{"Shout":"x"}}"#,
            r#"{"crossframe":1,"kind":"message","body":{"Text":5}}"#,
            r#"{"crossframe":1,"kind":"message","body":{"Point":{"x":"1","y":2}}}"#,
            r#"{"crossframe":1,"kind":"message","body":null}"#,
        ] {
            assert!(
                matches!(decode::<Msg>(bad, MAX), Err(DecodeError::Body(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn oversized_messages_are_rejected_before_parsing() {
        let wire = encode(&Frame::Message(Msg::Text("x".repeat(100)))).unwrap();
        assert_eq!(
            decode::<Msg>(&wire, 64),
            Err(DecodeError::TooLarge {
                len: wire.len(),
                max: 64
            })
        );
        // Not even valid JSON: the length check comes first.
        let junk = "{".repeat(65);
        assert!(matches!(
            decode::<Msg>(&junk, 64),
            Err(DecodeError::TooLarge { .. })
        ));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!(
            r#"{{"crossframe":1,"kind":"message","body":{}{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(decode::<serde_json::Value>(&deep, usize::MAX).is_err());
    }

    #[test]
    fn null_and_unit_bodies_round_trip() {
        let wire = encode(&Frame::Message(())).unwrap();
        assert_eq!(decode::<()>(&wire, MAX), Ok(Frame::Message(())));
        let wire = encode(&Frame::Message(None::<u8>)).unwrap();
        assert_eq!(decode::<Option<u8>>(&wire, MAX), Ok(Frame::Message(None)));
    }

    #[test]
    fn unencodable_messages_are_an_error() {
        let mut map = std::collections::HashMap::new();
        map.insert(vec![1], 1);
        assert!(encode(&Frame::Message(map)).is_err());
    }
}
