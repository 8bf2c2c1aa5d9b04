//! Alerts in SQLite: drafts, sent messages (with the sync cursor) and the
//! audit log. Every function runs on the store's one connection.

use beffroi_domain::Cursor;
use beffroi_domain::alert::{
    AlertDraft, AlertMessage, Area, AuditEntry, MsgType, SignedAlert, StaffAlert,
};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::{cursor_of, next_cursor};
use beffroi_store::{Publication, SentAlert, StoreError};

fn corrupt(what: &str) -> impl FnOnce(serde_json::Error) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("{what}: {e}"))
}

fn now_text() -> Result<String, StoreError> {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn parse_time(s: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|e| StoreError::Corrupt(format!("time {s:?}: {e}")))
}

pub(crate) fn audit(
    tx: &Transaction<'_>,
    actor: &str,
    action: &str,
    target: &str,
    message: Option<&str>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, target, message) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![now_text()?, actor, action, target, message],
    )?;
    Ok(())
}

/// Reads one alert with its messages' identifiers.
fn read(
    conn: &Connection,
    id: &str,
    now: OffsetDateTime,
) -> Result<Option<StaffAlert>, StoreError> {
    let row = conn
        .query_row(
            "SELECT data, state, thread, created_by, updated_at FROM alerts WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((data, state, thread, created_by, updated_at)) = row else {
        return Ok(None);
    };
    let draft: AlertDraft = serde_json::from_str(&data).map_err(corrupt(id))?;
    let state = beffroi_store::rules::alert_state(&state, &draft, now)?;
    let mut stmt = conn
        .prepare_cached("SELECT identifier FROM alert_messages WHERE alert_id = ?1 ORDER BY rev")?;
    let messages = stmt
        .query_map([id], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(StaffAlert {
        id: id.to_owned(),
        state,
        draft,
        thread,
        messages,
        created_by,
        updated_at: parse_time(&updated_at)?,
    }))
}

pub(super) fn create(
    conn: &mut Connection,
    id: &str,
    draft: &AlertDraft,
    actor: &str,
) -> Result<StaffAlert, StoreError> {
    let tx = conn.transaction()?;
    let now = now_text()?;
    let data = serde_json::to_string(draft).map_err(corrupt(id))?;
    let inserted = tx.execute(
        "INSERT INTO alerts (id, data, state, created_by, created_at, updated_at)
         VALUES (?1, ?2, 'draft', ?3, ?4, ?4) ON CONFLICT (id) DO NOTHING",
        params![id, data, actor, now],
    )?;
    if inserted == 0 {
        return Err(StoreError::AlreadyExists(beffroi_domain::msg!(
            "store-alert-exists",
            id = id.to_string()
        )));
    }
    audit(&tx, actor, "draft", id, None)?;
    tx.commit()?;
    read(conn, id, OffsetDateTime::now_utc())?.ok_or_else(|| {
        StoreError::NotFound(beffroi_domain::msg!("err-no-alert", id = id.to_string()))
    })
}

pub(super) fn edit(
    conn: &mut Connection,
    id: &str,
    draft: &AlertDraft,
    actor: &str,
) -> Result<StaffAlert, StoreError> {
    let tx = conn.transaction()?;
    let state: Option<String> = tx
        .query_row("SELECT state FROM alerts WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    match state.as_deref() {
        None => {
            return Err(StoreError::NotFound(beffroi_domain::msg!(
                "err-no-alert",
                id = id.to_string()
            )));
        }
        Some("draft") => {}
        Some(_) => {
            return Err(StoreError::Conflict(beffroi_domain::msg!(
                "store-alert-sent-edit"
            )));
        }
    }
    let data = serde_json::to_string(draft).map_err(corrupt(id))?;
    tx.execute(
        "UPDATE alerts SET data = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, data, now_text()?],
    )?;
    audit(&tx, actor, "edit", id, None)?;
    tx.commit()?;
    read(conn, id, OffsetDateTime::now_utc())?.ok_or_else(|| {
        StoreError::NotFound(beffroi_domain::msg!("err-no-alert", id = id.to_string()))
    })
}

pub(super) fn get(conn: &Connection, id: &str) -> Result<Option<StaffAlert>, StoreError> {
    read(conn, id, OffsetDateTime::now_utc())
}

pub(super) fn list(conn: &Connection) -> Result<Vec<StaffAlert>, StoreError> {
    let ids: Vec<String> = conn
        .prepare_cached("SELECT id FROM alerts ORDER BY updated_at DESC, id DESC")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let now = OffsetDateTime::now_utc();
    ids.iter()
        .filter_map(|id| read(conn, id, now).transpose())
        .collect()
}

fn decode_signed(signed: &str) -> Result<AlertMessage, StoreError> {
    let s: SignedAlert = serde_json::from_str(signed).map_err(corrupt("signed alert"))?;
    serde_json::from_str(&s.message).map_err(corrupt("alert message"))
}

pub(super) fn messages(conn: &Connection, id: &str) -> Result<Vec<AlertMessage>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT signed FROM alert_messages WHERE alert_id = ?1 ORDER BY rev")?;
    let rows = stmt.query_map([id], |r| r.get::<_, String>(0))?;
    rows.map(|r| decode_signed(&r?)).collect()
}

pub(super) fn alert_of_message(
    conn: &Connection,
    identifier: &str,
) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT alert_id FROM alert_messages WHERE identifier = ?1",
            [identifier],
            |r| r.get(0),
        )
        .optional()?)
}

pub(super) fn publish(conn: &mut Connection, p: &Publication) -> Result<SentAlert, StoreError> {
    let tx = conn.transaction()?;
    let id = &p.alert_id;
    let now = now_text()?;
    let data = serde_json::to_string(&p.draft).map_err(corrupt(id))?;
    let taken = tx
        .query_row(
            "SELECT 1 FROM alert_messages WHERE identifier = ?1",
            [&p.message.identifier],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if taken {
        return Err(StoreError::AlreadyExists(beffroi_domain::msg!(
            "store-message-exists",
            identifier = p.message.identifier.as_str()
        )));
    }
    let state: Option<String> = tx
        .query_row("SELECT state FROM alerts WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    if beffroi_store::rules::publication_applies(p.expect, state.as_deref(), id)? {
        tx.execute(
            "INSERT INTO alerts (id, data, state, created_by, created_at, updated_at)
             VALUES (?1, ?2, 'draft', ?3, ?4, ?4)",
            params![id, data, p.actor, now],
        )?;
    }
    let m = &p.message;
    let new_state = match m.msg_type {
        MsgType::Cancel => "cancelled",
        MsgType::Alert | MsgType::Update => "published",
    };
    tx.execute(
        "UPDATE alerts SET data = ?2, state = ?3, updated_at = ?4,
                thread = coalesce(thread, ?5)
         WHERE id = ?1",
        params![id, data, new_state, now, m.thread()],
    )?;
    let rev = next_cursor(&tx)?;
    let area = serde_json::to_string(&m.body.area).map_err(corrupt(id))?;
    let sent = m
        .sent
        .format(&Rfc3339)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT INTO alert_messages (rev, identifier, alert_id, msg_type, area, sent, signed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            rev,
            m.identifier,
            id,
            m.msg_type.cap(),
            area,
            sent,
            p.signed
        ],
    )?;
    audit(&tx, &p.actor, p.action, id, Some(&m.identifier))?;
    tx.commit()?;
    Ok(SentAlert::new(
        cursor_of(rev, &m.identifier)?,
        m.body.area.clone(),
        p.signed.clone(),
    ))
}

pub(super) fn after(
    conn: &Connection,
    since: Cursor,
    limit: u32,
) -> Result<Vec<SentAlert>, StoreError> {
    let since = i64::try_from(since.0).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(
        "SELECT rev, identifier, area, signed FROM alert_messages WHERE rev > ?1 ORDER BY rev LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![since, limit], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    rows.map(|row| {
        let (rev, identifier, area, signed) = row?;
        let area: Area = serde_json::from_str(&area).map_err(corrupt(&identifier))?;
        Ok(SentAlert::new(cursor_of(rev, &identifier)?, area, signed))
    })
    .collect()
}

pub(super) fn audit_log(conn: &Connection, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, actor, action, target, message FROM audit_log ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    rows.map(|row| {
        let (at, actor, action, target, message) = row?;
        Ok(AuditEntry {
            at: parse_time(&at)?,
            actor,
            action,
            target,
            message,
        })
    })
    .collect()
}
