//! The benchmark's crossframe child page: echoes messages (with a message
//! of its own) and calls, and counts bursts.

use std::cell::Cell;
use std::rc::Rc;

use crossframe::{use_connection, ConnectionOptions, Handlers, OriginPolicy};
use crossframe_bench::{query, Answer, Ask, Child, Host, ToChild, ToHost};
use yew::prelude::*;

#[component]
fn App() -> Html {
    // Bench only: the contract gives the host's origin in the URL.
    let allowed = query("host")
        .and_then(|host| OriginPolicy::parse(&host).ok())
        .unwrap_or_default();
    let count = use_memo((), |_| Rc::new(Cell::new(0_u64)));
    let count: Rc<Cell<u64>> = (*count).clone();

    let handlers = {
        let (count_m, count_r) = (count.clone(), count);
        Handlers::<Host, Child>::new()
            .on_message(move |message, host| {
                let reply = match message {
                    ToChild::Burst(_) => {
                        count_m.set(count_m.get() + 1);
                        return;
                    }
                    ToChild::Echo(payload) => ToHost::Echo(payload),
                    ToChild::HowMany => ToHost::Count(count_m.replace(0)),
                };
                let _ = host.send(&reply);
            })
            .on_request(move |ask, _origin| {
                Ok(match ask {
                    Ask::Echo(payload) => Answer::Echo(payload),
                    Ask::HowMany => Answer::Count(count_r.replace(0)),
                })
            })
    };
    // The child offers everything; each host page picks (see `wire_from_path`).
    let wire = crossframe::wire::WireOptions {
        batch: true,
        binary: true,
    };
    let options = ConnectionOptions::parent(allowed)
        .auto_resize(false)
        .wire(wire);
    use_connection::<Host, Child>(options, handlers);
    html! { <p>{ "crossframe bench child" }</p> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
