//! Deploy-time configuration: a `config.json` beside `index.html`, read at
//! start-up, so a deployed bundle can be pointed elsewhere without a rebuild.
//!
//! It is read from one fixed place: beside the bundle's own script, at the
//! bundle's public URL ([`url`]), never relative to the page. A server that
//! answers every path with the app (a single-page-app server, or one that
//! hosts users' files at `/u/<name>/`) would otherwise let whoever controls
//! `/u/evil/config.json` configure a widget framed at `/u/evil/`.

use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// `import.meta.url` of the wasm-bindgen module this code is part of: the
    /// script trunk's `index.html` imports from the bundle's public URL
    /// (`/crossframe-demo-child-<hash>.js`), whatever the page's own URL.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static MODULE_URL: js_sys::JsString;
}

/// Where `config.json` is read from: beside the app's own script (the
/// bundle's public URL), not beside the page. The page's path, query or
/// fragment (`/u/evil/`, `/index.html/..;/`, `?x=/`) cannot move it: trunk
/// writes the script's address into `index.html` from the public URL it was
/// built with, which is absolute (`/` by default, or `PUBLIC_URL` in
/// `scripts/build.sh`, which refuses a relative one).
pub fn url() -> Result<String, String> {
    let module = MODULE_URL.with(|url| String::from(url));
    web_sys::Url::new_with_base("config.json", &module)
        .map(|url| url.href())
        .map_err(|_| format!("config.json: the app's script URL {module:?} is not a URL"))
}

/// Fetches and parses `config.json` from beside the bundle ([`url`]):
/// `Ok(None)` when there is none (404: see [`without_config`]), `Err` with a
/// reason when it cannot be read or parsed (the app must then refuse to talk).
///
/// An HTML page in its place is an error too, never "no config": a server
/// that answers every unknown path with `index.html` (a single-page-app
/// fallback) must not make a broken deployment look like a missing file.
/// `trunk serve` has that fallback off (`no_spa` in both `Trunk.toml`s).
pub async fn load<T: DeserializeOwned>() -> Result<Option<T>, String> {
    let url = url()?;
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoCache);
    let response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|e| format!("{url} could not be fetched: {e:?}"))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| format!("{url}: not a response"))?;
    if response.status() == 404 {
        return Ok(None);
    }
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let content_type = response
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default();
    if is_html(&content_type) {
        return Err(format!(
            "{url}: the server answered with a web page ({content_type}), not JSON \
             (does it serve index.html for missing files?)"
        ));
    }
    let text = JsFuture::from(response.text().map_err(|e| format!("{url}: {e:?}"))?)
        .await
        .map_err(|e| format!("{url}: {e:?}"))?
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| format!("{url} is not valid: {e}"))
}

/// Whether this is a release build (`trunk build --release`), where a
/// missing `config.json` may not fall back to a development default.
pub const RELEASE: bool = !cfg!(debug_assertions);

/// What an app runs with when there is no `config.json` beside its bundle:
/// the value its build was given in `variable` (`baked`, from
/// `option_env!`), which someone chose for this build; failing that, in a
/// development build (`trunk serve`), the development default. A release
/// build given neither fails closed with a visible error rather than trust a
/// development origin in production: deploy a `config.json` or build with
/// `variable` set.
///
/// ```
/// use crossframe_demo_child::config::without_config;
/// let var = "CROSSFRAME_HOST_ORIGINS";
/// let dev = "http://127.0.0.1:8080";
/// // The build named the value: it holds, release or not.
/// assert_eq!(without_config(var, Some("https://shop.example"), dev, true), Ok("https://shop.example"));
/// assert_eq!(without_config(var, Some("https://shop.example"), dev, false), Ok("https://shop.example"));
/// // Nothing named: the development default in a development build only.
/// assert_eq!(without_config(var, None, dev, false), Ok(dev));
/// let error = without_config(var, None, dev, true).unwrap_err();
/// assert!(error.contains("CROSSFRAME_HOST_ORIGINS"), "{error}");
/// ```
pub fn without_config(
    variable: &str,
    baked: Option<&'static str>,
    development_default: &'static str,
    release: bool,
) -> Result<&'static str, String> {
    match baked {
        Some(value) => Ok(value),
        None if !release => Ok(development_default),
        None => Err(format!(
            "no config.json beside the app, and this release build was not given \
             {variable}: deploy a config.json or rebuild with {variable} set \
             (not falling back to the development default {development_default})"
        )),
    }
}

/// Whether a `Content-Type` is HTML (what a fallback page is served as).
///
/// ```
/// use crossframe_demo_child::config::is_html;
/// assert!(is_html("text/html; charset=utf-8"));
/// assert!(is_html("Text/HTML"));
/// assert!(!is_html("application/json"));
/// assert!(!is_html(""));
/// ```
pub fn is_html(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("text/html")
        || essence.eq_ignore_ascii_case("application/xhtml+xml")
}

/// The widget's `config.json`.
///
/// ```
/// let config: crossframe_demo_child::config::WidgetConfig =
///     serde_json::from_str(r#"{"allowedHosts": ["https://shop.example"]}"#).unwrap();
/// assert_eq!(config.allowed_hosts, ["https://shop.example"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WidgetConfig {
    /// Origins (or `https://*.example.com` patterns) of pages allowed to
    /// embed and talk to the widget.
    pub allowed_hosts: Vec<String>,
}

impl WidgetConfig {
    /// The allow-list; an entry that does not parse makes the whole
    /// configuration invalid (nothing falls back to anything open).
    ///
    /// ```
    /// use crossframe_demo_child::config::WidgetConfig;
    /// let bad = WidgetConfig { allowed_hosts: vec!["*".into()] };
    /// assert!(bad.policy().is_err());
    /// ```
    pub fn policy(&self) -> Result<crossframe::OriginPolicy, String> {
        if self.allowed_hosts.is_empty() {
            return Err("allowedHosts is empty".to_owned());
        }
        self.allowed_hosts
            .iter()
            .try_fold(crossframe::OriginPolicy::new(), |policy, entry| {
                policy.allow_entry(entry)
            })
            .map_err(|e| format!("allowedHosts: {e}"))
    }
}

/// The host page's `config.json`.
///
/// ```
/// let config: crossframe_demo_child::config::HostConfig =
///     serde_json::from_str(r#"{"childUrl": "https://widget.example/"}"#).unwrap();
/// assert_eq!(config.child_url, "https://widget.example/");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HostConfig {
    /// Where the widget is served.
    pub child_url: String,
}
