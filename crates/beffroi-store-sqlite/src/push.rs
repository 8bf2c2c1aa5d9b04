//! Web Push subscriptions in SQLite.

use beffroi_domain::push::PushSubscription;
use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

use beffroi_store::{PushSaved, StoreError};

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Stores a new subscription, or renews one with the same endpoint and keys.
pub(super) fn save(
    conn: &mut Connection,
    sub: &PushSubscription,
    at: OffsetDateTime,
) -> Result<PushSaved, StoreError> {
    let tx = conn.transaction()?;
    let known: Option<(String, String)> = tx
        .query_row(
            "SELECT p256dh, auth FROM push_subscriptions WHERE endpoint = ?1",
            [&sub.endpoint],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let communes = json(&sub.communes)?;
    let lang = sub.lang.tag();
    let severity = sub.min_severity.cap();
    let measures = sub.measures == Some(true);
    let saved = match known {
        Some((p256dh, auth)) if p256dh != sub.keys.p256dh || auth != sub.keys.auth => {
            return Ok(PushSaved::KeysDiffer);
        }
        Some(_) => {
            tx.execute(
                "UPDATE push_subscriptions SET communes = ?2, lang = ?3, min_severity = ?4, \
                 renewed_at = ?5, measures = ?6 WHERE endpoint = ?1",
                params![
                    sub.endpoint,
                    communes,
                    lang,
                    severity,
                    at.unix_timestamp(),
                    measures
                ],
            )?;
            PushSaved::Renewed
        }
        None => {
            tx.execute(
                "INSERT INTO push_subscriptions \
                 (endpoint, p256dh, auth, communes, lang, min_severity, created_at, renewed_at, \
                  measures) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
                params![
                    sub.endpoint,
                    sub.keys.p256dh,
                    sub.keys.auth,
                    communes,
                    lang,
                    severity,
                    at.unix_timestamp(),
                    measures
                ],
            )?;
            PushSaved::Created
        }
    };
    tx.commit()?;
    Ok(saved)
}

/// Deletes the subscription with this endpoint and secret.
pub(super) fn delete(conn: &Connection, endpoint: &str, auth: &str) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "DELETE FROM push_subscriptions WHERE endpoint = ?1 AND auth = ?2",
        params![endpoint, auth],
    )? > 0)
}

pub(super) fn count(conn: &Connection) -> Result<u64, StoreError> {
    let n: i64 = conn.query_row("SELECT count(*) FROM push_subscriptions", [], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or_default())
}

/// Subscriptions after `after` (by endpoint), at most `limit`.
pub(super) fn after(
    conn: &Connection,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<PushSubscription>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT endpoint, p256dh, auth, communes, lang, min_severity, measures \
         FROM push_subscriptions WHERE endpoint > ?1 ORDER BY endpoint LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![after.unwrap_or(""), limit], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, bool>(6)?,
        ))
    })?;
    let corrupt = |what: &str| StoreError::Corrupt(format!("push subscription: {what}"));
    rows.map(|row| {
        let (endpoint, p256dh, auth, communes, lang, severity, measures) = row?;
        Ok(PushSubscription {
            endpoint,
            keys: beffroi_domain::push::PushKeys { p256dh, auth },
            communes: serde_json::from_str(&communes).map_err(|_| corrupt("communes"))?,
            lang: lang.parse().map_err(|_| corrupt("lang"))?,
            min_severity: beffroi_store::rules::severity(&severity)?,
            measures: measures.then_some(true),
        })
    })
    .collect()
}

/// Removes the subscription a push service forgot.
pub(super) fn remove(conn: &Connection, endpoint: &str) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "DELETE FROM push_subscriptions WHERE endpoint = ?1",
        [endpoint],
    )? > 0)
}

/// Removes the subscriptions not renewed since `before`.
pub(super) fn expire(conn: &Connection, before: OffsetDateTime) -> Result<u64, StoreError> {
    let n = conn.execute(
        "DELETE FROM push_subscriptions WHERE renewed_at < ?1",
        [before.unix_timestamp()],
    )?;
    Ok(u64::try_from(n).unwrap_or_default())
}
