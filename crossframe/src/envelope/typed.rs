//! Messages, requests and responses decoded in one pass: the header and the
//! body together, the body straight into the type its kind calls for.
//!
//! [`decode`](super::decode) reads every field raw, checks the header, then
//! decodes the body from its raw text: the body is scanned twice. Our own
//! encoders ([`encode`](super::encode) and `embed.js`) write `crossframe`
//! and `kind` before `body`, so when the body comes its type is known.
//! [`decode_typed`] is that fast path. What it does not take (another field
//! order, another kind, an error response, a body of another type, anything
//! broken) it leaves to `decode`, which then says what it is: it takes
//! nothing `decode` refuses, and reads what it takes as `decode` does.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, Deserializer as _, Error as _, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::PROTOCOL_VERSION;

/// A frame that carries a body, its body decoded into its kind's type:
/// `M` for a message, `Q` for a request, `R` for a response's value.
///
/// ```
/// use crossframe::envelope::{decode_typed, Typed};
/// let wire = r#"{"crossframe":1,"kind":"request","id":4,"body":[1,2]}"#;
/// let typed = decode_typed::<String, (u8, u8), bool>(wire, 1024);
/// assert_eq!(typed, Some(Typed::Request { id: 4, body: (1, 2) }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed<M, Q, R> {
    /// A `message`.
    Message(M),
    /// A `request`.
    Request {
        /// Correlates the response.
        id: u64,
        /// The request.
        body: Q,
    },
    /// A `response` with a value (one with an `error` is left to `decode`).
    Response {
        /// The request's id.
        id: u64,
        /// The value.
        body: R,
    },
}

/// Decodes a message, request or response with its body in one pass, when
/// `text` is a well-formed one whose `kind` comes before its `body`, no
/// longer than `max_len`. `None` for anything else: then
/// [`decode`](super::decode) reads it (in two passes) and says what it is.
///
/// ```
/// use crossframe::envelope::{decode, decode_typed, DecodeError, Typed};
/// let ours = r#"{"crossframe":1,"kind":"message","body":"Hi"}"#;
/// assert_eq!(decode_typed::<String, (), ()>(ours, 1024), Some(Typed::Message("Hi".to_owned())));
/// // Body before kind, another kind, a body of another type: the slow path's.
/// assert_eq!(decode_typed::<String, (), ()>(r#"{"body":"Hi","kind":"message","crossframe":1}"#, 1024), None);
/// assert_eq!(decode_typed::<String, (), ()>(r#"{"crossframe":1,"kind":"bye"}"#, 1024), None);
/// let wrong = r#"{"crossframe":1,"kind":"message","body":7}"#;
/// assert_eq!(decode_typed::<String, (), ()>(wrong, 1024), None);
/// assert!(matches!(decode::<String>(wrong, 1024), Err(DecodeError::Body(_))));
/// ```
pub fn decode_typed<M, Q, R>(text: &str, max_len: usize) -> Option<Typed<M, Q, R>>
where
    M: DeserializeOwned,
    Q: DeserializeOwned,
    R: DeserializeOwned,
{
    if text.len() > max_len || has_control_bytes(text) {
        return None;
    }
    let mut json = serde_json::Deserializer::from_str(text);
    let typed = (&mut json).deserialize_map(Envelope(PhantomData)).ok()?;
    json.end().ok()?;
    Some(typed)
}

/// Whether `text` has a byte below 0x20. JSON allows none in a string, and
/// `decode` reads the body raw, which refuses them; but serde_json hands a
/// string to a type that reads bytes (`deserialize_bytes`, as `serde_bytes`
/// does) without that check. Our encoders escape them all, and write no
/// whitespace between tokens either.
fn has_control_bytes(text: &str) -> bool {
    const ONES: u64 = u64::MAX / 255;
    // A byte below 0x20 borrows in the subtraction with its high bit clear.
    let below = |word: &[u8; 8]| {
        let word = u64::from_le_bytes(*word);
        word.wrapping_sub(ONES * 0x20) & !word
    };
    // Four words a step, no early exit: our text has none.
    let (blocks, rest) = text.as_bytes().as_chunks::<32>();
    let found = blocks.iter().fold(0, |found, block| {
        let (words, _) = block.as_chunks::<8>();
        found | below(&words[0]) | below(&words[1]) | below(&words[2]) | below(&words[3])
    });
    found & ONES << 7 != 0 || rest.iter().any(|&byte| byte < 0x20)
}

/// The envelope's fields, as `decode`'s struct names them.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Field {
    Crossframe,
    Kind,
    Body,
    Session,
    Id,
    Error,
    Height,
    Wire,
    #[serde(other)]
    Other,
}

#[derive(Clone, Copy)]
enum Kind {
    Message,
    Request,
    Response,
}

enum Body<M, Q, R> {
    Message(M),
    Request(Q),
    Response(R),
}

/// Reads an envelope into a [`Typed`].
struct Envelope<M, Q, R>(PhantomData<Typed<M, Q, R>>);

impl<'de, M, Q, R> Visitor<'de> for Envelope<M, Q, R>
where
    M: DeserializeOwned,
    Q: DeserializeOwned,
    R: DeserializeOwned,
{
    type Value = Typed<M, Q, R>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a crossframe message, request or response, kind before body")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // Any Err leaves the envelope to `decode`: what it says does not matter.
        let other = || A::Error::custom("not for the one-pass decoder");
        let number = |raw: &RawValue| serde_json::from_str::<u64>(raw.get()).ok();
        let mut seen = 0u16;
        let mut kind = None;
        let mut id = None;
        let mut error = false;
        let mut body = None;
        while let Some(field) = map.next_key::<Field>()? {
            // A duplicate field is malformed (and `decode` says so).
            let bit = 1u16 << field as u16;
            if field != Field::Other && seen & bit != 0 {
                return Err(other());
            }
            seen |= bit;
            // Every field but `body` is read as `decode` reads it: raw.
            match field {
                Field::Crossframe => {
                    let version = map.next_value::<&RawValue>()?;
                    if number(version) != Some(u64::from(PROTOCOL_VERSION)) {
                        return Err(other());
                    }
                }
                Field::Kind => {
                    let raw = map.next_value::<&RawValue>()?;
                    kind = match serde_json::from_str::<&str>(raw.get()) {
                        Ok("message") => Some(Kind::Message),
                        Ok("request") => Some(Kind::Request),
                        Ok("response") => Some(Kind::Response),
                        _ => return Err(other()),
                    };
                }
                Field::Body => {
                    // Its type is known only once the kind is.
                    body = Some(match kind.ok_or_else(other)? {
                        Kind::Message => Body::Message(map.next_value()?),
                        Kind::Request => Body::Request(map.next_value()?),
                        Kind::Response => Body::Response(map.next_value()?),
                    });
                }
                Field::Id => id = Some(map.next_value::<&RawValue>()?),
                Field::Error => {
                    map.next_value::<&RawValue>()?;
                    error = true;
                }
                Field::Session | Field::Height | Field::Wire => {
                    map.next_value::<&RawValue>()?;
                }
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if seen & 1 << Field::Crossframe as u16 == 0 {
            return Err(other());
        }
        let id = || id.and_then(number).ok_or_else(other);
        match body.ok_or_else(other)? {
            Body::Message(message) => Ok(Typed::Message(message)),
            Body::Request(body) => Ok(Typed::Request { id: id()?, body }),
            Body::Response(body) if !error => Ok(Typed::Response { id: id()?, body }),
            Body::Response(_) => Err(other()),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::envelope::{body, decode, encode, DecodeError, Frame, DEFAULT_MAX_MESSAGE_LEN};

    const MAX: usize = DEFAULT_MAX_MESSAGE_LEN;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    enum Msg {
        Text(String),
        Point { x: i32, y: i32 },
        Ping,
    }

    type Ours = Typed<Msg, (u8, String), Option<u32>>;

    fn fast(text: &str) -> Option<Ours> {
        decode_typed(text, MAX)
    }

    /// What the link makes of `text` today: "ok", or the error's name.
    fn two_passes(text: &str) -> String {
        let read = decode::<Box<RawValue>>(text, MAX).and_then(|frame| match frame {
            Frame::Message(raw) => body::<Msg>(&raw).map(drop),
            Frame::Request { body: raw, .. } => body::<(u8, String)>(&raw).map(drop),
            Frame::Response {
                result: Ok(raw), ..
            } => body::<Option<u32>>(&raw).map(drop),
            _ => Ok(()),
        });
        match read {
            Ok(()) => "ok".to_owned(),
            Err(error) => format!("{error:?}"),
        }
    }

    /// Reads JSON strings as bytes, as `serde_bytes` does.
    #[derive(Debug, PartialEq)]
    struct Bytes(Vec<u8>);

    impl<'de> Deserialize<'de> for Bytes {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Read;
            impl Visitor<'_> for Read {
                type Value = Bytes;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Bytes, E> {
                    Ok(Bytes(bytes.to_vec()))
                }
            }
            d.deserialize_byte_buf(Read)
        }
    }

    #[test]
    fn our_messages_requests_and_responses_take_one_pass() {
        let message = encode(&Frame::Message(Msg::Point { x: -1, y: 2 })).unwrap();
        assert_eq!(
            fast(&message),
            Some(Typed::Message(Msg::Point { x: -1, y: 2 }))
        );
        let request = encode(&Frame::Request {
            id: u64::MAX,
            body: (7u8, "您好 \u{1F600} \"\\\n".to_owned()),
        })
        .unwrap();
        assert_eq!(
            fast(&request),
            Some(Typed::Request {
                id: u64::MAX,
                body: (7, "您好 \u{1F600} \"\\\n".to_owned())
            })
        );
        let response = encode(&Frame::Response {
            id: 3,
            result: Ok(None::<u32>),
        })
        .unwrap();
        assert_eq!(fast(&response), Some(Typed::Response { id: 3, body: None }));
        // What embed.js writes: `crossframe`, `kind`, then the fields.
        let js = r#"{"crossframe":1,"kind":"request","id":9,"body":[1,"x"],"extra":{"a":[]}}"#;
        assert_eq!(
            fast(js),
            Some(Typed::Request {
                id: 9,
                body: (1, "x".to_owned())
            })
        );
        // Fields `decode` ignores for this kind are ignored here too.
        let extra =
            r#"{"crossframe":1,"kind":"message","id":"x","error":5,"session":[],"body":"Ping"}"#;
        assert_eq!(fast(extra), Some(Typed::Message(Msg::Ping)));
    }

    #[test]
    fn everything_else_is_left_to_decode() {
        for (text, slow) in [
            // Other kinds, and an error response.
            (r#"{"crossframe":1,"kind":"hello"}"#, "ok"),
            (
                r#"{"crossframe":1,"kind":"ack","session":1,"body":"Ping"}"#,
                "ok",
            ),
            (
                r#"{"crossframe":1,"kind":"response","id":1,"error":"no"}"#,
                "ok",
            ),
            (
                r#"{"crossframe":1,"kind":"response","id":1,"body":null,"error":"no"}"#,
                "ok",
            ),
            (
                r#"{"crossframe":1,"kind":"response","id":1,"error":"no","body":null}"#,
                "ok",
            ),
            // Body before kind: read by `decode`, in two passes.
            (r#"{"body":"Ping","crossframe":1,"kind":"message"}"#, "ok"),
            (r#"{"crossframe":1,"body":"Ping","kind":"message"}"#, "ok"),
            // Whitespace (any byte below 0x20), as pretty-printers write.
            (
                "{\"crossframe\":1,\n\"kind\":\"message\",\"body\":\"Ping\"}",
                "ok",
            ),
            // Broken headers.
            (r#"{"kind":"message","body":"Ping"}"#, "Foreign"),
            (
                r#"{"crossframe":2,"kind":"message","body":"Ping"}"#,
                "UnsupportedVersion",
            ),
            (
                r#"{"crossframe":1.0,"kind":"message","body":"Ping"}"#,
                "Malformed",
            ),
            (
                r#"{"crossframe":"1","kind":"message","body":"Ping"}"#,
                "Malformed",
            ),
            (
                r#"{"crossframe":1,"kind":"m\u0065ssage","body":"Ping"}"#,
                "Malformed",
            ),
            (
                r#"{"crossframe":1,"kind":"Message","body":"Ping"}"#,
                "UnknownKind",
            ),
            (r#"{"crossframe":1,"kind":"message"}"#, "Malformed"),
            (
                r#"{"crossframe":1,"kind":"request","body":"Ping"}"#,
                "Malformed",
            ),
            (
                r#"{"crossframe":1,"kind":"request","id":-1,"body":"Ping"}"#,
                "Malformed",
            ),
            (
                r#"{"crossframe":1,"kind":"response","id":"1","body":7}"#,
                "Malformed",
            ),
            // Duplicates, also of fields this kind ignores, and escaped names.
            (
                r#"{"crossframe":1,"crossframe":1,"kind":"message","body":"Ping"}"#,
                "Malformed",
            ),
            (
                r#"{"crossframe":1,"kind":"message","body":"Ping","body":"Ping"}"#,
                "Malformed",
            ),
            (
                r#"{"crossframe":1,"kind":"message","wire":1,"body":"Ping","wire":2}"#,
                "Malformed",
            ),
            (
                r#"{"crossframe":1,"kind":"message","body":"Ping","kin\u0064":"message"}"#,
                "Malformed",
            ),
            // Broken JSON, before or after the body; not an object.
            (
                r#"{"crossframe":1,"kind":"message","body":"Ping""#,
                "Malformed",
            ),
            (
                r#"{"crossframe":1,"kind":"message","body":"Ping","x":01}"#,
                "Malformed",
            ),
            (
                r#"{"crossframe":1,"kind":"message","body":"Ping"} x"#,
                "Malformed",
            ),
            (r#"[1,"message","Ping"]"#, "Foreign"),
            // Bodies of another type.
            (
                r#"{"crossframe":1,"kind":"message","body":{"Text":5}}"#,
                "Body",
            ),
            (
                r#"{"crossframe":1,"kind":"request","id":1,"body":[300,"x"]}"#,
                "Body",
            ),
            (
                r#"{"crossframe":1,"kind":"response","id":1,"body":-1}"#,
                "Body",
            ),
        ] {
            assert_eq!(fast(text), None, "{text}");
            assert!(
                two_passes(text).starts_with(slow),
                "{text}: {}",
                two_passes(text)
            );
        }
    }

    #[test]
    fn the_limit_is_checked_first() {
        let wire = encode(&Frame::Message(Msg::Text("x".repeat(100)))).unwrap();
        assert_eq!(
            fast(&wire),
            Some(Typed::Message(Msg::Text("x".repeat(100))))
        );
        assert_eq!(decode_typed::<Msg, (), ()>(&wire, wire.len() - 1), None);
        assert!(matches!(
            decode::<Msg>(&wire, wire.len() - 1),
            Err(DecodeError::TooLarge { .. })
        ));
    }

    #[test]
    fn control_characters_in_a_string_read_as_bytes_are_left_to_decode() {
        let raw = "{\"crossframe\":1,\"kind\":\"message\",\"body\":\"a\u{1}b\"}";
        // serde_json reads them into bytes...
        let mut json = serde_json::Deserializer::from_str("\"a\u{1}b\"");
        assert_eq!(
            Bytes::deserialize(&mut json).ok(),
            Some(Bytes(b"a\x01b".to_vec()))
        );
        // ...but `decode` refuses them, and so does the fast path.
        assert!(matches!(
            decode::<Bytes>(raw, MAX),
            Err(DecodeError::Malformed(_))
        ));
        assert_eq!(decode_typed::<Bytes, (), ()>(raw, MAX), None);
        let escaped = r#"{"crossframe":1,"kind":"message","body":"a\u0001b"}"#;
        assert_eq!(
            decode_typed::<Bytes, (), ()>(escaped, MAX),
            Some(Typed::Message(Bytes(b"a\x01b".to_vec())))
        );
    }

    #[test]
    fn control_bytes_are_found_wherever_they_are() {
        for len in 0..40 {
            let clean = "é".repeat(len / 2) + &"~".repeat(len % 2);
            assert!(!has_control_bytes(&clean), "{len}");
            for at in 0..=clean.len() {
                for byte in [0u8, 0x09, 0x0a, 0x1f] {
                    let mut text = clean.clone().into_bytes();
                    text.insert(at, byte);
                    let Ok(text) = String::from_utf8(text) else {
                        continue;
                    };
                    assert!(has_control_bytes(&text), "{text:?}");
                }
            }
        }
        assert!(!has_control_bytes(" !\u{7f}\u{80}\u{ff}\u{10ffff} "));
    }

    #[test]
    fn deep_bodies_are_an_error_not_a_stack_overflow() {
        let deep = format!(
            r#"{{"crossframe":1,"kind":"message","body":{}{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(
            decode_typed::<serde_json::Value, (), ()>(&deep, usize::MAX),
            None
        );
    }

    /// The `64k-obj` payload's records (bench/crossframe).
    #[derive(Serialize, Deserialize)]
    struct Row {
        i: u32,
        name: String,
        score: f64,
        tags: Vec<String>,
        ok: bool,
    }

    #[derive(Serialize, Deserialize)]
    struct Payload {
        id: u64,
        t: f64,
        data: Option<String>,
        rows: Option<Vec<Row>>,
    }

    /// The time of one `decode`: the best of 10 rounds of 50 (the machine
    /// may be busy with other work).
    fn per_decode(wire: &str, decode: impl Fn(&str) -> bool) -> std::time::Duration {
        let round = || {
            let start = std::time::Instant::now();
            for _ in 0..50 {
                assert!(decode(std::hint::black_box(wire)));
            }
            start.elapsed() / 50
        };
        (0..10).map(|_| round()).min().unwrap_or_default()
    }

    /// Two passes (the header, then the body from its raw text) against one,
    /// on the bench's 64 KB payloads. Timing, not a check:
    /// `CARGO_PROFILE_RELEASE_OPT_LEVEL=s cargo test --release -p crossframe
    /// --lib one_pass_timing -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn one_pass_timing() {
        let rows = (0..870)
            .map(|i| Row {
                i,
                name: format!("row-{i}"),
                score: f64::from(i) / 4.0,
                tags: vec!["alpha".into(), "beta".into()],
                ok: i % 2 == 0,
            })
            .collect();
        let text = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
        let data = text.chars().cycle().take(65536).collect();
        for (name, payload) in [
            (
                "64k-obj",
                Payload {
                    id: 1,
                    t: 0.5,
                    data: None,
                    rows: Some(rows),
                },
            ),
            (
                "64k",
                Payload {
                    id: 1,
                    t: 0.5,
                    data: Some(data),
                    rows: None,
                },
            ),
        ] {
            let wire = encode(&Frame::Message(payload)).unwrap();
            let two = per_decode(&wire, |wire| match decode::<Box<RawValue>>(wire, MAX) {
                Ok(Frame::Message(raw)) => body::<Payload>(&raw).is_ok(),
                _ => false,
            });
            let one = per_decode(&wire, |wire| {
                decode_typed::<Payload, (), ()>(wire, MAX).is_some()
            });
            let scan = per_decode(&wire, |wire| !has_control_bytes(wire));
            println!(
                "{name} ({} bytes): two passes {two:.1?}, one pass {one:.1?} \
                 (of which the control-byte scan {scan:.1?})",
                wire.len()
            );
        }
    }
}
