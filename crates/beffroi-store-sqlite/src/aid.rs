//! Mutual aid in SQLite (see `beffroi_store::aid` for what each call does).

use beffroi_domain::aid::{
    AidInbox, AidMessage, AidPost, AidState, AidThread, OwnAidPost, StaffAidPost,
};
use beffroi_domain::msg;
use beffroi_domain::sync::Change;
use beffroi_domain::{Cursor, SyncPage};
use beffroi_store::StoreError;
use beffroi_store::aid::{
    AidAction, AidMessageWrite, AidSent, AidSubmission, AidSubmitted, MAX_THREADS, decode_post,
    encode_post, fingerprint, secs, state_of, time_of, transition,
};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::{alerts::audit, cursor_of, next_cursor};

fn blocked(tx: &Connection, key_hash: &str) -> Result<bool, StoreError> {
    Ok(tx
        .query_row(
            "SELECT 1 FROM aid_blocked WHERE key_hash = ?1",
            [key_hash],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

pub(crate) fn submit(
    conn: &mut Connection,
    sub: &AidSubmission,
) -> Result<AidSubmitted, StoreError> {
    let tx = conn.transaction()?;
    let known = tx
        .query_row(
            "SELECT digest, key_hash, state FROM aid_posts WHERE id = ?1",
            [&sub.post.id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            },
        )
        .optional()?;
    if let Some((digest, key_hash, state)) = known {
        return Ok(if digest == sub.digest && key_hash == sub.key_hash {
            AidSubmitted::Again(state_of(&sub.post.id, &state)?)
        } else {
            AidSubmitted::Clash
        });
    }
    if blocked(&tx, &sub.key_hash)? {
        return Ok(AidSubmitted::Blocked);
    }
    let at_once = match &sub.post.commune {
        Some(code) => tx
            .query_row(
                "SELECT 1 FROM aid_publish_first WHERE commune = ?1",
                [code.as_str()],
                |_| Ok(()),
            )
            .optional()?
            .is_some(),
        None => false,
    };
    let state = if at_once {
        AidState::Published
    } else {
        AidState::Pending
    };
    let rev = next_cursor(&tx)?;
    tx.execute(
        "INSERT INTO aid_posts (id, data, state, key_hash, digest, commune, received_at, expires,
                                was_published, rev)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            sub.post.id,
            encode_post(&sub.post)?,
            state.as_str(),
            sub.key_hash,
            sub.digest,
            sub.post.commune.as_ref().map(|c| c.as_str()),
            secs(sub.post.published_at),
            secs(sub.post.expires),
            at_once,
            rev
        ],
    )?;
    tx.commit()?;
    Ok(AidSubmitted::New(state))
}

/// One post as staff see it.
pub(crate) fn staff_post(conn: &Connection, id: &str) -> Result<Option<StaffAidPost>, StoreError> {
    let row = conn
        .query_row(
            "SELECT data, state, key_hash, received_at,
                    EXISTS (SELECT 1 FROM aid_blocked b WHERE b.key_hash = p.key_hash)
             FROM aid_posts p WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, bool>(4)?,
                ))
            },
        )
        .optional()?;
    row.map(|(data, state, key_hash, received, blocked)| {
        staff_view(conn, id, &data, &state, &key_hash, received, blocked)
    })
    .transpose()
}

fn staff_view(
    conn: &Connection,
    id: &str,
    data: &str,
    state: &str,
    key_hash: &str,
    received: i64,
    blocked: bool,
) -> Result<StaffAidPost, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT reason FROM aid_abuse WHERE post_id = ?1 ORDER BY at, reporter")?;
    let abuse = stmt
        .query_map([id], |r| r.get::<_, String>(0))?
        .collect::<Result<_, _>>()?;
    Ok(StaffAidPost {
        post: decode_post(id, data)?,
        state: state_of(id, state)?,
        received_at: time_of(received)?,
        device: fingerprint(key_hash),
        blocked,
        abuse,
    })
}

/// Sets a post's state (and its public form) with a new cursor.
fn set_state(tx: &Transaction<'_>, post: &AidPost, state: AidState) -> Result<(), StoreError> {
    let rev = next_cursor(tx)?;
    tx.execute(
        "UPDATE aid_posts SET data = ?2, state = ?3, rev = ?4,
                was_published = was_published OR ?3 = 'published'
         WHERE id = ?1",
        params![post.id, encode_post(post)?, state.as_str(), rev],
    )?;
    Ok(())
}

pub(crate) fn moderate(
    conn: &mut Connection,
    id: &str,
    action: &AidAction,
    actor: &str,
    now: time::OffsetDateTime,
) -> Result<Option<StaffAidPost>, StoreError> {
    let tx = conn.transaction()?;
    let row = tx
        .query_row(
            "SELECT data, state, key_hash, was_published FROM aid_posts WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                ))
            },
        )
        .optional()?;
    let Some((data, state, key_hash, was_published)) = row else {
        return Ok(None);
    };
    if let AidAction::Withdraw { key_hash: by } = action
        && *by != key_hash
    {
        return Ok(None);
    }
    let mut post = decode_post(id, &data)?;
    if let Some(to) = transition(state_of(id, &state)?, action, post.expires, now)? {
        if to == AidState::Published && !was_published {
            // Its publication is when the public first sees it.
            post.published_at = now;
        }
        set_state(&tx, &post, to)?;
        if let Some(name) = action.audit() {
            audit(&tx, actor, name, id, None)?;
        }
    }
    let post = staff_post(&tx, id)?;
    tx.commit()?;
    Ok(post)
}

pub(crate) fn block(
    conn: &mut Connection,
    id: &str,
    on: bool,
    actor: &str,
    now: time::OffsetDateTime,
) -> Result<Option<u64>, StoreError> {
    let tx = conn.transaction()?;
    let Some(key_hash) = tx
        .query_row("SELECT key_hash FROM aid_posts WHERE id = ?1", [id], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
    else {
        return Ok(None);
    };
    let mut hid = 0;
    if on {
        tx.execute(
            "INSERT INTO aid_blocked (key_hash, post_id, actor, at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (key_hash) DO NOTHING",
            params![key_hash, id, actor, secs(now)],
        )?;
        let live: Vec<(String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT id, data FROM aid_posts
                 WHERE key_hash = ?1 AND state IN ('pending', 'published') ORDER BY rev",
            )?;
            stmt.query_map([&key_hash], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?
        };
        for (post_id, data) in live {
            set_state(&tx, &decode_post(&post_id, &data)?, AidState::Hidden)?;
            hid += 1;
        }
        audit(&tx, actor, "aid-key-blocked", id, None)?;
    } else {
        tx.execute("DELETE FROM aid_blocked WHERE key_hash = ?1", [&key_hash])?;
        audit(&tx, actor, "aid-key-unblocked", id, None)?;
    }
    tx.commit()?;
    Ok(Some(hid))
}

pub(crate) fn since(
    conn: &Connection,
    since: Cursor,
    limit: u32,
) -> Result<SyncPage<AidPost>, StoreError> {
    let since_i = i64::try_from(since.0).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(
        "SELECT id, data, state, rev FROM aid_posts
         WHERE rev > ?1 AND was_published ORDER BY rev LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![since_i, i64::from(limit) + 1], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    let mut changes = Vec::new();
    for row in rows {
        let (id, data, state, rev) = row?;
        let cursor = cursor_of(rev, &id)?;
        let change = if state_of(&id, &state)? == AidState::Published {
            Change::Upsert(decode_post(&id, &data)?)
        } else {
            Change::Delete(id)
        };
        changes.push((cursor, change));
    }
    Ok(SyncPage::from_changes(since, changes, limit))
}

pub(crate) fn list(
    conn: &Connection,
    state: Option<AidState>,
    limit: u32,
) -> Result<Vec<StaffAidPost>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, data, state, key_hash, received_at,
                EXISTS (SELECT 1 FROM aid_blocked b WHERE b.key_hash = p.key_hash)
         FROM aid_posts p WHERE ?1 IS NULL OR state = ?1
         ORDER BY CASE WHEN ?1 = 'pending' THEN received_at ELSE -received_at END, id
         LIMIT ?2",
    )?;
    let rows: Vec<(String, String, String, String, i64, bool)> = stmt
        .query_map(params![state.map(AidState::as_str), limit], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(id, data, state, key_hash, received, blocked)| {
            staff_view(conn, &id, &data, &state, &key_hash, received, blocked)
        })
        .collect()
}

pub(crate) fn expire(conn: &mut Connection, now: time::OffsetDateTime) -> Result<u64, StoreError> {
    let tx = conn.transaction()?;
    let ended: Vec<(String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT id, data FROM aid_posts
             WHERE state IN ('pending', 'published') AND expires <= ?1 ORDER BY rev",
        )?;
        stmt.query_map([secs(now)], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?
    };
    for (id, data) in &ended {
        set_state(&tx, &decode_post(id, data)?, AidState::Expired)?;
    }
    tx.commit()?;
    Ok(ended.len() as u64)
}

pub(crate) fn purge(
    conn: &mut Connection,
    ended_before: time::OffsetDateTime,
) -> Result<u64, StoreError> {
    let tx = conn.transaction()?;
    let mut posts = 0;
    for sql in [
        "DELETE FROM aid_messages WHERE thread_id IN (SELECT t.id FROM aid_threads t JOIN aid_posts p ON p.id = t.post_id WHERE p.expires <= ?1)",
        "DELETE FROM aid_threads WHERE post_id IN (SELECT id FROM aid_posts WHERE expires <= ?1)",
        "DELETE FROM aid_abuse WHERE post_id IN (SELECT id FROM aid_posts WHERE expires <= ?1)",
        "DELETE FROM aid_posts WHERE expires <= ?1",
    ] {
        posts = tx.execute(sql, [secs(ended_before)])? as u64;
    }
    tx.commit()?;
    Ok(posts)
}

pub(crate) fn report_abuse(
    conn: &mut Connection,
    id: &str,
    reporter: &str,
    reason: &str,
    at: time::OffsetDateTime,
) -> Result<Option<bool>, StoreError> {
    let tx = conn.transaction()?;
    if blocked(&tx, reporter)? {
        return Err(StoreError::Conflict(msg!("aid-key-blocked")));
    }
    let published = tx
        .query_row(
            "SELECT 1 FROM aid_posts WHERE id = ?1 AND state = 'published'",
            [id],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if !published {
        return Ok(None);
    }
    let n = tx.execute(
        "INSERT INTO aid_abuse (post_id, reporter, reason, at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (post_id, reporter) DO NOTHING",
        params![id, reporter, reason, secs(at)],
    )?;
    tx.commit()?;
    Ok(Some(n > 0))
}

pub(crate) fn send(conn: &mut Connection, w: &AidMessageWrite) -> Result<AidSent, StoreError> {
    let tx = conn.transaction()?;
    let m = &w.message;
    // The same message again: recognised before anything else is checked
    // (its post may have ended since).
    let known = tx
        .query_row(
            "SELECT thread_id, text FROM aid_messages WHERE id = ?1",
            [&m.id],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )
        .optional()?;
    if let Some((thread, text)) = known {
        let mine = side(&tx, &thread, &w.key_hash)?.is_some();
        return Ok(if thread == m.thread && text == m.text && mine {
            AidSent::Again
        } else {
            AidSent::Clash
        });
    }
    if blocked(&tx, &w.key_hash)? {
        return Ok(AidSent::Blocked);
    }
    let from_author = match thread_post(&tx, &m.thread)? {
        Some(post) if post != m.post => return Ok(AidSent::Clash),
        Some(_) => match side(&tx, &m.thread, &w.key_hash)? {
            Some(_) if !open(&tx, &m.thread)? => return Ok(AidSent::Closed),
            Some(author) => author,
            None => return Ok(AidSent::NotFound),
        },
        None => {
            let author = tx
                .query_row(
                    "SELECT key_hash FROM aid_posts WHERE id = ?1 AND state = 'published'",
                    [&m.post],
                    |r| r.get::<_, String>(0),
                )
                .optional()?;
            match author {
                None => return Ok(AidSent::NotFound),
                Some(author) if author == w.key_hash => return Ok(AidSent::OwnPost),
                Some(_) => {}
            }
            let (threads, mine): (i64, bool) = tx.query_row(
                "SELECT count(*), coalesce(max(answerer = ?2), 0) FROM aid_threads
                 WHERE post_id = ?1",
                params![m.post, w.key_hash],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if mine {
                // One conversation per post and answering device.
                return Ok(AidSent::Clash);
            }
            if threads >= MAX_THREADS {
                return Ok(AidSent::Full);
            }
            tx.execute(
                "INSERT INTO aid_threads (id, post_id, answerer, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![m.thread, m.post, w.key_hash, secs(w.at)],
            )?;
            false
        }
    };
    let rev = next_cursor(&tx)?;
    tx.execute(
        "INSERT INTO aid_messages (id, thread_id, from_author, text, at, rev)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![m.id, m.thread, from_author, m.text, secs(w.at), rev],
    )?;
    let sides = sides(&tx, &m.thread)?;
    tx.commit()?;
    Ok(AidSent::New { sides })
}

/// The key hashes of a thread's author and answerer.
fn sides(tx: &Connection, thread: &str) -> Result<[String; 2], StoreError> {
    Ok(tx.query_row(
        "SELECT p.key_hash, t.answerer FROM aid_threads t
         JOIN aid_posts p ON p.id = t.post_id WHERE t.id = ?1",
        [thread],
        |r| Ok([r.get(0)?, r.get(1)?]),
    )?)
}

/// Whether a thread is open: not closed, its post still published.
fn open(tx: &Connection, thread: &str) -> Result<bool, StoreError> {
    Ok(tx.query_row(
        "SELECT NOT t.closed AND p.state = 'published' FROM aid_threads t
         JOIN aid_posts p ON p.id = t.post_id WHERE t.id = ?1",
        [thread],
        |r| r.get(0),
    )?)
}

fn thread_post(tx: &Connection, thread: &str) -> Result<Option<String>, StoreError> {
    Ok(tx
        .query_row(
            "SELECT post_id FROM aid_threads WHERE id = ?1",
            [thread],
            |r| r.get(0),
        )
        .optional()?)
}

/// Which side of `thread` the key is: `Some(true)` its post's author,
/// `Some(false)` the resident who answered, `None` neither.
fn side(tx: &Connection, thread: &str, key_hash: &str) -> Result<Option<bool>, StoreError> {
    Ok(tx
        .query_row(
            "SELECT p.key_hash = ?2, t.answerer = ?2 FROM aid_threads t
             JOIN aid_posts p ON p.id = t.post_id WHERE t.id = ?1",
            params![thread, key_hash],
            |r| Ok((r.get::<_, bool>(0)?, r.get::<_, bool>(1)?)),
        )
        .optional()?
        .and_then(|(author, answerer)| {
            if author {
                Some(true)
            } else if answerer {
                Some(false)
            } else {
                None
            }
        }))
}

pub(crate) fn share(
    conn: &mut Connection,
    thread: &str,
    key_hash: &str,
    contact: Option<&str>,
) -> Result<Option<[String; 2]>, StoreError> {
    let tx = conn.transaction()?;
    let column = match side(&tx, thread, key_hash)? {
        Some(true) => "author_contact",
        Some(false) => "answerer_contact",
        None => return Ok(None),
    };
    if blocked(&tx, key_hash)? {
        return Err(StoreError::Conflict(msg!("aid-key-blocked")));
    }
    if contact.is_some() && !open(&tx, thread)? {
        return Err(StoreError::Conflict(msg!("aid-thread-closed")));
    }
    tx.execute(
        &format!("UPDATE aid_threads SET {column} = ?2 WHERE id = ?1"),
        params![thread, contact],
    )?;
    let sides = sides(&tx, thread)?;
    tx.commit()?;
    Ok(Some(sides))
}

pub(crate) fn close(
    conn: &mut Connection,
    thread: &str,
    key_hash: &str,
) -> Result<Option<[String; 2]>, StoreError> {
    let tx = conn.transaction()?;
    if side(&tx, thread, key_hash)?.is_none() {
        return Ok(None);
    }
    tx.execute("UPDATE aid_threads SET closed = 1 WHERE id = ?1", [thread])?;
    let sides = sides(&tx, thread)?;
    tx.commit()?;
    Ok(Some(sides))
}

pub(crate) fn inbox(
    conn: &Connection,
    key_hash: &str,
    since: Cursor,
    limit: u32,
) -> Result<AidInbox, StoreError> {
    let since_i = i64::try_from(since.0).unwrap_or(i64::MAX);
    let mut posts = Vec::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT id, data, state FROM aid_posts WHERE key_hash = ?1
             ORDER BY received_at DESC, id LIMIT 200",
        )?;
        let rows = stmt.query_map([key_hash], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (id, data, state) = row?;
            posts.push(OwnAidPost {
                post: decode_post(&id, &data)?,
                state: state_of(&id, &state)?,
            });
        }
    }
    let mut threads = Vec::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT t.id, t.post_id, p.key_hash = ?1, t.author_contact, t.answerer_contact,
                    t.closed
             FROM aid_threads t JOIN aid_posts p ON p.id = t.post_id
             WHERE t.answerer = ?1 OR p.key_hash = ?1
             ORDER BY t.created_at DESC, t.id LIMIT 500",
        )?;
        let rows = stmt.query_map([key_hash], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })?;
        for row in rows {
            let (id, post, author, author_contact, answerer_contact, closed) = row?;
            let (mine, theirs) = if author {
                (author_contact, answerer_contact)
            } else {
                (answerer_contact, author_contact)
            };
            threads.push(AidThread {
                id,
                post,
                author,
                they_share: theirs.is_some(),
                their_contact: theirs.filter(|_| mine.is_some()),
                my_contact: mine,
                closed,
            });
        }
    }
    let mut messages = Vec::new();
    let mut next = since_i;
    {
        let mut stmt = conn.prepare_cached(
            "SELECT m.id, m.thread_id, m.from_author = (p.key_hash = ?1), m.text, m.at, m.rev
             FROM aid_messages m JOIN aid_threads t ON t.id = m.thread_id
             JOIN aid_posts p ON p.id = t.post_id
             WHERE (t.answerer = ?1 OR p.key_hash = ?1) AND m.rev > ?2
             ORDER BY m.rev LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![key_hash, since_i, limit], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?;
        for row in rows {
            let (id, thread, mine, text, at, rev) = row?;
            next = rev;
            messages.push(AidMessage {
                id,
                thread,
                mine,
                text,
                at: time_of(at)?,
            });
        }
    }
    Ok(AidInbox {
        posts,
        threads,
        messages,
        next_cursor: cursor_of(next, "aid inbox")?,
    })
}

pub(crate) fn publish_first(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT commune FROM aid_publish_first ORDER BY commune")?;
    Ok(stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

pub(crate) fn set_publish_first(
    conn: &mut Connection,
    commune: &str,
    on: bool,
    actor: &str,
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    let changed = if on {
        tx.execute(
            "INSERT INTO aid_publish_first (commune) VALUES (?1) ON CONFLICT DO NOTHING",
            [commune],
        )?
    } else {
        tx.execute(
            "DELETE FROM aid_publish_first WHERE commune = ?1",
            [commune],
        )?
    };
    if changed > 0 {
        let action = if on {
            "aid-publish-first"
        } else {
            "aid-moderate-first"
        };
        audit(&tx, actor, action, commune, None)?;
    }
    tx.commit()?;
    Ok(())
}
