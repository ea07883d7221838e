//! The connection state machine, in plain Rust: events in, effects out.
//!
//! It decides when to say hello, when to open a private channel, which
//! session is current, and which pending calls must fail and why. The browser
//! side ([`crate::Link`]) feeds it events (messages, timeouts, unmount) and
//! carries out its [`Effect`]s (posting, opening and closing ports, failing
//! calls); it holds no browser types, so every path is tested natively.
//!
//! The handshake works whichever side starts first:
//!
//! ```text
//! child                                   host
//!   | -- hello (window, exact origin) -->   |   child loaded first, or
//!   |   <-- hello (window) --------------   |   host mounted later: child answers hello
//!   |   <-- connect{session} + port ------  |   host opens a MessageChannel per hello
//!   | -- ack{session} (port) ----------->   |   both Connected; all traffic on the port
//!   | -- bye (port) -------------------->   |   unload: pending calls fail at once
//! ```

use std::time::Duration;

pub use crate::state::{CallError, ConnectionState, DisconnectReason, SendError};

use crate::calls::PendingCalls;
use crate::envelope::PROTOCOL_VERSION;
use crate::origin::Origin;

/// At most this many calls may wait for answers at once; more fail at once
/// with [`CallError::Overloaded`] (so a peer that never answers cannot make
/// this side grow without bound).
///
/// ```
/// use crossframe::connection::{CallError, Connection, Role, MAX_PENDING_CALLS};
/// use crossframe::Origin;
/// let mut child = Connection::new(Role::Child);
/// child.connect(Origin::parse("https://shop.example").unwrap(), 1);
/// for _ in 0..MAX_PENDING_CALLS {
///     child.begin_call().unwrap();
/// }
/// assert_eq!(child.begin_call(), Err(CallError::Overloaded));
/// ```
pub const MAX_PENDING_CALLS: usize = 10_000;

/// Which end of the iframe this side is.
///
/// ```
/// use crossframe::connection::Role;
/// assert_ne!(Role::Host, Role::Child);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The page that embeds the iframe; it opens the private channel.
    Host,
    /// The page inside the iframe.
    Child,
}

/// What the browser side must do.
///
/// ```
/// use crossframe::connection::{CallError, Connection, ConnectionState, DisconnectReason, Effect, Role};
/// use crossframe::Origin;
/// let mut child = Connection::new(Role::Child);
/// child.connect(Origin::parse("https://shop.example").unwrap(), 1);
/// let id = child.begin_call().unwrap();
/// // Unmount: say bye, close the port, fail the pending call.
/// assert_eq!(child.close(), [
///     Effect::SendBye,
///     Effect::ClosePort,
///     Effect::FailCalls(vec![id], CallError::Disconnected(DisconnectReason::Closed)),
///     Effect::State(ConnectionState::Disconnected(DisconnectReason::Closed)),
/// ]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Post `hello` on the window path: to this exact origin, or (`None`) to
    /// the configured target origin(s).
    PostHello(Option<Origin>),
    /// Host: create a `MessageChannel`, keep one port, post `connect` with the
    /// other to the child's window at this origin.
    OpenChannel {
        /// The child's origin (from its hello).
        to: Origin,
        /// The new session.
        session: u64,
    },
    /// Child: keep the port that came with `connect`, and `ack` on it.
    AdoptPort {
        /// The session being adopted.
        session: u64,
    },
    /// Post `bye` on the current port.
    SendBye,
    /// Host: post `ping` on the current port, and call
    /// [`Connection::ping_timed_out`] with this session if no `pong` comes
    /// within the ping timeout.
    Ping {
        /// The session being asked.
        session: u64,
    },
    /// Child: tell the parent, at this exact origin (which we do not allow),
    /// that we refuse to talk (once).
    Refuse(Origin),
    /// Close the current port and stop listening to it.
    ClosePort,
    /// End these pending calls with this error.
    FailCalls(Vec<u64>, CallError),
    /// The state changed (tell the component).
    State(ConnectionState),
}

/// The connection state machine of one side.
///
/// ```
/// use crossframe::connection::{Connection, ConnectionState, Effect, Role};
/// use crossframe::Origin;
/// let child = Origin::parse("http://localhost:8081").unwrap();
/// let mut host = Connection::new(Role::Host);
/// assert_eq!(host.start(), [Effect::PostHello(None)]);
/// assert_eq!(host.hello(child.clone()), [Effect::OpenChannel { to: child.clone(), session: 1 }]);
/// assert_eq!(host.ack(1), [Effect::State(ConnectionState::Connected { peer: child })]);
/// ```
#[derive(Debug, Clone)]
pub struct Connection {
    role: Role,
    state: ConnectionState,
    session: u64,
    /// The origin of the peer we are shaking hands with (host: from hello).
    pending_peer: Option<Origin>,
    /// Whether a port is open (host: opened; child: adopted).
    port_open: bool,
    /// The calls waiting for answers, with their deadlines.
    pending: PendingCalls<()>,
    next_id: u64,
    /// Host: the session asked whether its peer is still there.
    pinging: Option<u64>,
    /// Child: told a parent we do not allow that we refuse (we say it once).
    refused: bool,
}

impl Connection {
    /// A new, not yet started connection.
    ///
    /// ```
    /// use crossframe::connection::{Connection, ConnectionState, Role};
    /// assert_eq!(Connection::new(Role::Child).state(), &ConnectionState::Connecting);
    /// ```
    pub fn new(role: Role) -> Self {
        Self {
            role,
            state: ConnectionState::Connecting,
            session: 0,
            pending_peer: None,
            port_open: false,
            pending: PendingCalls::default(),
            next_id: 1,
            pinging: None,
            refused: false,
        }
    }

    /// The current state.
    ///
    /// ```
    /// # use crossframe::connection::{Connection, Role};
    /// assert!(!Connection::new(Role::Host).is_connected());
    /// ```
    pub fn state(&self) -> &ConnectionState {
        &self.state
    }

    /// Whether calls and messages can go out now.
    ///
    /// ```
    /// # use crossframe::connection::{Connection, Role};
    /// # use crossframe::Origin;
    /// let mut child = Connection::new(Role::Child);
    /// assert!(!child.is_connected());
    /// child.connect(Origin::parse("https://shop.example").unwrap(), 1);
    /// assert!(child.is_connected());
    /// ```
    pub fn is_connected(&self) -> bool {
        self.state.is_connected()
    }

    /// The ids of calls still waiting for an answer.
    ///
    /// ```
    /// # use crossframe::connection::{Connection, Role};
    /// assert_eq!(Connection::new(Role::Host).pending().count(), 0);
    /// ```
    pub fn pending(&self) -> impl Iterator<Item = u64> + '_ {
        self.pending.ids().into_iter()
    }

    /// The side starts listening: say hello.
    ///
    /// ```
    /// # use crossframe::connection::{Connection, Effect, Role};
    /// assert_eq!(Connection::new(Role::Child).start(), [Effect::PostHello(None)]);
    /// ```
    pub fn start(&mut self) -> Vec<Effect> {
        vec![Effect::PostHello(None)]
    }

    /// A `hello` from the peer's window at an allowed origin.
    ///
    /// Host: open a new channel (the child loaded, reloaded, or answered our
    /// hello). Child: the host (re)started; answer, and drop any old channel.
    ///
    /// ```
    /// # use crossframe::connection::{Connection, Effect, Role};
    /// # use crossframe::Origin;
    /// let host = Origin::parse("https://shop.example").unwrap();
    /// let mut child = Connection::new(Role::Child);
    /// assert_eq!(child.hello(host.clone()), [Effect::PostHello(Some(host))]);
    /// ```
    pub fn hello(&mut self, from: Origin) -> Vec<Effect> {
        if self.is_mismatched() {
            return Vec::new();
        }
        let mut effects = self.drop_channel(DisconnectReason::PeerGone, false);
        effects.extend(self.set_state(ConnectionState::Connecting));
        match self.role {
            Role::Host => {
                self.session += 1;
                self.pending_peer = Some(from.clone());
                self.port_open = true;
                effects.push(Effect::OpenChannel {
                    to: from,
                    session: self.session,
                });
            }
            Role::Child => effects.push(Effect::PostHello(Some(from))),
        }
        effects
    }

    /// Child: a `connect` with a port, from the host's window at an allowed origin.
    ///
    /// ```
    /// # use crossframe::connection::{Connection, ConnectionState, Effect, Role};
    /// # use crossframe::Origin;
    /// let host = Origin::parse("https://shop.example").unwrap();
    /// let mut child = Connection::new(Role::Child);
    /// assert_eq!(
    ///     child.connect(host.clone(), 7),
    ///     [Effect::AdoptPort { session: 7 }, Effect::State(ConnectionState::Connected { peer: host })]
    /// );
    /// ```
    pub fn connect(&mut self, from: Origin, session: u64) -> Vec<Effect> {
        if self.role != Role::Child || self.is_mismatched() {
            return Vec::new();
        }
        let mut effects = self.drop_channel(DisconnectReason::PeerGone, false);
        self.session = session;
        self.port_open = true;
        effects.push(Effect::AdoptPort { session });
        effects.extend(self.set_state(ConnectionState::Connected { peer: from }));
        effects
    }

    /// Host: the child acknowledged a session on its port. An `ack` of an
    /// older session is ignored.
    ///
    /// ```
    /// # use crossframe::connection::{Connection, ConnectionState, Effect, Role};
    /// # use crossframe::Origin;
    /// let child = Origin::parse("https://widget.example").unwrap();
    /// let mut host = Connection::new(Role::Host);
    /// host.hello(child.clone()); // session 1
    /// host.hello(child.clone()); // the child reloaded: session 2
    /// assert_eq!(host.ack(1), []);
    /// assert_eq!(host.ack(2), [Effect::State(ConnectionState::Connected { peer: child })]);
    /// ```
    pub fn ack(&mut self, session: u64) -> Vec<Effect> {
        if self.role != Role::Host || session != self.session || self.is_connected() {
            return Vec::new();
        }
        match self.pending_peer.clone() {
            Some(peer) if self.port_open => self.set_state(ConnectionState::Connected { peer }),
            _ => Vec::new(),
        }
    }

    /// The peer said goodbye on the port: fail what is pending, close the
    /// port, and wait for the peer to come back.
    ///
    /// ```
    /// # use crossframe::connection::{CallError, Connection, ConnectionState, DisconnectReason, Effect, Role};
    /// # use crossframe::Origin;
    /// let mut child = Connection::new(Role::Child);
    /// child.connect(Origin::parse("https://shop.example").unwrap(), 1);
    /// let id = child.begin_call().unwrap();
    /// assert_eq!(child.bye(), [
    ///     Effect::ClosePort,
    ///     Effect::FailCalls(vec![id], CallError::Disconnected(DisconnectReason::PeerGone)),
    ///     Effect::State(ConnectionState::Disconnected(DisconnectReason::PeerGone)),
    /// ]);
    /// ```
    pub fn bye(&mut self) -> Vec<Effect> {
        if !self.port_open {
            return Vec::new();
        }
        let mut effects = self.drop_channel(DisconnectReason::PeerGone, false);
        effects.extend(self.set_state(ConnectionState::Disconnected(DisconnectReason::PeerGone)));
        effects
    }

    /// The peer's window sent an envelope of another protocol version. The
    /// first time, answer with our hello so the peer learns ours too.
    ///
    /// ```
    /// # use crossframe::connection::{Connection, ConnectionState, DisconnectReason, Effect, Role};
    /// # use crossframe::Origin;
    /// let host = Origin::parse("https://shop.example").unwrap();
    /// let mut child = Connection::new(Role::Child);
    /// let reason = DisconnectReason::VersionMismatch { ours: 1, theirs: 2 };
    /// assert_eq!(
    ///     child.version_mismatch(host.clone(), 2),
    ///     [Effect::State(ConnectionState::Disconnected(reason)), Effect::PostHello(Some(host.clone()))]
    /// );
    /// assert_eq!(child.version_mismatch(host, 2), []); // answered once
    /// ```
    pub fn version_mismatch(&mut self, from: Origin, theirs: u64) -> Vec<Effect> {
        if self.is_mismatched() {
            return Vec::new();
        }
        let reason = DisconnectReason::VersionMismatch {
            ours: u64::from(PROTOCOL_VERSION),
            theirs,
        };
        let mut effects = self.drop_channel(reason.clone(), false);
        effects.extend(self.set_state(ConnectionState::Disconnected(reason)));
        effects.push(Effect::PostHello(Some(from)));
        effects
    }

    /// Host: the widget answered our hello with `refused`.
    ///
    /// ```
    /// # use crossframe::connection::{Connection, ConnectionState, DisconnectReason, Effect, Role};
    /// let mut host = Connection::new(Role::Host);
    /// assert_eq!(
    ///     host.refused(),
    ///     [Effect::State(ConnectionState::Disconnected(DisconnectReason::Refused))]
    /// );
    /// ```
    pub fn refused(&mut self) -> Vec<Effect> {
        if self.role != Role::Host {
            return Vec::new();
        }
        let mut effects = self.drop_channel(DisconnectReason::Refused, false);
        effects.extend(self.set_state(ConnectionState::Disconnected(DisconnectReason::Refused)));
        effects
    }

    /// Child: the embedding page's origin is not allowed; we refuse to talk.
    ///
    /// ```
    /// # use crossframe::connection::{Connection, Role};
    /// # use crossframe::Origin;
    /// let mut child = Connection::new(Role::Child);
    /// child.parent_not_allowed(&Origin::parse("https://evil.example").unwrap());
    /// assert_eq!(
    ///     child.state().to_string(),
    ///     "disconnected: embedded by https://evil.example, which is not an allowed host"
    /// );
    /// ```
    pub fn parent_not_allowed(&mut self, origin: &Origin) -> Vec<Effect> {
        if self.role != Role::Child {
            return Vec::new();
        }
        let mut effects = self.refuse(origin);
        effects.extend(self.set_state(ConnectionState::Disconnected(
            DisconnectReason::ParentNotAllowed {
                origin: origin.to_string(),
            },
        )));
        effects
    }

    /// Child: whether a `hello` from a parent we do not allow would still be
    /// answered (`refused` is said once); if not, its data need not be read.
    ///
    /// ```
    /// # use crossframe::connection::{Connection, Role};
    /// assert!(Connection::new(Role::Child).would_refuse());
    /// assert!(!Connection::new(Role::Host).would_refuse());
    /// ```
    pub fn would_refuse(&self) -> bool {
        self.role == Role::Child && !self.refused
    }

    /// Child: our parent, at an origin we do not allow, said `hello`: tell
    /// it, once, so the embedding page can say why nothing works.
    ///
    /// ```
    /// # use crossframe::connection::{Connection, Effect, Role};
    /// # use crossframe::Origin;
    /// let evil = Origin::parse("https://evil.example").unwrap();
    /// let mut child = Connection::new(Role::Child);
    /// assert_eq!(child.hello_from_disallowed_parent(&evil), [Effect::Refuse(evil.clone())]);
    /// assert_eq!(child.hello_from_disallowed_parent(&evil), []);
    /// ```
    pub fn hello_from_disallowed_parent(&mut self, origin: &Origin) -> Vec<Effect> {
        self.refuse(origin)
    }

    fn refuse(&mut self, origin: &Origin) -> Vec<Effect> {
        if !self.would_refuse() {
            return Vec::new();
        }
        self.refused = true;
        vec![Effect::Refuse(origin.clone())]
    }

    /// Host: the iframe loaded a document. The old one may be gone without a
    /// `bye` (a cross-site navigation): ask on the port.
    ///
    /// ```
    /// # use crossframe::connection::{Connection, Effect, Role};
    /// # use crossframe::Origin;
    /// let mut host = Connection::new(Role::Host);
    /// assert_eq!(host.frame_loaded(), [], "nothing to ask before connecting");
    /// host.hello(Origin::parse("https://widget.example").unwrap());
    /// host.ack(1);
    /// assert_eq!(host.frame_loaded(), [Effect::Ping { session: 1 }]);
    /// ```
    pub fn frame_loaded(&mut self) -> Vec<Effect> {
        if self.role != Role::Host || !self.is_connected() || !self.port_open {
            return Vec::new();
        }
        self.pinging = Some(self.session);
        vec![Effect::Ping {
            session: self.session,
        }]
    }

    /// Host: the peer answered the ping; it is still there.
    ///
    /// ```
    /// # use crossframe::connection::{Connection, Role};
    /// assert_eq!(Connection::new(Role::Host).pong(), []);
    /// ```
    pub fn pong(&mut self) -> Vec<Effect> {
        self.pinging = None;
        Vec::new()
    }

    /// Host: no `pong` for `session` in time: the peer is gone, as if it had
    /// said `bye` (unless that session already ended, or the pong came).
    ///
    /// ```
    /// # use crossframe::connection::{Connection, ConnectionState, DisconnectReason, Effect, Role};
    /// # use crossframe::Origin;
    /// let mut host = Connection::new(Role::Host);
    /// host.hello(Origin::parse("https://widget.example").unwrap());
    /// host.ack(1);
    /// host.frame_loaded();
    /// assert!(host.ping_timed_out(1).contains(&Effect::State(ConnectionState::Disconnected(DisconnectReason::PeerGone))));
    /// assert_eq!(host.ping_timed_out(1), [], "once");
    /// ```
    pub fn ping_timed_out(&mut self, session: u64) -> Vec<Effect> {
        if self.pinging != Some(session) || self.session != session {
            return Vec::new();
        }
        self.pinging = None;
        self.bye()
    }

    /// This side goes away (unmount, page hide): say bye, close, fail all.
    ///
    /// ```
    /// # use crossframe::connection::{Connection, ConnectionState, DisconnectReason, Effect, Role};
    /// let mut host = Connection::new(Role::Host);
    /// assert_eq!(
    ///     host.close(),
    ///     [Effect::State(ConnectionState::Disconnected(DisconnectReason::Closed))]
    /// );
    /// assert_eq!(host.close(), []); // once
    /// ```
    pub fn close(&mut self) -> Vec<Effect> {
        if self.state == ConnectionState::Disconnected(DisconnectReason::Closed) {
            return Vec::new();
        }
        let mut effects = self.drop_channel(DisconnectReason::Closed, true);
        effects.extend(self.set_state(ConnectionState::Disconnected(DisconnectReason::Closed)));
        effects
    }

    /// The page came back from the back/forward cache (`pageshow` with
    /// `persisted`) after [`close`](Self::close) ran on its `pagehide`:
    /// start over as a freshly loaded page would, by saying hello. Does
    /// nothing unless this side closed the connection.
    ///
    /// ```
    /// use crossframe::connection::{Connection, ConnectionState, Effect, Role};
    /// let mut host = Connection::new(Role::Host);
    /// host.close();
    /// assert_eq!(
    ///     host.resume(),
    ///     [Effect::State(ConnectionState::Connecting), Effect::PostHello(None)]
    /// );
    /// assert_eq!(host.resume(), []);
    /// ```
    pub fn resume(&mut self) -> Vec<Effect> {
        if self.state != ConnectionState::Disconnected(DisconnectReason::Closed) {
            return Vec::new();
        }
        let mut effects = self.set_state(ConnectionState::Connecting);
        effects.extend(self.start());
        effects
    }

    /// A call is about to go out: its id, or why it cannot.
    ///
    /// ```
    /// # use crossframe::connection::{CallError, Connection, Role};
    /// assert_eq!(Connection::new(Role::Host).begin_call(), Err(CallError::NotConnected));
    /// ```
    pub fn begin_call(&mut self) -> Result<u64, CallError> {
        self.begin_call_until(f64::INFINITY, Duration::MAX)
    }

    /// A call is about to go out that times out at `deadline` (ms since the
    /// epoch; `timeout` is what it was given): its id, or why it cannot.
    /// [`Connection::expire`] fails it once the deadline has passed.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use crossframe::connection::{CallError, Connection, Effect, Role};
    /// # use crossframe::Origin;
    /// let mut child = Connection::new(Role::Child);
    /// child.connect(Origin::parse("https://shop.example").unwrap(), 1);
    /// let id = child.begin_call_until(1_000.0, Duration::from_secs(1)).unwrap();
    /// assert_eq!(child.next_deadline(0.0), Some(1_000.0));
    /// assert_eq!(child.expire(999.0), []);
    /// assert_eq!(child.expire(1_000.0), [Effect::FailCalls(vec![id], CallError::TimedOut(Duration::from_secs(1)))]);
    /// assert_eq!(child.next_deadline(1_000.0), None);
    /// ```
    pub fn begin_call_until(&mut self, deadline: f64, timeout: Duration) -> Result<u64, CallError> {
        if !self.is_connected() {
            return Err(match &self.state {
                ConnectionState::Disconnected(reason) => CallError::Disconnected(reason.clone()),
                _ => CallError::NotConnected,
            });
        }
        if self.pending.len() >= MAX_PENDING_CALLS {
            return Err(CallError::Overloaded);
        }
        let id = self.next_id;
        self.next_id += 1;
        self.pending.insert(id, (), deadline, timeout);
        Ok(id)
    }

    /// A response arrived: whether the call was still pending (a late answer
    /// to a call that timed out is ignored).
    ///
    /// ```
    /// # use crossframe::connection::{Connection, Role};
    /// # use crossframe::Origin;
    /// let mut child = Connection::new(Role::Child);
    /// child.connect(Origin::parse("https://shop.example").unwrap(), 1);
    /// let id = child.begin_call().unwrap();
    /// assert!(child.finish_call(id));
    /// assert!(!child.finish_call(id)); // a second answer is not expected
    /// ```
    pub fn finish_call(&mut self, id: u64) -> bool {
        self.pending.take(id).is_some()
    }

    /// A call's deadline passed: fail it, unless its answer came first.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use crossframe::connection::{CallError, Connection, Effect, Role};
    /// # use crossframe::Origin;
    /// let mut child = Connection::new(Role::Child);
    /// child.connect(Origin::parse("https://shop.example").unwrap(), 1);
    /// let id = child.begin_call().unwrap();
    /// let after = Duration::from_secs(5);
    /// assert_eq!(child.timeout(id, after), [Effect::FailCalls(vec![id], CallError::TimedOut(after))]);
    /// assert!(!child.finish_call(id)); // the late answer is not expected any more
    /// ```
    pub fn timeout(&mut self, id: u64, after: Duration) -> Vec<Effect> {
        if self.pending.take(id).is_some() {
            vec![Effect::FailCalls(vec![id], CallError::TimedOut(after))]
        } else {
            Vec::new()
        }
    }

    /// The time is `now` (ms since the epoch): every call past its deadline
    /// fails with [`CallError::TimedOut`].
    ///
    /// ```
    /// # use crossframe::connection::{Connection, Role};
    /// assert_eq!(Connection::new(Role::Host).expire(f64::MAX), []);
    /// ```
    pub fn expire(&mut self, now: f64) -> Vec<Effect> {
        let mut effects = Vec::new();
        for (id, after) in self.pending.due(now) {
            effects.extend(self.timeout(id, after));
        }
        effects
    }

    /// The earliest deadline still ahead of `now`: when to call
    /// [`Connection::expire`] next (one alarm for all calls).
    ///
    /// ```
    /// # use crossframe::connection::{Connection, Role};
    /// assert_eq!(Connection::new(Role::Host).next_deadline(0.0), None);
    /// ```
    pub fn next_deadline(&self, now: f64) -> Option<f64> {
        self.pending.next_deadline(now)
    }

    fn is_mismatched(&self) -> bool {
        matches!(
            self.state,
            ConnectionState::Disconnected(DisconnectReason::VersionMismatch { .. })
        )
    }

    /// Ends the current channel: optionally says bye, closes the port, and
    /// fails every pending call with `reason`.
    fn drop_channel(&mut self, reason: DisconnectReason, say_bye: bool) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.port_open {
            if say_bye {
                effects.push(Effect::SendBye);
            }
            effects.push(Effect::ClosePort);
            self.port_open = false;
        }
        if !self.pending.is_empty() {
            let ids = self.pending.take_all();
            effects.push(Effect::FailCalls(ids, CallError::Disconnected(reason)));
        }
        effects
    }

    fn set_state(&mut self, state: ConnectionState) -> Vec<Effect> {
        if self.state == state {
            return Vec::new();
        }
        self.state = state.clone();
        vec![Effect::State(state)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ping_answered_in_time_keeps_the_session_and_a_stale_timeout_is_ignored() {
        let mut host = Connection::new(Role::Host);
        let child = Origin::parse("https://widget.example").unwrap();
        host.hello(child.clone());
        host.ack(1);
        assert_eq!(host.frame_loaded(), [Effect::Ping { session: 1 }]);
        host.pong();
        assert_eq!(host.ping_timed_out(1), [], "answered in time");
        // A ping of an old session times out after a new handshake: ignored.
        host.frame_loaded();
        host.hello(child);
        host.ack(2);
        assert_eq!(host.ping_timed_out(1), []);
        assert!(host.is_connected());
    }

    #[test]
    fn a_child_refuses_a_disallowed_parent_once_whichever_way_it_learns_of_it() {
        let evil = Origin::parse("https://evil.example").unwrap();
        let mut child = Connection::new(Role::Child);
        let effects = child.parent_not_allowed(&evil);
        assert_eq!(effects[0], Effect::Refuse(evil.clone()));
        assert!(!child.would_refuse());
        assert_eq!(child.hello_from_disallowed_parent(&evil), []);
        assert_eq!(
            Connection::new(Role::Host).hello_from_disallowed_parent(&evil),
            []
        );
    }

    fn origin(s: &str) -> Origin {
        Origin::parse(s).unwrap()
    }

    fn child_origin() -> Origin {
        origin("http://localhost:8081")
    }

    fn host_origin() -> Origin {
        origin("http://127.0.0.1:8080")
    }

    fn connected_host() -> Connection {
        let mut host = Connection::new(Role::Host);
        host.start();
        host.hello(child_origin());
        host.ack(1);
        assert!(host.is_connected());
        host
    }

    fn connected_child() -> Connection {
        let mut child = Connection::new(Role::Child);
        child.start();
        child.connect(host_origin(), 1);
        assert!(child.is_connected());
        child
    }

    fn connected(peer: Origin) -> Effect {
        Effect::State(ConnectionState::Connected { peer })
    }

    #[test]
    fn child_first_then_host() {
        // The child announced before the host listened: the host's own hello
        // reaches the loaded child, which answers.
        let mut child = Connection::new(Role::Child);
        assert_eq!(child.start(), [Effect::PostHello(None)]);
        let mut host = Connection::new(Role::Host);
        assert_eq!(host.start(), [Effect::PostHello(None)]);
        assert_eq!(
            child.hello(host_origin()),
            [Effect::PostHello(Some(host_origin()))]
        );
        assert_eq!(
            host.hello(child_origin()),
            [Effect::OpenChannel {
                to: child_origin(),
                session: 1
            }]
        );
        assert_eq!(
            child.connect(host_origin(), 1),
            [Effect::AdoptPort { session: 1 }, connected(host_origin())]
        );
        assert_eq!(host.ack(1), [connected(child_origin())]);
    }

    #[test]
    fn host_first_then_child() {
        let mut host = Connection::new(Role::Host);
        host.start(); // lost: the iframe is still about:blank
        let mut child = Connection::new(Role::Child);
        child.start(); // reaches the host
        assert_eq!(
            host.hello(child_origin()),
            [Effect::OpenChannel {
                to: child_origin(),
                session: 1
            }]
        );
        child.connect(host_origin(), 1);
        assert_eq!(host.ack(1), [connected(child_origin())]);
    }

    #[test]
    fn both_hellos_cross_and_only_the_latest_session_counts() {
        let mut host = Connection::new(Role::Host);
        host.start();
        host.hello(child_origin()); // the child's announcement: session 1
        let second = host.hello(child_origin()); // its answer to our hello: session 2
        assert_eq!(
            second,
            [
                Effect::ClosePort,
                Effect::OpenChannel {
                    to: child_origin(),
                    session: 2
                }
            ]
        );
        assert_eq!(host.ack(1), [], "a stale session is ignored");
        assert_eq!(host.ack(2), [connected(child_origin())]);
        assert_eq!(host.ack(2), [], "a repeated ack changes nothing");
    }

    #[test]
    fn calls_need_a_connection() {
        let mut host = Connection::new(Role::Host);
        assert_eq!(host.begin_call(), Err(CallError::NotConnected));
        let mut host = connected_host();
        assert_eq!(host.begin_call(), Ok(1));
        assert_eq!(host.begin_call(), Ok(2));
        assert_eq!(host.pending().collect::<Vec<_>>(), [1, 2]);
        assert!(host.finish_call(1));
        assert!(!host.finish_call(1), "answered once");
        assert_eq!(host.pending().collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn pending_calls_are_bounded() {
        let mut host = connected_host();
        for _ in 0..MAX_PENDING_CALLS {
            host.begin_call().unwrap();
        }
        assert_eq!(host.begin_call(), Err(CallError::Overloaded));
        assert!(host.finish_call(1));
        assert!(host.begin_call().is_ok(), "room again once one is answered");
    }

    #[test]
    fn a_call_times_out_once_and_a_late_answer_is_ignored() {
        let mut host = connected_host();
        let id = host.begin_call().unwrap();
        let after = Duration::from_millis(200);
        assert_eq!(
            host.timeout(id, after),
            [Effect::FailCalls(vec![id], CallError::TimedOut(after))]
        );
        assert_eq!(host.timeout(id, after), []);
        assert!(!host.finish_call(id));
    }

    #[test]
    fn child_reload_fails_pending_calls_at_once_then_reconnects() {
        let mut host = connected_host();
        let a = host.begin_call().unwrap();
        let b = host.begin_call().unwrap();
        // The old document says bye as it unloads.
        assert_eq!(
            host.bye(),
            [
                Effect::ClosePort,
                Effect::FailCalls(
                    vec![a, b],
                    CallError::Disconnected(DisconnectReason::PeerGone)
                ),
                Effect::State(ConnectionState::Disconnected(DisconnectReason::PeerGone)),
            ]
        );
        assert_eq!(
            host.begin_call(),
            Err(CallError::Disconnected(DisconnectReason::PeerGone))
        );
        // The new document announces itself.
        assert_eq!(
            host.hello(child_origin()),
            [
                Effect::State(ConnectionState::Connecting),
                Effect::OpenChannel {
                    to: child_origin(),
                    session: 2
                }
            ]
        );
        assert_eq!(host.ack(2), [connected(child_origin())]);
        assert!(host.begin_call().is_ok());
    }

    #[test]
    fn a_hello_while_connected_means_the_peer_started_over() {
        // The bye was lost (crash): the new hello still ends the old calls.
        let mut host = connected_host();
        let id = host.begin_call().unwrap();
        let effects = host.hello(child_origin());
        assert_eq!(
            effects[..2],
            [
                Effect::ClosePort,
                Effect::FailCalls(
                    vec![id],
                    CallError::Disconnected(DisconnectReason::PeerGone)
                ),
            ]
        );
        assert!(effects.contains(&Effect::State(ConnectionState::Connecting)));
    }

    #[test]
    fn child_answers_a_restarted_host_and_drops_the_old_channel() {
        let mut child = connected_child();
        let id = child.begin_call().unwrap();
        assert_eq!(
            child.hello(host_origin()),
            [
                Effect::ClosePort,
                Effect::FailCalls(
                    vec![id],
                    CallError::Disconnected(DisconnectReason::PeerGone)
                ),
                Effect::State(ConnectionState::Connecting),
                Effect::PostHello(Some(host_origin())),
            ]
        );
        assert_eq!(
            child.connect(host_origin(), 7),
            [Effect::AdoptPort { session: 7 }, connected(host_origin())]
        );
    }

    #[test]
    fn closing_says_bye_and_fails_everything_once() {
        let mut host = connected_host();
        let id = host.begin_call().unwrap();
        assert_eq!(
            host.close(),
            [
                Effect::SendBye,
                Effect::ClosePort,
                Effect::FailCalls(vec![id], CallError::Disconnected(DisconnectReason::Closed)),
                Effect::State(ConnectionState::Disconnected(DisconnectReason::Closed)),
            ]
        );
        assert_eq!(host.close(), []);
        assert_eq!(
            host.begin_call(),
            Err(CallError::Disconnected(DisconnectReason::Closed))
        );
    }

    /// Pins the Back/Forward bug: a page restored from the back/forward
    /// cache stayed "this side closed the connection" for good.
    #[test]
    fn a_page_restored_after_pagehide_connects_again() {
        let mut host = connected_host();
        let mut child = connected_child();
        host.close();
        child.close();
        // pageshow (persisted) on both sides: each says hello again...
        assert_eq!(
            host.resume(),
            [
                Effect::State(ConnectionState::Connecting),
                Effect::PostHello(None)
            ]
        );
        assert_eq!(
            child.resume(),
            [
                Effect::State(ConnectionState::Connecting),
                Effect::PostHello(None)
            ]
        );
        // ...and the handshake runs as on a first load, in a new session.
        let session = match host.hello(child_origin()).as_slice() {
            [Effect::OpenChannel { session, .. }] => *session,
            other => panic!("expected a new channel, got {other:?}"),
        };
        assert_eq!(session, 2);
        assert_eq!(
            child.connect(host_origin(), session),
            [Effect::AdoptPort { session }, connected(host_origin())]
        );
        assert_eq!(host.ack(session), [connected(child_origin())]);
        assert!(host.begin_call().is_ok());
    }

    #[test]
    fn only_a_closed_side_resumes() {
        let mut host = connected_host();
        assert_eq!(host.resume(), []);
        host.bye();
        assert_eq!(host.resume(), [], "the peer left: wait for its hello");
        let mut mismatched = Connection::new(Role::Child);
        mismatched.version_mismatch(host_origin(), 2);
        assert_eq!(mismatched.resume(), []);
    }

    #[test]
    fn closing_before_connecting_sends_nothing() {
        let mut child = Connection::new(Role::Child);
        child.start();
        assert_eq!(
            child.close(),
            [Effect::State(ConnectionState::Disconnected(
                DisconnectReason::Closed
            ))]
        );
    }

    #[test]
    fn host_goes_away_and_the_child_learns_it() {
        let mut child = connected_child();
        assert_eq!(
            child.bye(),
            [
                Effect::ClosePort,
                Effect::State(ConnectionState::Disconnected(DisconnectReason::PeerGone)),
            ]
        );
        assert_eq!(child.bye(), [], "no port, nothing to close");
    }

    #[test]
    fn version_mismatch_is_reported_once_and_answered_once() {
        let mut host = Connection::new(Role::Host);
        host.start();
        let reason = DisconnectReason::VersionMismatch { ours: 1, theirs: 2 };
        assert_eq!(
            host.version_mismatch(child_origin(), 2),
            [
                Effect::State(ConnectionState::Disconnected(reason)),
                Effect::PostHello(Some(child_origin())),
            ]
        );
        // No ping-pong: further envelopes change nothing, hellos are ignored.
        assert_eq!(host.version_mismatch(child_origin(), 2), []);
        assert_eq!(host.hello(child_origin()), []);
        assert_eq!(
            host.begin_call().unwrap_err().to_string(),
            "disconnected: the peer speaks protocol version 2, this side speaks 1"
        );
    }

    #[test]
    fn a_refusing_widget_is_reported_to_the_host() {
        let mut host = Connection::new(Role::Host);
        host.start();
        assert_eq!(
            host.refused(),
            [Effect::State(ConnectionState::Disconnected(
                DisconnectReason::Refused
            ))]
        );
        assert_eq!(Connection::new(Role::Child).refused(), []);
    }

    #[test]
    fn a_child_embedded_by_a_stranger_says_so() {
        let mut child = Connection::new(Role::Child);
        child.start();
        let stranger = origin("http://127.0.0.1:18082");
        let reason = DisconnectReason::ParentNotAllowed {
            origin: stranger.to_string(),
        };
        assert_eq!(
            child.parent_not_allowed(&stranger),
            [
                Effect::Refuse(stranger.clone()),
                Effect::State(ConnectionState::Disconnected(reason))
            ]
        );
        assert_eq!(
            child.state().to_string(),
            "disconnected: embedded by http://127.0.0.1:18082, which is not an allowed host"
        );
        assert_eq!(
            Connection::new(Role::Host).parent_not_allowed(&stranger),
            []
        );
    }

    #[test]
    fn connect_and_ack_go_only_to_the_right_role() {
        let mut host = Connection::new(Role::Host);
        assert_eq!(host.connect(child_origin(), 1), []);
        let mut child = Connection::new(Role::Child);
        assert_eq!(child.ack(1), []);
    }

    #[test]
    fn states_read_well() {
        assert_eq!(
            ConnectionState::Connected {
                peer: child_origin()
            }
            .to_string(),
            "connected to http://localhost:8081"
        );
        assert_eq!(
            ConnectionState::Disconnected(DisconnectReason::PeerGone).to_string(),
            "disconnected: the peer went away"
        );
    }
}
