//! Live streams served without hyper.
//!
//! Every connection is looked at (peeked, not read) before hyper gets it. A
//! well-formed `GET /api/v1/alerts/stream` is answered here: the response head
//! is written, then each frame straight to the socket. Everything else —
//! including a stream request hyper should refuse (a bad cursor) — goes to
//! hyper untouched, through the [`Listener`] that `axum::serve` accepts from.
//!
//! Why: thousands of devices hold a stream open all day. Through hyper, each
//! idle stream kept two 8 KiB buffers, its connection state and the response
//! body's machinery (≈ 19 KB each); here an idle stream is its socket, its
//! subscription and one small task. See `docs/benchmarks.md`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::AppState;
use crate::hub::{Conn, Hub};
use crate::routes::alerts::LiveStream;

const PATH: &[u8] = b"GET /api/v1/alerts/stream";
/// The largest request head read here (a device following 200 reports
/// sends ~20 KB of `Beffroi-Reports`); larger ones go to hyper.
const MAX_HEAD: usize = 32 * 1024;
/// How long a client may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);
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

/// The connections hyper serves (all but the live streams).
#[derive(Debug)]
pub struct Listener {
    rx: mpsc::Receiver<(TcpStream, SocketAddr)>,
    local: SocketAddr,
}

impl axum::serve::Listener for Listener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        match self.rx.recv().await {
            Some(conn) => conn,
            // The accept loop ended: nothing more comes.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.local)
    }
}

/// Accepts on `listener`, serving live streams here and handing the rest to
/// the returned [`Listener`]. The accept loop ends when that listener is
/// dropped (await the handle to know the port is free).
pub fn split(
    listener: TcpListener,
    state: AppState,
) -> std::io::Result<(Listener, tokio::task::JoinHandle<()>)> {
    let local = listener.local_addr()?;
    let (tx, rx) = mpsc::channel(1024);
    let task = tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                a = listener.accept() => a,
                () = tx.closed() => return,
            };
            match accepted {
                Ok((socket, peer)) => {
                    tokio::spawn(route(socket, peer, tx.clone(), state.clone()));
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait, as hyper does.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    });
    Ok((Listener { rx, local }, task))
}

async fn route(
    socket: TcpStream,
    peer: SocketAddr,
    hyper: mpsc::Sender<(TcpStream, SocketAddr)>,
    state: AppState,
) {
    let _ = socket.set_nodelay(true);
    let opened = match tokio::time::timeout(HEAD_TIMEOUT, sniff(&socket, &state)).await {
        Ok(Ok(Some(opened))) => opened,
        // Not a stream (or one hyper answers better): hyper's, untouched.
        Ok(Ok(None)) => {
            let _ = hyper.send((socket, peer)).await;
            return;
        }
        // Closed or too slow before its head was complete.
        Ok(Err(_)) | Err(_) => return,
    };
    let (head_len, live) = opened;
    stream(socket, head_len, live, state.hub.clone()).await;
}

/// Peeks at the request: `Some` for a live stream this module serves (with
/// the length of the request head to consume), `None` for hyper.
async fn sniff(
    socket: &TcpStream,
    state: &AppState,
) -> std::io::Result<Option<(usize, LiveStream)>> {
    let mut buf = vec![0u8; 1024];
    loop {
        let n = socket.peek(&mut buf).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let seen = &buf[..n];
        let prefix = seen.len().min(PATH.len());
        if seen[..prefix] != PATH[..prefix] {
            return Ok(None);
        }
        if seen.len() > PATH.len() && !matches!(seen[PATH.len()], b' ' | b'?') {
            return Ok(None);
        }
        if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            return Ok(parse(&seen[..end + 4], state).map(|live| (end + 4, live)));
        }
        if n == buf.len() {
            if buf.len() >= MAX_HEAD {
                return Ok(None);
            }
            buf.resize(buf.len() * 2, 0);
        } else {
            // The head is still arriving: peek returns at once while any
            // byte is waiting, so wait a little before looking again.
            tokio::time::sleep(Duration::from_millis(5)).await;
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

/// Consumes the request head, answers, then sends until the server stops,
/// the device goes away, or it stops reading. Caught up, the stream is live:
/// the hub writes alerts to its socket as they are announced, and this task
/// only sends heartbeats and report events. When the hub cannot finish a
/// write, the task takes over (the rest of that write, then a catch-up from
/// the store) until it is caught up again.
async fn stream(mut socket: TcpStream, head_len: usize, mut live: LiveStream, hub: Arc<Hub>) {
    let mut head = vec![0u8; head_len];
    if socket.read_exact(&mut head).await.is_err() {
        return;
    }
    drop(head);
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
        } else if write_all(&socket, &frame).await.is_err() {
            break;
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
