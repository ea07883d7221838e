//! The minimal widget without crossframe (see `without.rs`) plus what any
//! JSON user pays: one message enum encoded and decoded with serde_json (the
//! count travels in the page's `#fragment`). For the per-part table of
//! bench/size.sh, not a widget of its own.

use crossframe_size_probe::{Count, CounterView};
use serde::{Deserialize, Serialize};
use yew::prelude::*;

/// The same message as `with.rs`.
#[derive(Debug, Serialize, Deserialize)]
enum Counter {
    Add(i64),
}

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|window| window.location())
}

#[component]
fn App() -> Html {
    let count = use_reducer(Count::default);
    {
        let count = count.dispatcher();
        use_effect_with((), move |_| {
            let hash = location().and_then(|l| l.hash().ok()).unwrap_or_default();
            match serde_json::from_str::<Counter>(hash.trim_start_matches('#')) {
                Ok(Counter::Add(n)) => count.dispatch(n),
                Err(error) => web_sys::console::log_1(&error.to_string().into()),
            }
        });
    }
    let on_add = {
        let count = count.dispatcher();
        Callback::from(move |_| {
            count.dispatch(1);
            if let (Some(location), Ok(json)) =
                (location(), serde_json::to_string(&Counter::Add(1)))
            {
                let _ = location.set_hash(&json);
            }
        })
    };
    html! { <CounterView count={count.0} {on_add} /> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
