//! The copy of a whole town hall out of and into SQLite
//! ([`beffroi_store::Store::export`] and `import`).

use beffroi_store::StoreError;
use beffroi_store::snapshot::*;
use rusqlite::{Connection, Row, params};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::alerts::parse_time;

/// The time in column `i` (RFC 3339 text).
fn time_at(r: &Row<'_>, i: usize) -> rusqlite::Result<OffsetDateTime> {
    let s: String = r.get(i)?;
    parse_time(&s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn text(t: OffsetDateTime) -> Result<String, StoreError> {
    t.format(&Rfc3339)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Runs `sql` and maps each row.
fn rows<T>(
    conn: &Connection,
    sql: &str,
    map: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare(sql)?;
    let read = stmt.query_map([], map)?;
    Ok(read.collect::<Result<_, _>>()?)
}

pub(crate) fn export(conn: &mut Connection) -> Result<Snapshot, StoreError> {
    // One read transaction: every table as of one moment.
    let tx = conn.transaction()?;
    let c = &*tx;
    Ok(Snapshot {
        last_cursor: c.query_row("SELECT value FROM sync_seq WHERE id = 1", [], |r| r.get(0))?,
        communes: rows(
            c,
            "SELECT code, name, population, postal_codes, geometry, rev, deleted FROM communes",
            |r| {
                Ok(CommuneRow {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    population: r.get(2)?,
                    postal_codes: r.get(3)?,
                    geometry: r.get(4)?,
                    rev: r.get(5)?,
                    deleted: r.get(6)?,
                })
            },
        )?,
        staff: rows(
            c,
            "SELECT username, role, password_hash, created_at FROM staff",
            |r| {
                Ok(StaffRow {
                    username: r.get(0)?,
                    role: r.get(1)?,
                    password_hash: r.get(2)?,
                    created_at: time_at(r, 3)?,
                })
            },
        )?,
        sessions: rows(
            c,
            "SELECT token_hash, username, expires_at FROM sessions",
            |r| {
                Ok(SessionRow {
                    token_hash: r.get(0)?,
                    username: r.get(1)?,
                    expires_at: r.get(2)?,
                })
            },
        )?,
        places: rows(
            c,
            "SELECT id, data, name, category, commune, rev, deleted FROM places",
            |r| {
                Ok(PlaceRow {
                    id: r.get(0)?,
                    data: r.get(1)?,
                    name: r.get(2)?,
                    category: r.get(3)?,
                    commune: r.get(4)?,
                    rev: r.get(5)?,
                    deleted: r.get(6)?,
                })
            },
        )?,
        alerts: rows(
            c,
            "SELECT id, data, state, thread, created_by, created_at, updated_at FROM alerts",
            |r| {
                Ok(AlertRow {
                    id: r.get(0)?,
                    data: r.get(1)?,
                    state: r.get(2)?,
                    thread: r.get(3)?,
                    created_by: r.get(4)?,
                    created_at: time_at(r, 5)?,
                    updated_at: time_at(r, 6)?,
                })
            },
        )?,
        alert_messages: rows(
            c,
            "SELECT rev, identifier, alert_id, msg_type, area, sent, signed FROM alert_messages",
            |r| {
                Ok(AlertMessageRow {
                    rev: r.get(0)?,
                    identifier: r.get(1)?,
                    alert_id: r.get(2)?,
                    msg_type: r.get(3)?,
                    area: r.get(4)?,
                    sent: time_at(r, 5)?,
                    signed: r.get(6)?,
                })
            },
        )?,
        audit_log: rows(
            c,
            "SELECT id, at, actor, action, target, message FROM audit_log",
            |r| {
                Ok(AuditRow {
                    id: r.get(0)?,
                    at: time_at(r, 1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    target: r.get(4)?,
                    message: r.get(5)?,
                })
            },
        )?,
        reports: rows(
            c,
            "SELECT id, digest, data, category, commune, received_at, kind, lat, lon FROM reports",
            |r| {
                Ok(ReportRow {
                    id: r.get(0)?,
                    digest: r.get(1)?,
                    data: r.get(2)?,
                    category: r.get(3)?,
                    commune: r.get(4)?,
                    received_at: time_at(r, 5)?,
                    kind: r.get(6)?,
                    lat: r.get(7)?,
                    lon: r.get(8)?,
                })
            },
        )?,
        report_status: rows(
            c,
            "SELECT id, report_id, at, status, message, actor FROM report_status",
            |r| {
                Ok(ReportStatusRow {
                    id: r.get(0)?,
                    report_id: r.get(1)?,
                    at: time_at(r, 2)?,
                    status: r.get(3)?,
                    message: r.get(4)?,
                    actor: r.get(5)?,
                })
            },
        )?,
        push_subscriptions: rows(
            c,
            "SELECT endpoint, p256dh, auth, communes, lang, min_severity, created_at, renewed_at,
                    measures
             FROM push_subscriptions",
            |r| {
                Ok(PushRow {
                    endpoint: r.get(0)?,
                    p256dh: r.get(1)?,
                    auth: r.get(2)?,
                    communes: r.get(3)?,
                    lang: r.get(4)?,
                    min_severity: r.get(5)?,
                    created_at: r.get(6)?,
                    renewed_at: r.get(7)?,
                    measures: r.get(8)?,
                })
            },
        )?,
        secrets: rows(c, "SELECT name, value, created_at FROM secrets", |r| {
            Ok(SecretRow {
                name: r.get(0)?,
                value: r.get(1)?,
                created_at: r.get(2)?,
            })
        })?,
        measures: versions(c, "measures")?,
        advice: versions(c, "advice")?,
        plain: PLAIN
            .iter()
            .map(|t| Ok((t.name, plain_rows(c, t)?)))
            .collect::<Result<_, StoreError>>()?,
    })
}

/// Every row of a [`PlainTable`], cell by cell.
fn plain_rows(c: &Connection, table: &PlainTable) -> Result<Vec<Vec<Cell>>, StoreError> {
    let names: Vec<&str> = table.columns.iter().map(|(n, _)| *n).collect();
    rows(
        c,
        &format!("SELECT {} FROM {}", names.join(", "), table.name),
        |r| {
            table
                .columns
                .iter()
                .enumerate()
                .map(|(i, (_, col))| {
                    Ok(match col {
                        Col::Text => Cell::Text(r.get(i)?),
                        Col::OptText => r
                            .get::<_, Option<String>>(i)?
                            .map_or(Cell::Null, Cell::Text),
                        Col::Int => Cell::Int(r.get(i)?),
                        Col::Bool => Cell::Bool(r.get(i)?),
                    })
                })
                .collect()
        },
    )
}

/// Every version of a versioned document's table.
fn versions(c: &Connection, table: &str) -> Result<Vec<VersionRow>, StoreError> {
    rows(
        c,
        &format!("SELECT id, version, data, withdrawn, rev FROM {table}"),
        |r| {
            Ok(VersionRow {
                id: r.get(0)?,
                version: r.get(1)?,
                data: r.get(2)?,
                withdrawn: r.get(3)?,
                rev: r.get(4)?,
            })
        },
    )
}

pub(crate) fn import(conn: &mut Connection, s: Snapshot) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    let mut held = Vec::new();
    for table in TABLES {
        let n: i64 = tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        if n > 0 {
            held.push(format!("{n} rows in {table}"));
        }
    }
    let seq: i64 = tx.query_row("SELECT value FROM sync_seq WHERE id = 1", [], |r| r.get(0))?;
    if seq > 0 {
        held.push(format!("cursor {seq} handed out"));
    }
    if !held.is_empty() {
        return Err(StoreError::NotEmpty(held.join(", ")));
    }
    tx.execute(
        "UPDATE sync_seq SET value = ?1 WHERE id = 1",
        [s.last_cursor],
    )?;
    for c in &s.communes {
        tx.execute(
            "INSERT INTO communes (code, name, population, postal_codes, geometry, rev, deleted)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                c.code,
                c.name,
                c.population,
                c.postal_codes,
                c.geometry,
                c.rev,
                c.deleted
            ],
        )?;
    }
    for m in &s.staff {
        tx.execute(
            "INSERT INTO staff (username, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![m.username, m.role, m.password_hash, text(m.created_at)?],
        )?;
    }
    for x in &s.sessions {
        tx.execute(
            "INSERT INTO sessions (token_hash, username, expires_at) VALUES (?1, ?2, ?3)",
            params![x.token_hash, x.username, x.expires_at],
        )?;
    }
    for p in &s.places {
        tx.execute(
            "INSERT INTO places (id, data, name, category, commune, rev, deleted)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                p.id, p.data, p.name, p.category, p.commune, p.rev, p.deleted
            ],
        )?;
    }
    for a in &s.alerts {
        tx.execute(
            "INSERT INTO alerts (id, data, state, thread, created_by, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                a.id,
                a.data,
                a.state,
                a.thread,
                a.created_by,
                text(a.created_at)?,
                text(a.updated_at)?
            ],
        )?;
    }
    for m in &s.alert_messages {
        tx.execute(
            "INSERT INTO alert_messages (rev, identifier, alert_id, msg_type, area, sent, signed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                m.rev,
                m.identifier,
                m.alert_id,
                m.msg_type,
                m.area,
                text(m.sent)?,
                m.signed
            ],
        )?;
    }
    for a in &s.audit_log {
        tx.execute(
            "INSERT INTO audit_log (id, at, actor, action, target, message)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![a.id, text(a.at)?, a.actor, a.action, a.target, a.message],
        )?;
    }
    for r in &s.reports {
        tx.execute(
            "INSERT INTO reports (id, digest, data, category, commune, received_at, kind, lat, lon)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                r.id,
                r.digest,
                r.data,
                r.category,
                r.commune,
                text(r.received_at)?,
                r.kind,
                r.lat,
                r.lon
            ],
        )?;
    }
    for x in &s.report_status {
        tx.execute(
            "INSERT INTO report_status (id, report_id, at, status, message, actor)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![x.id, x.report_id, text(x.at)?, x.status, x.message, x.actor],
        )?;
    }
    for p in &s.push_subscriptions {
        tx.execute(
            "INSERT INTO push_subscriptions
             (endpoint, p256dh, auth, communes, lang, min_severity, created_at, renewed_at,
              measures)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                p.endpoint,
                p.p256dh,
                p.auth,
                p.communes,
                p.lang,
                p.min_severity,
                p.created_at,
                p.renewed_at,
                p.measures
            ],
        )?;
    }
    for x in &s.secrets {
        tx.execute(
            "INSERT INTO secrets (name, value, created_at) VALUES (?1, ?2, ?3)",
            params![x.name, x.value, x.created_at],
        )?;
    }
    for (table, rows) in [("measures", &s.measures), ("advice", &s.advice)] {
        for m in rows {
            tx.execute(
                &format!(
                    "INSERT INTO {table} (id, version, data, withdrawn, rev)
                     VALUES (?1, ?2, ?3, ?4, ?5)"
                ),
                params![m.id, m.version, m.data, m.withdrawn, m.rev],
            )?;
        }
    }
    for table in &PLAIN {
        let names: Vec<&str> = table.columns.iter().map(|(n, _)| *n).collect();
        let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
        let mut insert = tx.prepare(&format!(
            "INSERT INTO {} ({}) VALUES ({})",
            table.name,
            names.join(", "),
            marks.join(", ")
        ))?;
        for row in s.plain_rows(table.name) {
            let values = row.iter().map(|cell| match cell {
                Cell::Null => rusqlite::types::Value::Null,
                Cell::Int(n) => rusqlite::types::Value::Integer(*n),
                Cell::Text(t) => rusqlite::types::Value::Text(t.clone()),
                Cell::Bool(b) => rusqlite::types::Value::Integer(i64::from(*b)),
            });
            insert.execute(rusqlite::params_from_iter(values))?;
        }
    }
    tx.commit()?;
    Ok(())
}
