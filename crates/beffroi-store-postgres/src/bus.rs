//! Wake-ups between replicas through PostgreSQL's `LISTEN`/`NOTIFY`.
//!
//! A server that stored a message sends `NOTIFY beffroi_alerts, '<cursor>'`;
//! every server listening reads the messages after the last one it announced
//! from the store. A notification carries only the cursor, and PostgreSQL
//! delivers notifications only to connections listening when they are sent:
//! after the listening connection is lost, the listener reconnects (with a
//! growing pause) and wakes its server up once more, which then catches up
//! from the store. Nothing is missed, only delayed.
//!
//! The other changes devices follow live (the rules in force, the advice
//! pages, a report's status, a mutual-aid conversation) travel on a second
//! channel, `beffroi_news`, as `<server> <news>`: each server skips its own
//! (it told its streams already) and tells its streams the others'.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use beffroi_domain::Cursor;
use beffroi_store::{Bus, News, StoreError};
use futures::StreamExt;
use tokio::sync::{broadcast, watch};
use tokio_postgres::AsyncMessage;

use crate::{PgStore, db, pool_error};

/// The channel's name.
const CHANNEL: &str = "beffroi_alerts";
/// The other news' channel.
const NEWS: &str = "beffroi_news";

#[derive(Debug)]
pub struct PgBus {
    store: PgStore,
    wakeups: watch::Sender<u64>,
    news: broadcast::Sender<News>,
    /// This server among those on the database (random at each start).
    me: Arc<str>,
    listening: Arc<AtomicBool>,
    listener: tokio::task::JoinHandle<()>,
}

/// What the listening connection hands on.
#[derive(Clone)]
struct Heard {
    wakeups: watch::Sender<u64>,
    news: broadcast::Sender<News>,
    me: Arc<str>,
    /// Whether a listening connection was made before (a new one then missed news).
    connected_before: Arc<AtomicBool>,
}

impl PgBus {
    /// Starts listening on the store's database in the background.
    pub fn start(store: PgStore) -> Self {
        let wakeups = watch::channel(0).0;
        // Enough for a burst of changes; a server that lags behind it misses
        // some news (see `Bus::news`).
        let news = broadcast::channel(1024).0;
        let me: Arc<str> = Arc::from(format!("{:016x}", rand::random::<u64>()));
        let listening = Arc::new(AtomicBool::new(false));
        let heard = Heard {
            wakeups: wakeups.clone(),
            news: news.clone(),
            me: Arc::clone(&me),
            connected_before: Arc::default(),
        };
        let listener = tokio::spawn(listen(store.link.clone(), heard, Arc::clone(&listening)));
        Self {
            store,
            wakeups,
            news,
            me,
            listening,
            listener,
        }
    }
}

impl Drop for PgBus {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

#[async_trait]
impl Bus for PgBus {
    async fn notify(&self, cursor: Cursor) -> Result<(), StoreError> {
        let client = self.store.pool.get().await.map_err(pool_error)?;
        client
            .execute(
                "SELECT pg_notify($1, $2)",
                &[&CHANNEL, &cursor.0.to_string()],
            )
            .await
            .map_err(db)?;
        Ok(())
    }

    fn wakeups(&self) -> watch::Receiver<u64> {
        self.wakeups.subscribe()
    }

    fn listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    async fn tell(&self, news: &News) -> Result<(), StoreError> {
        if *news == News::Missed {
            return Ok(());
        }
        let client = self.store.pool.get().await.map_err(pool_error)?;
        client
            .execute(
                "SELECT pg_notify($1, $2)",
                &[&NEWS, &format!("{} {}", self.me, news.encode())],
            )
            .await
            .map_err(db)?;
        Ok(())
    }

    fn news(&self) -> broadcast::Receiver<News> {
        self.news.subscribe()
    }
}

/// Listens until aborted: connects, `LISTEN`s, wakes the server at each
/// notification; after a loss, reconnects and wakes it once connected.
async fn listen(link: crate::tls::Link, heard: Heard, listening: Arc<AtomicBool>) {
    let mut pause = Duration::from_millis(100);
    loop {
        match listen_once(&link, &heard, &listening).await {
            Ok(()) => pause = Duration::from_millis(100),
            Err(e) => tracing::warn!(error = %e, "cannot listen for other servers' alerts"),
        }
        listening.store(false, Ordering::Release);
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(5));
    }
}

/// One listening connection, until it is lost.
async fn listen_once(
    link: &crate::tls::Link,
    heard: &Heard,
    listening: &AtomicBool,
) -> Result<(), tokio_postgres::Error> {
    let wakeups = &heard.wakeups;
    let (client, mut connection) = link.config.connect(link.tls.clone()).await?;
    let (alerts, mut notifications) = tokio::sync::mpsc::unbounded_channel();
    let others = heard.clone();
    let driver = tokio::spawn(async move {
        let mut messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(n)) if n.channel() == NEWS => {
                    match n.payload().split_once(' ') {
                        Some((from, _)) if from == &*others.me => {}
                        Some((_, text)) => match News::decode(text) {
                            // Nobody listening yet is no loss: nothing to tell.
                            Some(news) => drop(others.news.send(news)),
                            // (Not the payload: it may hold an aid conversation's key hashes.)
                            None => tracing::warn!("unknown news from another server"),
                        },
                        None => tracing::warn!("unknown news from another server"),
                    }
                }
                Ok(AsyncMessage::Notification(_)) => {
                    if alerts.send(()).is_err() {
                        break;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "the listening connection was lost");
                    break;
                }
            }
        }
    });
    client
        .batch_execute(&format!("LISTEN {CHANNEL}; LISTEN {NEWS}"))
        .await?;
    // Connected again after a loss: the news sent meanwhile is lost, so every
    // stream reads again (the first connection has nothing to make up).
    if heard.connected_before.swap(true, Ordering::AcqRel) {
        let _ = heard.news.send(News::Missed);
    }
    listening.store(true, Ordering::Release);
    // Connected (again): whatever was sent meanwhile is read from the store.
    wakeups.send_modify(|n| *n += 1);
    while notifications.recv().await.is_some() {
        // Several at once are one wake-up: the server reads them all.
        while notifications.try_recv().is_ok() {}
        wakeups.send_modify(|n| *n += 1);
    }
    driver.abort();
    Ok(())
}
