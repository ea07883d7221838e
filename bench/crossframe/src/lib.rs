//! What the benchmark's crossframe host and child pages share: the payloads
//! (the same values as `bench/pages/common/payloads.js`), the two sides'
//! [`Api`]s, and small helpers; [`raw_port`] is the `wasm-port` variant's
//! transport (no crossframe).
//!
//! Bench pages take their peer's origin from their URL, as the page contract
//! requires; a real widget must never do that (see README, configuration).

pub mod raw_port;

use crossframe::Api;
use serde::{Deserialize, Serialize};

/// `{id, t}`, with `data` (a string) or `rows` for the larger payloads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payload {
    /// Numbers the message.
    pub id: u64,
    /// The sender's `performance.now()`.
    pub t: f64,
    /// The `1k`, `64k` and `1m` payloads' string.
    // No `skip_serializing_if`: binary frames (postcard) need every field.
    #[serde(default)]
    pub data: Option<String>,
    /// The `64k-obj` payload's records.
    #[serde(default)]
    pub rows: Option<Vec<Row>>,
}

/// One record of `64k-obj`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Its index.
    pub i: u32,
    /// `row-<i>`.
    pub name: String,
    /// `i / 4`.
    pub score: f64,
    /// `["alpha", "beta"]`.
    pub tags: Vec<String>,
    /// `i % 2 == 0`.
    pub ok: bool,
}

const ALPHABET: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";

fn text(len: usize) -> String {
    ALPHABET.chars().cycle().take(len).collect()
}

/// The named payload (`small`, `1k`, `64k`, `64k-obj`, `1m`) with this id.
pub fn payload(name: &str, id: u64) -> Option<Payload> {
    let mut payload = Payload {
        id,
        t: 0.0,
        data: None,
        rows: None,
    };
    match name {
        "small" => {}
        "1k" => payload.data = Some(text(1024)),
        "64k" => payload.data = Some(text(65536)),
        "1m" => payload.data = Some(text(1_048_576)),
        "64k-obj" => {
            payload.rows = Some(
                (0..870)
                    .map(|i| Row {
                        i,
                        name: format!("row-{i}"),
                        score: f64::from(i) / 4.0,
                        tags: vec!["alpha".into(), "beta".into()],
                        ok: i % 2 == 0,
                    })
                    .collect(),
            )
        }
        _ => return None,
    }
    Some(payload)
}

/// What the bench child offers.
#[derive(Debug)]
pub struct Child;

impl Api for Child {
    type Message = ToChild;
    type Request = Ask;
    type Response = Answer;
}

/// What the bench host offers.
#[derive(Debug)]
pub struct Host;

impl Api for Host {
    type Message = ToHost;
    type Request = ();
    type Response = ();
}

/// One-way messages to the child (also the `wasm-port` variant's, postcard
/// on a bare port).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ToChild {
    /// Echo this back (the message variant's round trip).
    Echo(Payload),
    /// One of a burst: count it.
    Burst(u64),
    /// How many burst messages since the last question? (answered with `ToHost::Count`)
    HowMany,
}

/// One-way messages to the host (also the `wasm-port` variant's).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ToHost {
    /// The echo.
    Echo(Payload),
    /// The burst count.
    Count(u64),
}

/// Calls to the child (the call variant).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Ask {
    /// Answer with this payload.
    Echo(Payload),
    /// How many burst messages since the last question?
    HowMany,
}

/// The child's answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Answer {
    /// The echo.
    Echo(Payload),
    /// The burst count.
    Count(u64),
}

/// What a page offers on the port, from its path: `/crossframe-call-json/`
/// plain v1 JSON frames, `/crossframe-call-batch/` JSON batches, otherwise
/// batches of binary frames.
pub fn wire_from_path() -> crossframe::wire::WireOptions {
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    crossframe::wire::WireOptions {
        batch: !path.contains("-json/"),
        binary: !path.contains("-json/") && !path.contains("-batch/"),
    }
}

thread_local! {
    /// The page's `Performance`, looked up once: the JS pages call
    /// `performance.now()` directly, so the Rust pages' clock should not
    /// cost three calls into JS per reading either.
    static PERFORMANCE: Option<web_sys::Performance> =
        web_sys::window().and_then(|w| w.performance());
}

/// No method of `window.bench` may hang: each fails after this.
pub const DEADLINE_MS: u32 = 60_000;

/// A JS `Error` with this message.
pub fn error(message: impl std::fmt::Display) -> wasm_bindgen::JsValue {
    js_sys::Error::new(&message.to_string()).into()
}

/// Runs `work` as a JS promise that rejects after [`DEADLINE_MS`].
pub fn promise(
    what: &'static str,
    work: impl std::future::Future<Output = Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>>
        + 'static,
) -> js_sys::Promise {
    use futures::future::{select, Either};
    wasm_bindgen_futures::future_to_promise(async move {
        let deadline = gloo_timers::future::TimeoutFuture::new(DEADLINE_MS);
        match select(Box::pin(work), deadline).await {
            Either::Left((result, _)) => result,
            Either::Right(_) => Err(error(format!("{what}: no answer within {DEADLINE_MS} ms"))),
        }
    })
}

/// What `window.bench.describe()` resolves with: the page's transport, in
/// words, and that it measures one-way messages too.
pub fn describe(transport: &str) -> js_sys::Promise {
    let description = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&description, &"transport".into(), &transport.into());
    let _ = js_sys::Reflect::set(&description, &"oneWay".into(), &true.into());
    js_sys::Promise::resolve(&wasm_bindgen::JsValue::from(description))
}

/// Makes `bench` the page's `window.bench` (the page contract).
pub fn install_bench(bench: &js_sys::Object) -> Result<(), wasm_bindgen::JsValue> {
    let window = web_sys::window().ok_or_else(|| error("no window"))?;
    js_sys::Reflect::set(&window, &"bench".into(), bench)?;
    Ok(())
}

/// `performance.now()` in milliseconds.
pub fn now() -> f64 {
    PERFORMANCE.with(|p| p.as_ref().map(|p| p.now()).unwrap_or_default())
}

/// A query parameter of this page's URL.
pub fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}
