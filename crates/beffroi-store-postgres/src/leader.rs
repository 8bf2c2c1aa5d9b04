//! Which of the servers sharing the database runs the jobs that need
//! running once, not once per server (expiring silent push subscriptions):
//! the one holding a session-level advisory lock on a connection of its own.
//! When that server stops or loses its connection, PostgreSQL releases the
//! lock, and another takes it within [`TRY_EVERY`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// The advisory lock key ("beffroi" and a number).
const LEADER_LOCK: i64 = 0x6265_6666_726f_6902;
/// How often a server tries to lead, or checks that it still does.
pub(crate) const TRY_EVERY: Duration = Duration::from_secs(2);

/// Starts trying to lead; whether this server leads, while the store lives.
pub(crate) fn spawn(link: crate::tls::Link) -> Arc<AtomicBool> {
    let leading = Arc::new(AtomicBool::new(false));
    let weak = Arc::downgrade(&leading);
    tokio::spawn(async move {
        while let Some(flag) = weak.upgrade() {
            drop(flag);
            hold(&link, &weak).await;
            tokio::time::sleep(TRY_EVERY).await;
        }
    });
    leading
}

/// On one connection, tries to take the lock and keeps it while the
/// connection lasts and the store lives.
async fn hold(link: &crate::tls::Link, weak: &Weak<AtomicBool>) {
    let Ok((client, connection)) = link.config.connect(link.tls.clone()).await else {
        return;
    };
    let connection = tokio::spawn(connection);
    let mut tick = tokio::time::interval(TRY_EVERY);
    loop {
        tick.tick().await;
        let Some(leading) = weak.upgrade() else { break };
        let query = async {
            if leading.load(Ordering::Relaxed) {
                // Still connected, so still holding it.
                client.query_one("SELECT true", &[]).await
            } else {
                client
                    .query_one("SELECT pg_try_advisory_lock($1)", &[&LEADER_LOCK])
                    .await
            }
        };
        // A connection that stopped answering (a host gone, a failover) may
        // have lost the lock to another server: this one no longer leads.
        match tokio::time::timeout(TRY_EVERY, query).await {
            Ok(Ok(row)) => leading.store(row.get(0), Ordering::Relaxed),
            _ => {
                leading.store(false, Ordering::Relaxed);
                break;
            }
        }
    }
    if let Some(leading) = weak.upgrade() {
        leading.store(false, Ordering::Relaxed);
    }
    drop(client);
    connection.abort();
}
