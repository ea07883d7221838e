//! The raw window path ([`Messenger`]) in a real browser, against the
//! scripted peer of `fake_peer`, with no Yew: a plain `<iframe>` element.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use crossframe::{Messenger, MessengerOptions, Notify, Origin, SendError};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod fake_peer;
use fake_peer::{own_origin, wait_until, FAKE_CHILD};

fn frame() -> web_sys::HtmlIFrameElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let iframe: web_sys::HtmlIFrameElement =
        document.create_element("iframe").unwrap().unchecked_into();
    iframe.set_srcdoc(FAKE_CHILD);
    document.body().unwrap().append_child(&iframe).unwrap();
    iframe
}

#[wasm_bindgen_test]
async fn a_host_sends_only_once_its_widget_said_it_is_listening() {
    let iframe = frame();
    let ready = Rc::new(RefCell::new(Vec::<Origin>::new()));
    let heard = ready.clone();
    let options = MessengerOptions::frame(iframe.clone(), own_origin())
        .on_ready(Notify::new(move |origin| heard.borrow_mut().push(origin)));
    let messenger = Messenger::<String, String>::new(options, |_| {});
    // Nobody is known to listen yet: an error, not a post the browser drops unseen.
    assert_eq!(
        messenger.send(&"too early".to_owned()),
        Err(SendError::PeerOriginUnknown)
    );
    // The widget says hello (by itself, or in answer to the host's hello).
    wait_until("the widget said it is listening", || {
        !ready.borrow().is_empty()
    })
    .await;
    assert_eq!(messenger.peer_origin(), Some(own_origin()));
    assert_eq!(messenger.send(&"Hello".to_owned()), Ok(()));
    assert_eq!(messenger.stats().delivered, 0, "a hello is not a message");
    iframe.remove();
}
