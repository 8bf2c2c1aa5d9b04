//! Live delivery of sent alerts to connected devices (Server-Sent Events),
//! and of report status changes to the devices that filed those reports.
//!
//! Publishing stores the message first, then broadcasts it. Each subscriber
//! reads the broadcast at its own pace: a slow one never delays the others,
//! and one that falls more than the channel's capacity behind is not dropped
//! but caught up from the store, from the last cursor it was sent.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use beffroi_domain::{Cursor, InseeCode};
use tokio::sync::{broadcast, watch};

use crate::store::{SentAlert, Store, StoreError};

/// How many sent messages the channel holds for a subscriber that lags.
const CAPACITY: usize = 1024;
/// How many stored messages a catch-up reads at a time.
const CATCH_UP_PAGE: u32 = 200;

#[derive(Debug)]
pub struct Hub {
    tx: broadcast::Sender<SentAlert>,
    subscribers: AtomicUsize,
    /// The cursor of the last message sent: a subscriber already there needs
    /// no catch-up read from the store.
    latest: AtomicU64,
    /// Set when the server stops: streams end so the stop is not held up.
    closed: watch::Sender<bool>,
    /// The ids of reports whose status changed.
    reports: broadcast::Sender<Arc<str>>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            tx: broadcast::channel(CAPACITY).0,
            subscribers: AtomicUsize::new(0),
            latest: AtomicU64::new(0),
            closed: watch::channel(false).0,
            reports: broadcast::channel(CAPACITY).0,
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

    /// Announces a message that is already stored.
    pub fn announce(&self, sent: SentAlert) {
        self.latest.fetch_max(sent.cursor.0, Ordering::AcqRel);
        // No subscriber is not an error: devices catch up with `since=`.
        let _ = self.tx.send(sent);
    }

    /// Tells the devices following report `id` that its status changed
    /// (the change is already stored).
    pub fn announce_report(&self, id: &str) {
        let _ = self.reports.send(Arc::from(id));
    }

    /// Follows the status of `ids` (reports whose secrets the device showed).
    pub fn watch_reports(&self, ids: std::collections::HashSet<String>) -> ReportWatch {
        ReportWatch {
            rx: self.reports.subscribe(),
            ids,
        }
    }

    pub fn subscribers(&self) -> usize {
        self.subscribers.load(Ordering::Relaxed)
    }
}

/// One connected device: the messages for its communes after its cursor, in
/// cursor order, each once.
#[derive(Debug)]
pub struct Subscription {
    hub: Arc<Hub>,
    rx: broadcast::Receiver<SentAlert>,
    closed: watch::Receiver<bool>,
    store: Arc<dyn Store>,
    communes: Vec<InseeCode>,
    last: Cursor,
    /// Read from the store, not yet sent.
    backlog: VecDeque<SentAlert>,
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
        hub.subscribers.fetch_add(1, Ordering::Relaxed);
        // Read after subscribing: anything sent later comes through `rx`.
        let behind = since.0 < hub.latest.load(Ordering::Acquire);
        Self {
            hub,
            rx,
            closed,
            store,
            communes,
            last: since,
            backlog: VecDeque::new(),
            behind,
        }
    }

    fn wanted(&self, a: &SentAlert) -> bool {
        a.cursor > self.last && a.area.concerns(&self.communes)
    }

    /// The next message for this device; waits until there is one. `None`
    /// once the server stops.
    pub async fn next(&mut self) -> Result<Option<SentAlert>, StoreError> {
        loop {
            if *self.closed.borrow() {
                return Ok(None);
            }
            while let Some(a) = self.backlog.pop_front() {
                if self.wanted(&a) {
                    self.last = a.cursor;
                    return Ok(Some(a));
                }
                self.last = self.last.max(a.cursor);
            }
            if self.behind {
                let page = self.store.alerts_after(self.last, CATCH_UP_PAGE).await?;
                self.behind = page.len() == CATCH_UP_PAGE as usize;
                if let Some(last) = page.last() {
                    // Messages the broadcast holds up to here were read from the store.
                    let upto = last.cursor;
                    self.backlog.extend(page);
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

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.subscribers.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The reports one device follows. Each change is an `event: report` whose
/// data names the report (`{"id": …}`), nothing more: the device fetches the
/// new status with its secret. After a lag, `{}` asks it to refresh them all.
#[derive(Debug)]
pub struct ReportWatch {
    rx: broadcast::Receiver<Arc<str>>,
    ids: std::collections::HashSet<String>,
}

impl ReportWatch {
    /// The next frame for this device; `None` once the channel is closed.
    pub async fn next(&mut self) -> Option<axum::body::Bytes> {
        loop {
            match self.rx.recv().await {
                Ok(id) if self.ids.contains(&*id) => {
                    let data = serde_json::json!({ "id": &*id });
                    return Some(format!("event: report\ndata: {data}\n\n").into());
                }
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    return Some(axum::body::Bytes::from_static(
                        b"event: report\ndata: {}\n\n",
                    ));
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}
