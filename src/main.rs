//! The demo host page: embeds the child widget from another origin, says
//! "Hello" as soon as the widget is listening, and logs every message sent
//! and received with its origin and time.

use crossframe::{use_post_message, Origin, Received, UsePostMessageOptions};
use crossframe_demo_child::ui::{clock, Log, Refused, RefusedCallback, SendForm};
use crossframe_demo_child::{ChildToHost, HostToChild};
use yew::prelude::*;

/// Where the child widget is served, fixed at build time.
const CHILD_URL: &str = match option_env!("CROSSFRAME_CHILD_URL") {
    Some(url) => url,
    None => "http://localhost:8081/",
};

#[derive(Clone, PartialEq)]
enum Direction {
    Sent,
    Received,
    Note,
}

#[derive(Clone, PartialEq)]
struct Entry {
    time: String,
    direction: Direction,
    origin: String,
    text: String,
}

impl Entry {
    fn new(direction: Direction, origin: &str, text: impl Into<String>) -> Self {
        Entry {
            time: clock(),
            direction,
            origin: origin.to_owned(),
            text: text.into(),
        }
    }
}

/// The child's origin, from its URL.
fn child_origin() -> Result<Origin, String> {
    let url = web_sys::Url::new(CHILD_URL).map_err(|_| format!("{CHILD_URL:?} is not a URL"))?;
    Origin::parse(&url.origin()).map_err(|e| e.to_string())
}

#[component]
fn App() -> Html {
    let iframe = use_node_ref();
    let log = use_reducer(Log::<Entry>::default);
    let refused = use_reducer(Refused::default);
    let ready_count = use_state(|| 0_u32);
    let (child, config_error) = match child_origin() {
        Ok(origin) => (origin, None),
        Err(error) => (Origin::null(), Some(error)),
    };

    let on_message = {
        let log = log.clone();
        move |message: Received<ChildToHost>| {
            let text = match message.message {
                ChildToHost::Text(text) => text,
                ChildToHost::Reply { text, .. } => text,
            };
            log.dispatch(Entry::new(
                Direction::Received,
                message.origin.as_str(),
                text,
            ));
        }
    };
    let on_ready = {
        let log = log.clone();
        let ready_count = ready_count.clone();
        Callback::from(move |origin: Origin| {
            log.dispatch(Entry::new(
                Direction::Note,
                origin.as_str(),
                "widget is listening",
            ));
            ready_count.set(*ready_count + 1);
        })
    };
    let options = UsePostMessageOptions::frame(iframe.clone(), child.clone())
        .on_ready(on_ready)
        .on_drop(refused.callback());
    let link = use_post_message::<ChildToHost, HostToChild, _>(options, on_message);

    let send = {
        let link = link.clone();
        let log = log.clone();
        let child = child.clone();
        Callback::from(move |text: String| {
            let result = link.send(&HostToChild::Text(text.clone()));
            let entry = match result {
                Ok(()) => Entry::new(Direction::Sent, child.as_str(), text),
                Err(error) => Entry::new(
                    Direction::Note,
                    child.as_str(),
                    format!("not sent: {error}"),
                ),
            };
            log.dispatch(entry);
        })
    };
    {
        // Say hello each time the widget (re)announces itself.
        let send = send.clone();
        use_effect_with(*ready_count, move |count| {
            if *count > 0 {
                send.emit("Hello".to_owned());
            }
        });
    }

    let page_origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    html! {
        <main class="host">
            <h1>{ "crossframe demo host" }</h1>
            <p class="meta">
                { "This page: " }<code>{ page_origin }</code>
                { " — widget: " }<code>{ CHILD_URL }</code>
            </p>
            if let Some(error) = config_error {
                <p class="error" data-testid="config-error">
                    { format!("Bad child URL, not talking to it: {error}") }
                </p>
            }
            <p class="status" data-testid="status">{
                match link.peer_origin() {
                    Some(origin) => format!("Widget ready at {origin}"),
                    None => "Waiting for the widget…".to_owned(),
                }
            }</p>
            <iframe ref={iframe} src={CHILD_URL} title="crossframe child widget"
                data-testid="child-frame" />
            <SendForm on_send={send} test_id="host-input" placeholder="Message to the widget" />
            <h2>{ "Messages" }</h2>
            <ol class="log" data-testid="log">
                { for log.entries.iter().map(|entry| {
                    let (class, arrow) = match entry.direction {
                        Direction::Sent => ("sent", "→"),
                        Direction::Received => ("received", "←"),
                        Direction::Note => ("note", "·"),
                    };
                    html! {
                        <li class={class}>
                            <time>{ &entry.time }</time>
                            <span class="direction">{ arrow }</span>
                            <span class="origin">{ &entry.origin }</span>
                            <span class="text">{ &entry.text }</span>
                        </li>
                    }
                }) }
            </ol>
            <p class="refused" data-testid="refused">{ refused.summary() }</p>
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
