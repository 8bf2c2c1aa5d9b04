//! Fan-out of one alert to many live subscribers.
//!
//! The server runs in this process (real HTTP on loopback, real SQLite file);
//! the subscribers run in a second process (this binary again, `subscribe`),
//! each a plain TCP connection reading the SSE stream, so the server's memory
//! is measured alone. Times are wall-clock nanoseconds, comparable across the
//! two processes of one machine.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use beffroi_server::{AppState, Settings};
use serde_json::json;

/// Wall-clock nanoseconds: comparable across the bench's processes.
pub(crate) fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// This process's resident memory, in bytes.
fn rss_bytes() -> anyhow::Result<u64> {
    rss_of("self")
}

/// A process's resident memory, in bytes (Linux `/proc/PROCESS/status`;
/// `self` or a pid).
pub(crate) fn rss_of(process: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{process}/status"))?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .with_context(|| format!("no VmRSS in /proc/{process}/status"))?;
    Ok(kb * 1024)
}

/// Logs a staff member in on the town hall at `url`; their bearer token.
pub(crate) async fn login(
    http: &reqwest::Client,
    url: &str,
    username: &str,
    password: &str,
) -> anyhow::Result<String> {
    let login: serde_json::Value = http
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(login["token"].as_str().context("no token")?.to_owned())
}

/// Raises the open-file limit as the server does; fails clearly when `n`
/// connections (and a few more files) do not fit under it.
fn room_for(n: usize) -> anyhow::Result<()> {
    let limit = beffroi_server::push::raise_open_files_limit()?;
    let needed = n as u64 + 64;
    anyhow::ensure!(
        limit >= needed,
        "{n} subscribers need about {needed} open files in each of the two processes; \
         this system allows {limit} (the hard limit, `ulimit -Hn`)"
    );
    Ok(())
}

pub async fn fanout(subscribers: usize) -> anyhow::Result<()> {
    room_for(subscribers)?;
    let dir = tempfile::tempdir()?;
    let mut settings = Settings::new(dir.path());
    // Every subscriber is on 127.0.0.1 here; devices have addresses of their own.
    settings.connections_per_address = usize::MAX;
    let state = AppState::open(settings).await?;
    let served = Served::start(&state).await?;
    let (addr, url, token, http) = (
        served.addr,
        served.url.clone(),
        served.token.clone(),
        served.http.clone(),
    );
    let id = draft(&http, &url, &token, "Exercice : confinement").await?;

    // Settle, then the baseline: the server with no subscriber.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_before = rss_bytes()?;
    let mut child = Command::new(std::env::current_exe()?)
        .args(["subscribe", "--addr", &addr.to_string(), "--n"])
        .arg(subscribers.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot start the subscribers' process")?;
    let mut lines = BufReader::new(child.stdout.take().context("no stdout")?).lines();
    let connect_start = std::time::Instant::now();
    let ready = tokio::task::spawn_blocking(move || {
        let first = lines.next();
        (first, lines)
    })
    .await?;
    let (first, mut lines) = ready;
    let first = first.context("the subscribers' process ended")??;
    anyhow::ensure!(first.starts_with("ready"), "subscribers: {first}");
    let connected = state.hub.subscribers();
    println!(
        "{subscribers} subscribers connected in {:.2} s ({connected} streams open on the server)",
        connect_start.elapsed().as_secs_f64()
    );
    // Idle for a moment, then measure.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_idle = rss_bytes()?;
    let per_subscriber = rss_idle.saturating_sub(rss_before) as f64 / subscribers.max(1) as f64;
    println!(
        "server memory: {:.1} MiB before, {:.1} MiB with {subscribers} idle subscribers: {:.0} B each",
        rss_before as f64 / 1048576.0,
        rss_idle as f64 / 1048576.0,
        per_subscriber
    );

    let t0 = now_ns();
    http.post(format!("{url}/api/v1/admin/alerts/{id}/publish"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?;
    let result = tokio::task::spawn_blocking(move || lines.next())
        .await?
        .context("the subscribers' process ended without a result")??;
    let _ = child.wait();
    let result: serde_json::Value = serde_json::from_str(&result)?;
    let mut latencies: Vec<f64> = result["times_ns"]
        .as_array()
        .context("no times")?
        .iter()
        .filter_map(serde_json::Value::as_u64)
        .map(|t| t.saturating_sub(t0) as f64 / 1e6)
        .collect();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    let received = latencies.len();
    // The first delivery tells how long publishing took before anything was
    // sent (the message is committed, with an fsync, before it is announced).
    println!(
        "delivered to {received}/{subscribers}: first {:.1} ms, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        pct(0.0),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );

    // A crisis morning: more messages sent (the history a new device
    // catches up), then every device opens its stream at once, first new
    // ones (no cursor: they receive the whole history), then returning ones
    // (a cursor at the latest message: they receive the head only).
    for n in 0..STORM_HISTORY - 1 {
        let id = draft(&http, &url, &token, &format!("Exercice {n}")).await?;
        http.post(format!("{url}/api/v1/admin/alerts/{id}/publish"))
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?;
    }
    // The subscribers above go first (a restart drops every stream).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let latest = state.hub.latest().0;
    let mut storms = Vec::new();
    for cursor in [None, Some(latest)] {
        let expect = if cursor.is_some() { 0 } else { STORM_HISTORY };
        let mut cmd = Command::new(std::env::current_exe()?);
        cmd.args(["storm", "--addr", &addr.to_string(), "--n"])
            .arg(subscribers.to_string())
            .args(["--expect", &expect.to_string()]);
        if let Some(c) = cursor {
            cmd.args(["--cursor", &c.to_string()]);
        }
        let out = cmd.stderr(Stdio::inherit()).output()?;
        anyhow::ensure!(out.status.success(), "the storm's process failed");
        let line = String::from_utf8(out.stdout)?;
        let storm: serde_json::Value = serde_json::from_str(line.trim())?;
        println!(
            "storm, {}: {}/{subscribers} answered in {:.2} s, {} streaming (caught up) in {:.2} s (p50 {:.2} s)",
            if cursor.is_some() {
                "with a cursor".to_owned()
            } else {
                format!("no cursor ({STORM_HISTORY} messages each)")
            },
            storm["answered"],
            storm["all_answered_s"].as_f64().unwrap_or(f64::NAN),
            storm["streaming"],
            storm["all_s"].as_f64().unwrap_or(f64::NAN),
            storm["p50_s"].as_f64().unwrap_or(f64::NAN),
        );
        storms.push(storm);
        // Let the server close them before the next storm.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    served.stop().await?;
    println!(
        "{}",
        json!({
            "bench": "fanout",
            "storm": {"history": STORM_HISTORY, "no_cursor": storms[0], "with_cursor": storms[1]},
            "subscribers": subscribers,
            "received": received,
            "latency_ms": {"first": pct(0.0), "p50": pct(0.5), "p99": pct(0.99), "max": pct(1.0)},
            "server_rss_before_mib": rss_before as f64 / 1048576.0,
            "server_rss_idle_mib": rss_idle as f64 / 1048576.0,
            "server_bytes_per_idle_subscriber": per_subscriber.round(),
        })
    );
    Ok(())
}

/// Drafts a territory-wide exercise alert; returns its id.
/// A demo town hall serving `state` on 127.0.0.1, with its staff's token.
pub(crate) struct Served {
    pub addr: std::net::SocketAddr,
    pub url: String,
    pub token: String,
    pub http: reqwest::Client,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Served {
    /// Seeds the demo territory and account, serves, and logs in.
    pub async fn start(state: &AppState) -> anyhow::Result<Self> {
        let demo = beffroi_server::demo::seed(state.store.as_ref()).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let url = format!("http://{addr}");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(beffroi_server::serve(state.clone(), listener, async {
            let _ = stopped.await;
        }));
        let http = reqwest::Client::new();
        let token = login(&http, &url, demo.username.as_str(), &demo.password).await?;
        Ok(Self {
            addr,
            url,
            token,
            http,
            stop,
            server,
        })
    }

    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.server.await??;
        Ok(())
    }
}

pub(crate) async fn draft(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    headline: &str,
) -> anyhow::Result<String> {
    let draft: serde_json::Value = http
        .post(format!("{url}/api/v1/admin/alerts"))
        .bearer_auth(token)
        .json(&json!({
            "status": "exercise", "category": "health", "event": "Confinement",
            "urgency": "immediate", "severity": "severe", "certainty": "observed",
            "texts": [{"lang": "fr", "headline": headline,
                       "description": "Ceci est un exercice."}],
            "area": {"kind": "territory"}
        }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(draft["id"].as_str().context("no alert id")?.to_owned())
}

const ALERT: &[u8] = b"event: alert";
/// The subscribers' pause between polls (see [`subscribe`]).
const POLL_PAUSE: Duration = Duration::from_micros(200);

/// One subscriber's connection, once its stream has started.
struct Stream {
    socket: mio::net::TcpStream,
    /// When the alert reached it (0: not yet).
    at: u64,
    /// The end of the last read, in case the marker spans two reads.
    tail: Vec<u8>,
}

/// Connects one subscriber and reads its response head (blocking, before
/// any measurement): it is then streaming and idle.
fn open_stream(addr: std::net::SocketAddr, path: &str) -> anyhow::Result<std::net::TcpStream> {
    let mut s = std::net::TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n")
            .as_bytes(),
    )?;
    let mut head = Vec::with_capacity(256);
    let mut chunk = [0u8; 512];
    // Nothing but the head comes before an alert is published, and none is
    // until every subscriber is ready.
    while find(&head, b"\r\n\r\n").is_none() {
        let n = s.read(&mut chunk)?;
        anyhow::ensure!(n > 0, "the server closed the stream");
        head.extend_from_slice(&chunk[..n]);
        anyhow::ensure!(head.len() < 4096, "response head too long");
    }
    anyhow::ensure!(head.starts_with(b"HTTP/1.1 200"), "not 200");
    s.set_nonblocking(true)?;
    Ok(s)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

impl Stream {
    /// Reads what is there; records the time if the alert is in it.
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<()> {
        loop {
            let n = match self.socket.read(buf) {
                Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if self.at != 0 {
                continue;
            }
            let got = &buf[..n];
            let across = !self.tail.is_empty() && {
                let mut joined = std::mem::take(&mut self.tail);
                joined.extend_from_slice(&got[..got.len().min(ALERT.len())]);
                find(&joined, ALERT).is_some()
            };
            if across || find(got, ALERT).is_some() {
                self.at = now_ns();
            } else {
                self.tail = got[got.len().saturating_sub(ALERT.len() - 1)..].to_vec();
            }
        }
    }
}

/// The subscribers' process: `n` connections to `path` (the Beffroi
/// stream, or a peer's); prints `ready` once all are
/// streaming, then one JSON line with each delivery time (within 30 s).
///
/// A single epoll loop (mio), one reusable buffer, no task per connection:
/// this process shares the machine's cores with the server, and every
/// cycle it spends is taken from the server being measured.
pub fn subscribe(addr: std::net::SocketAddr, path: &str, n: usize) -> anyhow::Result<()> {
    room_for(n)?;
    let mut poll = mio::Poll::new()?;
    let mut streams = Vec::with_capacity(n);
    for i in 0..n {
        let socket = open_stream(addr, path).with_context(|| format!("subscriber {i}"))?;
        let mut socket = mio::net::TcpStream::from_std(socket);
        poll.registry()
            .register(&mut socket, mio::Token(i), mio::Interest::READABLE)?;
        streams.push(Stream {
            socket,
            at: 0,
            tail: Vec::new(),
        });
    }
    println!("ready {n}");
    std::io::stdout().flush()?;
    let mut events = mio::Events::with_capacity(1024);
    let mut buf = vec![0u8; 64 * 1024];
    let mut received = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while received < n {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            break;
        }
        match poll.poll(&mut events, Some(left)) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            r => r?,
        }
        for event in &events {
            let Some(stream) = streams.get_mut(event.token().0) else {
                continue;
            };
            let before = stream.at;
            // Connections stay open until the end, as devices' do: closing
            // thousands of them would load both processes while the others
            // are still being measured.
            if let Err(e) = stream.read(&mut buf) {
                eprintln!("subscriber {}: {e}", event.token().0);
                poll.registry().deregister(&mut stream.socket)?;
            }
            if before == 0 && stream.at != 0 {
                received += 1;
            }
        }
        // Let deliveries gather between polls. Waiting in `epoll_wait`, this
        // process would be woken by nearly every delivery, and each wake-up
        // is paid by the server, inside its send (and then this process,
        // taking one or two events per poll, keeps a core from the server).
        // Sleeping, the sends only queue events. A delivery is seen at most
        // one pause late: latencies read at most 0.2 ms too high.
        std::thread::sleep(POLL_PAUSE);
    }
    let times: Vec<u64> = streams.iter().map(|s| s.at).filter(|&t| t != 0).collect();
    println!("{}", json!({ "times_ns": times }));
    Ok(())
}

/// Messages sent before the reconnect storm (those a new device receives).
const STORM_HISTORY: usize = 20;
/// Streams opened before the storm's process looks at what came back.
const STORM_BATCH: usize = 500;

/// One stream of the storm.
struct Opening {
    socket: mio::net::TcpStream,
    sent: bool,
    /// The response head, until it is complete.
    head: Vec<u8>,
    headed: bool,
    alerts: usize,
    tail: Vec<u8>,
    /// When it had its head (0: not yet).
    headed_at: u64,
    /// When it had its head and its catch-up (0: not yet).
    at: u64,
}

/// The reconnect storm's process: opens `n` streams at once (in batches of
/// [`STORM_BATCH`], without waiting between them), each with `cursor` as
/// its `Last-Event-ID` if given; prints one JSON line: how many streamed
/// (head received and `expect` alerts), the time until the last and the
/// median, from the first connection (within 30 s).
pub fn storm(
    addr: std::net::SocketAddr,
    n: usize,
    cursor: Option<u64>,
    expect: usize,
) -> anyhow::Result<()> {
    room_for(n)?;
    let request = format!(
        "GET /api/v1/alerts/stream HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n{}\r\n",
        cursor.map_or(String::new(), |c| format!("Last-Event-ID: {c}\r\n"))
    );
    let mut poll = mio::Poll::new()?;
    let mut events = mio::Events::with_capacity(1024);
    let mut buf = vec![0u8; 64 * 1024];
    let mut streams: Vec<Opening> = Vec::with_capacity(n);
    let t0 = now_ns();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut done = 0;
    while done < n && std::time::Instant::now() < deadline {
        let more = (n - streams.len()).min(STORM_BATCH);
        for _ in 0..more {
            let mut socket = mio::net::TcpStream::connect(addr)?;
            poll.registry().register(
                &mut socket,
                mio::Token(streams.len()),
                mio::Interest::READABLE | mio::Interest::WRITABLE,
            )?;
            streams.push(Opening {
                socket,
                sent: false,
                head: Vec::new(),
                headed: false,
                alerts: 0,
                tail: Vec::new(),
                headed_at: 0,
                at: 0,
            });
        }
        let wait = if streams.len() < n {
            Duration::ZERO
        } else {
            Duration::from_millis(100)
        };
        match poll.poll(&mut events, Some(wait)) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            r => r?,
        }
        for event in &events {
            let Some(s) = streams.get_mut(event.token().0) else {
                continue;
            };
            if event.is_writable() && !s.sent {
                // Connected (or failed: the write says which).
                match s.socket.write(request.as_bytes()) {
                    Ok(k) if k == request.len() => s.sent = true,
                    Ok(_) => anyhow::bail!("a request head did not fit in one write"),
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotConnected => {}
                    Err(e) => anyhow::bail!("stream {}: {e}", event.token().0),
                }
            }
            if !event.is_readable() || s.at != 0 {
                continue;
            }
            loop {
                let k = match s.socket.read(&mut buf) {
                    Ok(0) => anyhow::bail!("stream {}: closed by the server", event.token().0),
                    Ok(k) => k,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => anyhow::bail!("stream {}: {e}", event.token().0),
                };
                let mut got = &buf[..k];
                if !s.headed {
                    s.head.extend_from_slice(got);
                    let Some(end) = find(&s.head, b"\r\n\r\n") else {
                        continue;
                    };
                    anyhow::ensure!(
                        s.head.starts_with(b"HTTP/1.1 200"),
                        "stream {}: {}",
                        event.token().0,
                        String::from_utf8_lossy(&s.head[..end])
                    );
                    s.headed = true;
                    s.headed_at = now_ns();
                    let body = s.head.split_off(end + 4);
                    s.head = body;
                    got = &s.head;
                }
                let mut joined = std::mem::take(&mut s.tail);
                joined.extend_from_slice(got);
                s.alerts += memchr::memmem::find_iter(&joined, ALERT).count();
                s.tail = joined[joined.len().saturating_sub(ALERT.len() - 1)..].to_vec();
                s.head = Vec::new();
            }
            if s.headed && s.alerts >= expect && s.at == 0 {
                s.at = now_ns();
                done += 1;
            }
        }
    }
    let seconds = |at: fn(&Opening) -> u64| {
        let mut times: Vec<f64> = streams
            .iter()
            .map(at)
            .filter(|&t| t != 0)
            .map(|t| t.saturating_sub(t0) as f64 / 1e9)
            .collect();
        times.sort_by(f64::total_cmp);
        let all = if times.len() == n {
            times.last().copied().unwrap_or(0.0)
        } else {
            f64::NAN
        };
        let p50 = times.get(times.len() / 2).copied().unwrap_or(f64::NAN);
        (times.len(), all, p50)
    };
    let (headed, heads_s, _) = seconds(|s| s.headed_at);
    let (streaming, all, p50) = seconds(|s| s.at);
    println!(
        "{}",
        json!({"streams": n, "answered": headed, "all_answered_s": heads_s,
               "streaming": streaming, "all_s": all, "p50_s": p50, "alerts_each": expect})
    );
    Ok(())
}
