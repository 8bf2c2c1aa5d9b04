//! The copy of a whole town hall out of and into PostgreSQL
//! ([`beffroi_store::Store::export`] and `import`).

use beffroi_store::StoreError;
use beffroi_store::snapshot::*;
use tokio_postgres::{IsolationLevel, Row};

use crate::{CURSOR_LOCK, db};

async fn rows<T>(
    tx: &deadpool_postgres::Transaction<'_>,
    sql: &str,
    map: impl Fn(&Row) -> T,
) -> Result<Vec<T>, StoreError> {
    Ok(tx
        .query(sql, &[])
        .await
        .map_err(db)?
        .iter()
        .map(map)
        .collect())
}

/// Every version of a versioned document's table.
async fn versions(
    tx: &deadpool_postgres::Transaction<'_>,
    table: &str,
) -> Result<Vec<VersionRow>, StoreError> {
    rows(
        tx,
        &format!("SELECT id, version::bigint, data, withdrawn, rev FROM {table}"),
        |r| VersionRow {
            id: r.get(0),
            version: r.get(1),
            data: r.get(2),
            withdrawn: r.get(3),
            rev: r.get(4),
        },
    )
    .await
}

pub(crate) async fn export(client: &mut deadpool_postgres::Client) -> Result<Snapshot, StoreError> {
    // One snapshot of the database for every table.
    let tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
        .map_err(db)?;
    let last_cursor: i64 = tx
        .query_one(
            "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM sync_seq",
            &[],
        )
        .await
        .map_err(db)?
        .get(0);
    Ok(Snapshot {
        last_cursor,
        communes: rows(
            &tx,
            "SELECT code, name, population, postal_codes, geometry, rev, deleted FROM communes",
            |r| CommuneRow {
                code: r.get(0),
                name: r.get(1),
                population: r.get(2),
                postal_codes: r.get(3),
                geometry: r.get(4),
                rev: r.get(5),
                deleted: r.get(6),
            },
        )
        .await?,
        staff: rows(
            &tx,
            "SELECT username, role, password_hash, created_at FROM staff",
            |r| StaffRow {
                username: r.get(0),
                role: r.get(1),
                password_hash: r.get(2),
                created_at: r.get(3),
            },
        )
        .await?,
        sessions: rows(
            &tx,
            "SELECT token_hash, username, expires_at FROM sessions",
            |r| SessionRow {
                token_hash: r.get(0),
                username: r.get(1),
                expires_at: r.get(2),
            },
        )
        .await?,
        places: rows(
            &tx,
            "SELECT id, data, name, category, commune, rev, deleted FROM places",
            |r| PlaceRow {
                id: r.get(0),
                data: r.get(1),
                name: r.get(2),
                category: r.get(3),
                commune: r.get(4),
                rev: r.get(5),
                deleted: r.get(6),
            },
        )
        .await?,
        alerts: rows(
            &tx,
            "SELECT id, data, state, thread, created_by, created_at, updated_at FROM alerts",
            |r| AlertRow {
                id: r.get(0),
                data: r.get(1),
                state: r.get(2),
                thread: r.get(3),
                created_by: r.get(4),
                created_at: r.get(5),
                updated_at: r.get(6),
            },
        )
        .await?,
        alert_messages: rows(
            &tx,
            "SELECT rev, identifier, alert_id, msg_type, area, sent, signed FROM alert_messages",
            |r| AlertMessageRow {
                rev: r.get(0),
                identifier: r.get(1),
                alert_id: r.get(2),
                msg_type: r.get(3),
                area: r.get(4),
                sent: r.get(5),
                signed: r.get(6),
            },
        )
        .await?,
        audit_log: rows(
            &tx,
            "SELECT id, at, actor, action, target, message FROM audit_log",
            |r| AuditRow {
                id: r.get(0),
                at: r.get(1),
                actor: r.get(2),
                action: r.get(3),
                target: r.get(4),
                message: r.get(5),
            },
        )
        .await?,
        reports: rows(
            &tx,
            "SELECT id, digest, data, category, commune, received_at, kind, lat, lon FROM reports",
            |r| ReportRow {
                id: r.get(0),
                digest: r.get(1),
                data: r.get(2),
                category: r.get(3),
                commune: r.get(4),
                received_at: r.get(5),
                kind: r.get(6),
                lat: r.get(7),
                lon: r.get(8),
            },
        )
        .await?,
        report_status: rows(
            &tx,
            "SELECT id, report_id, at, status, message, actor FROM report_status",
            |r| ReportStatusRow {
                id: r.get(0),
                report_id: r.get(1),
                at: r.get(2),
                status: r.get(3),
                message: r.get(4),
                actor: r.get(5),
            },
        )
        .await?,
        push_subscriptions: rows(
            &tx,
            "SELECT endpoint, p256dh, auth, communes, lang, min_severity, created_at, renewed_at,
                    measures
             FROM push_subscriptions",
            |r| PushRow {
                endpoint: r.get(0),
                p256dh: r.get(1),
                auth: r.get(2),
                communes: r.get(3),
                lang: r.get(4),
                min_severity: r.get(5),
                created_at: r.get(6),
                renewed_at: r.get(7),
                measures: r.get(8),
            },
        )
        .await?,
        secrets: rows(
            &tx,
            "SELECT name, value, extract(epoch FROM created_at)::bigint FROM secrets",
            |r| SecretRow {
                name: r.get(0),
                value: r.get(1),
                created_at: r.get(2),
            },
        )
        .await?,
        measures: versions(&tx, "measures").await?,
        advice: versions(&tx, "advice").await?,
        plain: {
            let mut plain = std::collections::BTreeMap::new();
            for table in &PLAIN {
                plain.insert(table.name, plain_rows(&tx, table).await?);
            }
            plain
        },
    })
}

/// Every row of a [`PlainTable`], cell by cell.
async fn plain_rows(
    tx: &deadpool_postgres::Transaction<'_>,
    table: &PlainTable,
) -> Result<Vec<Vec<Cell>>, StoreError> {
    let names: Vec<&str> = table.columns.iter().map(|(n, _)| *n).collect();
    rows(
        tx,
        &format!("SELECT {} FROM {}", names.join(", "), table.name),
        |r| {
            table
                .columns
                .iter()
                .enumerate()
                .map(|(i, (_, col))| match col {
                    Col::Text => Cell::Text(r.get(i)),
                    Col::OptText => r.get::<_, Option<String>>(i).map_or(Cell::Null, Cell::Text),
                    Col::Int => Cell::Int(r.get(i)),
                    Col::Bool => Cell::Bool(r.get(i)),
                })
                .collect()
        },
    )
    .await
}

pub(crate) async fn import(
    client: &mut deadpool_postgres::Client,
    s: Snapshot,
) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(db)?;
    // Nothing written meanwhile (a server started too early, making its
    // own key): the tables found empty stay so until the copy commits. The
    // tables first, then the cursor lock, as a publication takes them.
    tx.batch_execute(&format!(
        "LOCK TABLE {} IN EXCLUSIVE MODE",
        TABLES.join(", ")
    ))
    .await
    .map_err(db)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CURSOR_LOCK])
        .await
        .map_err(db)?;
    let mut held = Vec::new();
    for table in TABLES {
        let n: i64 = tx
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .await
            .map_err(db)?
            .get(0);
        if n > 0 {
            held.push(format!("{n} rows in {table}"));
        }
    }
    let called: bool = tx
        .query_one("SELECT is_called FROM sync_seq", &[])
        .await
        .map_err(db)?
        .get(0);
    if called {
        held.push("cursors handed out".to_owned());
    }
    if !held.is_empty() {
        return Err(StoreError::NotEmpty(held.join(", ")));
    }
    if s.last_cursor > 0 {
        tx.execute("SELECT setval('sync_seq', $1)", &[&s.last_cursor])
            .await
            .map_err(db)?;
    }
    let insert = |sql: &str| {
        let tx = &tx;
        let sql = sql.to_owned();
        async move { tx.prepare(&sql).await.map_err(db) }
    };

    let st = insert(
        "INSERT INTO communes (code, name, population, postal_codes, geometry, rev, deleted)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .await?;
    for c in &s.communes {
        tx.execute(
            &st,
            &[
                &c.code,
                &c.name,
                &c.population,
                &c.postal_codes,
                &c.geometry,
                &c.rev,
                &c.deleted,
            ],
        )
        .await
        .map_err(db)?;
    }
    let st = insert(
        "INSERT INTO staff (username, role, password_hash, created_at) VALUES ($1, $2, $3, $4)",
    )
    .await?;
    for m in &s.staff {
        tx.execute(
            &st,
            &[
                &m.username,
                &m.role,
                &m.password_hash,
                &micros(m.created_at),
            ],
        )
        .await
        .map_err(db)?;
    }
    let st = insert("INSERT INTO sessions (token_hash, username, expires_at) VALUES ($1, $2, $3)")
        .await?;
    for x in &s.sessions {
        tx.execute(&st, &[&x.token_hash, &x.username, &x.expires_at])
            .await
            .map_err(db)?;
    }
    let st = insert(
        "INSERT INTO places (id, data, name, category, commune, rev, deleted)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .await?;
    for p in &s.places {
        tx.execute(
            &st,
            &[
                &p.id,
                &p.data,
                &p.name,
                &p.category,
                &p.commune,
                &p.rev,
                &p.deleted,
            ],
        )
        .await
        .map_err(db)?;
    }
    let st = insert(
        "INSERT INTO alerts (id, data, state, thread, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .await?;
    for a in &s.alerts {
        tx.execute(
            &st,
            &[
                &a.id,
                &a.data,
                &a.state,
                &a.thread,
                &a.created_by,
                &micros(a.created_at),
                &micros(a.updated_at),
            ],
        )
        .await
        .map_err(db)?;
    }
    let st = insert(
        "INSERT INTO alert_messages (rev, identifier, alert_id, msg_type, area, sent, signed)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .await?;
    for m in &s.alert_messages {
        tx.execute(
            &st,
            &[
                &m.rev,
                &m.identifier,
                &m.alert_id,
                &m.msg_type,
                &m.area,
                &micros(m.sent),
                &m.signed,
            ],
        )
        .await
        .map_err(db)?;
    }
    let st = insert(
        "INSERT INTO audit_log (id, at, actor, action, target, message)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .await?;
    for a in &s.audit_log {
        tx.execute(
            &st,
            &[
                &a.id,
                &micros(a.at),
                &a.actor,
                &a.action,
                &a.target,
                &a.message,
            ],
        )
        .await
        .map_err(db)?;
    }
    let st = insert(
        "INSERT INTO reports (id, digest, data, category, commune, received_at, kind, lat, lon)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .await?;
    for r in &s.reports {
        tx.execute(
            &st,
            &[
                &r.id,
                &r.digest,
                &r.data,
                &r.category,
                &r.commune,
                &micros(r.received_at),
                &r.kind,
                &r.lat,
                &r.lon,
            ],
        )
        .await
        .map_err(db)?;
    }
    let st = insert(
        "INSERT INTO report_status (id, report_id, at, status, message, actor)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .await?;
    for x in &s.report_status {
        tx.execute(
            &st,
            &[
                &x.id,
                &x.report_id,
                &micros(x.at),
                &x.status,
                &x.message,
                &x.actor,
            ],
        )
        .await
        .map_err(db)?;
    }
    let st = insert(
        "INSERT INTO push_subscriptions
         (endpoint, p256dh, auth, communes, lang, min_severity, created_at, renewed_at, measures)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .await?;
    for p in &s.push_subscriptions {
        tx.execute(
            &st,
            &[
                &p.endpoint,
                &p.p256dh,
                &p.auth,
                &p.communes,
                &p.lang,
                &p.min_severity,
                &p.created_at,
                &p.renewed_at,
                &p.measures,
            ],
        )
        .await
        .map_err(db)?;
    }
    let st = insert(
        "INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, to_timestamp($3::bigint))",
    )
    .await?;
    for x in &s.secrets {
        tx.execute(&st, &[&x.name, &x.value, &x.created_at])
            .await
            .map_err(db)?;
    }
    for (table, rows) in [("measures", &s.measures), ("advice", &s.advice)] {
        let st = insert(&format!(
            "INSERT INTO {table} (id, version, data, withdrawn, rev)
             VALUES ($1, $2::bigint, $3, $4, $5)"
        ))
        .await?;
        for m in rows {
            tx.execute(&st, &[&m.id, &m.version, &m.data, &m.withdrawn, &m.rev])
                .await
                .map_err(db)?;
        }
    }
    for table in &PLAIN {
        let names: Vec<&str> = table.columns.iter().map(|(n, _)| *n).collect();
        let marks: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
        let st = insert(&format!(
            "INSERT INTO {} ({}) VALUES ({})",
            table.name,
            names.join(", "),
            marks.join(", ")
        ))
        .await?;
        for row in s.plain_rows(table.name) {
            let none: Option<String> = None;
            let values: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = row
                .iter()
                .map(|cell| match cell {
                    Cell::Null => &none as &(dyn tokio_postgres::types::ToSql + Sync),
                    Cell::Int(n) => n,
                    Cell::Text(t) => t,
                    Cell::Bool(b) => b,
                })
                .collect();
            tx.execute(&st, &values).await.map_err(db)?;
        }
    }
    // The identities of the copied histories go on after the copied ids.
    for table in ["audit_log", "report_status"] {
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}
                 HAVING max(id) IS NOT NULL"
            ),
            &[],
        )
        .await
        .map_err(db)?;
    }
    tx.commit().await.map_err(db)?;
    Ok(())
}
