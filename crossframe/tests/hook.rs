//! `use_post_message` in a real browser (headless Chromium through
//! wasm-bindgen-test-runner): what it delivers, what it drops and why, what a
//! reply looks like to the peer, and that unmounting removes the listener.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use crossframe::envelope::DecodeError;
use crossframe::{
    use_post_message, DropReason, Dropped, Origin, OriginPolicy, OriginRejected, PeerWindow,
    Received, UsePostMessageOptions,
};
use gloo_timers::future::sleep;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{MessageEvent, MessageEventInit};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

const GOOD: &str = r#"{"crossframe":1,"kind":"message","body":"hi"}"#;

/// What the component under test saw.
#[derive(Default)]
struct Seen {
    mounted: bool,
    delivered: Vec<(String, String)>,
    dropped: Vec<Dropped>,
    ready: Vec<Origin>,
}

type Recorder = Rc<RefCell<Seen>>;

#[derive(Properties)]
struct Props {
    recorder: Recorder,
    policy: OriginPolicy,
    /// Talk to an iframe of ours instead of window.parent (== window here).
    frame: bool,
    reply: bool,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.recorder, &other.recorder)
    }
}

#[component]
fn Subject(props: &Props) -> Html {
    let iframe = use_node_ref();
    let recorder = props.recorder.clone();
    let on_drop = {
        let recorder = recorder.clone();
        Callback::from(move |dropped| recorder.borrow_mut().dropped.push(dropped))
    };
    let on_ready = {
        let recorder = recorder.clone();
        Callback::from(move |origin| recorder.borrow_mut().ready.push(origin))
    };
    let mut options = UsePostMessageOptions::parent(props.policy.clone())
        .on_drop(on_drop)
        .on_ready(on_ready);
    if props.frame {
        options.peer = PeerWindow::Frame(iframe.clone().into());
    }
    let reply = props.reply;
    let on_message = {
        let recorder = recorder.clone();
        move |received: Received<String, String>| {
            // Replies come back to this same window: answer only non-replies.
            if reply && !received.message.starts_with("re: ") {
                received
                    .reply(&format!("re: {}", received.message))
                    .unwrap();
            }
            recorder
                .borrow_mut()
                .delivered
                .push((received.origin.to_string(), received.message));
        }
    };
    let _link = use_post_message::<String, String, _>(options, on_message);
    use_effect_with((), move |_| {
        recorder.borrow_mut().mounted = true;
        move || recorder.borrow_mut().mounted = false
    });
    html! { <iframe ref={iframe} srcdoc="<p>peer</p>" /> }
}

struct Mounted {
    recorder: Recorder,
    app: Option<yew::AppHandle<Subject>>,
}

thread_local! {
    /// wasm-bindgen-test interleaves async tests in one page, and every
    /// mounted component hears every `message` event: one test at a time.
    static PAGE_IN_USE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Mounted {
    fn seen(&self) -> std::cell::Ref<'_, Seen> {
        self.recorder.borrow()
    }

    fn unmount(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.unmount();
        PAGE_IN_USE.with(|in_use| in_use.set(false));
    }
}

fn own_origin() -> String {
    web_sys::window().unwrap().location().origin().unwrap()
}

async fn mount(policy: OriginPolicy, frame: bool, reply: bool) -> Mounted {
    wait_until_within("no other test uses the page", 60_000.0, || {
        !PAGE_IN_USE.with(|in_use| in_use.replace(true))
    })
    .await;
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let recorder = Recorder::default();
    let props = Props {
        recorder: recorder.clone(),
        policy,
        frame,
        reply,
    };
    let app = yew::Renderer::<Subject>::with_root_and_props(root, props).render();
    let mounted = Mounted {
        recorder,
        app: Some(app),
    };
    wait_until("the component is mounted", || mounted.seen().mounted).await;
    mounted
}

/// Polls `condition` until it holds, failing the test after a deadline.
async fn wait_until(what: &str, condition: impl Fn() -> bool) {
    wait_until_within(what, 5_000.0, condition).await;
}

async fn wait_until_within(what: &str, millis: f64, condition: impl Fn() -> bool) {
    let deadline = js_sys::Date::now() + millis;
    while !condition() {
        assert!(
            js_sys::Date::now() < deadline,
            "timed out waiting until {what}"
        );
        sleep(Duration::from_millis(5)).await;
    }
}

/// Dispatches a synthetic `message` event, so origin and source can be forged.
fn dispatch(data: &JsValue, origin: &str, source: Option<&js_sys::Object>) {
    let init = MessageEventInit::new();
    init.set_data(data);
    init.set_origin(origin);
    init.set_source(source);
    let event = MessageEvent::new_with_event_init_dict("message", &init).unwrap();
    web_sys::window().unwrap().dispatch_event(&event).unwrap();
}

fn window_object() -> js_sys::Object {
    web_sys::window().unwrap().unchecked_into()
}

fn own_policy() -> OriginPolicy {
    OriginPolicy::parse(&own_origin()).unwrap()
}

#[wasm_bindgen_test]
async fn delivers_an_allowed_message_with_its_origin() {
    let subject = mount(own_policy(), false, false).await;
    let window = web_sys::window().unwrap();
    window
        .post_message(&JsValue::from_str(GOOD), &own_origin())
        .unwrap();
    wait_until("the message is delivered", || {
        !subject.seen().delivered.is_empty()
    })
    .await;
    assert_eq!(subject.seen().delivered, [(own_origin(), "hi".to_owned())]);
    assert!(subject.seen().dropped.is_empty());
}

#[wasm_bindgen_test]
async fn drops_a_wrong_origin_with_that_reason() {
    let subject = mount(own_policy(), false, false).await;
    let lookalike = "http://localhost.evil.com:8081";
    let garbled = "http://localhost:8081.evil.com";
    dispatch(&GOOD.into(), lookalike, Some(&window_object()));
    dispatch(&GOOD.into(), garbled, Some(&window_object()));
    dispatch(&GOOD.into(), "null", Some(&window_object()));
    let seen = subject.seen();
    assert!(seen.delivered.is_empty());
    let reasons: Vec<_> = seen.dropped.iter().map(|d| d.reason.clone()).collect();
    assert_eq!(
        reasons,
        [
            DropReason::Origin(OriginRejected::NotAllowed(lookalike.to_owned())),
            DropReason::Origin(OriginRejected::Malformed(garbled.to_owned())),
            DropReason::Origin(OriginRejected::Null),
        ]
    );
}

#[wasm_bindgen_test]
async fn drops_the_right_origin_from_another_window() {
    // The peer is our iframe; the message comes from this window instead.
    let subject = mount(own_policy(), true, false).await;
    dispatch(&GOOD.into(), &own_origin(), Some(&window_object()));
    dispatch(&GOOD.into(), &own_origin(), None);
    let seen = subject.seen();
    assert!(seen.delivered.is_empty());
    assert_eq!(seen.dropped.len(), 2);
    for dropped in &seen.dropped {
        assert!(matches!(
            dropped.reason,
            DropReason::UnexpectedSource { .. }
        ));
    }
}

#[wasm_bindgen_test]
async fn drops_bad_data_without_panicking_and_still_delivers_the_next_message() {
    let subject = mount(own_policy(), false, false).await;
    let origin = own_origin();
    let source = window_object();
    let foreign_object = js_sys::JSON::parse(r#"{"type":"webpackOk"}"#).unwrap();
    let huge = JsValue::from_str(&"x".repeat(crossframe::envelope::DEFAULT_MAX_MESSAGE_LEN + 1));
    let inputs: Vec<JsValue> = vec![
        "garbage{".into(),
        foreign_object,
        JsValue::NULL,
        JsValue::from_f64(42.0),
        r#"{"crossframe":1,"kind":"explode","body":"hi"}"#.into(),
        r#"{"crossframe":1,"kind":"message","body":{"Text":5}}"#.into(),
        r#"{"crossframe":9,"kind":"message","body":"hi"}"#.into(),
        huge,
    ];
    for data in &inputs {
        dispatch(data, &origin, Some(&source));
    }
    dispatch(&GOOD.into(), &origin, Some(&source));
    let seen = subject.seen();
    assert_eq!(seen.delivered, [(origin.clone(), "hi".to_owned())]);
    let reasons: Vec<_> = seen
        .dropped
        .iter()
        .map(|d| match &d.reason {
            DropReason::Decode(error) => error.clone(),
            other => panic!("unexpected reason {other}"),
        })
        .collect();
    assert!(matches!(reasons[0], DecodeError::Foreign(_)));
    assert_eq!(reasons[1], DecodeError::NotText("object".into()));
    assert_eq!(reasons[2], DecodeError::NotText("null".into()));
    assert_eq!(reasons[3], DecodeError::NotText("number".into()));
    assert_eq!(reasons[4], DecodeError::UnknownKind("explode".into()));
    assert!(matches!(reasons[5], DecodeError::Body(_)));
    assert_eq!(reasons[6], DecodeError::UnsupportedVersion { got: 9 });
    assert!(matches!(reasons[7], DecodeError::TooLarge { .. }));
    assert_eq!(reasons.len(), inputs.len());
}

#[wasm_bindgen_test]
async fn replies_to_the_sender_with_its_exact_origin() {
    let subject = mount(own_policy(), false, true).await;
    // Listen as the peer would: the reply comes back to this window.
    let replies = Rc::new(RefCell::new(Vec::<(String, String)>::new()));
    let window = web_sys::window().unwrap();
    let _peer = {
        let replies = replies.clone();
        gloo_events::EventListener::new(&window, "message", move |event| {
            let event = event.dyn_ref::<MessageEvent>().unwrap();
            if let Some(text) = event.data().as_string() {
                replies.borrow_mut().push((event.origin(), text));
            }
        })
    };
    window
        .post_message(&JsValue::from_str(GOOD), &own_origin())
        .unwrap();
    let expected = r#"{"crossframe":1,"kind":"message","body":"re: hi"}"#;
    wait_until("the reply arrives", || {
        replies.borrow().iter().any(|(_, text)| text == expected)
    })
    .await;
    assert!(replies
        .borrow()
        .iter()
        .any(|(origin, text)| origin == &own_origin() && text == expected));
    // The reply is itself a message from the allowed origin and window.
    wait_until("the reply is delivered too", || {
        subject.seen().delivered.len() == 2
    })
    .await;
}

#[wasm_bindgen_test]
async fn announces_ready_and_reports_it() {
    let subject = mount(own_policy(), false, false).await;
    dispatch(
        &r#"{"crossframe":1,"kind":"hello"}"#.into(),
        &own_origin(),
        Some(&window_object()),
    );
    assert_eq!(
        subject.seen().ready,
        [Origin::parse(&own_origin()).unwrap()]
    );
    assert!(subject.seen().delivered.is_empty());
}

#[wasm_bindgen_test]
async fn unmounting_removes_the_listener() {
    let mut subject = mount(own_policy(), false, false).await;
    dispatch(&GOOD.into(), &own_origin(), Some(&window_object()));
    assert_eq!(subject.seen().delivered.len(), 1);
    subject.unmount();
    wait_until("the component is unmounted", || !subject.seen().mounted).await;
    dispatch(&GOOD.into(), &own_origin(), Some(&window_object()));
    dispatch(&"garbage".into(), &own_origin(), Some(&window_object()));
    let seen = subject.seen();
    assert_eq!(seen.delivered.len(), 1, "delivered after unmount");
    assert!(seen.dropped.is_empty(), "inspected after unmount");
}
