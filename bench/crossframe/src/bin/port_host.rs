//! The `wasm-port` variant's host page: the floor for any Rust/wasm peer.
//! What a hand-written Rust/wasm page pair does with no library (no
//! crossframe, no Yew: wasm-bindgen, web-sys, js-sys, postcard, serde), so
//! that, beside `message-port` (the same exchange in plain JS: the browser's
//! floor) and `crossframe-call` (the library on top), it shows what being in
//! wasm costs by itself.
//!
//! - `connect()` inserts the iframe and waits for the child's one window
//!   message (from the child's exact origin, `new URL(child).origin`, and the
//!   iframe's window; data `"hello"` with one port); everything else goes
//!   over that port.
//! - Each message is one postcard-encoded value ([`ToChild`], [`ToHost`]),
//!   carried as crossframe carries its binary port messages
//!   ([`crossframe_bench::raw_port`]: up to 1 024 bytes as a string of one
//!   character per byte, longer as a transferred `ArrayBuffer`), with no
//!   header, no batching and no envelope.
//! - A round trip is a future, like an async call API's: a
//!   `futures_channel::oneshot` per payload id, kept in a map and resolved by
//!   the port's message listener; `rtt` awaits them one after the other,
//!   `pipelined` sends all n then awaits them.
//! - `burst(n)` posts n one-way `Burst` messages, one port message each (no
//!   batching: a floor for designs that post one frame per message), then
//!   `HowMany`, answered with the child's count.
//!
//! Times come from `crossframe_bench::now()` (a cached `Performance`
//! object, as the crossframe pages). Every method rejects after [`crossframe_bench::DEADLINE_MS`]; what comes from the
//! child is decoded, never trusted (what does not decode is logged and
//! dropped). A late echo, after a deadline, finds nobody waiting.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use crossframe_bench::raw_port::{decode, post};
use crossframe_bench::{
    describe, error, install_bench, now, payload, promise, query, Payload, ToChild, ToHost,
};
use futures_channel::oneshot;
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, MessagePort};

/// The port and who waits for what on it.
#[derive(Default)]
struct State {
    /// `connect()` was called.
    inserted: bool,
    /// The host's end of the child's channel, once connected.
    port: Option<MessagePort>,
    /// Echoes awaited, by payload id.
    echoes: HashMap<u64, oneshot::Sender<Payload>>,
    /// The burst count awaited.
    on_count: Option<oneshot::Sender<u64>>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
}

fn next_id() -> u64 {
    NEXT_ID.with(|id| id.replace(id.get() + 1))
}

/// Posts `message` on the port.
fn send(message: &ToChild) -> Result<(), JsValue> {
    STATE.with(|state| {
        let state = state.borrow();
        post(
            state.port.as_ref().ok_or_else(|| error("not connected"))?,
            message,
        )
    })
}

/// Sends `payload` to be echoed; the receiver resolves with the echo.
fn ask_echo(payload: Payload) -> Result<oneshot::Receiver<Payload>, JsValue> {
    let (tx, rx) = oneshot::channel();
    let id = payload.id;
    send(&ToChild::Echo(payload))?;
    STATE.with(|state| state.borrow_mut().echoes.insert(id, tx));
    Ok(rx)
}

/// The port's message listener: resolves whoever waits for this message.
fn on_port_message(event: MessageEvent) {
    match decode::<ToHost>(&event.data()) {
        Ok(ToHost::Echo(echo)) => {
            let waiter = STATE.with(|state| state.borrow_mut().echoes.remove(&echo.id));
            if let Some(waiter) = waiter {
                let _ = waiter.send(echo);
            }
        }
        Ok(ToHost::Count(count)) => {
            let waiter = STATE.with(|state| state.borrow_mut().on_count.take());
            if let Some(waiter) = waiter {
                let _ = waiter.send(count);
            }
        }
        Err(e) => {
            web_sys::console::warn_1(&format!("wasm-port host: dropped a message: {e}").into());
        }
    }
}

/// A window `message` listener, removed when this is dropped (also when a
/// deadline drops the future that holds it).
struct WindowListener {
    window: web_sys::Window,
    closure: Closure<dyn Fn(MessageEvent)>,
}

impl WindowListener {
    fn add(
        window: &web_sys::Window,
        listener: impl Fn(MessageEvent) + 'static,
    ) -> Result<Self, JsValue> {
        let closure = Closure::<dyn Fn(MessageEvent)>::new(listener);
        window.add_event_listener_with_callback("message", closure.as_ref().unchecked_ref())?;
        Ok(Self {
            window: window.clone(),
            closure,
        })
    }
}

impl Drop for WindowListener {
    fn drop(&mut self) {
        let _ = self
            .window
            .remove_event_listener_with_callback("message", self.closure.as_ref().unchecked_ref());
    }
}

/// Inserts the iframe; resolves with the ms from just before that to the
/// port being up.
async fn connect() -> Result<JsValue, JsValue> {
    if STATE.with(|state| std::mem::replace(&mut state.borrow_mut().inserted, true)) {
        return Err(error("already connected"));
    }
    let window = web_sys::window().ok_or_else(|| error("no window"))?;
    let document = window.document().ok_or_else(|| error("no document"))?;
    let child_url = query("child").ok_or_else(|| error("no ?child= parameter"))?;
    let child_origin = web_sys::Url::new(&child_url)?.origin();
    let iframe: web_sys::HtmlIFrameElement = document.create_element("iframe")?.dyn_into()?;
    iframe.set_attribute("allow", "cross-origin-isolated")?;
    iframe.set_src(&child_url);

    let (tx, rx) = oneshot::channel::<MessagePort>();
    let tx = RefCell::new(Some(tx));
    let frame = iframe.clone();
    let _hello = WindowListener::add(&window, move |event| {
        if event.origin() != child_origin {
            return;
        }
        let from_frame = event
            .source()
            .zip(frame.content_window())
            .is_some_and(|(source, child)| Object::is(&source, &child));
        if !from_frame || event.data().as_string().as_deref() != Some("hello") {
            return;
        }
        let ports = event.ports();
        if ports.length() != 1 {
            return;
        }
        if let Ok(port) = ports.get(0).dyn_into::<MessagePort>() {
            if let Some(tx) = tx.borrow_mut().take() {
                let _ = tx.send(port);
            }
        }
    })?;

    let body = document.body().ok_or_else(|| error("no body"))?;
    let t0 = now();
    body.append_child(&iframe)?;
    let port = rx.await.map_err(|_| error("connect abandoned"))?;
    let listener = Closure::<dyn Fn(MessageEvent)>::new(on_port_message);
    // Setting onmessage also starts the port. The page never drops it.
    port.set_onmessage(Some(listener.as_ref().unchecked_ref()));
    listener.forget();
    STATE.with(|state| state.borrow_mut().port = Some(port));
    Ok(JsValue::from(now() - t0))
}

async fn rtt(name: String, iterations: u32) -> Result<JsValue, JsValue> {
    let mut samples = Vec::with_capacity(iterations as usize);
    for i in 0..iterations {
        let id = next_id();
        let mut sent =
            payload(&name, id).ok_or_else(|| error(format!("unknown payload {name}")))?;
        let mut expected = (i == 0).then(|| sent.clone());
        let t0 = now();
        sent.t = t0;
        let echo = ask_echo(sent)?.await.map_err(|_| error("echo lost"))?;
        samples.push((now() - t0) * 1000.0);
        if let Some(expected) = expected.as_mut() {
            expected.t = t0;
        }
        if echo.id != id || expected.is_some_and(|sent| sent != echo) {
            return Err(error(format!(
                "rtt {name}: the echo differs from what was sent"
            )));
        }
    }
    Ok(samples
        .into_iter()
        .map(JsValue::from)
        .collect::<Array>()
        .into())
}

async fn pipelined(n: u32, name: String) -> Result<JsValue, JsValue> {
    let t0 = now();
    let mut echoes = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let sent =
            payload(&name, next_id()).ok_or_else(|| error(format!("unknown payload {name}")))?;
        echoes.push(ask_echo(sent)?);
    }
    for echo in echoes {
        echo.await.map_err(|_| error("echo lost"))?;
    }
    Ok(JsValue::from(f64::from(n) / ((now() - t0) / 1000.0)))
}

async fn burst(n: u32) -> Result<JsValue, JsValue> {
    let t0 = now();
    STATE.with(|state| {
        let state = state.borrow();
        let port = state.port.as_ref().ok_or_else(|| error("not connected"))?;
        (0..n).try_for_each(|i| post(port, &ToChild::Burst(u64::from(i))))
    })?;
    let (tx, rx) = oneshot::channel();
    STATE.with(|state| state.borrow_mut().on_count = Some(tx));
    send(&ToChild::HowMany)?;
    let acked = rx.await.map_err(|_| error("count lost"))?;
    let result = Object::new();
    Reflect::set(&result, &"sent".into(), &n.into())?;
    Reflect::set(&result, &"acked".into(), &(acked as f64).into())?;
    Reflect::set(&result, &"ms".into(), &(now() - t0).into())?;
    Ok(result.into())
}

/// A whole number from JS (0 for anything else).
fn count(n: &JsValue) -> u32 {
    n.as_f64().unwrap_or(0.0) as u32
}

/// Defines `window.bench` (bench/README.md, the page contract).
fn install() -> Result<(), JsValue> {
    let bench = Object::new();
    let method = |name: &str, f: Box<dyn Fn(JsValue, JsValue) -> Promise>| {
        let closure = Closure::<dyn Fn(JsValue, JsValue) -> Promise>::wrap(f);
        let set = Reflect::set(&bench, &name.into(), closure.as_ref().unchecked_ref());
        closure.forget(); // lives as long as the page
        set.map(drop)
    };
    method("connect", Box::new(|_, _| promise("connect", connect())))?;
    method(
        "rtt",
        Box::new(|name, n| promise("rtt", rtt(name.as_string().unwrap_or_default(), count(&n)))),
    )?;
    method(
        "pipelined",
        Box::new(|n, name| {
            let name = name.as_string().unwrap_or_else(|| "small".into());
            promise("pipelined", pipelined(count(&n), name))
        }),
    )?;
    method("burst", Box::new(|n, _| promise("burst", burst(count(&n)))))?;
    method(
        "describe",
        Box::new(|_, _| {
            describe(
                "Rust/wasm (web-sys) on a bare MessagePort after a one-message handshake, \
                 postcard (≤ 1 KiB as a string of one char per byte, else a transferred ArrayBuffer), \
                 a future per round trip, no library",
            )
        }),
    )?;
    install_bench(&bench)
}

fn main() {
    if let Err(e) = install() {
        web_sys::console::error_2(&"wasm-port host: window.bench not installed:".into(), &e);
    }
}
