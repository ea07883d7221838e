//! The demo host page: embeds the child widget from another origin, connects
//! to it, greets it with "Hello" as soon as it is connected, calls it, and
//! logs every message and call with origin, time and latency.
//!
//! Query parameters (for trying things out and for the tests):
//! `?children=N` embeds N widgets (1-4), each with its own connection;
//! `?path=/p` loads the widget from that path on the configured child origin
//! (never another origin); `?slow=MS` is how long the widget takes to answer
//! the "Slow answer" buttons (default 3000: a test passes 600000, so that a
//! call is still pending by construction whatever the machine's speed).
//! `?mode=plain` is the seed scenario with plain messaging instead of a
//! connection (`use_post_message` and `Received::reply`, see `plain.rs`);
//! the widget is then embedded with `?mode=plain` too.

mod plain;

use std::time::Duration;

use crossframe::{use_connection, CallError, ConnectionOptions, Handlers, Origin};
use crossframe_demo_child::config::{load, without_config, HostConfig, RELEASE};
use crossframe_demo_child::ui::{
    log_item, state_class, use_refused, Direction, Entry, Log, Mode, SendForm, Tally, BURST,
};
use crossframe_demo_child::{
    ChildToHost, HostPage, HostRequest, HostResponse, Widget, WidgetRequest, WidgetResponse,
};
use yew::prelude::*;

/// Where the child widget is served, as this build was given it
/// (`CROSSFRAME_CHILD_URL`), for when no `config.json` is deployed.
const CHILD_URL: Option<&str> = option_env!("CROSSFRAME_CHILD_URL");
/// The widget of `scripts/run.sh`, for a development build given no URL.
const DEVELOPMENT_CHILD_URL: &str = "http://localhost:8081/";

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_default()
}

fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// The widget's URL (the configured one, or `?path=` on its origin) and origin.
fn child_target(child_url: &str) -> Result<(String, Origin), String> {
    let base = web_sys::Url::new(child_url).map_err(|_| format!("{child_url:?} is not a URL"))?;
    let origin = Origin::parse(&base.origin()).map_err(|e| e.to_string())?;
    let url = match query("path").filter(|p| p.starts_with('/') && !p.starts_with("//")) {
        Some(path) => format!("{origin}{path}"),
        None => child_url.to_owned(),
    };
    Ok((url, origin))
}

/// `url` with `?mode=plain` when `mode` is plain (the widget follows the
/// host's mode), else unchanged.
fn in_mode(url: &str, mode: Mode) -> Result<String, String> {
    match mode {
        Mode::Connection => Ok(url.to_owned()),
        Mode::Plain => {
            let url = web_sys::Url::new(url).map_err(|_| format!("{url:?} is not a URL"))?;
            url.search_params().set("mode", "plain");
            Ok(url.href())
        }
    }
}

/// This page's URL in the other mode (other parameters kept).
fn other_mode_href(mode: Mode) -> String {
    let fallback = match mode {
        Mode::Connection => "?mode=plain",
        Mode::Plain => "?",
    };
    let Some(href) = web_sys::window().and_then(|w| w.location().href().ok()) else {
        return fallback.to_owned();
    };
    let Ok(url) = web_sys::Url::new(&href) else {
        return fallback.to_owned();
    };
    match mode {
        Mode::Connection => url.search_params().set("mode", "plain"),
        Mode::Plain => url.search_params().delete("mode"),
    }
    url.href()
}

/// Loads the deployed `config.json` from beside the bundle (or, without one,
/// the child URL the build was given: a release build given none shows an
/// error rather than embed the development default).
#[component]
fn App() -> Html {
    let child_url = use_state(|| None::<Result<String, String>>);
    {
        let child_url = child_url.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let loaded = match load::<HostConfig>().await {
                    Ok(Some(config)) => Ok(config.child_url),
                    Ok(None) => without_config(
                        "CROSSFRAME_CHILD_URL",
                        CHILD_URL,
                        DEVELOPMENT_CHILD_URL,
                        RELEASE,
                    )
                    .map(str::to_owned),
                    Err(error) => Err(error),
                };
                if let Err(error) = &loaded {
                    web_sys::console::error_1(&format!("crossframe host: {error}").into());
                }
                child_url.set(Some(loaded));
            });
        });
    }
    match &*child_url {
        None => html! { <main class="host"><p>{ "Loading configuration…" }</p></main> },
        Some(Ok(url)) => html! { <Page child_url={url.clone()} /> },
        Some(Err(error)) => html! {
            <main class="host"><p class="error" data-testid="config-error">{ error }</p></main>
        },
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    child_url: AttrValue,
}

#[component]
fn Page(props: &PageProps) -> Html {
    let count = query("children")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 4);
    let page_origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let mode = Mode::current();
    let target =
        child_target(&props.child_url).and_then(|(url, origin)| Ok((in_mode(&url, mode)?, origin)));
    let switch = match mode {
        Mode::Connection => "switch to plain messaging",
        Mode::Plain => "switch to a connection",
    };
    html! {
        <main class="host">
            <h1>{ "crossframe demo host" }</h1>
            <p class="meta">
                { "This page: " }<code>{ page_origin }</code>
                { " — widget: " }<code>{ props.child_url.clone() }</code>
            </p>
            <p class="meta" data-testid="mode">
                { "Mode: " }{ mode.describe() }{ " — " }
                <a data-testid="mode-switch" href={other_mode_href(mode)}>{ switch }</a>
            </p>
            { match (target, mode) {
                (Ok((url, origin)), Mode::Connection) => html! {
                    for index in 0..count {
                        <Embed key={index} {index} url={url.clone()} origin={origin.clone()} />
                    }
                },
                (Ok((url, origin)), Mode::Plain) => html! {
                    <plain::PlainEmbed {url} {origin} />
                },
                (Err(error), _) => html! {
                    <p class="error" data-testid="config-error">
                        { format!("Bad child URL, not talking to it: {error}") }
                    </p>
                },
            } }
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct EmbedProps {
    index: usize,
    url: AttrValue,
    origin: Origin,
}

/// One embedded widget: its iframe, its log, and (switchable) its connection.
#[component]
fn Embed(props: &EmbedProps) -> Html {
    let iframe = use_node_ref();
    let log = use_reducer(Log::<Entry>::default);
    let refused = use_refused();
    let enabled = use_state(|| true);
    let toggle = {
        let enabled = enabled.clone();
        move |_| enabled.set(!*enabled)
    };
    html! {
        <section class="embed" data-testid={format!("embed-{}", props.index)}>
            if *enabled {
                <Connector iframe={iframe.clone()} origin={props.origin.clone()}
                    log={log.dispatcher()} on_drop={refused.callback()} />
            } else {
                <p class="status disconnected" data-testid="status">{ "switched off" }</p>
            }
            <p class="controls">
                <button data-testid="toggle" onclick={toggle}>
                    { if *enabled { "Switch the connection off" } else { "Switch it on" } }
                </button>
            </p>
            <iframe ref={iframe} src={props.url.clone()} title="crossframe child widget"
                data-testid="child-frame" />
            <h2>{ "Messages and calls" }</h2>
            <ol class="log" data-testid="log">
                { for log.entries.iter().map(|entry| log_item(entry, true)) }
            </ol>
            <p class="refused" data-testid="refused">{ refused.summary() }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ConnectorProps {
    iframe: NodeRef,
    origin: Origin,
    log: UseReducerDispatcher<Log<Entry>>,
    on_drop: Callback<crossframe::Dropped>,
}

/// Owns the connection to one widget while mounted.
#[component]
fn Connector(props: &ConnectorProps) -> Html {
    let log = props.log.clone();
    let tally = use_reducer(Tally::default);
    let handlers = {
        let log = log.clone();
        let tally = tally.dispatcher();
        Handlers::<Widget, HostPage>::new()
            .on_message(move |message, widget| match message {
                ChildToHost::Text(text) => log.dispatch(Entry::new(
                    Direction::Received,
                    widget.origin().as_str(),
                    text,
                )),
                ChildToHost::Tally(seq) => tally.dispatch(seq),
            })
            .on_request(|HostRequest::Title, _widget| {
                let title = web_sys::window()
                    .and_then(|w| w.document())
                    .map(|d| d.title())
                    .unwrap_or_default();
                Ok(HostResponse::Title(title))
            })
    };
    let options = ConnectionOptions::frame(props.iframe.clone(), props.origin.clone())
        .on_drop(props.on_drop.clone())
        .wire(crossframe_demo_child::WIRE);
    let link = use_connection::<Widget, HostPage>(options, handlers);

    // Calls the widget and logs the call, then its answer with the latency.
    let call = {
        let link = link.clone();
        let log = log.clone();
        let origin = props.origin.clone();
        Callback::from(move |(request, timeout): (WidgetRequest, Duration)| {
            let shown = match &request {
                WidgetRequest::Greet(text) => text.clone(),
                other => format!("call {other:?}"),
            };
            log.dispatch(Entry::new(Direction::Sent, origin.as_str(), shown));
            let started = now_ms();
            let answer = link.call_with_timeout(request, timeout);
            let log = log.clone();
            let origin = origin.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = answer.await;
                // JS formats the number: Rust's float formatting is heavy in wasm.
                let millis = js_sys::Number::from(now_ms() - started).to_fixed(2);
                let latency = format!(
                    "{} ms",
                    millis.ok().and_then(|s| s.as_string()).unwrap_or_default()
                );
                let entry = match result {
                    Ok(response) => {
                        Entry::new(Direction::Received, origin.as_str(), describe(response))
                    }
                    Err(error) => Entry::new(Direction::Note, origin.as_str(), call_failed(&error)),
                };
                log.dispatch(entry.with_aside("latency", latency));
            });
        })
    };
    {
        // Greet the widget each time the connection comes up.
        let call = call.clone();
        let connected = link.state().is_connected();
        use_effect_with(connected, move |connected| {
            if *connected {
                call.emit((
                    WidgetRequest::Greet("Hello".to_owned()),
                    crossframe::DEFAULT_CALL_TIMEOUT,
                ));
            }
        });
    }
    let greet = {
        let call = call.clone();
        Callback::from(move |text: String| {
            call.emit((WidgetRequest::Greet(text), crossframe::DEFAULT_CALL_TIMEOUT))
        })
    };
    let burst = {
        let link = link.clone();
        let log = log.clone();
        let origin = props.origin.clone();
        move |_| {
            let sent = (0..BURST)
                .map(|seq| link.send(&crossframe_demo_child::HostToChild::Tally(seq)))
                .take_while(Result::is_ok)
                .count();
            let note = format!("sent {sent} of {BURST}");
            log.dispatch(Entry::new(Direction::Note, origin.as_str(), note));
        }
    };
    let button = |test_id: &'static str, label: String, request: WidgetRequest, timeout: u64| {
        let call = call.clone();
        let onclick = move |_| call.emit((request.clone(), Duration::from_millis(timeout)));
        html! { <button data-testid={test_id} {onclick}>{ label }</button> }
    };
    let slow = query("slow")
        .and_then(|ms| ms.parse::<u32>().ok())
        .unwrap_or(3_000);
    let slow_label = format!("{slow} ms");
    html! {
        <>
            <p class={classes!("status", state_class(link.state()))} data-testid="status">
                { link.state().to_string() }
            </p>
            <SendForm on_send={greet} test_id="host-input" placeholder="Message to the widget" />
            <p class="controls">
                { button("call-location", "Where are you?".into(), WidgetRequest::Location, 5_000) }
                { button("call-add", "2 + 3".into(), WidgetRequest::Add(2, 3), 5_000) }
                { button("call-slow", format!("Slow answer ({slow_label})"), WidgetRequest::Wait(slow), u64::from(slow) + 7_000) }
                { button("call-timeout", format!("Slow answer ({slow_label}), 1 s timeout"), WidgetRequest::Wait(slow), 1_000) }
                <button data-testid="burst" onclick={burst}>{ format!("Send {BURST} to the widget") }</button>
            </p>
            <p data-testid="tally">{ tally.summary() }</p>
        </>
    }
}

fn describe(response: WidgetResponse) -> String {
    match response {
        WidgetResponse::Greeting { text, .. } => text,
        WidgetResponse::Location(location) => format!("location: {location}"),
        WidgetResponse::Sum(sum) => format!("sum: {sum}"),
        WidgetResponse::Waited(millis) => format!("waited {millis} ms"),
    }
}

fn call_failed(error: &CallError) -> String {
    format!("call failed: {error}")
}

fn main() {
    yew::Renderer::<App>::new().render();
}
