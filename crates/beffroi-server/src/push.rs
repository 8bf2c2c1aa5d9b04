//! Live streams served without hyper.
//!
//! The start of every connection is read here before hyper gets it. A
//! well-formed `GET /api/v1/alerts/stream` is answered here: the response head
//! is written, then each frame straight to the socket. Everything else —
//! including a stream request hyper should refuse (a bad cursor) — goes to
//! hyper with the bytes already read, through [`Incoming`] (see
//! [`crate::conn`] for its deadlines and the cap per address).
//!
//! Why: thousands of devices hold a stream open all day. Through hyper, each
//! idle stream kept two 8 KiB buffers, its connection state and the response
//! body's machinery (≈ 19 KB each); here an idle stream is its socket, its
//! subscription and one small task. See `docs/benchmarks.md`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::AppState;
use crate::conn::{Connections, Io, Slot};
use crate::hub::{Conn, Hub};
use crate::routes::alerts::LiveStream;

const PATH: &[u8] = b"GET /api/v1/alerts/stream";
/// The largest request head read here (a device following 200 reports
/// sends ~20 KB of `Beffroi-Reports`); larger ones go to hyper.
const MAX_HEAD: usize = 32 * 1024;
/// A device that reads nothing for this long is dropped (it reconnects and
/// catches up from its cursor).
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
cache-control: no-cache\r\nx-accel-buffering: no\r\nconnection: close\r\n\r\n";

/// Raises this process's open-file limit to the most the system allows and
/// returns it. Each device holding a stream holds a socket, and Linux's
/// usual soft limit (1,024) would turn devices away long before the machine
/// is busy; the hard limit is the operator's (`ulimit -Hn`, systemd's
/// `LimitNOFILE=`).
pub fn raise_open_files_limit() -> std::io::Result<u64> {
    rlimit::increase_nofile_limit(u64::MAX)
}

/// The connections hyper serves (all but the live streams), each with the
/// bytes already read from it and its place under the address's cap.
#[derive(Debug)]
pub struct Incoming {
    rx: mpsc::Receiver<(Io, SocketAddr, Slot)>,
}

impl Incoming {
    /// The next connection for hyper; `None` once the accept loop ended.
    pub async fn accept(&mut self) -> Option<(Io, SocketAddr, Slot)> {
        self.rx.recv().await
    }
}

/// How much of a catch-up is gathered into one write.
const CATCH_UP_WRITE: usize = 64 * 1024;

/// The queue of connections not yet accepted (see [`split`]).
const LISTEN_QUEUE: i32 = 65_535;

/// Accepts on `listener`, serving live streams here and handing the rest to
/// the returned [`Incoming`]. A connection from an address that holds its
/// most already gets a 503 and is closed. The accept loop ends when that
/// `Incoming` is dropped (await the handle to know the port is free).
pub fn split(
    listener: TcpListener,
    state: AppState,
    connections: Arc<Connections>,
) -> std::io::Result<(Incoming, tokio::task::JoinHandle<()>)> {
    // Devices reconnect all at once after a restart or when a crisis
    // starts: a queue of 1,024 (tokio's) overflows, and each connection it
    // drops is tried again by its device's kernel a second later, then two,
    // then four (a storm of 10,000 took 2.5 s with a cursor, 4.2 s without;
    // `docs/benchmarks.md`). Linux caps it at `net.core.somaxconn`.
    if let Err(e) = socket2::SockRef::from(&listener).listen(LISTEN_QUEUE) {
        tracing::warn!(error = %e, "cannot lengthen the queue of connections");
    }
    let (tx, rx) = mpsc::channel(1024);
    let task = tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                a = listener.accept() => a,
                () = tx.closed() => return,
            };
            match accepted {
                Ok((socket, peer)) => match connections.admit(peer.ip()) {
                    Some(slot) => {
                        tokio::spawn(route(socket, peer, slot, tx.clone(), state.clone()));
                    }
                    None => {
                        // Best effort, without waiting: then closed.
                        let _ = socket.try_write(crate::conn::TOO_MANY);
                    }
                },
                Err(e) => {
                    // Out of file descriptors and the like: wait, as hyper does.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    });
    Ok((Incoming { rx }, task))
}

async fn route(
    mut socket: TcpStream,
    peer: SocketAddr,
    slot: Slot,
    hyper: mpsc::Sender<(Io, SocketAddr, Slot)>,
    state: AppState,
) {
    let _ = socket.set_nodelay(true);
    let head = state.settings.timeouts.head;
    match tokio::time::timeout(head, sniff(&mut socket, &state)).await {
        Ok(Ok(Sniffed::Stream(live))) => stream(socket, *live, state.hub.clone(), slot).await,
        // Not a stream (or one hyper answers better): hyper's, with what was read.
        Ok(Ok(Sniffed::Other(read))) => {
            let _ = hyper.send((Io::new(socket, read), peer, slot)).await;
        }
        // Closed or too slow before its head was complete.
        Ok(Err(_)) | Err(_) => {}
    }
}

enum Sniffed {
    Stream(Box<LiveStream>),
    /// For hyper, with the bytes read so far.
    Other(Bytes),
}

/// Reads the start of the request, waiting for each new piece (never
/// polling): a live stream this module serves once its head is complete,
/// anything else as soon as it is clearly not one.
async fn sniff(socket: &mut TcpStream, state: &AppState) -> std::io::Result<Sniffed> {
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    loop {
        if buf.len() >= MAX_HEAD {
            return Ok(Sniffed::Other(buf.into()));
        }
        // Room for what is there (a head sent at once is read at once), and
        // the end of the head looked for in what is new only: a long head
        // arriving in pieces costs its length, not its length squared.
        buf.reserve(4096);
        let seen = buf.len().saturating_sub(3);
        if socket.read_buf(&mut buf).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let prefix = buf.len().min(PATH.len());
        if buf[..prefix] != PATH[..prefix]
            || (buf.len() > PATH.len() && !matches!(buf[PATH.len()], b' ' | b'?'))
        {
            return Ok(Sniffed::Other(buf.into()));
        }
        if let Some(end) = buf[seen..]
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|at| seen + at)
        {
            return Ok(match parse(&buf[..end + 4], state) {
                Some(live) => Sniffed::Stream(Box::new(live)),
                None => Sniffed::Other(buf.into()),
            });
        }
    }
}

/// Opens the stream a complete request head asks for; `None` when it is
/// not one (hyper then answers it, e.g. with a 400).
fn parse(head: &[u8], state: &AppState) -> Option<LiveStream> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    if !matches!(request.parse(head), Ok(httparse::Status::Complete(_))) {
        return None;
    }
    let (_, query) = request.path?.split_once('?').unwrap_or(("", ""));
    let mut map = HeaderMap::new();
    for h in request.headers.iter() {
        let name = HeaderName::from_bytes(h.name.as_bytes()).ok()?;
        map.append(name, HeaderValue::from_bytes(h.value).ok()?);
    }
    LiveStream::open(state, query, &map).ok()
}

/// Answers (the request head was read), then sends until the server stops,
/// the device goes away, or it stops reading. Caught up, the stream is live:
/// the hub writes alerts to its socket as they are announced, and this task
/// only sends heartbeats and report events. When the hub cannot finish a
/// write, the task takes over (the rest of that write, then a catch-up from
/// the store) until it is caught up again.
async fn stream(socket: TcpStream, mut live: LiveStream, hub: Arc<Hub>, slot: Slot) {
    let _slot = slot;
    let socket = Arc::new(socket);
    if write_all(&socket, HEAD).await.is_err() {
        return;
    }
    let conn = Arc::new(Conn::new(&hub, socket.clone(), live.communes().to_vec()));
    let mut is_live = false;
    let mut scratch = [0u8; 64];
    loop {
        if !is_live {
            is_live = live.go_live(&conn);
        }
        let frame = tokio::select! {
            frame = live.next_frame() => frame,
            () = conn.wake.notified(), if is_live => {
                // The hub could not finish a write: finish it, then catch up.
                let (pending, last) = hub.leave_live(&conn);
                is_live = false;
                if let Some(rest) = pending
                    && write_all(&socket, &rest).await.is_err()
                {
                    break;
                }
                live.go_slow(last);
                continue;
            }
            // The device closed (or sent something): the stream is over.
            _ = socket.readable() => match socket.try_read(&mut scratch) {
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                _ => break,
            },
        };
        let Some(frame) = frame else {
            // The server is stopping: the response ends with the connection.
            break;
        };
        if is_live {
            // A heartbeat or a report event while the hub writes alerts: in
            // turn with it, under the stream's lock.
            let rest = {
                let state = conn.lock();
                if state.live {
                    match socket.try_write(&frame) {
                        Ok(n) if n == frame.len() => None,
                        Ok(n) => Some(frame.slice(n..)),
                        Err(_) => Some(frame),
                    }
                } else {
                    Some(frame)
                }
            };
            let Some(rest) = rest else { continue };
            let (pending, last) = hub.leave_live(&conn);
            is_live = false;
            for bytes in pending.iter().chain(std::iter::once(&rest)) {
                if write_all(&socket, bytes).await.is_err() {
                    return;
                }
            }
            live.go_slow(last);
        } else {
            // A catch-up: what was read already goes in one write (a
            // device without a cursor gets every message sent).
            let mut frame = frame;
            if let Some(next) = live.ready_frame() {
                let mut batch = frame.to_vec();
                batch.extend_from_slice(&next);
                while batch.len() < CATCH_UP_WRITE {
                    let Some(next) = live.ready_frame() else {
                        break;
                    };
                    batch.extend_from_slice(&next);
                }
                frame = batch.into();
            }
            if write_all(&socket, &frame).await.is_err() {
                break;
            }
        }
    }
    hub.leave_live(&conn);
}

/// Writes all of `bytes`, waiting while the socket is full (at most
/// [`WRITE_TIMEOUT`]: a device that reads nothing is dropped).
async fn write_all(socket: &TcpStream, mut bytes: &[u8]) -> std::io::Result<()> {
    let writing = async {
        while !bytes.is_empty() {
            socket.writable().await?;
            match socket.try_write(bytes) {
                Ok(n) => bytes = &bytes[n..],
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    };
    match tokio::time::timeout(WRITE_TIMEOUT, writing).await {
        Ok(r) => r,
        Err(_) => Err(std::io::ErrorKind::TimedOut.into()),
    }
}
