//! Live delivery of sent alerts to connected devices (Server-Sent Events),
//! and of report status changes to the devices that filed those reports.
//!
//! Publishing stores the message first, then broadcasts it. Each subscriber
//! reads the broadcast at its own pace: a slow one never delays the others,
//! and one that falls more than the channel's capacity behind is not dropped
//! but caught up from the store, from the last cursor it was sent.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use beffroi_domain::alert::Area;
use beffroi_domain::{Cursor, InseeCode};
use tokio::sync::{broadcast, watch};

use crate::store::{SentAlert, Store, StoreError};

/// A sent message as the hub delivers it: its cursor and area (to choose
/// the streams) and its Server-Sent Events frame, rendered once for every
/// subscriber.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub cursor: Cursor,
    pub area: Area,
    pub frame: axum::body::Bytes,
}

impl From<SentAlert> for Delivery {
    fn from(sent: SentAlert) -> Self {
        let frame = format!(
            "event: alert\nid: {}\ndata: {}\n\n",
            sent.cursor.0, sent.signed
        );
        Self {
            cursor: sent.cursor,
            area: sent.area,
            frame: frame.into(),
        }
    }
}

/// How many sent messages the channel holds for a subscriber that lags.
const CAPACITY: usize = 1024;
/// How many stored messages a catch-up reads at a time.
const CATCH_UP_PAGE: u32 = 200;
/// How many live streams an announcing thread writes to before taking more.
const ANNOUNCE_CHUNK: usize = 64;

#[derive(Debug)]
pub struct Hub {
    tx: broadcast::Sender<Delivery>,
    subscribers: AtomicUsize,
    /// The cursor of the last message sent: a subscriber already there needs
    /// no catch-up read from the store.
    latest: AtomicU64,
    /// Set when the server stops: streams end so the stop is not held up.
    closed: watch::Sender<bool>,
    /// The ids of reports whose status changed.
    reports: broadcast::Sender<ReportNews>,
    /// A measure (the rules in force) was written.
    measures: broadcast::Sender<Content>,
    /// Caught-up streams served by `push`: announcing writes to them
    /// directly. The lock also orders announcing against joining.
    live: Mutex<HashMap<u64, Arc<Conn>>>,
    next_conn: AtomicU64,
    /// Messages announced (`/metrics`).
    pub announced: prometheus_client::metrics::counter::Counter,
    /// Held while catching up (see [`Hub::catch_up`]).
    sending: tokio::sync::Mutex<()>,
    /// Catch-up pages being read or read, by the cursor they start after:
    /// streams opened at once from the same cursor (devices without one
    /// after a restart, or when a crisis starts) share one store read.
    pages: Mutex<HashMap<Cursor, Arc<tokio::sync::OnceCell<Page>>>>,
}

/// A page of stored messages after some cursor.
#[derive(Debug, Clone)]
struct Page {
    alerts: Arc<[Delivery]>,
    /// The hub's latest cursor before the page was read: every message up
    /// to it was in the store then.
    covers: u64,
}

/// How many catch-up pages are kept; past it, they are all dropped (they
/// are read again when asked for).
const PAGES_KEPT: usize = 64;

/// A stream served by [`crate::push`]. While it is live (caught up), the
/// hub writes each alert for its communes straight to its socket when it is
/// announced — no task wakes per subscriber. A write that cannot finish at
/// once makes it slow again: its task writes the rest and catches up from
/// the store.
#[derive(Debug)]
pub struct Conn {
    socket: Arc<tokio::net::TcpStream>,
    communes: Vec<InseeCode>,
    state: Mutex<ConnState>,
    /// Woken when the hub turns it slow.
    pub wake: tokio::sync::Notify,
    id: u64,
}

#[derive(Debug, Default)]
pub struct ConnState {
    /// Whether the hub writes alerts to this socket (else its task does).
    pub live: bool,
    /// The last alert cursor written to it.
    pub last: Cursor,
    /// What the hub could not finish writing: the task writes it first.
    pub pending: Option<axum::body::Bytes>,
}

impl Conn {
    pub fn new(hub: &Hub, socket: Arc<tokio::net::TcpStream>, communes: Vec<InseeCode>) -> Self {
        Self {
            socket,
            communes,
            state: Mutex::default(),
            wake: tokio::sync::Notify::new(),
            id: hub.next_conn.fetch_add(1, Ordering::Relaxed),
        }
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, ConnState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            tx: broadcast::channel(CAPACITY).0,
            subscribers: AtomicUsize::new(0),
            latest: AtomicU64::new(0),
            closed: watch::channel(false).0,
            reports: broadcast::channel(CAPACITY).0,
            // Devices only learn that the rules changed, not which: a lag
            // loses nothing.
            measures: broadcast::channel(16).0,
            live: Mutex::default(),
            next_conn: AtomicU64::new(0),
            announced: Default::default(),
            sending: tokio::sync::Mutex::new(()),
            pages: Mutex::default(),
        }
    }
}

impl Hub {
    /// Ends every stream (devices reconnect to the next server and catch up).
    pub fn close(&self) {
        self.closed.send_replace(true);
    }

    /// A hub whose last sent message has cursor `latest` (read at start).
    pub fn starting_at(latest: Cursor) -> Self {
        let hub = Self::default();
        hub.latest.store(latest.0, Ordering::Release);
        hub
    }

    /// The stored messages after `since` (a page), for a stream that saw
    /// `seen` as the latest cursor once subscribed: read once for all the
    /// streams asking at the same time. A page short of a full one that was
    /// read before `seen` was sent may miss messages: it is read again.
    async fn page_after(
        &self,
        store: &dyn Store,
        since: Cursor,
        seen: u64,
    ) -> Result<Arc<[Delivery]>, StoreError> {
        loop {
            let cell = {
                let mut pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
                if pages.len() >= PAGES_KEPT && !pages.contains_key(&since) {
                    pages.clear();
                }
                pages.entry(since).or_default().clone()
            };
            let page = cell
                .get_or_try_init(|| async {
                    let covers = self.latest.load(Ordering::Acquire);
                    let alerts = store.alerts_after(since, CATCH_UP_PAGE).await?;
                    Ok::<_, StoreError>(Page {
                        alerts: alerts.into_iter().map(Delivery::from).collect(),
                        covers,
                    })
                })
                .await?;
            if page.alerts.len() == CATCH_UP_PAGE as usize || page.covers >= seen {
                return Ok(page.alerts.clone());
            }
            let mut pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
            if pages.get(&since).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
                pages.remove(&since);
            }
        }
    }

    fn live_conns(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Conn>>> {
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Announces every message the store holds after the last one
    /// announced, in cursor order, one caller at a time: after this server
    /// stored one, or when another server sharing the store says it did.
    /// (Announcing a message as soon as it was stored could announce a later
    /// cursor first, from this server or another, and a stream at that cursor
    /// would skip the earlier message as already sent.)
    pub async fn catch_up(&self, store: &dyn Store) -> Result<(), StoreError> {
        let _one_at_a_time = self.sending.lock().await;
        loop {
            let page = store.alerts_after(self.latest(), CATCH_UP_PAGE).await?;
            let full = page.len() == CATCH_UP_PAGE as usize;
            for sent in page {
                self.announce(sent);
            }
            if !full {
                return Ok(());
            }
        }
    }

    /// Announces a message that is already stored: to the subscriptions,
    /// and written at once to every live stream it concerns. Writing to
    /// thousands of sockets is the kernel's work (each loopback or network
    /// send runs the TCP stack); it is split over the machine's cores.
    pub fn announce(&self, sent: SentAlert) {
        let sent = Delivery::from(sent);
        let mut live = self.live_conns();
        self.latest.fetch_max(sent.cursor.0, Ordering::AcqRel);
        self.announced.inc();
        // No subscriber is not an error: devices catch up with `since=`.
        let _ = self.tx.send(sent.clone());
        let concerned: Vec<&Arc<Conn>> = live
            .values()
            .filter(|c| sent.area.concerns(&c.communes))
            .collect();
        // Small chunks taken in turn, so the threads finish together even
        // when one of them is preempted (a static split left the tail to
        // whichever thread the scheduler slowed).
        let next = AtomicUsize::new(0);
        let work = || {
            let mut slowed = Vec::new();
            loop {
                let start = next.fetch_add(ANNOUNCE_CHUNK, Ordering::Relaxed);
                let Some(part) = concerned.get(start..).filter(|p| !p.is_empty()) else {
                    break;
                };
                slowed.extend(write_to(&part[..part.len().min(ANNOUNCE_CHUNK)], &sent));
            }
            slowed
        };
        let helpers = if concerned.len() < 2 * ANNOUNCE_CHUNK {
            0
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get()) - 1
        };
        let slowed: Vec<u64> = std::thread::scope(|scope| {
            let others: Vec<_> = (0..helpers).map(|_| scope.spawn(work)).collect();
            let mut slowed = work();
            for h in others {
                slowed.extend(h.join().unwrap_or_default());
            }
            slowed
        });
        for id in slowed {
            live.remove(&id);
        }
    }

    /// Makes `conn` live if `sub` has nothing left to send: from then on
    /// announcing writes to it. Returns whether it did.
    pub fn join_live(&self, conn: &Arc<Conn>, sub: &Subscription) -> bool {
        let mut live = self.live_conns();
        if !sub.caught_up() {
            return false;
        }
        let mut state = conn.lock();
        state.live = true;
        state.last = state.last.max(sub.last);
        live.insert(conn.id, conn.clone());
        true
    }

    /// Stops writing to `conn` (its task writes again, or it is gone).
    /// Returns what the hub could not finish writing and the last cursor
    /// written.
    pub fn leave_live(&self, conn: &Conn) -> (Option<axum::body::Bytes>, Cursor) {
        let mut live = self.live_conns();
        live.remove(&conn.id);
        let mut state = conn.lock();
        state.live = false;
        (state.pending.take(), state.last)
    }

    /// Ends with the server: a receiver that says when.
    pub fn closed(&self) -> watch::Receiver<bool> {
        self.closed.subscribe()
    }

    /// Tells this server's streams of `news` (see `AppState::announce`, which
    /// tells the other servers too).
    pub fn announce_news(&self, news: &crate::store::News) {
        use crate::store::News;
        match news {
            News::Measures => self.announce_measures(),
            News::Advice => self.announce_advice(),
            News::Report { id, public } => self.announce_report(id, *public),
            News::Aid { key_hash } => self.announce_aid(key_hash),
            News::Missed => {
                self.announce_measures();
                self.announce_advice();
                // An empty id: every device reads its reports and conversations again.
                let _ = self.reports.send(ReportNews {
                    id: Arc::from(""),
                    public: false,
                    aid: false,
                });
            }
        }
    }

    /// Tells the devices following report `id` that its status changed
    /// (the change is already stored); `public`: its category is public, so
    /// devices that follow it without its secret are told too.
    pub fn announce_report(&self, id: &str, public: bool) {
        let _ = self.reports.send(ReportNews {
            id: Arc::from(id),
            public,
            aid: false,
        });
    }

    /// Tells the streams of the device whose posting key hashes to
    /// `key_hash` that one of its mutual-aid conversations changed.
    pub fn announce_aid(&self, key_hash: &str) {
        let _ = self.reports.send(ReportNews {
            id: Arc::from(key_hash),
            public: false,
            aid: true,
        });
    }

    /// Tells the streams that asked for it that the rules in force changed
    /// (the change is already stored): each device fetches them.
    pub fn announce_measures(&self) {
        let _ = self.measures.send(Content::Measures);
    }

    /// Tells the same streams that the advice pages changed.
    pub fn announce_advice(&self) {
        let _ = self.measures.send(Content::Advice);
    }

    /// Follows the changes of the rules in force.
    pub fn watch_measures(&self) -> MeasureWatch {
        MeasureWatch {
            rx: self.measures.subscribe(),
        }
    }

    /// Follows the status of `ids` (reports whose secrets the device showed)
    /// and of `public` (reports of public categories the device follows
    /// without a secret: a private one among them is never announced), and
    /// the mutual-aid conversations of the posting key hashing to `aid`.
    pub fn watch_reports(
        &self,
        ids: std::collections::HashSet<String>,
        public: std::collections::HashSet<String>,
        aid: Option<String>,
    ) -> ReportWatch {
        ReportWatch {
            rx: self.reports.subscribe(),
            ids,
            public,
            aid,
        }
    }

    /// The cursor of the last message announced.
    pub fn latest(&self) -> Cursor {
        Cursor(self.latest.load(Ordering::Acquire))
    }

    pub fn subscribers(&self) -> usize {
        self.subscribers.load(Ordering::Relaxed)
    }
}

/// Writes `sent` to each live stream of `conns`; returns those it turned slow
/// (a write it could not finish: their tasks take over).
fn write_to(conns: &[&Arc<Conn>], sent: &Delivery) -> Vec<u64> {
    let mut slowed = Vec::new();
    for conn in conns {
        let mut state = conn.lock();
        if !state.live || sent.cursor <= state.last {
            continue;
        }
        // Full (a device that does not read) or broken: 0, its task sees.
        let written: usize = conn.socket.try_write(&sent.frame).unwrap_or_default();
        if written == sent.frame.len() {
            state.last = sent.cursor;
            continue;
        }
        if written > 0 {
            state.pending = Some(sent.frame.slice(written..));
            state.last = sent.cursor;
        }
        state.live = false;
        slowed.push(conn.id);
        conn.wake.notify_one();
    }
    slowed
}

/// One connected device: the messages for its communes after its cursor, in
/// cursor order, each once.
#[derive(Debug)]
pub struct Subscription {
    rx: broadcast::Receiver<Delivery>,
    closed: watch::Receiver<bool>,
    hub: Arc<Hub>,
    /// The hub's latest cursor once subscribed: later ones come through `rx`.
    seen: u64,
    store: Arc<dyn Store>,
    communes: Vec<InseeCode>,
    last: Cursor,
    /// Read from the store, not yet sent.
    backlog: VecDeque<Delivery>,
    /// Whether the store may hold messages after `last` not yet read.
    behind: bool,
}

impl Subscription {
    /// Subscribes first, then replays from the store after `since`: nothing
    /// published in between is missed, and duplicates are skipped by cursor.
    pub fn new(
        hub: Arc<Hub>,
        store: Arc<dyn Store>,
        communes: Vec<InseeCode>,
        since: Cursor,
    ) -> Self {
        let rx = hub.tx.subscribe();
        let closed = hub.closed.subscribe();
        // Read after subscribing: anything sent later comes through `rx`.
        let seen = hub.latest.load(Ordering::Acquire);
        let behind = since.0 < seen;
        Self {
            rx,
            closed,
            hub,
            seen,
            store,
            communes,
            last: since,
            backlog: VecDeque::new(),
            behind,
        }
    }

    /// Whether nothing is left to send: no backlog, the store read to its
    /// end, nothing waiting in the broadcast.
    pub fn caught_up(&self) -> bool {
        self.backlog.is_empty() && !self.behind && self.rx.is_empty()
    }

    fn wanted(&self, a: &Delivery) -> bool {
        a.cursor > self.last && a.area.concerns(&self.communes)
    }

    /// The next message for this device if one was read already (a
    /// catch-up page), without waiting.
    pub fn ready(&mut self) -> Option<Delivery> {
        while let Some(a) = self.backlog.pop_front() {
            if self.wanted(&a) {
                self.last = a.cursor;
                return Some(a);
            }
            self.last = self.last.max(a.cursor);
        }
        None
    }

    /// The next message for this device; waits until there is one. `None`
    /// once the server stops.
    pub async fn next(&mut self) -> Result<Option<Delivery>, StoreError> {
        loop {
            if *self.closed.borrow() {
                return Ok(None);
            }
            if let Some(a) = self.ready() {
                return Ok(Some(a));
            }
            if self.behind {
                let page = self
                    .hub
                    .page_after(self.store.as_ref(), self.last, self.seen)
                    .await?;
                self.behind = page.len() == CATCH_UP_PAGE as usize;
                if let Some(last) = page.last() {
                    // Messages the broadcast holds up to here were read from the store.
                    let upto = last.cursor;
                    self.backlog.extend(page.iter().cloned());
                    if !self.behind {
                        self.drain_broadcast_upto(upto);
                    }
                }
                continue;
            }
            let received = tokio::select! {
                r = self.rx.recv() => r,
                _ = self.closed.changed() => continue,
            };
            match received {
                Ok(a) => {
                    if self.wanted(&a) {
                        self.last = a.cursor;
                        return Ok(Some(a));
                    }
                }
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::info!(missed, "a slow subscriber is caught up from the store");
                    self.behind = true;
                    // What it missed is past what it saw when it subscribed.
                    self.seen = self.hub.latest.load(Ordering::Acquire);
                }
                Err(broadcast::error::RecvError::Closed) => return Ok(None),
            }
        }
    }

    /// Skips what the broadcast still holds that the store already gave.
    fn drain_broadcast_upto(&mut self, upto: Cursor) {
        while let Ok(a) = self.rx.try_recv() {
            if a.cursor > upto {
                self.backlog.push_back(a);
                return;
            }
        }
    }
}

/// Counts an open stream for as long as it lives.
#[derive(Debug)]
pub struct Counted(Arc<Hub>);

impl Counted {
    pub fn new(hub: Arc<Hub>) -> Self {
        hub.subscribers.fetch_add(1, Ordering::Relaxed);
        Self(hub)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.subscribers.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What of the town hall's content changed.
#[derive(Debug, Clone, Copy)]
pub enum Content {
    /// The rules in force.
    Measures,
    /// The advice pages.
    Advice,
}

/// The rules in force and the advice pages, for one device that follows
/// them. Each change is an `event: measures` or `event: advice` with `{}`
/// as data: the device syncs them (a device that knows only the first
/// ignores the second, as any event it does not know).
#[derive(Debug)]
pub struct MeasureWatch {
    rx: broadcast::Receiver<Content>,
}

impl MeasureWatch {
    /// The next frame for this device; `None` once the channel is closed.
    pub async fn next(&mut self) -> Option<axum::body::Bytes> {
        use axum::body::Bytes;
        match self.rx.recv().await {
            Ok(Content::Measures) => Some(Bytes::from_static(b"event: measures\ndata: {}\n\n")),
            Ok(Content::Advice) => Some(Bytes::from_static(b"event: advice\ndata: {}\n\n")),
            // Changes were missed: both.
            Err(broadcast::error::RecvError::Lagged(_)) => Some(Bytes::from_static(
                b"event: measures\ndata: {}\n\nevent: advice\ndata: {}\n\n",
            )),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
}

/// A report's status changed.
#[derive(Debug, Clone)]
pub struct ReportNews {
    /// The report's id, or (`aid`) a posting key's hash.
    id: Arc<str>,
    /// Its category is public (anyone may follow it).
    public: bool,
    /// A mutual-aid conversation of that key changed.
    aid: bool,
}

/// The reports one device follows. Each change is an `event: report` whose
/// data names the report (`{"id": …}`), nothing more: the device fetches the
/// new status (with its secret, or its public view). After a lag, `{}` asks
/// it to refresh them all. A change in one of the device's mutual-aid
/// conversations is an `event: aid` with no data (`{}`): the device reads
/// its inbox.
#[derive(Debug)]
pub struct ReportWatch {
    rx: broadcast::Receiver<ReportNews>,
    ids: std::collections::HashSet<String>,
    public: std::collections::HashSet<String>,
    aid: Option<String>,
}

impl ReportWatch {
    /// Asks the device to read all it follows again (`{}`).
    fn read_again(&self) -> axum::body::Bytes {
        axum::body::Bytes::from_static(if self.aid.is_some() {
            b"event: report\ndata: {}\n\nevent: aid\ndata: {}\n\n"
        } else {
            b"event: report\ndata: {}\n\n"
        })
    }

    /// The next frame for this device; `None` once the channel is closed.
    pub async fn next(&mut self) -> Option<axum::body::Bytes> {
        loop {
            match self.rx.recv().await {
                // Some news was missed (see `announce_news`): as after a lag.
                Ok(news) if news.id.is_empty() => return Some(self.read_again()),
                Ok(news) if news.aid => {
                    if self.aid.as_deref() == Some(&*news.id) {
                        return Some(axum::body::Bytes::from_static(b"event: aid\ndata: {}\n\n"));
                    }
                }
                Ok(news)
                    if self.ids.contains(&*news.id)
                        || (news.public && self.public.contains(&*news.id)) =>
                {
                    let data = serde_json::json!({ "id": &*news.id });
                    return Some(format!("event: report\ndata: {data}\n\n").into());
                }
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(_)) => return Some(self.read_again()),
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}
