//! Deploy-time configuration: a `config.json` beside `index.html`, read at
//! start-up, so a deployed bundle can be pointed elsewhere without a rebuild.

use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Fetches and parses `config.json` from beside the page: `Ok(None)` when
/// there is none (404: use the build's defaults), `Err` with a reason when it
/// cannot be read or parsed (the app must then refuse to talk).
///
/// An HTML page in its place is an error too, never "no config": a server
/// that answers every unknown path with `index.html` (a single-page-app
/// fallback) must not make a broken deployment look like a missing file.
/// `trunk serve` has that fallback off (`no_spa` in both `Trunk.toml`s).
pub async fn load<T: DeserializeOwned>() -> Result<Option<T>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoCache);
    let response = JsFuture::from(window.fetch_with_str_and_init("config.json", &init))
        .await
        .map_err(|e| format!("config.json could not be fetched: {e:?}"))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| "config.json: not a response".to_owned())?;
    if response.status() == 404 {
        return Ok(None);
    }
    if !response.ok() {
        return Err(format!("config.json: HTTP {}", response.status()));
    }
    let content_type = response
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default();
    if is_html(&content_type) {
        return Err(format!(
            "config.json: the server answered with a web page ({content_type}), not JSON \
             (does it serve index.html for missing files?)"
        ));
    }
    let text = JsFuture::from(response.text().map_err(|e| format!("config.json: {e:?}"))?)
        .await
        .map_err(|e| format!("config.json: {e:?}"))?
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| format!("config.json is not valid: {e}"))
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
