//! The minimal widget with crossframe: the same counter (see `lib.rs`),
//! connected to its host page with `use_connection`. The host can add to the
//! count (a message) and ask for it (a call); each click tells the host.
//! Binary frames are offered, so both codecs (JSON and postcard) are in the
//! bundle, as in a widget that wants the fast path.

use crossframe::wire::WireOptions;
use crossframe::{use_connection, Api, ConnectionOptions, Handlers, OriginPolicy};
use crossframe_size_probe::{Count, CounterView};
use serde::{Deserialize, Serialize};
use yew::prelude::*;

/// The one message, both ways: add this much to the count.
#[derive(Debug, Serialize, Deserialize)]
enum Counter {
    Add(i64),
}

/// The one call the widget answers: what is the count?
#[derive(Debug, Serialize, Deserialize)]
struct GetCount;

/// What the widget offers the host.
struct Widget;
impl Api for Widget {
    type Message = Counter;
    type Request = GetCount;
    type Response = i64;
}

/// What the host offers the widget.
struct Host;
impl Api for Host {
    type Message = Counter;
    type Request = ();
    type Response = ();
}

/// The host page this widget talks to (a real widget reads it from its
/// deployment; the probe only needs the parsing code in its bundle).
const HOST_ORIGINS: &str = "http://127.0.0.1:8080";

#[component]
fn App() -> Html {
    let count = use_reducer(Count::default);
    let handlers = {
        let added = count.dispatcher();
        let now = count.0;
        Handlers::<Host, Widget>::new()
            .on_message(move |Counter::Add(n), _host| added.dispatch(n))
            .on_request(move |GetCount, _host| Ok(now))
    };
    let allowed = OriginPolicy::parse(HOST_ORIGINS).unwrap_or_default();
    let options = ConnectionOptions::parent(allowed).wire(WireOptions {
        batch: true,
        binary: true,
    });
    let link = use_connection::<Host, Widget>(options, handlers);
    let on_add = {
        let count = count.dispatcher();
        Callback::from(move |_| {
            count.dispatch(1);
            let _ = link.send(&Counter::Add(1));
        })
    };
    html! { <CounterView count={count.0} {on_add} /> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
