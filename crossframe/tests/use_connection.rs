//! `use_connection` in a real browser (Chromium, Firefox and WebKit through
//! wasm-bindgen-test-runner), against the scripted peer of `fake_peer`: what
//! the hook re-subscribes on (the peer window, the allow-list) and what it
//! does not (new handlers, other options), and what unmounting does.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use crossframe::{
    use_connection, CallError, ConnectionHandle, ConnectionOptions, DisconnectReason, Handlers,
    OriginPolicy,
};
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

mod fake_peer;
use fake_peer::{in_peer, own_origin, wait_until, Numbers, FAKE_CHILD};

type Handle = ConnectionHandle<Numbers, Numbers>;
type Out = Rc<RefCell<Option<Handle>>>;

#[derive(Properties, Clone)]
struct Props {
    /// Whether the component with the hook is mounted (the iframe stays).
    connected: bool,
    /// Changing it gives the page a new `<iframe>` element.
    iframe_key: u32,
    /// Replies to each message with "{tag}:{message}".
    tag: String,
    allowed: String,
    call_timeout_ms: u64,
    iframe: NodeRef,
    out: Out,
    /// How many times `Page` rendered.
    renders: Rc<std::cell::Cell<u32>>,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        (
            self.connected,
            self.iframe_key,
            &self.tag,
            &self.allowed,
            self.call_timeout_ms,
        ) == (
            other.connected,
            other.iframe_key,
            &other.tag,
            &other.allowed,
            other.call_timeout_ms,
        )
    }
}

#[component]
fn Page(props: &Props) -> Html {
    props.renders.set(props.renders.get() + 1);
    html! {
        <>
            if props.connected { <Connector ..props.clone() /> }
            <iframe key={props.iframe_key} ref={props.iframe.clone()} srcdoc={FAKE_CHILD} />
        </>
    }
}

#[component]
fn Connector(props: &Props) -> Html {
    let tag = props.tag.clone();
    let handlers = Handlers::<Numbers, Numbers>::new().on_message(move |text, peer| {
        peer.send(&format!("{tag}:{text}")).ok();
    });
    let mut options = ConnectionOptions::frame(props.iframe.clone(), own_origin())
        .call_timeout(Duration::from_millis(props.call_timeout_ms));
    options.allowed = OriginPolicy::parse(&props.allowed).expect("a valid policy");
    let link = use_connection::<Numbers, Numbers>(options, handlers);
    *props.out.borrow_mut() = Some(link);
    html! {}
}

struct Mounted {
    app: Option<yew::AppHandle<Page>>,
    props: Props,
}

impl Mounted {
    async fn new() -> Self {
        let document = web_sys::window().unwrap().document().unwrap();
        let root = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&root).unwrap();
        let props = Props {
            connected: true,
            iframe_key: 0,
            tag: "a".into(),
            allowed: own_origin().to_string(),
            call_timeout_ms: 5_000,
            iframe: NodeRef::default(),
            out: Out::default(),
            renders: Default::default(),
        };
        let app = yew::Renderer::<Page>::with_root_and_props(root, props.clone()).render();
        Mounted {
            app: Some(app),
            props,
        }
    }

    /// Changes the props, and waits until the page has rendered them (Yew
    /// renders an update later, with the components under it).
    async fn update(&mut self, change: impl FnOnce(&mut Props)) {
        change(&mut self.props);
        let before = self.props.renders.get();
        if let Some(app) = self.app.as_mut() {
            app.update(self.props.clone());
        }
        let renders = self.props.renders.clone();
        wait_until("the update is rendered", || renders.get() > before).await;
    }

    fn handle(&self) -> Option<Handle> {
        self.props.out.borrow().clone()
    }

    fn is_connected(&self) -> bool {
        self.handle().is_some_and(|h| h.state().is_connected())
    }

    async fn connected(&self) -> Handle {
        wait_until("connected", || self.is_connected()).await;
        self.handle().expect("a handle")
    }

    fn peer(&self, body: &str) -> wasm_bindgen::JsValue {
        in_peer(&self.props.iframe, body)
    }

    fn peer_number(&self, body: &str) -> f64 {
        self.peer(body).as_f64().unwrap_or(-1.0)
    }

    /// The messages the peer got, as text.
    fn peer_messages(&self) -> Vec<String> {
        let list = self
            .peer("return fake.received.filter((f) => f.kind === 'message').map((f) => f.body)");
        if !js_sys::Array::is_array(&list) {
            return Vec::new();
        }
        js_sys::Array::from(&list)
            .iter()
            .filter_map(|value| value.as_string())
            .collect()
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

#[wasm_bindgen_test]
async fn unmounting_says_bye_and_fails_pending_calls() {
    let mut page = Mounted::new().await;
    let handle = page.connected().await;
    let call = handle.call_with_timeout(1, Duration::MAX);
    page.update(|p| p.connected = false).await;
    assert_eq!(
        call.await,
        Err(CallError::Disconnected(DisconnectReason::Closed))
    );
    wait_until("the peer is told", || {
        page.peer_number("return fake.count('bye')") == 1.0
    })
    .await;
}

#[wasm_bindgen_test]
async fn new_handlers_and_options_take_effect_without_reconnecting() {
    let mut page = Mounted::new().await;
    page.connected().await;
    page.peer("fake.send({ kind: 'message', body: 'x' })");
    wait_until("the first handler answers", || {
        page.peer_messages() == ["a:x"]
    })
    .await;
    // However many handshakes it took to connect (hellos may cross), none more.
    let sessions = page.peer_number("return fake.sessions");

    page.update(|p| {
        p.tag = "b".into();
        p.call_timeout_ms = 10_000;
    })
    .await;
    page.peer("fake.send({ kind: 'message', body: 'y' })");
    wait_until("the new handler answers", || {
        page.peer_messages() == ["a:x", "b:y"]
    })
    .await;
    assert_eq!(
        page.peer_number("return fake.sessions"),
        sessions,
        "no new handshake"
    );
    assert!(page.is_connected());
}

#[wasm_bindgen_test]
async fn fixing_the_allow_list_reconnects() {
    let mut page = Mounted::new().await;
    page.update(|p| p.allowed = "https://elsewhere.example".into())
        .await;
    // The first Link may have connected already; the new one must not.
    wait_until("the new policy is in force", || {
        page.handle().is_some_and(|h| !h.state().is_connected())
    })
    .await;
    page.update(|p| p.allowed = own_origin().to_string()).await;
    page.connected().await;
}

#[wasm_bindgen_test]
async fn a_new_iframe_element_gets_a_new_connection() {
    let mut page = Mounted::new().await;
    page.connected().await;
    let old = page.props.iframe.get();
    page.update(|p| p.iframe_key = 1).await;
    // Yew renders the update later: wait for the new element first.
    wait_until("the page has a new iframe", || {
        page.props.iframe.get().is_some() && page.props.iframe.get() != old
    })
    .await;
    // Its peer connects: only a Link on the new element can answer it.
    wait_until("the new frame's peer has a session", || {
        page.peer_number("return fake.sessions") >= 1.0
    })
    .await;
    page.connected().await;
    page.peer("fake.send({ kind: 'message', body: 'z' })");
    wait_until("answered on the new connection", || {
        page.peer_messages() == ["a:z"]
    })
    .await;
}
