//! The minimal widget's page without Yew: the same counter (see `lib.rs`)
//! made with web-sys. For the per-part table of bench/size.sh: what Rust's
//! runtime and wasm-bindgen cost before any framework.

use std::cell::Cell;
use wasm_bindgen::prelude::*;

fn main() -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let body = document.body().ok_or("no body")?;
    let main = document.create_element("main")?;
    let shown = document.create_element("p")?;
    shown.set_text_content(Some("Count: 0"));
    let button = document.create_element("button")?;
    button.set_text_content(Some("+1"));
    main.append_child(&shown)?;
    main.append_child(&button)?;
    body.append_child(&main)?;
    let count = Cell::new(0_i64);
    let on_add = Closure::<dyn Fn()>::new(move || {
        count.set(count.get().wrapping_add(1));
        shown.set_text_content(Some(&format!("Count: {}", count.get())));
    });
    button.add_event_listener_with_callback("click", on_add.as_ref().unchecked_ref())?;
    on_add.forget(); // the page's lifetime
    Ok(())
}
