//! Shared by the browser tests: a scripted peer in a same-origin `srcdoc`
//! iframe, the API both sides use, and waiting on conditions.
#![allow(dead_code)]

use std::time::Duration;

use crossframe::{Api, Origin};
use gloo_timers::future::sleep;
use wasm_bindgen::JsValue;

/// The scripted peer: a child that says hello, adopts each `connect`'s port,
/// acks it, records every frame it receives, and answers requests when
/// `fake.mode` is "echo".
pub const FAKE_CHILD: &str = r#"<!doctype html><script>
const enc = (frame) => JSON.stringify(Object.assign({ crossframe: 1 }, frame));
const fake = (window.fake = { port: null, sessions: 0, received: [], mode: "silent", wire: undefined, binary: [], binaryAs: "string" });
// Binary frames (PROTOCOL.md): version byte 1, then records of a u32 (LE)
// length and the record. In "echo" mode a request record (kind 5: id, body)
// is answered by the same record as a response (kind 6: id, body), all in
// one message, as a string of one character per byte or a transferred buffer
// (`fake.binaryAs`).
fake.onBinary = (bytes) => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const answers = [];
  for (let at = 1; at + 4 <= bytes.length; ) {
    const len = view.getUint32(at, true);
    const record = bytes.slice(at + 4, at + 4 + len);
    at += 4 + len;
    fake.received.push({ kind: ["hello", "connect", "ack", "bye", "message", "request"][record[0]] ?? "other" });
    if (record[0] === 5 && fake.mode === "echo") answers.push(Uint8Array.of(6, ...record.subarray(1)));
  }
  if (!answers.length) return;
  const out = [1];
  for (const a of answers) out.push(a.length & 255, (a.length >> 8) & 255, (a.length >> 16) & 255, a.length >>> 24, ...a);
  fake.sendBytes(Uint8Array.from(out));
};
fake.sendBytes = (bytes) => {
  if (fake.binaryAs === "buffer") return fake.port.postMessage(bytes.buffer, [bytes.buffer]);
  fake.port.postMessage(String.fromCharCode(...bytes));
};
fake.hello = () => parent.postMessage(enc({ kind: "hello" }), parent.location.origin);
fake.send = (frame) => fake.port.postMessage(enc(frame));
fake.count = (kind) => fake.received.filter((f) => f.kind === kind).length;
addEventListener("message", (event) => {
  if (event.source !== parent || typeof event.data !== "string") return;
  const frame = JSON.parse(event.data);
  if (frame.kind === "hello") fake.hello();
  if (frame.kind !== "connect") return;
  if (fake.port) fake.port.close();
  const port = (fake.port = event.ports[0]);
  fake.sessions += 1;
  port.onmessage = (message) => {
    const data = message.data;
    if (data instanceof ArrayBuffer || (typeof data === "string" && data.charCodeAt(0) === 1)) {
      fake.binary.push(data instanceof ArrayBuffer ? "buffer" : "string");
      return fake.onBinary(data instanceof ArrayBuffer ? new Uint8Array(data) : Uint8Array.from(data, (c) => c.charCodeAt(0)));
    }
    const text = typeof data === "string" ? data : new TextDecoder().decode(data);
    const got = JSON.parse(text);
    fake.received.push(got);
    if (got.kind === "request" && fake.mode === "echo") fake.send({ kind: "response", id: got.id, body: got.body });
  };
  fake.send({ kind: "ack", session: frame.session, wire: fake.wire });
});
fake.hello();
</script>"#;

/// Both sides' API: numbers in, numbers out.
pub struct Numbers;
impl Api for Numbers {
    type Message = String;
    type Request = u32;
    type Response = u32;
}

pub fn own_origin() -> Origin {
    Origin::parse(&web_sys::window().unwrap().location().origin().unwrap()).unwrap()
}

/// Polls `condition` until it holds; the deadline only bounds a hung test.
pub async fn wait_until(what: &str, condition: impl Fn() -> bool) {
    let deadline = js_sys::Date::now() + 60_000.0;
    while !condition() {
        assert!(
            js_sys::Date::now() < deadline,
            "timed out waiting until {what}"
        );
        sleep(Duration::from_millis(5)).await;
    }
}

/// Runs `body` (JavaScript, with `fake` in scope) in the scripted peer inside
/// `iframe`; `undefined` until the peer's script ran.
pub fn in_peer(iframe: &yew::NodeRef, body: &str) -> JsValue {
    let Some(window) = iframe
        .cast::<web_sys::HtmlIFrameElement>()
        .and_then(|frame| frame.content_window())
    else {
        return JsValue::UNDEFINED;
    };
    let fake = js_sys::Reflect::get(&window, &"fake".into()).unwrap_or(JsValue::UNDEFINED);
    if fake.is_undefined() {
        return JsValue::UNDEFINED;
    }
    js_sys::Function::new_with_args("fake", body)
        .call1(&JsValue::NULL, &fake)
        .expect("the peer's script runs")
}
