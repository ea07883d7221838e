//! Origins and the allow-list that decides which of them may talk to us.
//!
//! Browsers serialise `MessageEvent.origin` as `scheme://host[:port]` with a
//! lowercase ASCII host and no default port, or as `"null"` for opaque origins
//! (sandboxed frames, `data:` URLs). [`Origin::parse`] brings configuration
//! strings into that same form, so that matching an incoming origin is a
//! comparison of parsed parts, never a substring test.
//!
//! The parser is hand-written rather than built on the `url` crate: an origin
//! is a tiny grammar, and `url`'s IDNA tables would add about 100 KB to every
//! widget's wasm. Non-ASCII hosts are refused with a hint to write them in
//! punycode, as browsers serialise them.

use std::fmt;

use thiserror::Error;

/// Why a string is not a usable origin.
///
/// ```
/// use crossframe::{Origin, OriginError};
/// assert!(matches!(Origin::parse("*"), Err(OriginError::Wildcard)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OriginError {
    /// The string was empty.
    #[error("an origin cannot be empty")]
    Empty,
    /// `*` is a target-origin wildcard, never an origin.
    #[error("\"*\" is not an origin: list the exact origins to allow")]
    Wildcard,
    /// No `scheme://` prefix.
    #[error("{0:?} has no scheme: write it as scheme://host[:port], e.g. https://example.com")]
    MissingScheme(String),
    /// The scheme has characters a scheme cannot have.
    #[error("{0:?} has an invalid scheme")]
    InvalidScheme(String),
    /// Anything after the host and port: a path, query, fragment or credentials.
    #[error("{0:?} is a URL, not an origin: drop everything after host[:port]")]
    NotAnOrigin(String),
    /// The host is empty or has characters a host name cannot have.
    #[error("{0:?} has an invalid host (non-ASCII hosts must be written in punycode)")]
    InvalidHost(String),
    /// The port is not a number from 1 to 65535.
    #[error("{0:?} has an invalid port")]
    InvalidPort(String),
    /// A `*.` wildcard where the pattern form is not allowed, or in the wrong place.
    #[error("{0:?}: a wildcard may only stand for subdomains, as in https://*.example.com")]
    InvalidWildcard(String),
}

/// A normalised web origin: `scheme://host[:port]`, or the opaque `null`.
///
/// Scheme and host are lowercased and the scheme's default port is dropped, so
/// two `Origin`s are equal exactly when a browser would call them the same
/// origin. An `Origin` is never `*`, which is why every send in crossframe
/// takes one: the type cannot express "any origin".
///
/// ```
/// use crossframe::Origin;
/// let origin = Origin::parse("HTTP://LocalHost:80/").unwrap();
/// assert_eq!(origin.as_str(), "http://localhost");
/// assert!(Origin::parse("http://example.com/path").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin(String);

/// The parts of a tuple origin; borrowed from the string being parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parts<'a> {
    scheme: &'a str,
    host: &'a str,
    port: Option<u16>,
}

impl Origin {
    /// The opaque origin of sandboxed frames and `data:` documents.
    ///
    /// It can be allowed explicitly ([`OriginPolicy::allow_null`]) but never
    /// answered: the only target origin that reaches it is `*`.
    ///
    /// ```
    /// use crossframe::Origin;
    /// assert_eq!(Origin::null().as_str(), "null");
    /// ```
    pub fn null() -> Self {
        Origin("null".to_owned())
    }

    /// Parses and normalises an origin (`scheme://host[:port]`, with at most a
    /// trailing `/`), or `null`.
    ///
    /// ```
    /// use crossframe::Origin;
    /// assert_eq!(Origin::parse("https://Example.COM:443").unwrap().as_str(), "https://example.com");
    /// assert_eq!(Origin::parse("http://[::1]:8080").unwrap().as_str(), "http://[::1]:8080");
    /// assert!(Origin::parse("https://*.example.com").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Self, OriginError> {
        let trimmed = input.trim();
        if trimmed.eq_ignore_ascii_case("null") {
            return Ok(Self::null());
        }
        let (scheme, host, port) = split(trimmed)?;
        if host.starts_with("*.") || host.contains('*') {
            return Err(OriginError::InvalidWildcard(input.to_owned()));
        }
        let scheme = scheme.to_ascii_lowercase();
        let host = host.to_ascii_lowercase();
        Ok(Origin(serialise(Parts {
            scheme: &scheme,
            host: &host,
            port: without_default(&scheme, port),
        })))
    }

    /// Returns the serialised origin, as a browser would write it.
    ///
    /// ```
    /// use crossframe::Origin;
    /// assert_eq!(Origin::parse("http://localhost:8081").unwrap().as_str(), "http://localhost:8081");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the opaque `null` origin, which cannot be posted to.
    ///
    /// ```
    /// use crossframe::Origin;
    /// assert!(Origin::null().is_opaque());
    /// assert!(!Origin::parse("https://a.example").unwrap().is_opaque());
    /// ```
    pub fn is_opaque(&self) -> bool {
        self.0 == "null"
    }

    /// The origin's parts, or `None` for `null`.
    fn parts(&self) -> Option<Parts<'_>> {
        if self.is_opaque() {
            return None;
        }
        let (scheme, rest) = self.0.split_once("://")?;
        let (host, port) = split_port(rest).ok()?;
        Some(Parts { scheme, host, port })
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Origin {
    type Err = OriginError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Origin::parse(s)
    }
}

/// Splits `scheme://host[:port][/]` into checked parts (host may hold `*`).
fn split(input: &str) -> Result<(&str, &str, Option<u16>), OriginError> {
    if input.is_empty() {
        return Err(OriginError::Empty);
    }
    if input == "*" {
        return Err(OriginError::Wildcard);
    }
    let Some((scheme, rest)) = input.split_once("://") else {
        return Err(OriginError::MissingScheme(input.to_owned()));
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return Err(OriginError::InvalidScheme(input.to_owned()));
    }
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains(['/', '?', '#', '@', '\\']) {
        return Err(OriginError::NotAnOrigin(input.to_owned()));
    }
    let (host, port) = split_port(rest).map_err(|bad| match bad {
        PortOrHost::Port => OriginError::InvalidPort(input.to_owned()),
        PortOrHost::Host => OriginError::InvalidHost(input.to_owned()),
    })?;
    if !valid_host(host) {
        return Err(OriginError::InvalidHost(input.to_owned()));
    }
    Ok((scheme, host, port))
}

enum PortOrHost {
    Port,
    Host,
}

/// Splits `host[:port]`, where host may be a bracketed IPv6 literal.
fn split_port(rest: &str) -> Result<(&str, Option<u16>), PortOrHost> {
    let (host, port) = if let Some(after_bracket) = rest.strip_prefix('[') {
        let end = after_bracket.find(']').ok_or(PortOrHost::Host)?;
        let host = &rest[..end + 2];
        match &rest[end + 2..] {
            "" => (host, None),
            tail => (host, Some(tail.strip_prefix(':').ok_or(PortOrHost::Host)?)),
        }
    } else {
        match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        }
    };
    let port = match port {
        None => None,
        Some(digits) => {
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(PortOrHost::Port);
            }
            match digits.parse::<u16>() {
                Ok(0) | Err(_) => return Err(PortOrHost::Port),
                Ok(port) => Some(port),
            }
        }
    };
    Ok((host, port))
}

fn valid_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !inner.is_empty() && inner.chars().all(|c| c.is_ascii_hexdigit() || c == ':');
    }
    !host.is_empty()
        && !host.starts_with('.')
        && !host.contains("..")
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '*'))
}

fn without_default(scheme: &str, port: Option<u16>) -> Option<u16> {
    match (scheme, port) {
        ("http" | "ws", Some(80)) | ("https" | "wss", Some(443)) => None,
        _ => port,
    }
}

fn serialise(parts: Parts<'_>) -> String {
    match parts.port {
        Some(port) => format!("{}://{}:{}", parts.scheme, parts.host, port),
        None => format!("{}://{}", parts.scheme, parts.host),
    }
}

/// One entry of an [`OriginPolicy`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Rule {
    /// Exactly this origin.
    Exact(Origin),
    /// Any proper subdomain of `suffix` (stored with its leading dot), with
    /// this scheme and port.
    Subdomains {
        scheme: String,
        suffix: String,
        port: Option<u16>,
    },
}

impl Rule {
    fn matches(&self, origin: &Origin) -> bool {
        match self {
            Rule::Exact(allowed) => allowed == origin,
            Rule::Subdomains {
                scheme,
                suffix,
                port,
            } => origin.parts().is_some_and(|parts| {
                parts.scheme == scheme
                    && parts.port == *port
                    && parts.host.len() > suffix.len()
                    && parts.host.ends_with(suffix.as_str())
            }),
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Exact(origin) => origin.fmt(f),
            Rule::Subdomains {
                scheme,
                suffix,
                port,
            } => {
                let host = format!("*{suffix}");
                f.write_str(&serialise(Parts {
                    scheme,
                    host: &host,
                    port: *port,
                }))
            }
        }
    }
}

/// Why an origin was refused by an [`OriginPolicy`].
///
/// ```
/// use crossframe::{OriginPolicy, OriginRejected};
/// let policy = OriginPolicy::parse("https://app.example").unwrap();
/// assert!(matches!(policy.check("https://evil.example"), Err(OriginRejected::NotAllowed(_))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OriginRejected {
    /// The origin is well formed but not on the allow-list.
    #[error("origin {0} is not allowed")]
    NotAllowed(String),
    /// The opaque `null` origin (sandboxed frame, `data:` URL) and the policy
    /// does not allow it.
    #[error("origin \"null\" (a sandboxed or data: document) is not allowed")]
    Null,
    /// Not a serialised origin at all.
    #[error("origin {0:?} is malformed")]
    Malformed(String),
}

/// Which origins may talk to us: exact origins and `https://*.example.com`
/// subdomain patterns, `null` only when explicitly allowed, and "any origin"
/// only through the loudly named [`OriginPolicy::allow_any_origin`].
///
/// The empty policy refuses everything: there is no implicit default.
///
/// ```
/// use crossframe::OriginPolicy;
/// let policy = OriginPolicy::parse("http://127.0.0.1:8080, https://*.example.com").unwrap();
/// assert!(policy.allows("http://127.0.0.1:8080"));
/// assert!(policy.allows("https://shop.example.com"));
/// assert!(!policy.allows("https://example.com"));
/// assert!(!policy.allows("http://127.0.0.1:8080.evil.com"));
/// assert!(!policy.allows("null"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginPolicy {
    rules: Vec<Rule>,
    allow_null: bool,
    allow_any: bool,
}

impl OriginPolicy {
    /// A policy that allows nothing yet; add origins with [`OriginPolicy::allow`].
    ///
    /// ```
    /// use crossframe::OriginPolicy;
    /// assert!(!OriginPolicy::new().allows("https://example.com"));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// A policy that allows exactly one origin.
    ///
    /// ```
    /// use crossframe::{Origin, OriginPolicy};
    /// let policy = OriginPolicy::exact(Origin::parse("http://localhost:8081").unwrap());
    /// assert!(policy.allows("http://localhost:8081"));
    /// assert!(!policy.allows("http://localhost:8082"));
    /// ```
    pub fn exact(origin: Origin) -> Self {
        Self::new().allow(origin)
    }

    /// Adds an exact origin (`null` here is the same as [`OriginPolicy::allow_null`]).
    ///
    /// ```
    /// use crossframe::{Origin, OriginPolicy};
    /// let policy = OriginPolicy::new()
    ///     .allow(Origin::parse("https://a.example").unwrap())
    ///     .allow(Origin::parse("https://b.example").unwrap());
    /// assert!(policy.allows("https://b.example"));
    /// ```
    pub fn allow(mut self, origin: Origin) -> Self {
        if origin.is_opaque() {
            self.allow_null = true;
        } else if !self.rules.contains(&Rule::Exact(origin.clone())) {
            self.rules.push(Rule::Exact(origin));
        }
        self
    }

    /// Adds one entry: an exact origin or a subdomain pattern such as
    /// `https://*.example.com` (which matches `a.example.com` and
    /// `a.b.example.com`, but not `example.com` itself).
    ///
    /// ```
    /// use crossframe::OriginPolicy;
    /// let policy = OriginPolicy::new().allow_entry("https://*.example.com").unwrap();
    /// assert!(policy.allows("https://a.b.example.com"));
    /// assert!(!policy.allows("https://evilexample.com"));
    /// assert!(OriginPolicy::new().allow_entry("https://*").is_err());
    /// ```
    pub fn allow_entry(mut self, entry: &str) -> Result<Self, OriginError> {
        let trimmed = entry.trim();
        if trimmed.eq_ignore_ascii_case("null") {
            return Ok(self.allow_null());
        }
        let (scheme, host, port) = split(trimmed)?;
        if !host.contains('*') {
            return Ok(self.allow(Origin::parse(trimmed)?));
        }
        // `*.` then at least two non-empty labels, the last not a number: no
        // wildcard over a top-level domain (`*.com`, `*.com.`) or an IP (`*.0.0.1`).
        let suffix = host
            .strip_prefix('*')
            .filter(|s| s.starts_with('.') && !s.contains('*'))
            .filter(|s| {
                let labels: Vec<&str> = s[1..].split('.').collect();
                labels.len() >= 2
                    && labels.iter().all(|label| !label.is_empty())
                    && labels
                        .last()
                        .is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()))
            })
            .ok_or_else(|| OriginError::InvalidWildcard(entry.to_owned()))?;
        let scheme = scheme.to_ascii_lowercase();
        let rule = Rule::Subdomains {
            port: without_default(&scheme, port),
            scheme,
            suffix: suffix.to_ascii_lowercase(),
        };
        if !self.rules.contains(&rule) {
            self.rules.push(rule);
        }
        Ok(self)
    }

    /// Parses a comma- or whitespace-separated list of entries (see
    /// [`OriginPolicy::allow_entry`]). `*` is refused: use
    /// [`OriginPolicy::allow_any_origin`] if you really mean it.
    ///
    /// ```
    /// use crossframe::OriginPolicy;
    /// let policy = OriginPolicy::parse("http://127.0.0.1:8080 http://localhost:8080").unwrap();
    /// assert_eq!(policy.to_string(), "http://127.0.0.1:8080, http://localhost:8080");
    /// assert!(OriginPolicy::parse("*").is_err());
    /// ```
    pub fn parse(list: &str) -> Result<Self, OriginError> {
        list.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|entry| !entry.is_empty())
            .try_fold(Self::new(), |policy, entry| policy.allow_entry(entry))
    }

    /// Also allows the opaque `null` origin of sandboxed frames and `data:`
    /// documents. Any document can make itself `null`, so this allows *every*
    /// sandboxed frame; messages from them can be read but never answered.
    ///
    /// ```
    /// use crossframe::OriginPolicy;
    /// assert!(OriginPolicy::new().allow_null().allows("null"));
    /// ```
    pub fn allow_null(mut self) -> Self {
        self.allow_null = true;
        self
    }

    /// Accepts messages from every origin. Only for tools such as inspectors;
    /// the source-window check still applies, and sends still need an exact
    /// target origin.
    ///
    /// ```
    /// use crossframe::OriginPolicy;
    /// assert!(OriginPolicy::allow_any_origin().allows("https://anyone.example"));
    /// ```
    pub fn allow_any_origin() -> Self {
        Self {
            allow_any: true,
            ..Self::new()
        }
    }

    /// Whether nothing at all is allowed.
    ///
    /// ```
    /// use crossframe::OriginPolicy;
    /// assert!(OriginPolicy::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && !self.allow_null && !self.allow_any
    }

    /// Checks an origin as a browser serialised it (`MessageEvent.origin`).
    ///
    /// ```
    /// use crossframe::{OriginPolicy, OriginRejected};
    /// let policy = OriginPolicy::parse("http://localhost:8081").unwrap();
    /// assert!(policy.check("http://localhost:8081").is_ok());
    /// assert_eq!(policy.check("null"), Err(OriginRejected::Null));
    /// ```
    pub fn check(&self, origin: &str) -> Result<Origin, OriginRejected> {
        // Browsers always send the normalised form: anything else (a trailing
        // slash, spaces, upper case) did not come from a browser.
        let parsed = match Origin::parse(origin) {
            Ok(parsed) if parsed.as_str() == origin => parsed,
            _ => return Err(OriginRejected::Malformed(origin.to_owned())),
        };
        if parsed.is_opaque() {
            return if self.allow_null || self.allow_any {
                Ok(parsed)
            } else {
                Err(OriginRejected::Null)
            };
        }
        if self.allow_any || self.rules.iter().any(|rule| rule.matches(&parsed)) {
            Ok(parsed)
        } else {
            Err(OriginRejected::NotAllowed(origin.to_owned()))
        }
    }

    /// Whether [`OriginPolicy::check`] would accept this origin.
    ///
    /// ```
    /// use crossframe::OriginPolicy;
    /// assert!(!OriginPolicy::parse("http://localhost:8081").unwrap().allows("http://localhost:8082"));
    /// ```
    pub fn allows(&self, origin: &str) -> bool {
        self.check(origin).is_ok()
    }

    /// The exact origins on the list (not patterns): the only places an
    /// announcement can be posted before the peer's origin is known.
    ///
    /// ```
    /// use crossframe::OriginPolicy;
    /// let policy = OriginPolicy::parse("https://a.example, https://*.b.example").unwrap();
    /// assert_eq!(policy.exact_origins().count(), 1);
    /// ```
    pub fn exact_origins(&self) -> impl Iterator<Item = &Origin> {
        self.rules.iter().filter_map(|rule| match rule {
            Rule::Exact(origin) => Some(origin),
            Rule::Subdomains { .. } => None,
        })
    }
}

impl fmt::Display for OriginPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.allow_any {
            return f.write_str("any origin");
        }
        let mut entries: Vec<String> = self.rules.iter().map(ToString::to_string).collect();
        if self.allow_null {
            entries.push("null".to_owned());
        }
        if entries.is_empty() {
            return f.write_str("no origin");
        }
        f.write_str(&entries.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(list: &str) -> OriginPolicy {
        OriginPolicy::parse(list).expect("test policy parses")
    }

    #[test]
    fn exact_match_is_allowed() {
        assert!(policy("http://localhost:8081").allows("http://localhost:8081"));
    }

    #[test]
    fn several_origins_are_allowed() {
        let p = policy("http://127.0.0.1:8080, https://app.example.com");
        assert!(p.allows("http://127.0.0.1:8080"));
        assert!(p.allows("https://app.example.com"));
        assert!(!p.allows("https://other.example.com"));
    }

    #[test]
    fn configuration_is_normalised() {
        assert_eq!(
            Origin::parse("HTTPS://App.Example.COM:443/")
                .unwrap()
                .as_str(),
            "https://app.example.com"
        );
        assert_eq!(
            Origin::parse("http://localhost:80").unwrap().as_str(),
            "http://localhost"
        );
        assert_eq!(
            Origin::parse("https://localhost:80").unwrap().as_str(),
            "https://localhost:80"
        );
        assert!(policy("HTTP://LOCALHOST:8081/").allows("http://localhost:8081"));
    }

    #[test]
    fn different_port_scheme_or_host_is_refused() {
        let p = policy("http://localhost:8081");
        for other in [
            "http://localhost:8082",
            "http://localhost",
            "https://localhost:8081",
            "http://127.0.0.1:8081",
            "ws://localhost:8081",
        ] {
            assert_eq!(
                p.check(other),
                Err(OriginRejected::NotAllowed(other.to_owned())),
                "{other}"
            );
        }
    }

    #[test]
    fn lookalikes_are_refused() {
        let p = policy("http://localhost:8081");
        for lookalike in [
            "http://localhost:8081.evil.com",
            "http://evil.com/?http://localhost:8081",
            "http://localhost:8081@evil.com",
            "http://evil.com#http://localhost:8081",
            "http://localhost:8081/",
            "http://xlocalhost:8081",
            "http://localhost.evil:8081",
            " http://localhost:8081",
        ] {
            assert!(!p.allows(lookalike), "{lookalike} must be refused");
        }
    }

    #[test]
    fn null_is_refused_unless_explicitly_allowed() {
        assert_eq!(
            policy("http://a.example").check("null"),
            Err(OriginRejected::Null)
        );
        assert!(policy("http://a.example, null").allows("null"));
        assert!(OriginPolicy::new().allow_null().allows("null"));
        assert!(OriginPolicy::new().allow(Origin::null()).allows("null"));
    }

    #[test]
    fn star_is_never_an_origin_or_an_entry() {
        assert_eq!(Origin::parse("*"), Err(OriginError::Wildcard));
        assert_eq!(OriginPolicy::parse("*"), Err(OriginError::Wildcard));
        assert!(OriginPolicy::parse("https://*").is_err());
        assert!(OriginPolicy::parse("https://*.com").is_err());
        assert!(OriginPolicy::parse("https://a.*.example.com").is_err());
        assert!(OriginPolicy::parse("https://*.com.").is_err());
        assert!(OriginPolicy::parse("http://*.0.0.1").is_err());
        assert!(OriginPolicy::parse("https://*.example..com").is_err());
        assert!(OriginPolicy::parse("https://*example.com").is_err());
    }

    #[test]
    fn any_origin_is_an_explicit_opt_in() {
        assert!(!OriginPolicy::new().allows("https://a.example"));
        let any = OriginPolicy::allow_any_origin();
        assert!(any.allows("https://a.example"));
        assert!(!any.allows("not an origin"));
        assert_eq!(any.to_string(), "any origin");
    }

    #[test]
    fn subdomain_patterns_match_labels_not_substrings() {
        let p = policy("https://*.example.com");
        assert!(p.allows("https://a.example.com"));
        assert!(p.allows("https://a.b.example.com"));
        assert!(!p.allows("https://example.com"));
        assert!(!p.allows("https://evilexample.com"));
        assert!(!p.allows("https://a.example.com.evil.net"));
        assert!(!p.allows("http://a.example.com"));
        assert!(!p.allows("https://a.example.com:8443"));
        assert!(policy("https://*.example.com:8443").allows("https://a.example.com:8443"));
        assert_eq!(p.to_string(), "https://*.example.com");
    }

    #[test]
    fn urls_and_garbage_are_not_origins() {
        for bad in [
            "",
            "localhost:8081",
            "http://",
            "http://a.example/path",
            "http://a.example?q",
            "http://user@a.example",
            "http://a.example:0",
            "http://a.example:65536",
            "http://a.example:80a",
            "http://a.example:",
            "http://a..example",
            "http://bücher.example",
            "1http://a.example",
            "http://[::1",
        ] {
            assert!(Origin::parse(bad).is_err(), "{bad:?} must not parse");
        }
    }

    #[test]
    fn ipv6_hosts_keep_their_brackets() {
        let origin = Origin::parse("http://[::1]:8080").unwrap();
        assert_eq!(origin.as_str(), "http://[::1]:8080");
        assert!(OriginPolicy::exact(origin).allows("http://[::1]:8080"));
    }

    #[test]
    fn malformed_incoming_origins_are_refused_with_that_reason() {
        assert_eq!(
            policy("http://a.example").check("garbage"),
            Err(OriginRejected::Malformed("garbage".to_owned()))
        );
    }

    #[test]
    fn exact_origins_lists_only_exact_entries() {
        let p = policy("https://a.example, https://*.b.example, null");
        let exact: Vec<_> = p.exact_origins().map(Origin::as_str).collect();
        assert_eq!(exact, ["https://a.example"]);
        assert_eq!(
            p.to_string(),
            "https://a.example, https://*.b.example, null"
        );
    }
}
