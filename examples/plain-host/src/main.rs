//! A host page without Yew: plain wasm-bindgen and web-sys around
//! crossframe's core (`Link`, `Handlers`, `Notify`), talking to the demo
//! widget with its message types (`crossframe-demo-child` without its `yew`
//! feature). The markup is static in `index.html`; this code adds the
//! `<iframe>`, connects, and fills the page in.
//!
//! * `#state` shows the connection state, `#received` the widget's messages;
//! * "Say hello" sends `HostToChild::Text`, "Add 2 + 3" calls
//!   `WidgetRequest::Add(2, 3)` and shows the answer in `#answer`;
//! * the widget's `HostRequest::Title` call is answered with `document.title`.
//!
//! The widget's URL is fixed at build time (`CROSSFRAME_CHILD_URL`, default
//! `http://localhost:8081/`, the widget of `scripts/run.sh`): not read from
//! the page's address, so a link cannot make this page talk to another origin.

use std::rc::Rc;

use crossframe::{ConnectionOptions, ConnectionState, Handlers, Link, Notify, Origin};
use crossframe_demo_child::{
    ChildToHost, HostPage, HostRequest, HostResponse, HostToChild, Widget, WidgetRequest,
    WidgetResponse,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlButtonElement, HtmlIFrameElement};

/// Where the widget is served.
const CHILD_URL: &str = match option_env!("CROSSFRAME_CHILD_URL") {
    Some(url) => url,
    None => "http://localhost:8081/",
};

/// The received log keeps this many entries.
const LOG_LIMIT: u32 = 200;

fn main() {
    if let Err(error) = start() {
        web_sys::console::error_1(&format!("crossframe plain host: {error}").into());
        if let Some(shown) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("error"))
        {
            shown.set_text_content(Some(&error));
            shown.remove_attribute("hidden").ok();
        }
    }
}

/// The element of `index.html` with this id, as a `T`.
fn element<T: JsCast>(document: &Document, id: &str) -> Result<T, String> {
    document
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<T>().ok())
        .ok_or_else(|| format!("index.html has no #{id} of the right kind"))
}

/// Runs `handler` on every click of `button`, for the page's life.
fn on_click(button: &HtmlButtonElement, handler: impl FnMut() + 'static) {
    let closure = Closure::<dyn FnMut()>::new(handler);
    button.set_onclick(Some(closure.as_ref().unchecked_ref()));
    // The listener stays as long as the page (and keeps what it holds alive).
    closure.forget();
}

/// Appends "origin text" to the log, as text (never as HTML).
fn log(list: &Element, origin: &str, text: &str) {
    let entry = || -> Result<(), JsValue> {
        let document = list.owner_document().ok_or("the log is in no document")?;
        let item = document.create_element("li")?;
        item.set_class_name("received");
        for (class, content) in [("origin", origin), ("text", text)] {
            let span = document.create_element("span")?;
            span.set_class_name(class);
            span.set_text_content(Some(content));
            item.append_child(&span)?;
        }
        list.append_child(&item)?;
        while list.child_element_count() > LOG_LIMIT {
            match list.first_element_child() {
                Some(oldest) => oldest.remove(),
                None => break,
            }
        }
        Ok(())
    };
    if let Err(error) = entry() {
        web_sys::console::error_2(&"crossframe plain host: cannot log".into(), &error);
    }
}

fn start() -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let state: Element = element(&document, "state")?;
    let hello: HtmlButtonElement = element(&document, "hello")?;
    let add: HtmlButtonElement = element(&document, "add")?;
    let answer: Element = element(&document, "answer")?;
    let received: Element = element(&document, "received")?;
    let slot: Element = element(&document, "slot")?;

    let child_origin = web_sys::Url::new(CHILD_URL)
        .map_err(|_| format!("CROSSFRAME_CHILD_URL {CHILD_URL:?} is not a URL"))
        .and_then(|url| Origin::parse(&url.origin()).map_err(|e| e.to_string()))?;
    let iframe: HtmlIFrameElement = document
        .create_element("iframe")
        .map_err(|_| "cannot create an iframe")?
        .unchecked_into();
    iframe.set_src(CHILD_URL);
    iframe.set_title("crossframe demo widget");
    iframe
        .set_attribute("data-testid", "child-frame")
        .map_err(|_| "cannot mark the iframe")?;
    slot.append_child(&iframe)
        .map_err(|_| "cannot insert the iframe")?;

    // What the widget sends us: its messages go to the log, its one call
    // (our title) is answered at once.
    let handlers = Handlers::<Widget, HostPage>::new()
        .on_message(move |message, widget| match message {
            ChildToHost::Text(text) => log(&received, widget.origin().as_str(), &text),
            ChildToHost::Tally(_) => {} // the demo host's load test; not shown here
        })
        .on_request(move |request, _widget| match request {
            HostRequest::Title => Ok(HostResponse::Title(document.title())),
        });
    // Every state change: shown, and the buttons usable only while connected.
    let show_state = {
        let (hello, add) = (hello.clone(), add.clone());
        move |now: &ConnectionState| {
            state.set_text_content(Some(&now.to_string()));
            state.set_class_name(match now {
                ConnectionState::Connecting => "status connecting",
                ConnectionState::Connected { .. } => "status connected",
                ConnectionState::Disconnected(_) => "status disconnected",
            });
            let connected = now.is_connected();
            hello.set_disabled(!connected);
            add.set_disabled(!connected);
        }
    };
    let on_state = Notify::new({
        let show_state = show_state.clone();
        move |now: ConnectionState| show_state(&now)
    });

    let options = ConnectionOptions::frame(iframe, child_origin);
    let link = Rc::new(Link::<Widget, HostPage>::new(
        options,
        handlers,
        Some(on_state),
    ));
    show_state(&link.state());

    on_click(&hello, {
        let link = link.clone();
        let answer = answer.clone();
        move || {
            let text = HostToChild::Text("Hello from plain wasm-bindgen".to_owned());
            if let Err(error) = link.send(&text) {
                answer.set_text_content(Some(&format!("not sent: {error}")));
            }
        }
    });
    on_click(&add, {
        let link = link.clone();
        move || {
            let call = link.call(WidgetRequest::Add(2, 3));
            let answer = answer.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let shown = match call.await {
                    Ok(WidgetResponse::Sum(sum)) => format!("sum: {sum}"),
                    Ok(other) => format!("unexpected answer: {other:?}"),
                    Err(error) => format!("call failed: {error}"),
                };
                answer.set_text_content(Some(&shown));
            });
        }
    });
    // The page never closes the connection: the click handlers above are
    // never dropped and hold the link, so it lives as long as the page
    // (dropping the last `Link` would say `bye` and end the session).
    Ok(())
}
