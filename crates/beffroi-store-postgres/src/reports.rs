//! Report intake in groups: submissions arriving together are written by
//! one statement in one transaction (one commit for the group), as the
//! SQLite store does, so a crowd of residents filing at once costs the
//! database one commit per group rather than one each.
//!
//! A group's statement checks each report's commune, inserts the reports
//! whose id is free (`ON CONFLICT DO NOTHING`: a report another server is
//! inserting at that moment waits for its commit) with their first status,
//! and reads, in the same snapshot, what each id held before.

use beffroi_domain::report::{NewReport, ReportStatus};
use beffroi_store::{StoreError, Submitted};
use deadpool_postgres::Pool;
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};

use crate::{db, json, now, pool_error};

/// The most submissions one statement takes.
const GROUP: usize = 128;
/// Groups written at once.
const WRITERS: usize = 1;

#[derive(Debug)]
pub(crate) struct Pending {
    report: NewReport,
    digest: String,
    answer: oneshot::Sender<Result<Submitted, StoreError>>,
}

/// Submits a report through the writer; its answer once committed.
pub(crate) async fn submit(
    writer: &mpsc::Sender<Pending>,
    report: NewReport,
    digest: String,
) -> Result<Submitted, StoreError> {
    let (answer, answered) = oneshot::channel();
    writer
        .send(Pending {
            report,
            digest,
            answer,
        })
        .await
        .map_err(|_| StoreError::Task("the report writer stopped".into()))?;
    answered
        .await
        .map_err(|_| StoreError::Task("the report writer stopped".into()))?
}

/// Starts the writers: each takes what is waiting (up to [`GROUP`]),
/// writes it in one statement, answers each, and takes the next group.
/// [`WRITERS`] of them: more than one measured slower here (2 cores: the
/// database's CPU, not its commits, is what limits intake).
pub(crate) fn spawn_writer(pool: Pool) -> mpsc::Sender<Pending> {
    let (tx, rx) = mpsc::channel::<Pending>(4 * GROUP);
    let rx = std::sync::Arc::new(tokio::sync::Mutex::new(rx));
    for _ in 0..WRITERS {
        let (pool, rx) = (pool.clone(), rx.clone());
        tokio::spawn(async move {
            loop {
                let mut pending = Vec::with_capacity(GROUP);
                if rx.lock().await.recv_many(&mut pending, GROUP).await == 0 {
                    return;
                }
                let written = write(&pool, &pending).await;
                answer(pending, written);
            }
        });
    }
    tx
}

/// Gives each submission its answer, or the group's error.
fn answer(pending: Vec<Pending>, written: Result<Vec<Submitted>, StoreError>) {
    match written {
        Ok(answers) => {
            for (p, a) in pending.into_iter().zip(answers) {
                let _ = p.answer.send(Ok(a));
            }
        }
        Err(e) => {
            let unavailable = matches!(e, StoreError::Unavailable(_));
            let text = e.to_string();
            for p in pending {
                let _ = p.answer.send(Err(if unavailable {
                    StoreError::Unavailable(text.clone())
                } else {
                    StoreError::Task(text.clone())
                }));
            }
        }
    }
}

const STATEMENT: &str = "
WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                         $6::float8[], $7::float8[])
        WITH ORDINALITY AS t(id, digest, data, category, commune, lat, lon, n)
), checked AS (
    SELECT input.*, (input.commune IS NULL OR EXISTS (
        SELECT 1 FROM communes c WHERE c.code = input.commune AND NOT c.deleted)) AS ok
    FROM input
), inserted AS (
    -- In id order: servers writing groups that share ids take their locks
    -- in the same order, so they wait for each other, never deadlock.
    INSERT INTO reports (id, digest, data, category, commune, received_at, lat, lon)
    SELECT id, digest, data, category, commune, $8, lat, lon FROM checked WHERE ok ORDER BY id, n
    ON CONFLICT (id) DO NOTHING
    RETURNING id, digest
), status AS (
    INSERT INTO report_status (report_id, at, status)
    SELECT id, $8, $9 FROM inserted ORDER BY id
)
-- What each id held before, one primary-key lookup each: written as
-- subqueries, not a join, so that a plan made while `reports` was empty (a
-- new town hall's first minutes; the plan is cached) does not scan the
-- whole table for every group once it has grown (it did: a hash join over
-- a sequential scan, 4,000 reports/s against 6,600).
SELECT checked.ok, (SELECT i.digest FROM inserted i WHERE i.id = checked.id),
       (SELECT b.digest FROM reports b WHERE b.id = checked.id),
       (SELECT b.received_at FROM reports b WHERE b.id = checked.id)
FROM checked
ORDER BY checked.n";

async fn write(pool: &Pool, pending: &[Pending]) -> Result<Vec<Submitted>, StoreError> {
    let client = pool.get().await.map_err(pool_error)?;
    let statement = client.prepare_cached(STATEMENT).await.map_err(db)?;
    let column = |f: fn(&Pending) -> &str| pending.iter().map(f).collect::<Vec<&str>>();
    let data = pending
        .iter()
        .map(|p| json(&p.report))
        .collect::<Result<Vec<String>, _>>()?;
    let communes: Vec<Option<&str>> = pending
        .iter()
        .map(|p| p.report.commune.as_ref().map(|c| c.as_str()))
        .collect();
    let position = |f: fn(&beffroi_domain::place::Position) -> f64| {
        pending
            .iter()
            .map(|p| p.report.location.position.as_ref().map(f))
            .collect::<Vec<Option<f64>>>()
    };
    let received_at = now();
    let rows = client
        .query(
            &statement,
            &[
                &column(|p| &p.report.id),
                &column(|p| &p.digest),
                &data,
                &column(|p| &p.report.category),
                &communes,
                &position(|p| p.lat),
                &position(|p| p.lon),
                &received_at,
                &json(&ReportStatus::Received)?,
            ],
        )
        .await
        .map_err(db)?;
    let mut answers: Vec<Submitted> = Vec::with_capacity(pending.len());
    // Ids stored by this group: the first of their submissions that named a
    // known commune (the rows go in by id, then arrival) was the one stored.
    let mut stored = std::collections::HashSet::new();
    for (p, row) in pending.iter().zip(&rows) {
        let (ok, inserted, before_digest, before_at): (
            bool,
            Option<String>,
            Option<String>,
            Option<OffsetDateTime>,
        ) = (row.get(0), row.get(1), row.get(2), row.get(3));
        let answer = match (before_digest, before_at, inserted) {
            (Some(d), Some(received_at), _) if d == p.digest => Submitted::Again { received_at },
            (Some(_), _, _) => Submitted::Clash,
            _ if !ok => Submitted::UnknownCommune,
            (None, _, Some(_)) if stored.insert(p.report.id.as_str()) => {
                Submitted::New { received_at }
            }
            (None, _, Some(d)) if d == p.digest => Submitted::Again { received_at },
            (None, _, Some(_)) => Submitted::Clash,
            // Inserted by another server after this statement's snapshot.
            (None, _, None) => known(&client, &p.report.id, &p.digest).await?,
        };
        answers.push(answer);
    }
    Ok(answers)
}

/// What is known under `id` now: a repeat, or another report.
async fn known(
    client: &deadpool_postgres::Object,
    id: &str,
    digest: &str,
) -> Result<Submitted, StoreError> {
    let row = client
        .query_opt(
            "SELECT digest, received_at FROM reports WHERE id = $1",
            &[&id],
        )
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::Corrupt(format!("report {id} vanished")))?;
    Ok(if row.get::<_, &str>(0) == digest {
        Submitted::Again {
            received_at: row.get(1),
        }
    } else {
        Submitted::Clash
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::STATEMENT;

    /// The group statement's cached (generic) plan, made on a new town
    /// hall's empty tables, still finds what each id held by its key: a
    /// plan scanning `reports` for every group slowed intake by a third
    /// once the table had grown.
    #[tokio::test]
    async fn the_group_statement_looks_ids_up_by_key_when_planned_on_an_empty_table() {
        let url = crate::tests::new_database("plan").await;
        crate::PgStore::connect(&url).await.unwrap();
        let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client
            .batch_execute(&format!(
                "SET plan_cache_mode = force_generic_plan; PREPARE g AS {STATEMENT}"
            ))
            .await
            .unwrap();
        let plan: Vec<String> = client
            .query(
                "EXPLAIN EXECUTE g('{a}', '{d}', '{x}', '{roads}', '{06088}', '{1}', '{1}', \
                 now(), '\"received\"')",
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        let plan = plan.join("\n");
        assert!(plan.contains("Index Scan using reports_pkey"), "{plan}");
        assert!(!plan.contains("Seq Scan on reports"), "{plan}");
    }
}
