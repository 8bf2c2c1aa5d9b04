//! Connections: each one has deadlines, and one address cannot hold them all.
//!
//! Every accepted connection first goes through [`crate::push`] (which serves
//! the live alert streams itself); the rest are served here by hyper, each
//! with:
//! - a deadline for its request head: 15 s from its first byte (or from
//!   the connection's start), here and in the stream sniffer;
//! - an idle deadline: no request being handled and no byte in either
//!   direction for 60 s closes it (keep-alive connections too);
//! - a stall deadline: a request being handled with no byte moving either
//!   way for 120 s (a body stopped halfway) cuts the connection.
//!
//! These are watched per connection, from the bytes its socket moves: no
//! timer per request beyond hyper's own for the head.
//!
//! (The values are [`Timeouts::default`]; tests shorten them.)
//!
//! One address (an IPv6 /64, see [`crate::limits::bucket`]) holds at most
//! [`crate::Settings::connections_per_address`] connections, live streams
//! included; past that a new connection gets a 503 and is closed. The
//! operator's trusted proxies are not capped (they carry everyone).
//!
//! At shutdown every connection is asked to finish; whatever has not after
//! 10 s is cut, so a stop never waits on a slow client.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::Request;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// A connection's deadlines (see the module).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// How long a client may take to send a complete request head.
    pub head: Duration,
    /// How long a connection may sit with no request and nothing moving.
    pub idle: Duration,
    /// How long a request being handled may go with no byte moving either
    /// way (a body that stopped halfway, an answer nobody reads).
    pub stall: Duration,
    /// How long a stopping server waits for connections to finish.
    pub shutdown: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            head: Duration::from_secs(15),
            idle: Duration::from_secs(60),
            stall: Duration::from_secs(120),
            shutdown: Duration::from_secs(10),
        }
    }
}

/// The most connections one address holds by default: generous, since a
/// school, an office or a mobile carrier's NAT puts many residents behind
/// one address, each with a live stream.
pub const DEFAULT_PER_ADDRESS: usize = 1024;

/// Open connections per address.
#[derive(Debug)]
pub struct Connections {
    open: Mutex<HashMap<IpAddr, usize>>,
    max: usize,
    exempt: Vec<IpAddr>,
}

/// A connection's place in [`Connections`], given back when dropped.
#[derive(Debug)]
pub struct Slot {
    connections: Arc<Connections>,
    key: Option<IpAddr>,
}

impl Connections {
    pub fn new(max: usize, exempt: Vec<IpAddr>) -> Arc<Self> {
        Arc::new(Self {
            open: Mutex::default(),
            max: max.max(1),
            exempt,
        })
    }

    /// A place for a new connection from `peer`, unless its address holds
    /// the most already.
    pub fn admit(self: &Arc<Self>, peer: IpAddr) -> Option<Slot> {
        if self.exempt.contains(&peer) {
            return Some(Slot {
                connections: self.clone(),
                key: None,
            });
        }
        let key = crate::limits::bucket(peer);
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(key).or_default();
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(Slot {
            connections: self.clone(),
            key: Some(key),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(key) = self.key else { return };
        let mut open = self
            .connections
            .open
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&key) {
            *n -= 1;
            if *n == 0 {
                // Addresses come and go: the map holds only the open ones.
                open.remove(&key);
            }
        }
    }
}

/// The answer to a connection over its address's cap, written without
/// waiting (a full socket just gets closed).
pub const TOO_MANY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
retry-after: 10\r\nconnection: close\r\ncontent-length: 95\r\n\r\n\
{\"error\":{\"code\":\"busy\",\"message\":\"too many connections from this address: try again shortly\"}}";

/// When a connection last moved a byte, and whether a request is being
/// handled on it, and since when a request head has been arriving.
#[derive(Debug)]
pub struct Activity {
    start: Instant,
    /// Milliseconds after `start`.
    last: AtomicU64,
    /// Milliseconds after `start`, plus one, when the bytes of a request
    /// head began to arrive (0: no head pending).
    head_since: AtomicU64,
    in_flight: AtomicUsize,
}

impl Activity {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            start: Instant::now(),
            last: AtomicU64::new(0),
            // A new connection owes a request head at once.
            head_since: AtomicU64::new(1),
            in_flight: AtomicUsize::new(0),
        })
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX - 1)
    }

    fn touch(&self) {
        self.last.store(self.now_ms(), Ordering::Relaxed);
    }

    /// Bytes were read: with no request being handled, they start a head.
    fn read_some(&self) {
        let now = self.now_ms();
        self.last.store(now, Ordering::Relaxed);
        if !self.busy() {
            let _ =
                self.head_since
                    .compare_exchange(0, now + 1, Ordering::AcqRel, Ordering::Relaxed);
        }
    }

    /// When the connection last moved a byte (or began or finished a request).
    fn last_moved(&self) -> Instant {
        self.start + Duration::from_millis(self.last.load(Ordering::Relaxed))
    }

    /// When the pending request head began to arrive, if one is pending.
    fn head_began(&self) -> Option<Instant> {
        match self.head_since.load(Ordering::Acquire) {
            0 => None,
            ms => Some(self.start + Duration::from_millis(ms - 1)),
        }
    }

    fn busy(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) > 0
    }
}

/// Counts a request being handled until dropped (its head is complete).
struct InFlight(Arc<Activity>);

impl InFlight {
    fn enter(activity: &Arc<Activity>) -> Self {
        activity.touch();
        activity.in_flight.fetch_add(1, Ordering::AcqRel);
        activity.head_since.store(0, Ordering::Release);
        Self(activity.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A connection's socket, after the bytes already read from it while it was
/// routed (see `push`), noting when it last moved.
#[derive(Debug)]
pub struct Io {
    prefix: Bytes,
    socket: TcpStream,
    activity: Arc<Activity>,
}

impl Io {
    pub fn new(socket: TcpStream, prefix: Bytes) -> Self {
        let activity = Activity::new();
        activity.touch();
        Self {
            prefix,
            socket,
            activity,
        }
    }
}

impl AsyncRead for Io {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if !self.prefix.is_empty() {
            let n = self.prefix.len().min(buf.remaining());
            buf.put_slice(&self.prefix[..n]);
            self.prefix = self.prefix.slice(n..);
            return Poll::Ready(Ok(()));
        }
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.socket).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.read_some();
        }
        polled
    }
}

impl AsyncWrite for Io {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.socket).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.socket).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.socket.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.socket).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.socket).poll_shutdown(cx)
    }
}

/// Serves one connection with hyper until it ends, goes idle, or `stop`
/// says the server is stopping (then it finishes what it handles, within
/// the shutdown grace).
pub async fn serve(
    io: Io,
    peer: SocketAddr,
    app: Router,
    timeouts: Timeouts,
    mut stop: tokio::sync::watch::Receiver<bool>,
    slot: Slot,
) {
    let activity = io.activity.clone();
    let service = {
        let activity = activity.clone();
        let app = tower::Layer::layer(&axum::Extension(axum::extract::ConnectInfo(peer)), app);
        // Boxed: hyper keeps a slot per connection sized for the response
        // future, and the router's nests every layer's (tens of KiB).
        tower::service_fn(move |req: Request<hyper::body::Incoming>| {
            let app = app.clone();
            let busy = InFlight::enter(&activity);
            Box::pin(async move {
                let response = tower::ServiceExt::oneshot(app, req.map(Body::new)).await;
                drop(busy);
                response
            })
                as Pin<
                    Box<
                        dyn std::future::Future<
                                Output = Result<axum::response::Response, std::convert::Infallible>,
                            > + Send,
                    >,
                >
        })
    };
    // No hyper timer: the deadlines are watched below, per connection, from
    // the bytes the socket moves (a timer per request head cost ~10% of
    // intake; hyper's header read timeout is on by default once a timer is
    // set).
    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    let conn = builder.serve_connection_with_upgrades(
        TokioIo::new(io),
        hyper_util::service::TowerToHyperService::new(service),
    );
    tokio::pin!(conn);
    let mut closing: Option<Instant> = None;
    loop {
        // What is due first: a pending head, a stalled request, idleness.
        let due = |a: &Activity| {
            let moved = a.last_moved();
            if a.busy() {
                moved + timeouts.stall
            } else {
                let idle = moved + timeouts.idle;
                a.head_began().map_or(idle, |h| idle.min(h + timeouts.head))
            }
        };
        tokio::select! {
            _ = conn.as_mut() => break,
            changed = stop.changed(), if closing.is_none() => {
                let _ = changed;
                conn.as_mut().graceful_shutdown();
                closing = Some(Instant::now() + timeouts.shutdown);
            }
            () = tokio::time::sleep_until(due(&activity)), if closing.is_none() => {
                if due(&activity) > Instant::now() {
                    // Something moved meanwhile (or a request began or ended).
                    continue;
                }
                if activity.busy() || activity.head_began().is_some() {
                    // A request stalled halfway, or its head is too slow:
                    // nothing to finish gracefully.
                    break;
                }
                conn.as_mut().graceful_shutdown();
                // An idle connection closes at once; one that still has a
                // response to write gets a little while.
                closing = Some(Instant::now() + timeouts.head);
            }
            () = async { tokio::time::sleep_until(closing.unwrap_or_else(Instant::now)).await },
                if closing.is_some() => break,
        }
    }
    drop(slot);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn the_too_many_answer_says_its_own_length() {
        let text = std::str::from_utf8(super::TOO_MANY).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(length, body.len());
        assert!(serde_json::from_str::<serde_json::Value>(body).is_ok());
    }
}
