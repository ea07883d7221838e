//! TypeScript declarations for a widget's `embed.js` and `embed.mjs`,
//! generated from its Rust API (feature `typescript`; native, for a build
//! step: the widget's wasm does not need it).
//!
//! The widget's message, request and response types, and the host page's,
//! derive [`TS`] (from [ts-rs](https://docs.rs/ts-rs), re-exported here, so
//! the widget needs no dependency of its own); [`declarations`] writes one
//! `embed.d.ts` from the two [`Api`]s: `send` and `call` typed by what the
//! widget accepts and answers, `onMessage` and `onRequest` by what the host
//! page does, a `CrossframeError` with its `code` union, and `window.crossframe`
//! of the one-tag script.
//!
//! ```
//! use crossframe::typescript::TS;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, TS)]
//! #[ts(crate = "crossframe::typescript::ts_rs")]
//! enum WidgetRequest { Location, Add(i64, i64) }
//! #[derive(Serialize, Deserialize, TS)]
//! #[ts(crate = "crossframe::typescript::ts_rs")]
//! enum WidgetResponse { Location(String), Sum(i64) }
//!
//! struct Widget;
//! impl crossframe::Api for Widget {
//!     type Message = String;
//!     type Request = WidgetRequest;
//!     type Response = WidgetResponse;
//! }
//! struct Host;
//! impl crossframe::Api for Host { type Message = String; type Request = (); type Response = (); }
//!
//! let dts = crossframe::typescript::declarations::<Widget, Host>();
//! assert!(dts.contains(r#"export type WidgetRequest = "Location" | { "Add": [number, number] };"#));
//! assert!(dts.contains("export interface WidgetApi {\n  message: string;\n  request: WidgetRequest;\n  response: WidgetResponse;\n}"));
//! assert!(dts.contains("call(request: Widget[\"request\"], options?: CallOptions): Promise<Widget[\"response\"]>;"));
//! ```
//!
//! A widget's build writes the file with a two-line binary (the demo widget's
//! is `child/src/bin/gen_dts.rs`): [`main`] writes it, or with `--check`
//! fails when the file on disk differs (so the test command catches drift).
//!
//! # Numbers
//!
//! The wire is JSON, whose numbers JavaScript reads as IEEE doubles, and
//! embed.js refuses a `BigInt` (JSON has none). So every Rust integer,
//! 64- and 128-bit ones too, is a TypeScript `number` ([`LARGE_INT`]), never
//! ts-rs's default `bigint`: integers beyond ±2^53 − 1
//! (`Number.MAX_SAFE_INTEGER`) do not survive the trip exactly, and a Rust
//! side fails to decode a fractional or out-of-range one (the call is
//! answered with an error, code `remote`). Send a string if the full range
//! matters.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

pub use ts_rs;
pub use ts_rs::TS;

use crate::Api;
use ts_rs::{Config, TypeVisitor};

/// The TypeScript type of Rust's 64- and 128-bit integers: `number`, as
/// JSON carries them (see [Numbers](self#numbers)).
///
/// ```
/// assert_eq!(crossframe::typescript::LARGE_INT, "number");
/// ```
pub const LARGE_INT: &str = "number";

/// Collects the declarations of every named type reached, each once.
struct Collect {
    cfg: Config,
    seen: BTreeSet<String>,
    out: String,
}

impl TypeVisitor for Collect {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Named (derived) types are declared; others (String, Vec<T>,
        // Option<T>, tuples) are inline, but may hold named ones.
        if T::output_path().is_some() {
            if !self.seen.insert(T::ident(&self.cfg)) {
                return;
            }
            if let Some(docs) = T::docs() {
                self.out.push_str(&without_code(&docs));
            }
            self.out.push_str("export ");
            self.out.push_str(&T::decl(&self.cfg));
            self.out.push_str("\n\n");
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

/// A doc comment without its code blocks (Rust examples, doc tests: no
/// help in TypeScript) and the blank lines they leave at its end.
fn without_code(docs: &str) -> String {
    let mut lines = Vec::new();
    let mut in_code = false;
    for line in docs.lines() {
        if line.trim_start_matches([' ', '*']).starts_with("```") {
            in_code = !in_code;
        } else if !in_code {
            lines.push(line);
        }
    }
    while lines.len() > 2 && lines[lines.len() - 2].trim() == "*" {
        lines.remove(lines.len() - 2);
    }
    lines.join("\n") + "\n"
}

/// An [`Api`] whose message, request and response types derive [`TS`]: what
/// [`declarations`] can describe. Every such `Api` is one.
///
/// ```
/// use crossframe::typescript::{TypedApi, TS};
/// #[derive(serde::Serialize, serde::Deserialize, TS)]
/// #[ts(crate = "crossframe::typescript::ts_rs")]
/// struct Note(String);
/// struct Widget;
/// impl crossframe::Api for Widget { type Message = Note; type Request = (); type Response = (); }
/// fn describable<A: TypedApi>() {}
/// describable::<Widget>();
/// ```
pub trait TypedApi: Api<Message: TS, Request: TS, Response: TS> {}

impl<A: Api<Message: TS, Request: TS, Response: TS>> TypedApi for A {}

/// The `embed.d.ts` of a widget whose API is `Widget` (what it accepts and
/// answers) embedded in pages whose API is `Host`: the declarations of their
/// message, request and response types (with their doc comments), then
/// `WidgetApi` and `HostApi`, then embed.js's and embed.mjs's API typed by
/// them. The same file types both: `import { embed } from ".../embed.mjs"`
/// and the one-tag script's `window.crossframe`.
///
/// ```
/// use crossframe::typescript::{declarations, TS};
/// #[derive(serde::Serialize, serde::Deserialize, TS)]
/// #[ts(crate = "crossframe::typescript::ts_rs")]
/// enum Ask { Location, Add(i32, i32) }
/// struct Widget;
/// impl crossframe::Api for Widget { type Message = String; type Request = Ask; type Response = String; }
/// let dts = declarations::<Widget, Widget>();
/// assert!(dts.contains(r#"export type Ask = "Location" | { "Add": [number, number] };"#));
/// ```
pub fn declarations<Widget: TypedApi, Host: TypedApi>() -> String {
    let mut collect = Collect {
        cfg: Config::new().with_large_int(LARGE_INT),
        seen: BTreeSet::new(),
        out: String::new(),
    };
    collect.visit::<Widget::Message>();
    collect.visit::<Widget::Request>();
    collect.visit::<Widget::Response>();
    collect.visit::<Host::Message>();
    collect.visit::<Host::Request>();
    collect.visit::<Host::Response>();
    let cfg = &collect.cfg;
    let api = |doc: &str, name: &str, message: String, request: String, response: String| {
        format!(
            "/** {doc} */\nexport interface {name} {{\n  message: {message};\n  request: {request};\n  response: {response};\n}}\n"
        )
    };
    format!(
        "{HEADER}\n{types}{widget}\n{host}\n{EMBED_API}",
        types = collect.out,
        widget = api(
            "What the widget accepts (`send`) and answers (`call`): its Rust `crossframe::Api`.",
            "WidgetApi",
            Widget::Message::name(cfg),
            Widget::Request::name(cfg),
            Widget::Response::name(cfg),
        ),
        host = api(
            "What this page accepts (`onMessage`) and answers (`onRequest`): the widget's host `crossframe::Api`.",
            "HostApi",
            Host::Message::name(cfg),
            Host::Request::name(cfg),
            Host::Response::name(cfg),
        ),
    )
}

/// A widget's declaration generator, whole: `main::<Widget, Host>("embed.d.ts")`
/// writes [`declarations`] to the path given on the command line (or
/// `default_path`); with `--check` it writes nothing and fails (exit status 1,
/// saying how to regenerate) when the file differs.
///
/// ```no_run
/// # struct Widget; impl crossframe::Api for Widget { type Message = String; type Request = (); type Response = (); }
/// # struct Host; impl crossframe::Api for Host { type Message = String; type Request = (); type Response = (); }
/// fn main() -> std::process::ExitCode {
///     crossframe::typescript::main::<Widget, Host>("embed.d.ts")
/// }
/// ```
pub fn main<Widget: TypedApi, Host: TypedApi>(default_path: &str) -> ExitCode {
    let mut check = false;
    let mut path = default_path.to_owned();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--check" => check = true,
            "-h" | "--help" => {
                println!("usage: [--check] [PATH (default {default_path})]\nwrites the widget's TypeScript declarations; --check compares instead");
                return ExitCode::SUCCESS;
            }
            _ => path = arg,
        }
    }
    match write_or_check(Path::new(&path), &declarations::<Widget, Host>(), check) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

/// Writes `contents` to `path` (only if it differs), or with `check`
/// compares them and says so when they differ.
///
/// ```no_run
/// use std::path::Path;
/// // In a build step: fail when the committed file is not what would be written.
/// crossframe::typescript::write_or_check(Path::new("embed.d.ts"), "export {};\n", true)?;
/// # Ok::<(), String>(())
/// ```
pub fn write_or_check(path: &Path, contents: &str, check: bool) -> Result<(), String> {
    let current = std::fs::read_to_string(path).ok();
    if current.as_deref() == Some(contents) {
        return Ok(());
    }
    if check {
        let what = if current.is_some() {
            "differs from"
        } else {
            "is missing: it should be"
        };
        return Err(format!(
            "{} {what} the declarations generated from the Rust types: run the generator without --check and commit the file",
            path.display()
        ));
    }
    std::fs::write(path, contents)
        .map_err(|error| format!("cannot write {}: {error}", path.display()))
}

const HEADER: &str = "\
// TypeScript declarations for this widget's embed.js (one tag) and embed.mjs (ES module).
// Generated from the widget's Rust API by crossframe::typescript: do not edit.
//
// Numbers: every Rust integer is a `number` (64-bit ones too: JSON has no BigInt,
// and embed.js refuses one); beyond Number.MAX_SAFE_INTEGER (2^53 - 1) they are not exact.
";

const EMBED_API: &str = r#"/** Why a call, a send or the connection failed. */
export type CrossframeErrorCode =
  /** No answer within the call's timeout. */
  | "timeout"
  /** The call's AbortSignal fired (the widget is not told). */
  | "aborted"
  /** The connection ended while the call waited, or the widget went away or started over. */
  | "disconnected"
  /** This side closed the connection (`destroy()`, or the page was left). */
  | "closed"
  /** The widget answered the call with an error (its text is the message). */
  | "remote"
  /** `send` or `call` while not connected. */
  | "not-connected"
  /** 10 000 calls of this page are already waiting for answers. */
  | "overloaded"
  /** The widget does not allow this page's origin (or the widget URL has no origin). */
  | "refused"
  /** The widget speaks another protocol version. */
  | "version"
  /** The value cannot travel as JSON (a BigInt, a function, undefined, a cycle). */
  | "encode"
  /** A bad argument: a timeout that is not a number of ms above 0, a signal that is not an AbortSignal, no widget URL. */
  | "invalid";

/** A failed call or connection: `code` says why, `message` says it to people. */
export declare class CrossframeError extends Error {
  constructor(code: CrossframeErrorCode, message: string, cause?: unknown);
  readonly name: "CrossframeError";
  readonly code: CrossframeErrorCode;
}

/** The connection's state; `reason` says why it is disconnected. */
export type ConnectionState = "connecting" | "connected" | "disconnected";

/** A message not taken (wrong origin, wrong window, malformed, ...): logged, counted, passed to `onDrop`. */
export interface Dropped {
  origin: string;
  reason: string;
}

/** One call's options. */
export interface CallOptions {
  /** Milliseconds above 0 (`Infinity`: never); default: `embed`'s `timeout`. */
  timeout?: number;
  /** Aborting it rejects the call with code "aborted". */
  signal?: AbortSignal;
}

/** What one side offers: the messages it accepts, the calls it answers, their answers. */
export interface Api {
  message: unknown;
  request: unknown;
  response: unknown;
}

/** The page's handlers, typed by what the page accepts (`Host`). */
export interface Handlers<Host extends Api = HostApi> {
  /** A message from the widget. */
  onMessage?: ((message: Host["message"]) => void) | null;
  /** A call from the widget: its answer (or a promise of it); a throw answers with an error. */
  onRequest?: ((request: Host["request"]) => Host["response"] | PromiseLike<Host["response"]>) | null;
  /** Each change of state, with the reason for a disconnect. */
  onState?: ((state: ConnectionState, reason: CrossframeError | null) => void) | null;
  /** Each message dropped, with why. */
  onDrop?: ((dropped: Dropped) => void) | null;
}

/** `embed`'s options. */
export interface EmbedOptions<Host extends Api = HostApi> extends Handlers<Host> {
  /** The element to put the widget's iframe in, or a selector for it. */
  container: string | Element;
  /** The widget's URL; default: beside embed.js / embed.mjs. */
  url?: string;
  /** The iframe's title (default "embedded widget"). */
  title?: string;
  /** Calls' default timeout in milliseconds (default 5000). */
  timeout?: number;
}

/** An embedded widget: the connection to it, typed by both APIs. */
export interface CrossframeWidget<Widget extends Api = WidgetApi, Host extends Api = HostApi> extends Required<Handlers<Host>> {
  readonly iframe: HTMLIFrameElement;
  /** The widget's origin: every message must come from it. */
  readonly origin: string;
  readonly state: ConnectionState;
  /** Why it is disconnected (null otherwise). */
  readonly reason: CrossframeError | null;
  /** Resolves once connected; rejects (code "refused" or "version") if the widget will not talk. */
  readonly ready: Promise<CrossframeWidget<Widget, Host>>;
  /** Messages taken, and messages dropped. */
  stats(): { delivered: number; dropped: number };
  /** Sends the widget a message (fire-and-forget); throws a CrossframeError ("not-connected", "encode"). */
  send(message: Widget["message"]): void;
  /** Calls the widget; rejects with a CrossframeError. */
  call(request: Widget["request"], options?: CallOptions): Promise<Widget["response"]>;
  /** Says bye, fails pending calls ("disconnected"), removes the iframe. */
  destroy(): void;
}

/** Embeds the widget in `options.container` and connects to it. */
export declare function embed(options: EmbedOptions<HostApi>): CrossframeWidget<WidgetApi, HostApi>;

/** The protocol version embed.js speaks. */
export declare const PROTOCOL_VERSION: 1;

/** `window.crossframe`, made by the one-tag embed.js (not by embed.mjs). */
export interface CrossframeGlobal {
  embed: typeof embed;
  CrossframeError: typeof CrossframeError;
  readonly PROTOCOL_VERSION: typeof PROTOCOL_VERSION;
  /** The first one-tag embed's widget (`data-crossframe-container`), once made. */
  readonly widget: CrossframeWidget<WidgetApi, HostApi> | null;
  /** Every one-tag embed's widget, in order. */
  readonly widgets: readonly CrossframeWidget<WidgetApi, HostApi>[];
}

declare global {
  /** Set by the one-tag embed.js; undefined without it (embed.mjs sets no global). */
  var crossframe: CrossframeGlobal | undefined;
}
"#;
