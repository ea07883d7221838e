//! Plain messaging (`?mode=plain`): the seed scenario with `use_post_message`
//! alone, no connection. The host embeds the widget (with `?mode=plain` in
//! its URL), waits for it to say it is listening, and posts what the user
//! types ("Hello") to the widget's exact origin; the widget shows it and
//! answers through `event.source` (`Received::reply`); the host shows the
//! answer with the origin the browser vouches for, which the hook has
//! checked is the widget's, from the iframe's window.

use crossframe::{use_post_message, Origin, Received, UsePostMessageOptions};
use crossframe_demo_child::ui::{
    log_item, shown_text, use_refused, Direction, Entry, Log, SendForm,
};
use crossframe_demo_child::{PlainToChild, PlainToHost};
use yew::prelude::*;

/// Properties of [`PlainEmbed`].
#[derive(Properties, PartialEq)]
pub struct PlainEmbedProps {
    /// The widget's URL, with `?mode=plain`.
    pub url: AttrValue,
    /// The widget's origin: the only one messages go to and come from.
    pub origin: Origin,
}

/// The widget's iframe, a text box that posts to it, and the log of what
/// was sent and answered.
#[component]
pub fn PlainEmbed(props: &PlainEmbedProps) -> Html {
    let iframe = use_node_ref();
    let log = use_reducer(Log::<Entry>::default);
    let refused = use_refused();

    let on_message = {
        let log = log.dispatcher();
        move |received: Received<PlainToHost, PlainToChild>| {
            let PlainToHost::Reply { text, location } = received.message;
            let entry = Entry::new(Direction::Received, received.origin.as_str(), text).with_aside(
                "detail",
                format!("says it runs at {}", shown_text(location)),
            );
            log.dispatch(entry);
        }
    };
    let on_ready = {
        let log = log.dispatcher();
        Callback::from(move |origin: Origin| {
            log.dispatch(Entry::new(
                Direction::Note,
                origin.as_str(),
                "the widget is listening",
            ))
        })
    };
    let options = UsePostMessageOptions::frame(iframe.clone(), props.origin.clone())
        .on_ready(on_ready)
        .on_drop(refused.callback());
    let link = use_post_message::<PlainToHost, PlainToChild, _>(options, on_message);

    let on_send = {
        let link = link.clone();
        let log = log.dispatcher();
        let origin = props.origin.clone();
        Callback::from(move |text: String| {
            // Before the widget has said it is listening the iframe may still
            // hold about:blank or a loading page: the browser would drop the
            // post without a word, so say so instead.
            let Some(target) = link.peer_origin() else {
                let note = "not sent: the widget has not said it is listening yet";
                log.dispatch(Entry::new(Direction::Note, origin.as_str(), note));
                return;
            };
            let entry = match link.send(&PlainToChild::Text(text.clone())) {
                Ok(()) => Entry::new(Direction::Sent, target.as_str(), text),
                Err(error) => Entry::new(
                    Direction::Note,
                    target.as_str(),
                    format!("not sent: {error}"),
                ),
            };
            log.dispatch(entry);
        })
    };

    let (class, status) = match link.peer_origin() {
        Some(origin) => ("connected", format!("the widget at {origin} is listening")),
        None => (
            "connecting",
            "waiting for the widget to say it is listening…".to_owned(),
        ),
    };
    html! {
        <section class="embed" data-testid="plain-embed">
            <p class={classes!("status", class)} data-testid="plain-status">{ status }</p>
            <SendForm on_send={on_send} test_id="plain-input" placeholder="Message to the widget (try Hello)" />
            <iframe ref={iframe} src={props.url.clone()} title="crossframe child widget"
                data-testid="child-frame" />
            <h2>{ "Sent, and the widget's answers" }</h2>
            <ol class="log" data-testid="plain-log">
                { for log.entries.iter().map(|entry| log_item(entry, true)) }
            </ol>
            <p class="refused" data-testid="plain-refused">{ refused.summary() }</p>
        </section>
    }
}
