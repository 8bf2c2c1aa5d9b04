//! Mutual aid in PostgreSQL (see `beffroi_store::aid` for what each call
//! does). Every write takes the cursor lock first (`PgStore::locked_tx`), in a read-committed
//! transaction, and reads after it: aid writes are few, and under the lock
//! two devices sending the same post or message at once cannot both keep
//! it, nor a moderation and a withdrawal both apply to the state each read.

use beffroi_domain::aid::{
    AidInbox, AidMessage, AidPost, AidState, AidThread, OwnAidPost, StaffAidPost,
};
use beffroi_domain::msg;
use beffroi_domain::sync::Change;
use beffroi_domain::{Cursor, SyncPage};
use beffroi_store::StoreError;
use beffroi_store::aid::{
    AidAction, AidMessageWrite, AidSent, AidSubmission, AidSubmitted, MAX_THREADS, decode_post,
    encode_post, fingerprint, now_secs, secs, state_of, time_of, transition,
};
use deadpool_postgres::GenericClient;
use deadpool_postgres::Transaction;

use crate::{PgStore, cursor_of, db, next_cursor, since_i64};

type Tx<'a> = Transaction<'a>;

async fn blocked(tx: &Tx<'_>, key_hash: &str) -> Result<bool, StoreError> {
    Ok(tx
        .query_opt(
            "SELECT 1 FROM aid_blocked WHERE key_hash = $1",
            &[&key_hash],
        )
        .await
        .map_err(db)?
        .is_some())
}

/// Sets a post's state (and its public form) with a new cursor.
async fn set_state(tx: &Tx<'_>, post: &AidPost, state: AidState) -> Result<(), StoreError> {
    let mut locked = true;
    let rev = next_cursor(tx, &mut locked).await?;
    tx.execute(
        "UPDATE aid_posts SET data = $2, state = $3, rev = $4,
                was_published = was_published OR $3 = 'published'
         WHERE id = $1",
        &[&post.id, &encode_post(post)?, &state.as_str(), &rev],
    )
    .await
    .map_err(db)?;
    Ok(())
}

async fn staff_view<C: GenericClient>(
    c: &C,
    row: &tokio_postgres::Row,
) -> Result<StaffAidPost, StoreError> {
    let id: String = row.get("id");
    let abuse = c
        .query(
            "SELECT reason FROM aid_abuse WHERE post_id = $1 ORDER BY at, reporter",
            &[&id],
        )
        .await
        .map_err(db)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    Ok(StaffAidPost {
        post: decode_post(&id, row.get("data"))?,
        state: state_of(&id, row.get("state"))?,
        received_at: time_of(row.get("received_at"))?,
        device: fingerprint(row.get("key_hash")),
        blocked: row.get("blocked"),
        abuse,
    })
}

const STAFF_COLUMNS: &str = "id, data, state, key_hash, received_at,
     EXISTS (SELECT 1 FROM aid_blocked b WHERE b.key_hash = p.key_hash) AS blocked";

async fn staff_post<C: GenericClient>(c: &C, id: &str) -> Result<Option<StaffAidPost>, StoreError> {
    let row = c
        .query_opt(
            &format!("SELECT {STAFF_COLUMNS} FROM aid_posts p WHERE id = $1"),
            &[&id],
        )
        .await
        .map_err(db)?;
    match row {
        Some(row) => Ok(Some(staff_view(c, &row).await?)),
        None => Ok(None),
    }
}

/// Which side of `thread` the key is: `Some(true)` its post's author,
/// `Some(false)` the resident who answered, `None` neither.
async fn side(tx: &Tx<'_>, thread: &str, key_hash: &str) -> Result<Option<bool>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT p.key_hash = $2, t.answerer = $2 FROM aid_threads t
             JOIN aid_posts p ON p.id = t.post_id WHERE t.id = $1",
            &[&thread, &key_hash],
        )
        .await
        .map_err(db)?;
    Ok(row.and_then(|r| {
        if r.get::<_, bool>(0) {
            Some(true)
        } else if r.get::<_, bool>(1) {
            Some(false)
        } else {
            None
        }
    }))
}

/// Whether a thread is open: not closed, its post still published.
async fn open(tx: &Tx<'_>, thread: &str) -> Result<bool, StoreError> {
    Ok(tx
        .query_one(
            "SELECT NOT t.closed AND p.state = 'published' FROM aid_threads t
             JOIN aid_posts p ON p.id = t.post_id WHERE t.id = $1",
            &[&thread],
        )
        .await
        .map_err(db)?
        .get(0))
}

/// The key hashes of a thread's author and answerer.
async fn sides(tx: &Tx<'_>, thread: &str) -> Result<[String; 2], StoreError> {
    let r = tx
        .query_one(
            "SELECT p.key_hash, t.answerer FROM aid_threads t
             JOIN aid_posts p ON p.id = t.post_id WHERE t.id = $1",
            &[&thread],
        )
        .await
        .map_err(db)?;
    Ok([r.get(0), r.get(1)])
}

impl PgStore {
    pub(crate) async fn submit_aid_post(
        &self,
        sub: AidSubmission,
    ) -> Result<AidSubmitted, StoreError> {
        let mut client = self.client().await?;
        let tx = Self::locked_tx(&mut client).await?;
        let known = tx
            .query_opt(
                "SELECT digest, key_hash, state FROM aid_posts WHERE id = $1",
                &[&sub.post.id],
            )
            .await
            .map_err(db)?;
        if let Some(r) = known {
            return Ok(
                if r.get::<_, &str>(0) == sub.digest && r.get::<_, &str>(1) == sub.key_hash {
                    AidSubmitted::Again(state_of(&sub.post.id, r.get(2))?)
                } else {
                    AidSubmitted::Clash
                },
            );
        }
        if blocked(&tx, &sub.key_hash).await? {
            return Ok(AidSubmitted::Blocked);
        }
        let commune = sub.post.commune.as_ref().map(|c| c.as_str().to_owned());
        let at_once = match &commune {
            Some(code) => tx
                .query_opt(
                    "SELECT 1 FROM aid_publish_first WHERE commune = $1",
                    &[code],
                )
                .await
                .map_err(db)?
                .is_some(),
            None => false,
        };
        let state = if at_once {
            AidState::Published
        } else {
            AidState::Pending
        };
        let mut locked = true;
        let rev = next_cursor(&tx, &mut locked).await?;
        tx.execute(
            "INSERT INTO aid_posts (id, data, state, key_hash, digest, commune, received_at,
                                    expires, was_published, rev)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[
                &sub.post.id,
                &encode_post(&sub.post)?,
                &state.as_str(),
                &sub.key_hash,
                &sub.digest,
                &commune,
                &secs(sub.post.published_at),
                &secs(sub.post.expires),
                &at_once,
                &rev,
            ],
        )
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(AidSubmitted::New(state))
    }

    pub(crate) async fn moderate_aid_post(
        &self,
        id: &str,
        action: &AidAction,
        actor: &str,
    ) -> Result<Option<StaffAidPost>, StoreError> {
        let mut client = self.client().await?;
        let tx = Self::locked_tx(&mut client).await?;
        let Some(row) = tx
            .query_opt(
                "SELECT data, state, key_hash, was_published FROM aid_posts WHERE id = $1",
                &[&id],
            )
            .await
            .map_err(db)?
        else {
            return Ok(None);
        };
        if let AidAction::Withdraw { key_hash } = action
            && row.get::<_, &str>(2) != key_hash
        {
            return Ok(None);
        }
        let mut post = decode_post(id, row.get(0))?;
        let now = now_secs();
        if let Some(to) = transition(state_of(id, row.get(1))?, action, post.expires, now)? {
            if to == AidState::Published && !row.get::<_, bool>(3) {
                post.published_at = now;
            }
            set_state(&tx, &post, to).await?;
            if let Some(name) = action.audit() {
                Self::audit(&tx, actor, name, id, None).await?;
            }
        }
        let post = staff_post(&tx, id).await?;
        tx.commit().await.map_err(db)?;
        Ok(post)
    }

    pub(crate) async fn block_aid(
        &self,
        id: &str,
        on: bool,
        actor: &str,
    ) -> Result<Option<u64>, StoreError> {
        let mut client = self.client().await?;
        let tx = Self::locked_tx(&mut client).await?;
        let Some(row) = tx
            .query_opt("SELECT key_hash FROM aid_posts WHERE id = $1", &[&id])
            .await
            .map_err(db)?
        else {
            return Ok(None);
        };
        let key_hash: String = row.get(0);
        let mut hid = 0;
        if on {
            tx.execute(
                "INSERT INTO aid_blocked (key_hash, post_id, actor, at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (key_hash) DO NOTHING",
                &[&key_hash, &id, &actor, &secs(now_secs())],
            )
            .await
            .map_err(db)?;
            let live = tx
                .query(
                    "SELECT id, data FROM aid_posts
                     WHERE key_hash = $1 AND state IN ('pending', 'published') ORDER BY rev",
                    &[&key_hash],
                )
                .await
                .map_err(db)?;
            for r in &live {
                set_state(&tx, &decode_post(r.get(0), r.get(1))?, AidState::Hidden).await?;
                hid += 1;
            }
            Self::audit(&tx, actor, "aid-key-blocked", id, None).await?;
        } else {
            tx.execute("DELETE FROM aid_blocked WHERE key_hash = $1", &[&key_hash])
                .await
                .map_err(db)?;
            Self::audit(&tx, actor, "aid-key-unblocked", id, None).await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(Some(hid))
    }

    pub(crate) async fn aid_posts_since(
        &self,
        since: Cursor,
        limit: u32,
    ) -> Result<SyncPage<AidPost>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT id, data, state, rev FROM aid_posts
                 WHERE rev > $1 AND was_published ORDER BY rev LIMIT $2",
                &[&since_i64(since), &(i64::from(limit) + 1)],
            )
            .await
            .map_err(db)?;
        let mut changes = Vec::with_capacity(rows.len());
        for r in rows {
            let id: String = r.get(0);
            let cursor = cursor_of(r.get(3), &id)?;
            let change = if state_of(&id, r.get(2))? == AidState::Published {
                Change::Upsert(decode_post(&id, r.get(1))?)
            } else {
                Change::Delete(id)
            };
            changes.push((cursor, change));
        }
        Ok(SyncPage::from_changes(since, changes, limit))
    }

    pub(crate) async fn list_aid_posts(
        &self,
        state: Option<AidState>,
        limit: u32,
    ) -> Result<Vec<StaffAidPost>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {STAFF_COLUMNS} FROM aid_posts p
                     WHERE $1::text IS NULL OR state = $1
                     ORDER BY CASE WHEN $1 = 'pending' THEN received_at ELSE -received_at END, id
                     LIMIT $2"
                ),
                &[&state.map(AidState::as_str), &i64::from(limit)],
            )
            .await
            .map_err(db)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(staff_view(&client, row).await?);
        }
        Ok(out)
    }

    pub(crate) async fn expire_aid_posts(
        &self,
        now: time::OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let mut client = self.client().await?;
        // Every minute: the cursor lock (alerts take it too) only when a
        // post has ended.
        let any = client
            .query_opt(
                "SELECT 1 FROM aid_posts
                 WHERE state IN ('pending', 'published') AND expires <= $1 LIMIT 1",
                &[&secs(now)],
            )
            .await
            .map_err(db)?;
        if any.is_none() {
            return Ok(0);
        }
        let tx = Self::locked_tx(&mut client).await?;
        let ended = tx
            .query(
                "SELECT id, data FROM aid_posts
                 WHERE state IN ('pending', 'published') AND expires <= $1 ORDER BY rev",
                &[&secs(now)],
            )
            .await
            .map_err(db)?;
        for r in &ended {
            set_state(&tx, &decode_post(r.get(0), r.get(1))?, AidState::Expired).await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(ended.len() as u64)
    }

    pub(crate) async fn purge_aid_posts(
        &self,
        ended_before: time::OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        let mut posts = 0;
        for sql in [
            "DELETE FROM aid_messages WHERE thread_id IN (SELECT t.id FROM aid_threads t JOIN aid_posts p ON p.id = t.post_id WHERE p.expires <= $1)",
            "DELETE FROM aid_threads WHERE post_id IN (SELECT id FROM aid_posts WHERE expires <= $1)",
            "DELETE FROM aid_abuse WHERE post_id IN (SELECT id FROM aid_posts WHERE expires <= $1)",
            "DELETE FROM aid_posts WHERE expires <= $1",
        ] {
            posts = tx.execute(sql, &[&secs(ended_before)]).await.map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(posts)
    }

    pub(crate) async fn aid_abuse(
        &self,
        id: &str,
        reporter: &str,
        reason: &str,
        at: time::OffsetDateTime,
    ) -> Result<Option<bool>, StoreError> {
        let mut client = self.client().await?;
        let tx = Self::locked_tx(&mut client).await?;
        if blocked(&tx, reporter).await? {
            return Err(StoreError::Conflict(msg!("aid-key-blocked")));
        }
        let published = tx
            .query_opt(
                "SELECT 1 FROM aid_posts WHERE id = $1 AND state = 'published'",
                &[&id],
            )
            .await
            .map_err(db)?
            .is_some();
        if !published {
            return Ok(None);
        }
        let n = tx
            .execute(
                "INSERT INTO aid_abuse (post_id, reporter, reason, at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (post_id, reporter) DO NOTHING",
                &[&id, &reporter, &reason, &secs(at)],
            )
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(Some(n > 0))
    }

    pub(crate) async fn send_aid(&self, w: AidMessageWrite) -> Result<AidSent, StoreError> {
        let mut client = self.client().await?;
        let tx = Self::locked_tx(&mut client).await?;
        let m = &w.message;
        let known = tx
            .query_opt(
                "SELECT thread_id, text FROM aid_messages WHERE id = $1",
                &[&m.id],
            )
            .await
            .map_err(db)?;
        if let Some(r) = known {
            let thread: String = r.get(0);
            let mine = side(&tx, &thread, &w.key_hash).await?.is_some();
            return Ok(
                if thread == m.thread && r.get::<_, &str>(1) == m.text && mine {
                    AidSent::Again
                } else {
                    AidSent::Clash
                },
            );
        }
        if blocked(&tx, &w.key_hash).await? {
            return Ok(AidSent::Blocked);
        }
        let post: Option<String> = tx
            .query_opt(
                "SELECT post_id FROM aid_threads WHERE id = $1",
                &[&m.thread],
            )
            .await
            .map_err(db)?
            .map(|r| r.get(0));
        let from_author = match post {
            Some(post) if post != m.post => return Ok(AidSent::Clash),
            Some(_) => match side(&tx, &m.thread, &w.key_hash).await? {
                Some(_) if !open(&tx, &m.thread).await? => return Ok(AidSent::Closed),
                Some(author) => author,
                None => return Ok(AidSent::NotFound),
            },
            None => {
                let author: Option<String> = tx
                    .query_opt(
                        "SELECT key_hash FROM aid_posts WHERE id = $1 AND state = 'published'",
                        &[&m.post],
                    )
                    .await
                    .map_err(db)?
                    .map(|r| r.get(0));
                match author {
                    None => return Ok(AidSent::NotFound),
                    Some(author) if author == w.key_hash => return Ok(AidSent::OwnPost),
                    Some(_) => {}
                }
                let r = tx
                    .query_one(
                        "SELECT count(*), coalesce(bool_or(answerer = $2), false)
                         FROM aid_threads WHERE post_id = $1",
                        &[&m.post, &w.key_hash],
                    )
                    .await
                    .map_err(db)?;
                if r.get::<_, bool>(1) {
                    // One conversation per post and answering device.
                    return Ok(AidSent::Clash);
                }
                if r.get::<_, i64>(0) >= MAX_THREADS {
                    return Ok(AidSent::Full);
                }
                tx.execute(
                    "INSERT INTO aid_threads (id, post_id, answerer, created_at)
                     VALUES ($1, $2, $3, $4)",
                    &[&m.thread, &m.post, &w.key_hash, &secs(w.at)],
                )
                .await
                .map_err(db)?;
                false
            }
        };
        let mut locked = true;
        let rev = next_cursor(&tx, &mut locked).await?;
        tx.execute(
            "INSERT INTO aid_messages (id, thread_id, from_author, text, at, rev)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[&m.id, &m.thread, &from_author, &m.text, &secs(w.at), &rev],
        )
        .await
        .map_err(db)?;
        let sides = sides(&tx, &m.thread).await?;
        tx.commit().await.map_err(db)?;
        Ok(AidSent::New { sides })
    }

    pub(crate) async fn share_aid(
        &self,
        thread: &str,
        key_hash: &str,
        contact: Option<String>,
    ) -> Result<Option<[String; 2]>, StoreError> {
        let mut client = self.client().await?;
        let tx = Self::locked_tx(&mut client).await?;
        let column = match side(&tx, thread, key_hash).await? {
            Some(true) => "author_contact",
            Some(false) => "answerer_contact",
            None => return Ok(None),
        };
        if blocked(&tx, key_hash).await? {
            return Err(StoreError::Conflict(msg!("aid-key-blocked")));
        }
        if contact.is_some() && !open(&tx, thread).await? {
            return Err(StoreError::Conflict(msg!("aid-thread-closed")));
        }
        tx.execute(
            &format!("UPDATE aid_threads SET {column} = $2 WHERE id = $1"),
            &[&thread, &contact],
        )
        .await
        .map_err(db)?;
        let sides = sides(&tx, thread).await?;
        tx.commit().await.map_err(db)?;
        Ok(Some(sides))
    }

    pub(crate) async fn close_thread(
        &self,
        thread: &str,
        key_hash: &str,
    ) -> Result<Option<[String; 2]>, StoreError> {
        let mut client = self.client().await?;
        let tx = Self::locked_tx(&mut client).await?;
        if side(&tx, thread, key_hash).await?.is_none() {
            return Ok(None);
        }
        tx.execute(
            "UPDATE aid_threads SET closed = true WHERE id = $1",
            &[&thread],
        )
        .await
        .map_err(db)?;
        let sides = sides(&tx, thread).await?;
        tx.commit().await.map_err(db)?;
        Ok(Some(sides))
    }

    pub(crate) async fn inbox(
        &self,
        key_hash: &str,
        since: Cursor,
        limit: u32,
    ) -> Result<AidInbox, StoreError> {
        let client = self.client().await?;
        let posts = client
            .query(
                "SELECT id, data, state FROM aid_posts WHERE key_hash = $1
                 ORDER BY received_at DESC, id LIMIT 200",
                &[&key_hash],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| {
                let id: &str = r.get(0);
                Ok(OwnAidPost {
                    post: decode_post(id, r.get(1))?,
                    state: state_of(id, r.get(2))?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let threads = client
            .query(
                "SELECT t.id, t.post_id, p.key_hash = $1, t.author_contact, t.answerer_contact,
                        t.closed
                 FROM aid_threads t JOIN aid_posts p ON p.id = t.post_id
                 WHERE t.answerer = $1 OR p.key_hash = $1
                 ORDER BY t.created_at DESC, t.id LIMIT 500",
                &[&key_hash],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| {
                let author: bool = r.get(2);
                let (mine, theirs): (Option<String>, Option<String>) = if author {
                    (r.get(3), r.get(4))
                } else {
                    (r.get(4), r.get(3))
                };
                AidThread {
                    id: r.get(0),
                    post: r.get(1),
                    author,
                    they_share: theirs.is_some(),
                    their_contact: theirs.filter(|_| mine.is_some()),
                    my_contact: mine,
                    closed: r.get(5),
                }
            })
            .collect();
        let mut next = since_i64(since);
        let mut messages = Vec::new();
        for r in client
            .query(
                "SELECT m.id, m.thread_id, m.from_author = (p.key_hash = $1), m.text, m.at, m.rev
                 FROM aid_messages m JOIN aid_threads t ON t.id = m.thread_id
                 JOIN aid_posts p ON p.id = t.post_id
                 WHERE (t.answerer = $1 OR p.key_hash = $1) AND m.rev > $2
                 ORDER BY m.rev LIMIT $3",
                &[&key_hash, &next, &i64::from(limit)],
            )
            .await
            .map_err(db)?
        {
            next = r.get(5);
            messages.push(AidMessage {
                id: r.get(0),
                thread: r.get(1),
                mine: r.get(2),
                text: r.get(3),
                at: time_of(r.get(4))?,
            });
        }
        Ok(AidInbox {
            posts,
            threads,
            messages,
            next_cursor: cursor_of(next, "aid inbox")?,
        })
    }

    pub(crate) async fn publish_first(&self) -> Result<Vec<String>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query(
                "SELECT commune FROM aid_publish_first ORDER BY commune",
                &[],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    pub(crate) async fn set_publish_first(
        &self,
        commune: &str,
        on: bool,
        actor: &str,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = Self::locked_tx(&mut client).await?;
        let changed = if on {
            tx.execute(
                "INSERT INTO aid_publish_first (commune) VALUES ($1) ON CONFLICT DO NOTHING",
                &[&commune],
            )
            .await
        } else {
            tx.execute(
                "DELETE FROM aid_publish_first WHERE commune = $1",
                &[&commune],
            )
            .await
        }
        .map_err(db)?;
        if changed > 0 {
            let action = if on {
                "aid-publish-first"
            } else {
                "aid-moderate-first"
            };
            Self::audit(&tx, actor, action, commune, None).await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(())
    }
}
