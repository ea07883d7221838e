//! The minimal widget without crossframe: a counter (see `lib.rs`).

use crossframe_size_probe::{Count, CounterView};
use yew::prelude::*;

#[component]
fn App() -> Html {
    let count = use_reducer(Count::default);
    let on_add = {
        let count = count.dispatcher();
        Callback::from(move |_| count.dispatch(1))
    };
    html! { <CounterView count={count.0} {on_add} /> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
