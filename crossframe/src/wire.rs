//! What travels on the private port once two crossframe peers agreed on it
//! in the handshake: **batches** (several frames queued in the same task, in
//! one port message) and **binary frames** (postcard instead of JSON, in a
//! transferred `ArrayBuffer`). Plain Rust; see PROTOCOL.md, "Wire features".
//!
//! The host offers what it can read in its `connect` (`"wire": ["batch",
//! "binary"]`); the child answers with what it will use in its `ack` (the
//! features both sides offer). A peer that does not know the field ignores
//! it and answers a plain `ack`: then nothing changes, JSON strings one frame
//! per message, as in protocol version 1 without the field.
//!
//! ```
//! use crossframe::wire::{Features, WireOptions};
//! let ours = Features::offered(WireOptions::default());
//! let theirs = Features::parse(&["batch".to_owned(), "binary".to_owned(), "zstd".to_owned()]);
//! assert_eq!(ours.common(theirs), ours);
//! assert_eq!(Features::parse(&[]), Features::NONE);
//! ```

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::envelope::{DecodeError, EncodeError, Frame};

/// What this side offers in the handshake (both ends must offer a feature
/// for it to be used).
///
/// Binary frames are **off by default**: postcard, like every compact
/// format, is not self-describing, so a message type must round-trip without
/// `#[serde(skip_serializing_if)]`, `untagged`, `flatten` or
/// `serde_json::Value` inside. Turn it on on both sides for types that do.
///
/// ```
/// use crossframe::wire::WireOptions;
/// let fast = WireOptions { binary: true, ..WireOptions::default() };
/// assert!(fast.batch && fast.binary);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WireOptions {
    /// Frames queued in the same task travel as one port message.
    pub batch: bool,
    /// Frames travel as postcard in a transferred `ArrayBuffer`.
    pub binary: bool,
}

impl Default for WireOptions {
    fn default() -> Self {
        Self {
            batch: true,
            binary: false,
        }
    }
}

/// A set of wire features.
///
/// ```
/// use crossframe::wire::Features;
/// let ours = Features { batch: true, binary: true };
/// let theirs = Features::parse(&["batch".to_owned(), "future-thing".to_owned()]);
/// assert_eq!(ours.common(theirs), Features { batch: true, binary: false });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Features {
    /// Several frames in one port message.
    pub batch: bool,
    /// Binary frames.
    pub binary: bool,
}

impl Features {
    /// Nothing: JSON strings, one frame per message (every v1 peer).
    ///
    /// ```
    /// assert_eq!(crossframe::wire::Features::NONE.names(), None);
    /// ```
    pub const NONE: Features = Features {
        batch: false,
        binary: false,
    };

    /// What `options` offers.
    ///
    /// ```
    /// use crossframe::wire::{Features, WireOptions};
    /// let offered = Features::offered(WireOptions { batch: true, binary: false });
    /// assert_eq!(offered.names(), Some(vec!["batch"]));
    /// ```
    pub fn offered(options: WireOptions) -> Self {
        Self {
            batch: options.batch,
            binary: options.binary,
        }
    }

    /// The features named in a `wire` field; unknown names are ignored.
    ///
    /// ```
    /// let features = crossframe::wire::Features::parse(&["binary".to_owned()]);
    /// assert!(features.binary && !features.batch);
    /// ```
    pub fn parse(names: &[String]) -> Self {
        Self {
            batch: names.iter().any(|n| n == "batch"),
            binary: names.iter().any(|n| n == "binary"),
        }
    }

    /// The names, for a `wire` field (`None` when empty: the field is left out).
    ///
    /// ```
    /// use crossframe::wire::Features;
    /// assert_eq!(Features { batch: true, binary: true }.names(), Some(vec!["batch", "binary"]));
    /// ```
    pub fn names(self) -> Option<Vec<&'static str>> {
        let mut names = Vec::new();
        if self.batch {
            names.push("batch");
        }
        if self.binary {
            names.push("binary");
        }
        (!names.is_empty()).then_some(names)
    }

    fn bits(self) -> u8 {
        u8::from(self.batch) | u8::from(self.binary) << 1
    }

    fn from_bits(bits: u8) -> Self {
        Self {
            batch: bits & 1 != 0,
            binary: bits & 2 != 0,
        }
    }

    /// What both sides offer.
    ///
    /// ```
    /// use crossframe::wire::Features;
    /// let all = Features { batch: true, binary: true };
    /// assert_eq!(all.common(Features::NONE), Features::NONE);
    /// ```
    pub fn common(self, other: Features) -> Self {
        Self {
            batch: self.batch && other.batch,
            binary: self.binary && other.binary,
        }
    }
}

/// The first byte of every binary port message: its format's version.
///
/// ```
/// let mut out = Vec::new();
/// crossframe::wire::begin_binary(&mut out);
/// assert_eq!(out, [crossframe::wire::BINARY_VERSION]);
/// ```
pub const BINARY_VERSION: u8 = 1;

// Kind codes of binary records.
const HELLO: u8 = 0;
const CONNECT: u8 = 1;
const ACK: u8 = 2;
const BYE: u8 = 3;
const MESSAGE: u8 = 4;
const REQUEST: u8 = 5;
const RESPONSE_OK: u8 = 6;
const RESPONSE_ERR: u8 = 7;
const RESIZE: u8 = 8;
const REFUSED: u8 = 9;
const PING: u8 = 10;
const PONG: u8 = 11;

fn put<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let taken = std::mem::take(out);
    *out = postcard::to_extend(value, taken)
        .map_err(|e| EncodeError::Serialize(format!("binary: {e}")))?;
    Ok(())
}

/// Starts a binary port message in `out` (empty): its version byte.
///
/// ```
/// let mut out = Vec::new();
/// crossframe::wire::begin_binary(&mut out);
/// assert_eq!(out.len(), 1);
/// ```
pub fn begin_binary(out: &mut Vec<u8>) {
    out.push(BINARY_VERSION);
}

/// Appends one frame to a binary port message begun with [`begin_binary`]:
/// a little-endian `u32` length, then the record (kind byte, its numbers as
/// varints, the body as postcard). On error `out` is as it was.
///
/// ```
/// use crossframe::envelope::Frame;
/// use crossframe::wire::{begin_binary, push_binary, read_binary};
/// let mut out = Vec::new();
/// begin_binary(&mut out);
/// push_binary(&Frame::Request { id: 7, body: ("hi", 2u8) }, &mut out).unwrap();
/// push_binary(&Frame::<()>::Pong, &mut out).unwrap();
/// let frames: Vec<_> = read_binary(&out).unwrap().collect();
/// assert_eq!(frames.len(), 2);
/// let Ok(Frame::Request { id: 7, body }) = &frames[0] else { panic!() };
/// assert_eq!(crossframe::wire::binary_body::<(String, u8)>(body).unwrap(), ("hi".to_owned(), 2));
/// assert!(matches!(frames[1], Ok(Frame::Pong)));
/// ```
pub fn push_binary<T: Serialize>(frame: &Frame<T>, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    let written = write_record(frame, out);
    if let Err(error) = written {
        out.truncate(start);
        return Err(error);
    }
    let len = u32::try_from(out.len() - start - 4)
        .map_err(|_| EncodeError::Serialize("binary frame over 4 GiB".to_owned()))?;
    out[start..start + 4].copy_from_slice(&len.to_le_bytes());
    Ok(())
}

fn write_record<T: Serialize>(frame: &Frame<T>, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    match frame {
        Frame::Hello => out.push(HELLO),
        Frame::Connect { session, wire } => {
            out.push(CONNECT);
            put(session, out)?;
            out.push(wire.bits());
        }
        Frame::Ack { session, wire } => {
            out.push(ACK);
            put(session, out)?;
            out.push(wire.bits());
        }
        Frame::Bye => out.push(BYE),
        Frame::Message(body) => {
            out.push(MESSAGE);
            put(body, out)?;
        }
        Frame::Request { id, body } => {
            out.push(REQUEST);
            put(id, out)?;
            put(body, out)?;
        }
        Frame::Response {
            id,
            result: Ok(body),
        } => {
            out.push(RESPONSE_OK);
            put(id, out)?;
            put(body, out)?;
        }
        Frame::Response {
            id,
            result: Err(error),
        } => {
            out.push(RESPONSE_ERR);
            put(id, out)?;
            put(error.as_str(), out)?;
        }
        Frame::Resize { height } => {
            out.push(RESIZE);
            put(height, out)?;
        }
        Frame::Refused => out.push(REFUSED),
        Frame::Ping => out.push(PING),
        Frame::Pong => out.push(PONG),
    }
    Ok(())
}

/// The frames of a binary port message, each with its body still as bytes
/// (decode it with [`binary_body`] once the kind says its type). A record
/// that is broken is an `Err` and the others are still read; a broken length
/// ends the message.
///
/// ```
/// use crossframe::envelope::DecodeError;
/// assert!(matches!(crossframe::wire::read_binary(&[9]), Err(DecodeError::UnsupportedVersion { got: 9 })));
/// ```
pub fn read_binary(
    data: &[u8],
) -> Result<impl Iterator<Item = Result<Frame<&[u8]>, DecodeError>> + '_, DecodeError> {
    match data.first() {
        Some(&BINARY_VERSION) => {}
        Some(&other) => {
            return Err(DecodeError::UnsupportedVersion {
                got: u64::from(other),
            })
        }
        None => return Err(DecodeError::Malformed("empty binary message".to_owned())),
    }
    let mut rest = &data[1..];
    Ok(std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some((len, after)) = rest.split_first_chunk::<4>() else {
            rest = &[];
            return Some(Err(DecodeError::Malformed("binary length cut off".into())));
        };
        let len = u32::from_le_bytes(*len) as usize;
        if len > after.len() {
            rest = &[];
            return Some(Err(DecodeError::Malformed("binary frame cut off".into())));
        }
        let (record, next) = after.split_at(len);
        rest = next;
        Some(read_record(record))
    }))
}

fn take<'a, T: serde::Deserialize<'a>>(bytes: &mut &'a [u8], what: &str) -> Result<T, DecodeError> {
    let (value, rest) = postcard::take_from_bytes::<T>(bytes)
        .map_err(|e| DecodeError::Malformed(format!("binary {what}: {e}")))?;
    *bytes = rest;
    Ok(value)
}

fn read_record(record: &[u8]) -> Result<Frame<&[u8]>, DecodeError> {
    let Some((&kind, mut rest)) = record.split_first() else {
        return Err(DecodeError::Malformed("empty binary frame".to_owned()));
    };
    let frame = match kind {
        HELLO => Frame::Hello,
        CONNECT => Frame::Connect {
            session: take(&mut rest, "session")?,
            wire: Features::from_bits(take(&mut rest, "wire")?),
        },
        ACK => Frame::Ack {
            session: take(&mut rest, "session")?,
            wire: Features::from_bits(take(&mut rest, "wire")?),
        },
        BYE => Frame::Bye,
        MESSAGE => return Ok(Frame::Message(rest)),
        REQUEST => {
            let id = take(&mut rest, "id")?;
            return Ok(Frame::Request { id, body: rest });
        }
        RESPONSE_OK => {
            let id = take(&mut rest, "id")?;
            return Ok(Frame::Response {
                id,
                result: Ok(rest),
            });
        }
        RESPONSE_ERR => Frame::Response {
            id: take(&mut rest, "id")?,
            result: Err(take::<&str>(&mut rest, "error")?.to_owned()),
        },
        RESIZE => Frame::Resize {
            height: take(&mut rest, "height")?,
        },
        REFUSED => Frame::Refused,
        PING => Frame::Ping,
        PONG => Frame::Pong,
        other => return Err(DecodeError::UnknownKind(format!("binary kind {other}"))),
    };
    if !rest.is_empty() {
        return Err(DecodeError::Malformed(format!(
            "{} bytes after a binary {}",
            rest.len(),
            frame.kind()
        )));
    }
    Ok(frame)
}

/// Decodes a binary body into its type; the whole slice must be used.
///
/// ```
/// use crossframe::wire::binary_body;
/// assert_eq!(binary_body::<u8>(&[7]), Ok(7));
/// assert!(binary_body::<u8>(&[7, 0]).is_err(), "a byte left over");
/// ```
pub fn binary_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    match postcard::take_from_bytes::<T>(bytes) {
        Ok((value, [])) => Ok(value),
        Ok((_, rest)) => Err(DecodeError::Body(format!(
            "{} bytes after the body",
            rest.len()
        ))),
        Err(e) => Err(DecodeError::Body(e.to_string())),
    }
}

/// A body as it came in, for the code that knows its type to decode.
///
/// ```
/// use crossframe::wire::RawBody;
/// let body = RawBody::Binary(&[42]);
/// assert_eq!(body.decode::<u8>(), Ok(42));
/// ```
#[derive(Debug, Clone, Copy)]
pub enum RawBody<'a> {
    /// Raw JSON (a JSON envelope's `body`).
    Json(&'a serde_json::value::RawValue),
    /// postcard bytes (a binary record's body).
    Binary(&'a [u8]),
    /// Decoded already, with its envelope
    /// ([`decode_typed`](crate::envelope::decode_typed)): a
    /// `Cell<Option<T>>` of the body's type, which [`RawBody::decode`]
    /// takes out (once).
    ///
    /// ```
    /// use std::cell::Cell;
    /// use crossframe::wire::RawBody;
    /// let slot = Cell::new(Some(7u8));
    /// let body = RawBody::Decoded(&slot);
    /// assert!(body.decode::<String>().is_err(), "another type");
    /// assert_eq!(body.decode::<u8>(), Ok(7));
    /// assert!(body.decode::<u8>().is_err(), "taken already");
    /// ```
    Decoded(&'a dyn std::any::Any),
}

impl RawBody<'_> {
    /// Decodes the body into its type.
    ///
    /// ```
    /// use crossframe::wire::RawBody;
    /// let raw = serde_json::value::RawValue::from_string("[1,2]".into()).unwrap();
    /// assert_eq!(RawBody::Json(&raw).decode::<(u8, u8)>(), Ok((1, 2)));
    /// assert_eq!(RawBody::Binary(&[1, 2]).decode::<(u8, u8)>(), Ok((1, 2)));
    /// ```
    pub fn decode<T: DeserializeOwned + 'static>(&self) -> Result<T, DecodeError> {
        match self {
            RawBody::Json(raw) => crate::envelope::body(raw),
            RawBody::Binary(bytes) => binary_body(bytes),
            RawBody::Decoded(slot) => slot
                .downcast_ref::<std::cell::Cell<Option<T>>>()
                .and_then(std::cell::Cell::take)
                .ok_or_else(|| {
                    let type_name = std::any::type_name::<T>();
                    DecodeError::Body(format!("not a decoded {type_name}, or taken already"))
                }),
        }
    }
}

/// Joins JSON envelopes into one batch: a JSON array of them.
///
/// ```
/// let batch = crossframe::wire::join_json(&[r#"{"a":1}"#.to_owned(), r#"{"b":2}"#.to_owned()]);
/// assert_eq!(batch, r#"[{"a":1},{"b":2}]"#);
/// ```
pub fn join_json(frames: &[String]) -> String {
    let len = frames.iter().map(|f| f.len() + 1).sum::<usize>() + 1;
    let mut out = String::with_capacity(len);
    out.push('[');
    for (i, frame) in frames.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(frame);
    }
    out.push(']');
    out
}

/// Binary port messages up to this many bytes travel as a short string, one
/// character per byte (code units 0–255), instead of a transferred
/// `ArrayBuffer`: posting a short string is cheaper for the browser than
/// transferring a buffer (measured in `bench/`, see its README). Longer ones
/// are transferred.
///
/// ```
/// assert_eq!(crossframe::wire::BINARY_AS_TEXT_MAX_LEN, 1024);
/// ```
pub const BINARY_AS_TEXT_MAX_LEN: usize = 1024;

/// A binary port message as a string of one character per byte (U+0000 to
/// U+00FF): JavaScript keeps such a string one byte per character, so it
/// crosses documents as cheaply as the bytes would. It starts with
/// U+0001, the [`BINARY_VERSION`], which no JSON text starts with.
///
/// ```
/// use crossframe::wire::{binary_as_text, binary_from_text};
/// let text = binary_as_text(&[1, 0, 200, 255]);
/// assert_eq!(text.chars().count(), 4);
/// assert_eq!(binary_from_text(&text).unwrap().unwrap(), [1, 0, 200, 255]);
/// ```
pub fn binary_as_text(bytes: &[u8]) -> String {
    bytes.iter().map(|&byte| char::from(byte)).collect()
}

/// The bytes of a binary port message that came as a string
/// ([`binary_as_text`]); `None` when `text` is not one (it does not start
/// with U+0001: JSON). A character above U+00FF is an error.
///
/// ```
/// use crossframe::wire::binary_from_text;
/// assert!(binary_from_text(r#"{"crossframe":1}"#).is_none());
/// assert!(binary_from_text("\u{1}\u{100}").unwrap().is_err());
/// ```
pub fn binary_from_text(text: &str) -> Option<Result<Vec<u8>, DecodeError>> {
    if !text.starts_with(char::from(BINARY_VERSION)) {
        return None;
    }
    Some(
        text.chars()
            .map(u8::try_from)
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| DecodeError::Malformed("binary text: a character above U+00FF".into())),
    )
}

/// Splits a JSON batch (an array of envelopes) into its envelopes' text, or
/// `None` if `text` is not an array (then it is one envelope).
///
/// ```
/// let parts = crossframe::wire::split_json(r#" [{"a":1}, {"b":[2]}]"#).unwrap().unwrap();
/// assert_eq!(parts, [r#"{"a":1}"#, r#"{"b":[2]}"#]);
/// assert!(crossframe::wire::split_json(r#"{"a":1}"#).is_none());
/// ```
pub fn split_json(text: &str) -> Option<Result<Vec<&str>, DecodeError>> {
    if !text.trim_start().starts_with('[') {
        return None;
    }
    Some(
        serde_json::from_str::<Vec<&serde_json::value::RawValue>>(text)
            .map(|parts| parts.into_iter().map(|raw| raw.get()).collect())
            .map_err(|e| DecodeError::Malformed(format!("batch: {e}"))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    enum Msg {
        Text(String),
        Point { x: i32, y: i32 },
        Ping,
    }

    fn one<T: Serialize>(frame: &Frame<T>) -> Vec<u8> {
        let mut out = Vec::new();
        begin_binary(&mut out);
        push_binary(frame, &mut out).unwrap();
        out
    }

    fn typed(frame: Frame<&[u8]>) -> Frame<Msg> {
        match frame {
            Frame::Message(b) => Frame::Message(binary_body(b).unwrap()),
            Frame::Request { id, body } => Frame::Request {
                id,
                body: binary_body(body).unwrap(),
            },
            Frame::Response { id, result } => Frame::Response {
                id,
                result: result.map(|b| binary_body(b).unwrap()),
            },
            Frame::Hello => Frame::Hello,
            Frame::Connect { session, wire } => Frame::Connect { session, wire },
            Frame::Ack { session, wire } => Frame::Ack { session, wire },
            Frame::Bye => Frame::Bye,
            Frame::Resize { height } => Frame::Resize { height },
            Frame::Refused => Frame::Refused,
            Frame::Ping => Frame::Ping,
            Frame::Pong => Frame::Pong,
        }
    }

    #[test]
    fn every_frame_round_trips_alone_and_in_a_batch() {
        let frames = vec![
            Frame::Hello,
            Frame::Connect {
                session: 3,
                wire: Features::NONE,
            },
            Frame::Ack {
                session: u64::MAX,
                wire: Features {
                    batch: true,
                    binary: true,
                },
            },
            Frame::Bye,
            Frame::Message(Msg::Text("您好 \u{1F600}".into())),
            Frame::Request {
                id: 300,
                body: Msg::Point { x: -1, y: 2 },
            },
            Frame::Response {
                id: 300,
                result: Ok(Msg::Ping),
            },
            Frame::Response {
                id: 1,
                result: Err("handler failed".into()),
            },
            Frame::Resize { height: 412 },
            Frame::Refused,
            Frame::Ping,
            Frame::Pong,
        ];
        let mut batch = Vec::new();
        begin_binary(&mut batch);
        for frame in &frames {
            let alone = one(frame);
            let read: Vec<_> = read_binary(&alone).unwrap().collect();
            assert_eq!(read.len(), 1);
            assert_eq!(typed(read[0].clone().unwrap()), *frame);
            push_binary(frame, &mut batch).unwrap();
        }
        let read: Vec<_> = read_binary(&batch)
            .unwrap()
            .map(|f| typed(f.unwrap()))
            .collect();
        assert_eq!(read, frames);
    }

    #[test]
    fn a_broken_record_does_not_hide_the_others() {
        let mut out = Vec::new();
        begin_binary(&mut out);
        push_binary(&Frame::Message(Msg::Ping), &mut out).unwrap();
        out.extend_from_slice(&2u32.to_le_bytes());
        out.extend_from_slice(&[200, 0]); // unknown kind
        push_binary(&Frame::Message(Msg::Text("after".into())), &mut out).unwrap();
        let read: Vec<_> = read_binary(&out).unwrap().collect();
        assert_eq!(read.len(), 3);
        assert!(read[0].is_ok() && read[2].is_ok());
        assert!(matches!(read[1], Err(DecodeError::UnknownKind(_))));
    }

    #[test]
    fn cut_off_and_trailing_bytes_are_errors_not_panics() {
        let full = one(&Frame::Request {
            id: 9,
            body: Msg::Text("x".repeat(50)),
        });
        for cut in 0..full.len() {
            let part = &full[..cut];
            if let Ok(frames) = read_binary(part) {
                for frame in frames {
                    if let Ok(Frame::Request { body, .. }) = frame {
                        assert!(binary_body::<Msg>(body).is_err());
                    }
                }
            }
        }
        let mut trailing = one(&Frame::<()>::Ack {
            session: 1,
            wire: Features::NONE,
        });
        trailing.push(0);
        trailing[1] += 1; // the length covers the extra byte
        let read: Vec<_> = read_binary(&trailing).unwrap().collect();
        assert!(matches!(read[0], Err(DecodeError::Malformed(_))));
    }

    #[test]
    fn bodies_of_the_wrong_type_are_body_errors() {
        let bytes = one(&Frame::Message("text"));
        let frame = read_binary(&bytes).unwrap().next().unwrap().unwrap();
        let Frame::Message(body) = frame else {
            panic!()
        };
        assert!(matches!(
            binary_body::<Msg>(body),
            Err(DecodeError::Body(_))
        ));
        assert!(matches!(binary_body::<u8>(body), Err(DecodeError::Body(_))));
    }

    #[test]
    fn other_binary_versions_are_refused() {
        assert_eq!(
            read_binary(&[2, 0, 0, 0, 0]).err(),
            Some(DecodeError::UnsupportedVersion { got: 2 })
        );
        assert!(read_binary(&[]).is_err());
    }

    #[test]
    fn feature_negotiation_keeps_what_both_offer() {
        let all = Features {
            batch: true,
            binary: true,
        };
        assert_eq!(all.names(), Some(vec!["batch", "binary"]));
        assert_eq!(Features::NONE.names(), None);
        let batch_only = Features::parse(&["batch".into()]);
        assert_eq!(
            all.common(batch_only),
            Features {
                batch: true,
                binary: false
            }
        );
        assert_eq!(all.common(Features::NONE), Features::NONE);
    }

    #[test]
    fn binary_messages_survive_the_trip_as_text() {
        let mut out = Vec::new();
        begin_binary(&mut out);
        push_binary(&Frame::Message(Msg::Text("é€ 💡".into())), &mut out).unwrap();
        push_binary(&Frame::<Msg>::Pong, &mut out).unwrap();
        out.extend(0..=255); // every byte value
        let text = binary_as_text(&out);
        assert_eq!(text.chars().count(), out.len());
        assert!(text.chars().all(|c| u32::from(c) <= 0xFF));
        assert_eq!(binary_from_text(&text).unwrap().unwrap(), out);
        // JSON never starts with U+0001; the empty string is not binary.
        assert!(binary_from_text("").is_none());
        assert!(binary_from_text(r#"[{"crossframe":1}]"#).is_none());
    }

    #[test]
    fn json_batches_split_into_their_envelopes() {
        let frames = vec![
            crate::envelope::encode(&Frame::Message(Msg::Ping)).unwrap(),
            crate::envelope::encode(&Frame::<()>::Pong).unwrap(),
        ];
        let batch = join_json(&frames);
        let parts = split_json(&batch).unwrap().unwrap();
        assert_eq!(parts, frames);
        assert!(split_json("[1,").unwrap().is_err());
    }
}
