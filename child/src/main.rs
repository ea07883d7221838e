//! The demo child widget: shows every message it receives with its sender's
//! origin, answers each with its own location, and can send text to the host.

use crossframe::{use_post_message, OriginPolicy, Received, UsePostMessageOptions};
use crossframe_demo_child::ui::{clock, Log, Refused, RefusedCallback, SendForm};
use crossframe_demo_child::{ChildToHost, HostToChild, DEFAULT_HOST_ORIGINS};
use yew::prelude::*;

/// The host origins allowed to talk to this widget, fixed at build time.
const HOST_ORIGINS: &str = match option_env!("CROSSFRAME_HOST_ORIGINS") {
    Some(origins) => origins,
    None => DEFAULT_HOST_ORIGINS,
};

#[derive(Clone, PartialEq)]
struct Entry {
    time: String,
    origin: String,
    text: String,
}

#[component]
fn App() -> Html {
    let location = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let (allowed, config_error) = match OriginPolicy::parse(HOST_ORIGINS) {
        Ok(policy) => (policy, None),
        // Refuse to talk at all rather than fall back to anything open.
        Err(error) => (OriginPolicy::new(), Some(error.to_string())),
    };
    let received = use_reducer(Log::<Entry>::default);
    let refused = use_reducer(Refused::default);

    let on_message = {
        let received = received.clone();
        let location = location.clone();
        move |message: Received<HostToChild>| {
            let HostToChild::Text(text) = &message.message;
            received.dispatch(Entry {
                time: clock(),
                origin: message.origin.to_string(),
                text: text.clone(),
            });
            if let Err(error) = message.reply(&ChildToHost::reply_from(&location)) {
                web_sys::console::warn_1(&format!("crossframe: reply failed: {error}").into());
            }
        }
    };
    let options = UsePostMessageOptions::parent(allowed.clone()).on_drop(refused.callback());
    let link = use_post_message::<HostToChild, ChildToHost, _>(options, on_message);

    let on_send = {
        let link = link.clone();
        Callback::from(move |text: String| {
            if let Err(error) = link.send(&ChildToHost::Text(text)) {
                web_sys::console::warn_1(&format!("crossframe: send failed: {error}").into());
            }
        })
    };

    html! {
        <main class="child">
            <h1>{ "crossframe child widget" }</h1>
            <p class="meta">
                { "I run at " }<code data-testid="location">{ location }</code>
                { "; hosts allowed: " }<code>{ allowed.to_string() }</code>
            </p>
            if let Some(error) = config_error {
                <p class="error" data-testid="config-error">
                    { format!("Bad configuration, refusing all messages: {error}") }
                </p>
            }
            <p class="status" data-testid="peer">{
                match link.peer_origin() {
                    Some(origin) => format!("Talking to {origin}"),
                    None => "No host has spoken yet".to_owned(),
                }
            }</p>
            <SendForm on_send={on_send} test_id="child-input" placeholder="Message to the host" />
            <h2>{ "Received" }</h2>
            <ol class="log" data-testid="received">
                { for received.entries.iter().map(|entry| html! {
                    <li class="received">
                        <time>{ &entry.time }</time>
                        <span class="origin">{ &entry.origin }</span>
                        <span class="text">{ &entry.text }</span>
                    </li>
                }) }
            </ol>
            <p class="refused" data-testid="refused">{ refused.summary() }</p>
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
