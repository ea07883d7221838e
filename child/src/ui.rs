//! Small UI pieces both demo apps use.

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The current local time as `HH:MM:SS.mmm`, for message logs.
pub fn clock() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        now.get_hours(),
        now.get_minutes(),
        now.get_seconds(),
        now.get_milliseconds()
    )
}

/// Which of the demo's two modes a page runs in, from its `?mode=`: a
/// connection (`use_connection`, the default) or plain messaging
/// (`?mode=plain`: `use_post_message` only, the seed scenario). The host
/// page passes its mode on to the widget in the iframe's URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `use_connection`: handshake, calls, reconnects.
    Connection,
    /// `use_post_message`: typed messages, answered with `Received::reply`.
    Plain,
}

impl Mode {
    /// The mode a URL's query string (`location.search`) asks for.
    ///
    /// ```
    /// use crossframe_demo_child::ui::Mode;
    /// assert_eq!(Mode::from_search("?mode=plain"), Mode::Plain);
    /// assert_eq!(Mode::from_search("?children=2&mode=plain"), Mode::Plain);
    /// assert_eq!(Mode::from_search(""), Mode::Connection);
    /// assert_eq!(Mode::from_search("?mode=plainer"), Mode::Connection);
    /// assert_eq!(Mode::from_search("?xmode=plain"), Mode::Connection);
    /// ```
    pub fn from_search(search: &str) -> Self {
        let plain = search
            .trim_start_matches('?')
            .split('&')
            .any(|pair| pair == "mode=plain");
        if plain {
            Mode::Plain
        } else {
            Mode::Connection
        }
    }

    /// This page's mode.
    pub fn current() -> Self {
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        Self::from_search(&search)
    }

    /// One line for people.
    pub fn describe(self) -> &'static str {
        match self {
            Mode::Connection => "connection (use_connection: handshake, calls, reconnects)",
            Mode::Plain => "plain messaging (use_post_message and Received::reply)",
        }
    }
}

/// Properties of [`SendForm`].
#[derive(Properties, PartialEq)]
pub struct SendFormProps {
    /// Called with the text when the form is submitted (empty text is ignored).
    pub on_send: Callback<String>,
    /// `data-testid` of the text box.
    pub test_id: AttrValue,
    /// The text box's placeholder.
    #[prop_or_default]
    pub placeholder: AttrValue,
}

/// A text box and a Send button; Enter sends too. The box is cleared after sending.
#[component]
pub fn SendForm(props: &SendFormProps) -> Html {
    let input = use_node_ref();
    let onsubmit = {
        let input = input.clone();
        let on_send = props.on_send.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            if let Some(input) = input.cast::<HtmlInputElement>() {
                let text = input.value();
                if !text.is_empty() {
                    input.set_value("");
                    on_send.emit(text);
                }
            }
        }
    };
    html! {
        <form class="send" {onsubmit}>
            <input ref={input} data-testid={props.test_id.clone()}
                placeholder={props.placeholder.clone()} autocomplete="off" />
            <button type="submit">{ "Send" }</button>
        </form>
    }
}

/// The most entries a [`Log`] keeps: older ones are forgotten, so a peer
/// that sends without end cannot grow the page without end.
pub const LOG_LIMIT: usize = 200;

pub use crate::text::{shown_text, ENTRY_TEXT_LIMIT};

/// Which way a log entry went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// We sent it.
    Sent,
    /// The peer sent it.
    Received,
    /// Something happened (an error, a refusal).
    Note,
}

/// One line of a log: when, which way, with whom, what, and an aside (a
/// latency, what the peer says about itself).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Wall-clock time, `HH:MM:SS.mmm`.
    pub time: String,
    /// Which way it went.
    pub direction: Direction,
    /// The peer's origin.
    pub origin: String,
    /// The text, cut to [`ENTRY_TEXT_LIMIT`] characters.
    pub text: String,
    /// Shown after the text: its CSS class and its text.
    pub aside: Option<(&'static str, String)>,
}

impl Entry {
    /// An entry stamped now.
    pub fn new(direction: Direction, origin: &str, text: impl Into<String>) -> Self {
        Entry {
            time: clock(),
            direction,
            origin: origin.to_owned(),
            text: shown_text(text.into()),
            aside: None,
        }
    }

    /// The same entry with an aside of CSS class `class`.
    pub fn with_aside(mut self, class: &'static str, text: impl Into<String>) -> Self {
        self.aside = Some((class, text.into()));
        self
    }
}

/// One entry as a list item; `arrows` shows which way it went (for logs
/// that mix directions).
pub fn log_item(entry: &Entry, arrows: bool) -> Html {
    let (class, arrow) = match entry.direction {
        Direction::Sent => ("sent", "→"),
        Direction::Received => ("received", "←"),
        Direction::Note => ("note", "·"),
    };
    html! {
        <li class={class}>
            <time>{ &entry.time }</time>
            if arrows { <span class="direction">{ arrow }</span> }
            <span class="origin">{ &entry.origin }</span>
            <span class="text">{ &entry.text }</span>
            if let Some((class, aside)) = &entry.aside {
                <span class={*class}>{ aside }</span>
            }
        </li>
    }
}

/// The latest [`LOG_LIMIT`] log entries, newest last, for `use_reducer`.
#[derive(Debug, PartialEq)]
pub struct Log<T> {
    /// The entries kept, oldest first.
    pub entries: std::collections::VecDeque<T>,
    /// How many entries were ever added (kept or forgotten).
    pub total: usize,
}

impl<T> Default for Log<T> {
    fn default() -> Self {
        Self {
            entries: std::collections::VecDeque::new(),
            total: 0,
        }
    }
}

impl<T> Log<T> {
    /// The kept entries added after the first `from` (for "Clear").
    pub fn since(&self, from: usize) -> impl Iterator<Item = &T> {
        let forgotten = self.total - self.entries.len();
        self.entries.iter().skip(from.saturating_sub(forgotten))
    }
}

impl<T: Clone> Reducible for Log<T> {
    type Action = T;
    fn reduce(self: std::rc::Rc<Self>, entry: T) -> std::rc::Rc<Self> {
        let mut log = std::rc::Rc::unwrap_or_clone(self);
        if log.entries.len() == LOG_LIMIT {
            log.entries.pop_front();
        }
        log.entries.push_back(entry);
        log.total += 1;
        log.into()
    }
}

impl<T: Clone> Clone for Log<T> {
    fn clone(&self) -> Self {
        Self {
            entries: self.entries.clone(),
            total: self.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    #[test]
    fn a_log_keeps_the_latest_entries_only() {
        let mut log = Rc::new(Log::<usize>::default());
        for n in 0..20_000 {
            log = log.reduce(n);
        }
        assert_eq!(log.entries.len(), LOG_LIMIT);
        assert_eq!(log.entries.front(), Some(&(20_000 - LOG_LIMIT)));
        assert_eq!(log.entries.back(), Some(&19_999));
        assert_eq!(log.total, 20_000);
        // "Clear" at 19 990 shows what came after it.
        assert_eq!(log.since(19_990).count(), 10);
        assert_eq!(log.since(0).count(), LOG_LIMIT);
    }

    #[test]
    fn a_long_text_is_cut_and_says_so() {
        let text = "你".repeat(4 * 1024 * 1024);
        let shown = shown_text(text);
        assert_eq!(
            shown.chars().count(),
            ENTRY_TEXT_LIMIT + " (4161536 more characters)".chars().count() + 1
        );
        assert!(shown.ends_with("… (4161536 more characters)"));
        assert_eq!(shown_text("short".to_owned()), "short");
    }
}

/// How many messages were refused, and the last one.
#[derive(Debug, Default)]
struct Refused {
    count: u64,
    last: Option<crossframe::Dropped>,
}

/// What [`use_refused`] gives: a line for people, and the `on_drop` callback.
#[derive(Clone)]
pub struct UseRefusedHandle {
    tally: Rc<RefCell<Refused>>,
    callback: Callback<crossframe::Dropped>,
}

impl PartialEq for UseRefusedHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.tally, &other.tally)
    }
}

impl UseRefusedHandle {
    /// How many were refused and why the last one was.
    pub fn summary(&self) -> String {
        let tally = self.tally.borrow();
        match &tally.last {
            None => "No message refused".to_owned(),
            Some(last) => format!("Refused {} message(s); last: {last}", tally.count),
        }
    }

    /// The `on_drop` callback that counts.
    pub fn callback(&self) -> Callback<crossframe::Dropped> {
        self.callback.clone()
    }
}

/// Counts dropped messages for display. Each drop is counted at once, but the
/// component re-renders at most once per 16 ms: a flood of 100 000 junk
/// messages costs a handful of renders, not one per message.
#[hook]
pub fn use_refused() -> UseRefusedHandle {
    let tally = use_mut_ref(Refused::default);
    let timer = use_mut_ref(|| None::<gloo_timers::callback::Timeout>);
    let redraw = use_force_update();
    let callback = {
        let tally = tally.clone();
        use_memo((), move |_| {
            Callback::from(move |dropped: crossframe::Dropped| {
                {
                    let mut tally = tally.borrow_mut();
                    tally.count += 1;
                    tally.last = Some(dropped);
                }
                if timer.borrow().is_none() {
                    let (timer_slot, redraw) = (timer.clone(), redraw.clone());
                    let pending = gloo_timers::callback::Timeout::new(16, move || {
                        timer_slot.borrow_mut().take();
                        redraw.force_update();
                    });
                    *timer.borrow_mut() = Some(pending);
                }
            })
        })
    };
    UseRefusedHandle {
        tally,
        callback: (*callback).clone(),
    }
}

/// A CSS class for a connection state badge.
pub fn state_class(state: &crossframe::ConnectionState) -> &'static str {
    match state {
        crossframe::ConnectionState::Connecting => "connecting",
        crossframe::ConnectionState::Connected { .. } => "connected",
        crossframe::ConnectionState::Disconnected(_) => "disconnected",
    }
}

/// Counts a numbered burst: how many arrived, and whether each was the one
/// after the last (0, 1, 2, …).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Messages counted.
    pub received: u64,
    /// Whether every message so far was the next in sequence.
    pub in_order: bool,
}

impl Reducible for Tally {
    type Action = u64;
    fn reduce(self: std::rc::Rc<Self>, seq: u64) -> std::rc::Rc<Self> {
        // A new burst starts at 0.
        let (received, in_order) = if seq == 0 {
            (0, true)
        } else {
            (self.received, self.in_order)
        };
        Tally {
            received: received + 1,
            in_order: in_order && seq == received,
        }
        .into()
    }
}

impl Tally {
    /// One line for people.
    pub fn summary(&self) -> String {
        match (self.received, self.in_order) {
            (0, _) => "Load test: nothing received yet".to_owned(),
            (n, true) => format!("Load test: {n} received, in order"),
            (n, false) => format!("Load test: {n} received, OUT OF ORDER"),
        }
    }
}

/// How many messages a load-test burst sends.
pub const BURST: u64 = 20_000;
