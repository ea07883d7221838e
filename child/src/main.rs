//! The demo child widget: shows every message and greeting it receives with
//! the sender's origin, answers the host's calls (greeting with its own
//! location, location, sums, slow answers), and can message and call the host.
//! With `?mode=plain` (the host passes its mode on) it uses plain messaging
//! instead: see `plain.rs`.

mod plain;

use crossframe::{use_connection, ConnectionOptions, Handlers, OriginPolicy};
use crossframe_demo_child::config::{without_config, WidgetConfig, RELEASE};
use crossframe_demo_child::ui::{
    log_item, state_class, use_refused, Direction, Entry, Log, Mode, SendForm, Tally, BURST,
};
use crossframe_demo_child::{
    ChildToHost, HostPage, HostRequest, HostResponse, HostToChild, Widget, WidgetRequest,
    WidgetResponse, DEFAULT_HOST_ORIGINS,
};
use std::time::Duration;
use yew::prelude::*;

/// The host origins this build was given (`CROSSFRAME_HOST_ORIGINS`), for
/// when no `config.json` is deployed: see `config::without_config`.
const HOST_ORIGINS: Option<&str> = option_env!("CROSSFRAME_HOST_ORIGINS");

fn entry(origin: &str, text: impl Into<String>) -> Entry {
    Entry::new(Direction::Received, origin, text)
}

/// Loads the deployed `config.json` from beside the bundle (or, without one,
/// the origins the build was given: a release build given none refuses
/// everything rather than trust the development default), then shows the
/// widget. A bad configuration is shown and the widget refuses all
/// messages rather than fall back to anything open.
#[component]
fn App() -> Html {
    let config = use_state(|| None::<Result<OriginPolicy, String>>);
    {
        let config = config.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let loaded = match crossframe_demo_child::config::load::<WidgetConfig>().await {
                    Ok(Some(deployed)) => deployed.policy(),
                    Ok(None) => without_config(
                        "CROSSFRAME_HOST_ORIGINS",
                        HOST_ORIGINS,
                        DEFAULT_HOST_ORIGINS,
                        RELEASE,
                    )
                    .and_then(|origins| OriginPolicy::parse(origins).map_err(|e| e.to_string())),
                    Err(error) => Err(error),
                };
                if let Err(error) = &loaded {
                    web_sys::console::error_1(
                        &format!(
                            "crossframe widget: bad configuration, refusing all messages: {error}"
                        )
                        .into(),
                    );
                }
                config.set(Some(loaded));
            });
        });
    }
    let (allowed, config_error) = match &*config {
        None => return html! { <main class="child"><p>{ "Loading configuration…" }</p></main> },
        Some(Ok(allowed)) => (allowed.clone(), None),
        Some(Err(error)) => (OriginPolicy::new(), Some(error.clone())),
    };
    match Mode::current() {
        Mode::Connection => html! { <WidgetView {allowed} {config_error} /> },
        Mode::Plain => html! { <plain::PlainWidget {allowed} {config_error} /> },
    }
}

#[derive(Properties, PartialEq)]
struct WidgetProps {
    allowed: OriginPolicy,
    #[prop_or_default]
    config_error: Option<String>,
}

#[component]
fn WidgetView(props: &WidgetProps) -> Html {
    let location = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let allowed = props.allowed.clone();
    let config_error = props.config_error.clone();
    let received = use_reducer(Log::<Entry>::default);
    // "Clear" hides the entries added before this count.
    let shown_from = use_state(|| 0_usize);
    let notes = use_reducer(Log::<String>::default);
    let refused = use_refused();

    let tally = use_reducer(Tally::default);
    let handlers = {
        let on_message = received.dispatcher();
        let on_tally = tally.dispatcher();
        let on_request = received.dispatcher();
        let location = location.clone();
        Handlers::<HostPage, Widget>::new()
            .on_message(move |message, host| match message {
                HostToChild::Text(text) => on_message.dispatch(entry(host.origin().as_str(), text)),
                HostToChild::Tally(seq) => on_tally.dispatch(seq),
            })
            .on_request_async(move |request, host| {
                let (delay, answer) = match request {
                    WidgetRequest::Greet(text) => {
                        on_request.dispatch(entry(host.origin().as_str(), text));
                        (0, Ok(WidgetResponse::greeting_from(&location)))
                    }
                    WidgetRequest::Location => (0, Ok(WidgetResponse::Location(location.clone()))),
                    WidgetRequest::Add(a, b) => (
                        0,
                        a.checked_add(b)
                            .map(WidgetResponse::Sum)
                            .ok_or_else(|| "the sum overflows".to_owned()),
                    ),
                    WidgetRequest::Wait(millis) => (millis, Ok(WidgetResponse::Waited(millis))),
                };
                async move {
                    if delay > 0 {
                        // Any u32 of milliseconds: past ~24.8 days one browser timer cannot hold it.
                        crossframe::timer::sleep(Duration::from_millis(delay.into())).await;
                    }
                    answer
                }
            })
    };
    let options = ConnectionOptions::parent(allowed.clone())
        .on_drop(refused.callback())
        .wire(crossframe_demo_child::WIRE);
    let link = use_connection::<HostPage, Widget>(options, handlers);

    let on_send = {
        let link = link.clone();
        let notes = notes.dispatcher();
        Callback::from(move |text: String| {
            if let Err(error) = link.send(&ChildToHost::Text(text)) {
                notes.dispatch(format!("not sent: {error}"));
            }
        })
    };
    let burst = {
        let link = link.clone();
        let notes = notes.dispatcher();
        move |_| {
            let sent = (0..BURST)
                .map(|seq| link.send(&ChildToHost::Tally(seq)))
                .take_while(Result::is_ok)
                .count();
            notes.dispatch(format!("sent {sent} of {BURST}"));
        }
    };
    let ask_title = {
        let link = link.clone();
        let notes = notes.dispatcher();
        move |_| {
            let call = link.call(HostRequest::Title);
            let notes = notes.clone();
            wasm_bindgen_futures::spawn_local(async move {
                notes.dispatch(match call.await {
                    Ok(HostResponse::Title(title)) => format!("the host's title is {title:?}"),
                    Err(error) => format!("call failed: {error}"),
                });
            });
        }
    };

    html! {
        <main class="child">
            <h1>{ "crossframe child widget" }</h1>
            <p class="meta">
                { "I run at " }<code data-testid="location">{ location }</code>
                { "; hosts allowed: " }<code>{ allowed.to_string() }</code>
            </p>
            <p class="meta" data-testid="mode">{ "Mode: " }{ Mode::Connection.describe() }</p>
            if let Some(error) = config_error {
                <p class="error" data-testid="config-error">
                    { format!("Bad configuration, refusing all messages: {error}") }
                </p>
            }
            <p class={classes!("status", state_class(link.state()))} data-testid="state">
                { link.state().to_string() }
            </p>
            <SendForm on_send={on_send} test_id="child-input" placeholder="Message to the host" />
            <p>
                <button data-testid="call-title" onclick={ask_title}
                    disabled={!link.state().is_connected()}>
                    { "Ask the host for its title" }
                </button>
                <button data-testid="burst" onclick={burst}>{ format!("Send {BURST} to the host") }</button>
            </p>
            <p data-testid="tally">{ tally.summary() }</p>
            <ul class="notes" data-testid="notes">
                { for notes.entries.iter().map(|note| html! { <li>{ note }</li> }) }
            </ul>
            <h2>
                { "Received " }
                <button data-testid="clear" onclick={
                    let shown_from = shown_from.clone();
                    let total = received.total;
                    move |_| shown_from.set(total)
                }>{ "Clear" }</button>
            </h2>
            <ol class="log" data-testid="received">
                { for received.since(*shown_from).map(|entry| log_item(entry, false)) }
            </ol>
            <p class="refused" data-testid="refused">{ refused.summary() }</p>
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
