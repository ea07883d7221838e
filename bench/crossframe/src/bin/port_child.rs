//! The `wasm-port` variant's child page: a hand-written Rust/wasm peer on a
//! bare `MessagePort`, no crossframe, no Yew (what `pages/message-port/child.js`
//! does, from Rust). It makes a `MessageChannel`, hands one end to the host
//! with one `window.parent.postMessage` to the host's exact origin (the
//! `host` URL parameter, as the page contract says), then, on the other end,
//! decodes each message (postcard, [`crossframe_bench::raw_port`]) and
//! answers `Echo` with the payload re-encoded, counts `Burst`s and answers
//! `HowMany` with the count since the last question. Nothing it receives is
//! trusted: what does not decode is logged and dropped.

use std::cell::Cell;

use crossframe_bench::raw_port::{decode, post};
use crossframe_bench::{query, ToChild, ToHost};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

fn start() -> Result<(), JsValue> {
    // Bench only: the contract gives the host's origin in the URL.
    // Its origin, normalized (a `*` or anything else not a URL throws).
    let host = web_sys::Url::new(&query("host").ok_or("no ?host= parameter")?)?.origin();
    let window = web_sys::window().ok_or("no window")?;
    let parent = window
        .parent()?
        .ok_or("no parent window: open the host page")?;
    let channel = web_sys::MessageChannel::new()?;
    let port = channel.port1();
    let counted = Cell::new(0_u64);
    let answer = port.clone();
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let reply = match decode::<ToChild>(&event.data()) {
                Ok(ToChild::Burst(_)) => {
                    counted.set(counted.get() + 1);
                    return;
                }
                Ok(ToChild::Echo(payload)) => ToHost::Echo(payload),
                Ok(ToChild::HowMany) => ToHost::Count(counted.replace(0)),
                Err(e) => {
                    web_sys::console::warn_1(
                        &format!("wasm-port child: dropped a message: {e}").into(),
                    );
                    return;
                }
            };
            if let Err(e) = post(&answer, &reply) {
                web_sys::console::error_1(&e);
            }
        });
    // Setting onmessage also starts the port. The page never drops it.
    port.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    parent.post_message_with_transfer(
        &JsValue::from_str("hello"),
        &host,
        &js_sys::Array::of1(&channel.port2()),
    )
}

fn main() {
    if let Err(e) = start() {
        web_sys::console::error_2(&"wasm-port child: not started:".into(), &e);
    }
}
