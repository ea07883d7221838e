//! The benchmark's crossframe host page: `window.bench` (bench/README.md, the
//! page contract) on top of `use_connection`. Under `/crossframe-call/` it
//! measures typed calls; under `/crossframe-message/`, one-way messages the
//! child echoes with a message of its own.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use crossframe::{use_connection, ConnectionHandle, ConnectionOptions, Handlers, Origin};
use crossframe_bench::{
    describe, error, install_bench, now, payload, promise, query, Answer, Ask, Child, Host,
    Payload, ToChild, ToHost,
};
use futures::future::join_all;
use futures_channel::oneshot;
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

type Link = ConnectionHandle<Child, Host>;

/// What the page's JS methods share with the component.
#[derive(Default)]
struct Shared {
    link: Option<Link>,
    connected: bool,
    on_connected: Vec<oneshot::Sender<()>>,
    /// Message variant: echoes awaited, by payload id.
    echoes: HashMap<u64, oneshot::Sender<Payload>>,
    on_count: Option<oneshot::Sender<u64>>,
    insert: Option<Callback<()>>,
}

type SharedRef = Rc<RefCell<Shared>>;

thread_local! {
    /// Whether this page measures calls (read once from its path).
    static CALLS: bool = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .is_some_and(|path| path.contains("/crossframe-call"));
}

fn calls() -> bool {
    CALLS.with(|calls| *calls)
}

fn link(shared: &SharedRef) -> Result<Link, JsValue> {
    shared
        .borrow()
        .link
        .clone()
        .ok_or_else(|| error("not mounted"))
}

/// One round trip of `payload`: resolves with the echo.
async fn round_trip(shared: &SharedRef, payload: Payload) -> Result<Payload, JsValue> {
    let link = link(shared)?;
    if calls() {
        match link.call(Ask::Echo(payload)).await {
            Ok(Answer::Echo(echo)) => Ok(echo),
            Ok(other) => Err(error(format!("unexpected answer {other:?}"))),
            Err(e) => Err(error(e)),
        }
    } else {
        let (tx, rx) = oneshot::channel();
        shared.borrow_mut().echoes.insert(payload.id, tx);
        link.send(&ToChild::Echo(payload)).map_err(error)?;
        rx.await.map_err(|_| error("echo lost"))
    }
}

async fn connect(shared: SharedRef) -> Result<JsValue, JsValue> {
    let (tx, rx) = oneshot::channel();
    let insert = {
        let mut s = shared.borrow_mut();
        s.on_connected.push(tx);
        s.insert.clone()
    };
    let t0 = now();
    insert.ok_or_else(|| error("not mounted"))?.emit(());
    rx.await.map_err(|_| error("connect abandoned"))?;
    Ok(JsValue::from(now() - t0))
}

async fn rtt(
    shared: SharedRef,
    name: String,
    iterations: u32,
    next_id: Rc<RefCell<u64>>,
) -> Result<JsValue, JsValue> {
    let samples = Array::new();
    for _ in 0..iterations {
        let id = next_id.replace_with(|id| *id + 1);
        let mut sent =
            payload(&name, id).ok_or_else(|| error(format!("unknown payload {name}")))?;
        let t0 = now();
        sent.t = t0;
        let check_all = samples.length() == 0;
        let expected = check_all.then(|| sent.clone());
        let echo = round_trip(&shared, sent).await?;
        samples.push(&JsValue::from((now() - t0) * 1000.0));
        if echo.id != id || expected.is_some_and(|sent| sent != echo) {
            return Err(error(format!(
                "rtt {name}: the echo differs from what was sent"
            )));
        }
    }
    Ok(samples.into())
}

async fn pipelined(
    shared: SharedRef,
    n: u32,
    name: String,
    next_id: Rc<RefCell<u64>>,
) -> Result<JsValue, JsValue> {
    let t0 = now();
    let trips: Vec<_> = (0..n)
        .map(|_| {
            let id = next_id.replace_with(|id| *id + 1);
            let shared = shared.clone();
            let sent = payload(&name, id);
            async move { round_trip(&shared, sent.ok_or_else(|| error("unknown payload"))?).await }
        })
        .collect();
    for result in join_all(trips).await {
        result?;
    }
    Ok(JsValue::from(f64::from(n) / ((now() - t0) / 1000.0)))
}

async fn burst(shared: SharedRef, n: u32) -> Result<JsValue, JsValue> {
    let link = link(&shared)?;
    let t0 = now();
    for i in 0..n {
        link.send(&ToChild::Burst(u64::from(i))).map_err(error)?;
    }
    let acked = if calls() {
        match link
            .call_with_timeout(Ask::HowMany, Duration::from_secs(60))
            .await
        {
            Ok(Answer::Count(count)) => count,
            Ok(other) => return Err(error(format!("unexpected answer {other:?}"))),
            Err(e) => return Err(error(e)),
        }
    } else {
        let (tx, rx) = oneshot::channel();
        shared.borrow_mut().on_count = Some(tx);
        link.send(&ToChild::HowMany).map_err(error)?;
        rx.await.map_err(|_| error("count lost"))?
    };
    let result = Object::new();
    Reflect::set(&result, &"sent".into(), &n.into())?;
    Reflect::set(&result, &"acked".into(), &(acked as f64).into())?;
    Reflect::set(&result, &"ms".into(), &(now() - t0).into())?;
    Ok(result.into())
}

thread_local! {
    /// The JS closures behind `window.bench`, alive as long as the page.
    static KEEP: RefCell<Vec<Box<dyn std::any::Any>>> = RefCell::new(Vec::new());
}

fn install(shared: SharedRef) -> Result<(), JsValue> {
    let bench = Object::new();
    let next_id = Rc::new(RefCell::new(1_u64));
    let method = |name: &str, f: Box<dyn Fn(JsValue, JsValue) -> Promise>| -> Result<(), JsValue> {
        let closure = Closure::<dyn Fn(JsValue, JsValue) -> Promise>::wrap(f);
        Reflect::set(&bench, &name.into(), closure.as_ref().unchecked_ref())?;
        KEEP.with(|keep| keep.borrow_mut().push(Box::new(closure)));
        Ok(())
    };
    let s = shared.clone();
    method(
        "connect",
        Box::new(move |_, _| promise("connect", connect(s.clone()))),
    )?;
    let (s, ids) = (shared.clone(), next_id.clone());
    method(
        "rtt",
        Box::new(move |name, n| {
            let name = name.as_string().unwrap_or_default();
            let n = n.as_f64().unwrap_or(0.0) as u32;
            promise("rtt", rtt(s.clone(), name, n, ids.clone()))
        }),
    )?;
    let (s, ids) = (shared.clone(), next_id);
    method(
        "pipelined",
        Box::new(move |n, name| {
            let name = name.as_string().unwrap_or_else(|| "small".into());
            let n = n.as_f64().unwrap_or(0.0) as u32;
            promise("pipelined", pipelined(s.clone(), n, name, ids.clone()))
        }),
    )?;
    let s = shared;
    method(
        "burst",
        Box::new(move |n, _| promise("burst", burst(s.clone(), n.as_f64().unwrap_or(0.0) as u32))),
    )?;
    method(
        "describe",
        Box::new(|_, _| {
            // What the page offers on the port (see `wire_from_path`).
            let wire = crossframe_bench::wire_from_path();
            let frames = match (wire.batch, wire.binary) {
                (_, true) => "binary frames (postcard) in batches",
                (true, false) => "JSON frames in batches",
                (false, false) => "v1 JSON frames, one per port message",
            };
            let what = if calls() {
                "crossframe typed calls"
            } else {
                "crossframe messages, echoed by the child's handler"
            };
            describe(&format!("{what} over a MessagePort: {frames}"))
        }),
    )?;
    install_bench(&bench)
}

#[component]
fn App() -> Html {
    let iframe = use_node_ref();
    let inserted = use_state(|| false);
    let shared = use_mut_ref(Shared::default);
    let child_url = query("child").unwrap_or_default();
    let child_origin = web_sys::Url::new(&child_url)
        .ok()
        .and_then(|url| Origin::parse(&url.origin()).ok())
        .unwrap_or_else(Origin::null);

    let handlers = {
        let shared = shared.clone();
        Handlers::<Child, Host>::new().on_message(move |message, _child| match message {
            ToHost::Echo(echo) => {
                if let Some(waiter) = shared.borrow_mut().echoes.remove(&echo.id) {
                    let _ = waiter.send(echo);
                }
            }
            ToHost::Count(count) => {
                if let Some(waiter) = shared.borrow_mut().on_count.take() {
                    let _ = waiter.send(count);
                }
            }
        })
    };
    let options = ConnectionOptions::frame(iframe.clone(), child_origin)
        .auto_resize(false)
        .wire(crossframe_bench::wire_from_path());
    let link = use_connection::<Child, Host>(options, handlers);
    let connected = link.state().is_connected();
    {
        let mut s = shared.borrow_mut();
        s.link = Some(link);
        s.connected = connected;
        if connected {
            for waiter in s.on_connected.drain(..) {
                let _ = waiter.send(());
            }
        }
        let inserted = inserted.clone();
        s.insert = Some(Callback::from(move |()| inserted.set(true)));
    }
    {
        let shared = shared.clone();
        use_effect_with((), move |_| {
            if let Err(e) = install(shared) {
                web_sys::console::error_1(&e);
            }
        });
    }
    html! {
        if *inserted {
            <iframe ref={iframe} src={child_url} allow="cross-origin-isolated" />
        }
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
