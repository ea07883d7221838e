//! A [`Link`] in a real browser (headless Chromium and Firefox through
//! wasm-bindgen-test-runner), connected to a scripted peer: a same-origin
//! `srcdoc` iframe that speaks the protocol from plain JavaScript, so each
//! test can make the peer do exactly what it needs (answer, stay silent,
//! flood, reconnect, report a height) and see what the `Link` does.
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use crossframe::connection::MAX_PENDING_CALLS;
use crossframe::envelope::DecodeError;
use crossframe::wire::WireOptions;
use crossframe::{
    CallError, ConnectionOptions, DropReason, Dropped, Handlers, Link, MAX_CALLS_IN_FLIGHT,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

mod fake_peer;
use fake_peer::{in_peer, own_origin, wait_until, Numbers, FAKE_CHILD};

#[derive(Properties, PartialEq)]
struct FrameProps {
    iframe: NodeRef,
}

#[component]
fn Frame(props: &FrameProps) -> Html {
    html! { <iframe ref={props.iframe.clone()} srcdoc={FAKE_CHILD} /> }
}

thread_local! {
    static PAGE_IN_USE: Cell<bool> = const { Cell::new(false) };
}

/// One test at a time owns the page (their window listeners would see each
/// other's events).
struct Page {
    iframe: NodeRef,
    _app: yew::AppHandle<Frame>,
}

impl Drop for Page {
    fn drop(&mut self) {
        PAGE_IN_USE.with(|in_use| in_use.set(false));
    }
}

impl Page {
    async fn open() -> Page {
        wait_until("no other test uses the page", || {
            !PAGE_IN_USE.with(|in_use| in_use.replace(true))
        })
        .await;
        let document = web_sys::window().unwrap().document().unwrap();
        let root = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&root).unwrap();
        let iframe = NodeRef::default();
        let props = FrameProps {
            iframe: iframe.clone(),
        };
        let app = yew::Renderer::<Frame>::with_root_and_props(root, props).render();
        wait_until("the frame is rendered", || iframe.get().is_some()).await;
        Page { iframe, _app: app }
    }

    /// Runs `body` (JavaScript, with `fake` in scope) in the peer.
    fn peer(&self, body: &str) -> JsValue {
        in_peer(&self.iframe, body)
    }

    fn peer_number(&self, body: &str) -> f64 {
        self.peer(body).as_f64().unwrap_or(-1.0)
    }

    /// A host `Link` to the peer, connected.
    async fn connect(
        &self,
        options: impl FnOnce(ConnectionOptions) -> ConnectionOptions,
        handlers: Handlers<Numbers, Numbers>,
    ) -> Link<Numbers, Numbers> {
        let options = options(ConnectionOptions::frame(self.iframe.clone(), own_origin()));
        let link = Link::new(options, handlers, None);
        wait_until("connected", || link.state().is_connected()).await;
        link
    }
}

#[wasm_bindgen_test]
async fn dropping_a_call_future_cancels_the_call() {
    let page = Page::open().await;
    let link = page.connect(|o| o, Handlers::new()).await;
    // More abandoned calls than may ever wait at once, none with a timeout
    // that would end them.
    for n in 0..=MAX_PENDING_CALLS as u32 {
        drop(link.call_with_timeout(n, Duration::MAX));
    }
    page.peer("fake.mode = 'echo'");
    assert_eq!(
        link.call(7).await,
        Ok(7),
        "the abandoned calls hold no place"
    );
}

#[wasm_bindgen_test]
async fn a_late_answer_to_a_cancelled_call_is_dropped_visibly() {
    let page = Page::open().await;
    let dropped = Rc::new(RefCell::new(Vec::<Dropped>::new()));
    let record = dropped.clone();
    let link = page
        .connect(
            |o| o.on_drop(Callback::from(move |d| record.borrow_mut().push(d))),
            Handlers::new(),
        )
        .await;
    page.peer("fake.mode = 'echo'");
    // The answer comes in a later task: the call is cancelled by then.
    drop(link.call(5));
    wait_until("the late answer is dropped", || link.stats().dropped == 1).await;
    let reason = dropped.borrow()[0].reason.clone();
    assert!(matches!(reason, DropReason::UnknownCall(_)), "{reason:?}");
    assert_eq!(link.call(6).await, Ok(6));
}

#[wasm_bindgen_test]
async fn the_end_of_a_session_cancels_the_peers_running_calls_and_frees_their_slots() {
    let page = Page::open().await;
    let running_dropped = Rc::new(Cell::new(0));
    let counter = running_dropped.clone();
    // 0: never answers (and counts its drop); anything else: answered at once.
    let handlers = Handlers::new().on_request_async(move |n: u32, _origin| {
        let guard = DropCounter(counter.clone());
        async move {
            let _guard = guard;
            if n == 0 {
                std::future::pending::<()>().await;
            }
            Ok(n)
        }
    });
    let _link = page.connect(|o| o, handlers).await;
    let flood = format!("for (let id = 1; id <= {MAX_CALLS_IN_FLIGHT}; id++) fake.send({{ kind: 'request', id, body: 0 }})");
    page.peer(&flood);
    page.peer("fake.send({ kind: 'request', id: 100000, body: 1 })");
    wait_until("the call past the bound is answered", || {
        page.peer_number("return fake.count('response')") == 1.0
    })
    .await;
    assert_eq!(
        page.peer("return fake.received.find((f) => f.kind === 'response').error")
            .as_string()
            .as_deref(),
        Some(&*format!("busy: {MAX_CALLS_IN_FLIGHT} calls in flight")),
    );

    // The peer starts a new session (as a reload does).
    page.peer("fake.received = []; fake.hello()");
    wait_until("a second session", || {
        page.peer_number("return fake.sessions") >= 2.0
    })
    .await;
    wait_until("the old session's handlers are dropped", || {
        running_dropped.get() == MAX_CALLS_IN_FLIGHT
    })
    .await;
    page.peer("fake.send({ kind: 'request', id: 1, body: 9 })");
    wait_until("answered", || {
        page.peer_number("return fake.count('response')") == 1.0
    })
    .await;
    assert_eq!(
        page.peer_number("return fake.received.find((f) => f.kind === 'response').body"),
        9.0
    );
}

#[wasm_bindgen_test]
async fn the_iframe_is_never_taller_than_the_bound() {
    let page = Page::open().await;
    let _link = page
        .connect(|o| o.max_frame_height(2_000), Handlers::new())
        .await;
    let height = || {
        page.iframe
            .cast::<web_sys::HtmlElement>()
            .and_then(|frame| frame.style().get_property_value("height").ok())
            .unwrap_or_default()
    };
    page.peer("fake.send({ kind: 'resize', height: 640 })");
    wait_until("the frame follows", || height() == "640px").await;
    page.peer("fake.send({ kind: 'resize', height: 1e9 })");
    wait_until("the frame stops at the bound", || height() == "2000px").await;
}

#[wasm_bindgen_test]
async fn the_data_of_a_wrong_origin_or_window_is_never_read() {
    let page = Page::open().await;
    let link = page.connect(|o| o, Handlers::new()).await;
    let frame_window = page
        .iframe
        .cast::<web_sys::HtmlIFrameElement>()
        .and_then(|frame| frame.content_window())
        .expect("the peer's window");
    // Dispatches a message whose `data` getter counts its reads.
    let reads = js_sys::Function::new_with_args(
        "origin, source",
        "let reads = 0;
         const event = new MessageEvent('message', { origin, source });
         Object.defineProperty(event, 'data', { get() { reads++; return 'x'.repeat(1000000); } });
         dispatchEvent(event);
         return reads;",
    );
    let own = JsValue::from(own_origin().as_str());
    let evil = JsValue::from("https://evil.example");
    let count = |origin: &JsValue, source: &JsValue| {
        reads
            .call2(&JsValue::NULL, origin, source)
            .ok()
            .and_then(|n| n.as_f64())
    };
    let own_window = JsValue::from(web_sys::window().unwrap());
    let peer_window = JsValue::from(frame_window);
    assert_eq!(count(&evil, &peer_window), Some(0.0), "wrong origin");
    assert_eq!(
        count(&own, &own_window),
        Some(0.0),
        "right origin, wrong window"
    );
    assert!(
        count(&own, &peer_window) >= Some(1.0),
        "the peer's own message is read"
    );
    assert_eq!(
        link.stats().dropped,
        3,
        "all three dropped, with their reasons"
    );
}

/// Counts the drops of the futures it lives in.
struct DropCounter(Rc<Cell<usize>>);
impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[wasm_bindgen_test]
async fn unmounting_fails_pending_calls_at_once() {
    let page = Page::open().await;
    let link = page.connect(|o| o, Handlers::new()).await;
    let call = link.call_with_timeout(1, Duration::MAX);
    drop(link);
    assert!(matches!(call.await, Err(CallError::Disconnected(_))));
    wait_until("the peer is told", || {
        page.peer_number("return fake.count('bye')") == 1.0
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_link_made_after_the_peer_loaded_connects_and_talks() {
    let page = Page::open().await;
    wait_until("the peer has loaded", || {
        !page.peer("return fake").is_undefined()
    })
    .await;
    let handlers = Handlers::new().on_message(|text: String, peer: &crossframe::Peer<Numbers>| {
        peer.send(&format!("echo:{text}")).ok();
    });
    let link = page.connect(|o| o, handlers).await;
    page.peer("fake.send({ kind: 'message', body: 'z' })");
    wait_until("answered", || {
        page.peer(
            "return fake.received.filter((f) => f.kind === 'message').map((f) => f.body).join()",
        )
        .as_string()
        .as_deref()
            == Some("echo:z")
    })
    .await;
    drop(link);
}

/// Binary frames in both of their forms, both ways: a short message as a
/// string of one character per byte, a long one (a batch of many calls) as a
/// transferred buffer, whichever form the peer answers in. A string with a
/// character above U+00FF is dropped, counted, and the link goes on.
#[wasm_bindgen_test]
async fn binary_frames_travel_as_short_strings_and_long_buffers() {
    let page = Page::open().await;
    wait_until("the peer has loaded", || {
        !page.peer("return fake").is_undefined()
    })
    .await;
    page.peer("fake.wire = ['batch', 'binary']; fake.mode = 'echo'");
    let dropped = Rc::new(RefCell::new(Vec::<Dropped>::new()));
    let record = dropped.clone();
    let binary = WireOptions {
        batch: true,
        binary: true,
    };
    let link = page
        .connect(
            |o| {
                o.wire(binary)
                    .on_drop(Callback::from(move |d| record.borrow_mut().push(d)))
            },
            Handlers::new(),
        )
        .await;
    let sent_as = || page.peer("return fake.binary.join()").as_string();

    // One call: a short message each way, as strings.
    assert_eq!(link.call(7).await, Ok(7));
    assert_eq!(sent_as().as_deref(), Some("string"));

    // 500 calls in one task: one batch of about 5 KB, a buffer; the peer
    // answers all of them in one buffer too.
    page.peer("fake.binaryAs = 'buffer'");
    let calls: Vec<_> = (0..500_u32).map(|n| link.call(n * 1000)).collect();
    let answers = futures_util::future::join_all(calls).await;
    let expected: Vec<_> = (0..500_u32).map(|n| Ok(n * 1000)).collect();
    assert_eq!(answers, expected);
    assert_eq!(sent_as().as_deref(), Some("string,buffer"));

    // A string that is not bytes: dropped whole, with its reason.
    page.peer("fake.port.postMessage('\\u0001\\u0100')");
    wait_until("the bad string is dropped", || link.stats().dropped == 1).await;
    let reason = dropped.borrow()[0].reason.clone();
    assert!(
        matches!(reason, DropReason::Decode(DecodeError::Malformed(_))),
        "{reason:?}"
    );
    assert_eq!(link.call(8).await, Ok(8));
}

/// On the port, envelopes as crossframe writes them (kind before body) take
/// one decode pass, others two, alone or in a batch: all are delivered. A
/// message, a call and an answer whose body is not of its type end as they
/// always did: dropped with the reason, answered with the error, failed
/// with `CallError::Decode`.
#[wasm_bindgen_test]
async fn the_port_reads_bodies_in_one_pass_or_two_and_refuses_wrong_ones_alike() {
    let page = Page::open().await;
    let dropped = Rc::new(RefCell::new(Vec::<Dropped>::new()));
    let record = dropped.clone();
    let delivered = Rc::new(RefCell::new(Vec::<String>::new()));
    let deliver = delivered.clone();
    let handlers = Handlers::new()
        .on_message(move |text: String, _: &crossframe::Peer<Numbers>| {
            deliver.borrow_mut().push(text)
        })
        .on_request(|n: u32, _| Ok(n + 1));
    let link = page
        .connect(
            |o| o.on_drop(Callback::from(move |d| record.borrow_mut().push(d))),
            handlers,
        )
        .await;

    page.peer("fake.send({ kind: 'message', body: 'one' })");
    page.peer(
        "fake.port.postMessage(JSON.stringify({ body: 'two', kind: 'message', crossframe: 1 }))",
    );
    page.peer(
        "fake.port.postMessage(JSON.stringify([
            { crossframe: 1, kind: 'message', body: 'three' },
            { body: 'four', crossframe: 1, kind: 'message' },
        ]))",
    );
    wait_until("four messages", || delivered.borrow().len() == 4).await;
    assert_eq!(*delivered.borrow(), ["one", "two", "three", "four"]);

    page.peer("fake.send({ kind: 'message', body: 5 })");
    wait_until("the message is dropped", || link.stats().dropped == 1).await;
    let reason = dropped.borrow()[0].reason.clone();
    assert!(
        matches!(reason, DropReason::Decode(DecodeError::Body(_))),
        "{reason:?}"
    );

    page.peer("fake.send({ kind: 'request', id: 1, body: 'x' }); fake.send({ kind: 'request', id: 2, body: 2 })");
    wait_until("both calls answered", || {
        page.peer_number("return fake.count('response')") == 2.0
    })
    .await;
    let error = page
        .peer("return fake.received.find((f) => f.id === 1).error")
        .as_string()
        .unwrap_or_default();
    assert!(
        error.starts_with("message body does not match the expected type"),
        "{error}"
    );
    assert_eq!(
        page.peer_number("return fake.received.find((f) => f.id === 2).body"),
        3.0
    );

    let call = link.call(10);
    wait_until("the call arrives", || {
        page.peer_number("return fake.count('request')") == 1.0
    })
    .await;
    page.peer(
        "const id = fake.received.find((f) => f.kind === 'request').id;
        fake.send({ kind: 'response', id, body: 'not a number' })",
    );
    let answer = call.await;
    assert!(
        matches!(answer, Err(CallError::Decode(DecodeError::Body(_)))),
        "{answer:?}"
    );
    assert_eq!(link.stats().dropped, 1);
}
