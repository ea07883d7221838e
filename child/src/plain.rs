//! Plain messaging (`?mode=plain`): the seed scenario with `use_post_message`
//! alone, no connection. Each message from the host is shown with the
//! origin the browser vouches for (`event.origin`, which the hook has
//! checked against the allowed hosts, as it has checked that the sender is
//! `window.parent`) and answered through `event.source` with
//! `Received::reply`, at that exact origin. Anything else is dropped and
//! counted on the refused line.

use crossframe::{use_post_message, OriginPolicy, Received, UsePostMessageOptions};
use crossframe_demo_child::ui::{log_item, use_refused, Direction, Entry, Log, Mode};
use crossframe_demo_child::{PlainToChild, PlainToHost};
use yew::prelude::*;

/// Properties of [`PlainWidget`].
#[derive(Properties, PartialEq)]
pub struct PlainWidgetProps {
    /// The hosts whose messages are shown and answered.
    pub allowed: OriginPolicy,
    /// A configuration that could not be read (`allowed` then allows no one).
    #[prop_or_default]
    pub config_error: Option<String>,
}

/// The widget in plain mode: shows and answers what the host posts.
#[component]
pub fn PlainWidget(props: &PlainWidgetProps) -> Html {
    let location = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let received = use_reducer(Log::<Entry>::default);
    let notes = use_reducer(Log::<String>::default);
    let refused = use_refused();

    let on_message = {
        let received = received.dispatcher();
        let notes = notes.dispatcher();
        let location = location.clone();
        move |message: Received<PlainToChild, PlainToHost>| {
            let PlainToChild::Text(text) = &message.message;
            // To event.source, at event.origin: the window that sent it, and
            // only while it is still on that origin.
            if let Err(error) = message.reply(&PlainToHost::reply_to(text, &location)) {
                notes.dispatch(format!("reply to {} not sent: {error}", message.origin));
            }
            received.dispatch(Entry::new(
                Direction::Received,
                message.origin.as_str(),
                text.clone(),
            ));
        }
    };
    let options = UsePostMessageOptions::parent(props.allowed.clone()).on_drop(refused.callback());
    let link = use_post_message::<PlainToChild, PlainToHost, _>(options, on_message);

    let status = match link.peer_origin() {
        Some(host) => format!("the host at {host} has written to me"),
        None => "no message from the host yet".to_owned(),
    };
    html! {
        <main class="child">
            <h1>{ "crossframe child widget" }</h1>
            <p class="meta">
                { "I run at " }<code data-testid="location">{ location }</code>
                { "; hosts allowed: " }<code>{ props.allowed.to_string() }</code>
            </p>
            <p class="meta" data-testid="mode">{ "Mode: " }{ Mode::Plain.describe() }</p>
            if let Some(error) = &props.config_error {
                <p class="error" data-testid="config-error">
                    { format!("Bad configuration, refusing all messages: {error}") }
                </p>
            }
            <p class={classes!("status", if link.peer_origin().is_some() { "connected" } else { "connecting" })}
                data-testid="plain-status">
                { status }
            </p>
            <ul class="notes" data-testid="plain-notes">
                { for notes.entries.iter().map(|note| html! { <li>{ note }</li> }) }
            </ul>
            <h2>{ "Received (each answered with Received::reply)" }</h2>
            <ol class="log" data-testid="plain-received">
                { for received.entries.iter().map(|entry| log_item(entry, false)) }
            </ol>
            <p class="refused" data-testid="plain-refused">{ refused.summary() }</p>
        </main>
    }
}
