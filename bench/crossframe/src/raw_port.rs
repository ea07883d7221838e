//! The `wasm-port` variant's transport: what a hand-written Rust/wasm page
//! pair does on a `MessagePort` without a library (no crossframe: nothing
//! here uses it). One postcard-encoded value per port message, carried
//! exactly as crossframe carries its binary port messages, so the variant
//! isolates crossframe's own overhead:
//!
//! - up to [`AS_TEXT_MAX_LEN`] bytes as a JS string of one character per byte
//!   (U+0000 to U+00FF),
//! - longer as a transferred `ArrayBuffer` (one copy out of wasm memory).

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::error;

/// The longest message that travels as a string (crossframe's
/// `wire::BINARY_AS_TEXT_MAX_LEN`).
pub const AS_TEXT_MAX_LEN: usize = 1024;

/// Encodes `value` with postcard and posts it on `port`.
pub fn post<T: Serialize>(port: &web_sys::MessagePort, value: &T) -> Result<(), JsValue> {
    let bytes = postcard::to_allocvec(value).map_err(error)?;
    post_bytes(port, &bytes)
}

/// Posts one message: a string of one character per byte, or (longer than
/// [`AS_TEXT_MAX_LEN`]) a transferred `ArrayBuffer`.
pub fn post_bytes(port: &web_sys::MessagePort, bytes: &[u8]) -> Result<(), JsValue> {
    if bytes.len() <= AS_TEXT_MAX_LEN {
        let text: String = bytes.iter().map(|&b| char::from(b)).collect();
        port.post_message(&JsValue::from_str(&text))
    } else {
        let len = u32::try_from(bytes.len()).map_err(|_| error("message over 4 GiB"))?;
        // SAFETY: the view lives for this one expression, in which nothing
        // allocates in wasm memory; `slice` copies it into a new buffer.
        let buffer = unsafe { js_sys::Uint8Array::view(bytes) }
            .slice(0, len)
            .buffer();
        port.post_message_with_transferable(&buffer, &js_sys::Array::of1(&buffer))
    }
}

/// The bytes of a port message's `data`: a string of characters up to U+00FF,
/// or an `ArrayBuffer`. Anything else is an error (the peer is another
/// window: nothing it sends is trusted).
pub fn bytes_of(data: &JsValue) -> Result<Vec<u8>, String> {
    if let Some(text) = data.as_string() {
        text.chars()
            .map(u8::try_from)
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| "a character above U+00FF".to_owned())
    } else if let Some(buffer) = data.dyn_ref::<js_sys::ArrayBuffer>() {
        Ok(js_sys::Uint8Array::new(buffer).to_vec())
    } else {
        Err("neither a string nor an ArrayBuffer".to_owned())
    }
}

/// Decodes a port message's `data` (postcard, nothing left over).
pub fn decode<T: DeserializeOwned>(data: &JsValue) -> Result<T, String> {
    let bytes = bytes_of(data)?;
    match postcard::take_from_bytes(&bytes) {
        Ok((value, [])) => Ok(value),
        Ok((_, rest)) => Err(format!("{} bytes after the value", rest.len())),
        Err(e) => Err(e.to_string()),
    }
}
