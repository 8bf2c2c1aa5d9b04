//! Mutual aid on the device: the published posts kept for offline
//! browsing (nearest first, by kind, beside the town hall's own
//! initiatives from the directory), the device's posting key, an outbox
//! for everything it sends (posts, withdrawals, messages, contacts, abuse
//! reports: written here first, sent in order, each once), and its
//! conversations as the town hall relays them.

use beffroi_domain::aid::{
    AidInbox, AidKind, AidMessage, AidPost, AidThread, NewAidMessage, NewAidPost, OwnAidPost,
};
use beffroi_domain::directory::{Order, PlaceResult, SearchQuery};
use beffroi_domain::l10n::Localize;
use beffroi_domain::place::{Category, Position};
use beffroi_domain::{Cursor, SyncPage};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::api::ApiClient;
use crate::reports::OutboxState;
use crate::store::{Store, StoreError, keys};
use crate::{Client, ClientError};

/// The header the posting key travels in.
pub const KEY_HEADER: &str = "beffroi-aid-key";

/// Something the device sends about mutual aid, as queued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum AidRequest {
    Post {
        post: NewAidPost,
    },
    Withdraw {
        post: String,
    },
    Message {
        message: NewAidMessage,
    },
    Contact {
        thread: String,
        contact: Option<String>,
    },
    Abuse {
        post: String,
        reason: String,
    },
    Close {
        thread: String,
    },
}

impl AidRequest {
    /// Its key in the outbox: the same request queued twice is one.
    fn key(&self) -> String {
        match self {
            AidRequest::Post { post } => format!("post:{}", post.id),
            AidRequest::Withdraw { post } => format!("withdraw:{post}"),
            AidRequest::Message { message } => format!("message:{}", message.id),
            AidRequest::Contact { thread, .. } => format!("contact:{thread}"),
            AidRequest::Abuse { post, .. } => format!("abuse:{post}"),
            AidRequest::Close { thread } => format!("close:{thread}"),
        }
    }
}

/// A request in the outbox and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AidQueued {
    pub request: AidRequest,
    pub state: OutboxState,
    pub attempts: u32,
    /// Why the town hall refused it, or why it waits, in the resident's language.
    pub last_error: Option<String>,
}

/// One entry of the proximity list: a neighbour's post, or one of the town
/// hall's initiatives (a directory entry of the mutual-aid kind).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AidListing {
    pub post: Option<AidPost>,
    pub initiative: Option<PlaceResult>,
    /// Metres from the chosen place (a post's rounded point, else its
    /// commune's centre).
    pub distance_m: Option<f64>,
    /// This device wrote the post.
    pub mine: bool,
}

/// A conversation as this device follows it: the post, the thread (the
/// contacts once both share), its messages, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AidConversation {
    pub thread: AidThread,
    /// The post, when this device still has it (its own, or published).
    pub post: Option<AidPost>,
    pub messages: Vec<AidMessage>,
}

/// What this device has going on in mutual aid.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AidMine {
    /// Its posts the town hall has, with their state.
    pub posts: Vec<OwnAidPost>,
    pub conversations: Vec<AidConversation>,
    /// What waits to be sent, or was refused.
    pub outbox: Vec<AidQueued>,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn now_text() -> Result<String, StoreError> {
    OffsetDateTime::now_utc().format(&Rfc3339).map_err(corrupt)
}

impl Store {
    pub fn aid_cursor(&self) -> Result<Cursor, StoreError> {
        Ok(self.get_meta(keys::AID_CURSOR)?.unwrap_or_default())
    }

    /// Applies one page of published posts and tombstones atomically.
    pub fn apply_aid_page(&self, page: &SyncPage<AidPost>) -> Result<(), StoreError> {
        self.apply_documents("aid_posts", keys::AID_CURSOR, page, |p| &p.id)
    }

    /// The published posts kept on the device.
    pub fn aid_posts(&self) -> Result<Vec<AidPost>, StoreError> {
        self.documents("aid_posts")
    }

    /// This device's posting key, made at its first use (two random UUIDs:
    /// 244 random bits, in the alphabet the server takes).
    pub fn aid_key(&self) -> Result<String, StoreError> {
        if let Some(key) = self.get_meta::<String>(keys::AID_KEY)? {
            return Ok(key);
        }
        let key = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        self.set_meta(keys::AID_KEY, &key)?;
        Ok(key)
    }

    /// The key, if this device ever made one (reading posts needs none).
    pub fn aid_key_made(&self) -> Result<Option<String>, StoreError> {
        self.get_meta(keys::AID_KEY)
    }

    /// Queues a request (committed before this returns); the same request
    /// again changes nothing, a contact replaces the one waiting.
    pub fn queue_aid(&self, request: &AidRequest) -> Result<(), StoreError> {
        let json = serde_json::to_string(request).map_err(corrupt)?;
        self.conn().execute(
            "INSERT INTO aid_outbox (key, request, state, queued_at) VALUES (?1, ?2, 'queued', ?3)
             ON CONFLICT (key) DO UPDATE SET request = excluded.request, state = 'queued',
               last_error = NULL, next_attempt_at = NULL
             WHERE aid_outbox.key LIKE 'contact:%'",
            params![request.key(), json, now_text()?],
        )?;
        Ok(())
    }

    /// Takes a post back before it was sent: `true` when it was waiting
    /// (it never leaves the device).
    pub fn unqueue_aid_post(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.conn().execute(
            "DELETE FROM aid_outbox WHERE key = ?1 AND state IN ('queued', 'failed')",
            [format!("post:{id}")],
        )? > 0)
    }

    /// Requests due to be sent, in the order they were queued, up to the
    /// first that must wait (so none overtakes one queued before it).
    fn due_aid(&self) -> Result<Vec<(i64, AidRequest)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT seq, request, next_attempt_at IS NULL OR next_attempt_at <= ?1
             FROM aid_outbox WHERE state IN ('queued', 'sending') ORDER BY seq",
        )?;
        let rows = stmt.query_map([now_text()?], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })?;
        let mut due = Vec::new();
        for row in rows {
            let (seq, json, ready) = row?;
            if !ready {
                break;
            }
            due.push((seq, serde_json::from_str(&json).map_err(corrupt)?));
        }
        Ok(due)
    }

    /// Marks a request as being sent (committed before it leaves).
    /// Whether it is still to be sent (withdrawn meanwhile: not).
    fn aid_sending(&self, seq: i64) -> Result<bool, StoreError> {
        Ok(self.conn().execute(
            "UPDATE aid_outbox SET state = 'sending' WHERE seq = ?1 AND state IN ('queued', 'sending')",
            [seq],
        )? > 0)
    }

    /// Records a request's last answer: sent, or refused for good.
    fn aid_outcome(&self, seq: i64, refused: Option<&str>) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.execute(
            "UPDATE aid_outbox SET state = ?2, attempts = attempts + 1, last_error = ?3,
                    next_attempt_at = NULL
             WHERE seq = ?1",
            params![
                seq,
                if refused.is_some() { "failed" } else { "sent" },
                refused
            ],
        )?;
        // A contact sent is not kept here (the town hall has it).
        conn.execute(
            "UPDATE aid_outbox SET request = json_set(request, '$.contact', NULL)
             WHERE seq = ?1 AND state = 'sent' AND key LIKE 'contact:%'",
            [seq],
        )?;
        Ok(())
    }

    /// Forgets the requests the town hall refused (the resident read why).
    pub fn forget_refused_aid(&self) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM aid_outbox WHERE state = 'failed'", [])?;
        Ok(())
    }

    /// The thread this device opened about `post`, from its own messages
    /// (sent ones too).
    fn aid_thread_about(&self, post: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT json_extract(request, '$.message.thread') FROM aid_outbox
                 WHERE key LIKE 'message:%' AND json_extract(request, '$.message.post') = ?1
                   AND state != 'failed'
                 ORDER BY seq LIMIT 1",
                [post],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Back in the queue as it was (the town hall could not be reached).
    fn aid_waiting_again(&self, seq: i64) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE aid_outbox SET state = 'queued' WHERE seq = ?1",
            [seq],
        )?;
        Ok(())
    }

    /// Back in the queue, not before 5 s × 2^(attempts − 1), at most 15 min.
    fn aid_retry(&self, seq: i64, reason: &str) -> Result<(), StoreError> {
        let conn = self.conn();
        let attempts: u32 = conn.query_row(
            "UPDATE aid_outbox SET state = 'queued', attempts = attempts + 1, last_error = ?2
             WHERE seq = ?1 RETURNING attempts",
            params![seq, reason],
            |r| r.get(0),
        )?;
        let next = crate::reports::next_attempt(attempts)?;
        conn.execute(
            "UPDATE aid_outbox SET next_attempt_at = ?2 WHERE seq = ?1",
            params![seq, next],
        )?;
        Ok(())
    }

    /// What is not sent yet, or was refused (sent ones are forgotten: the
    /// town hall's inbox says where they stand).
    pub fn aid_outbox(&self) -> Result<Vec<AidQueued>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT request, state, attempts, last_error FROM aid_outbox
             WHERE state != 'sent' ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        rows.map(|r| {
            let (request, state, attempts, last_error) = r?;
            Ok(AidQueued {
                request: serde_json::from_str(&request).map_err(corrupt)?,
                state: OutboxState::from_db(&state),
                attempts,
                last_error,
            })
        })
        .collect()
    }

    /// Keeps what the town hall relayed: the posts and threads as they
    /// are now, the messages after the stored cursor.
    pub fn apply_aid_inbox(&self, inbox: &AidInbox) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO aid_messages (id, thread, mine, text, at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO NOTHING",
            )?;
            for m in &inbox.messages {
                insert.execute(params![
                    m.id,
                    m.thread,
                    m.mine,
                    m.text,
                    m.at.format(&Rfc3339).map_err(corrupt)?
                ])?;
            }
        }
        let whole = AidInbox {
            messages: Vec::new(),
            ..inbox.clone()
        };
        crate::store::set_meta(&tx, keys::AID_INBOX, &whole)?;
        tx.commit()?;
        Ok(())
    }

    /// The last inbox (posts, threads; no messages) and the messages kept.
    pub fn aid_inbox(&self) -> Result<(AidInbox, Vec<AidMessage>), StoreError> {
        let inbox: AidInbox = self.get_meta(keys::AID_INBOX)?.unwrap_or_default();
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, thread, mine, text, at FROM aid_messages ORDER BY at, rowid",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let messages = rows
            .map(|r| {
                let (id, thread, mine, text, at) = r?;
                Ok(AidMessage {
                    id,
                    thread,
                    mine,
                    text,
                    at: OffsetDateTime::parse(&at, &Rfc3339).map_err(corrupt)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok((inbox, messages))
    }

    /// Whether the outbox holds request `key` not sent yet.
    pub fn aid_waiting(&self, key: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM aid_outbox WHERE key = ?1 AND state IN ('queued', 'sending')",
                [key],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }
}

impl Client {
    /// Queues a post (checked here first: a refusal queues nothing) and
    /// returns it as it will be published (its point rounded).
    pub fn post_aid(&self, mut post: NewAidPost) -> Result<AidPost, ClientError> {
        post.validate(OffsetDateTime::now_utc())
            .map_err(|e| ClientError::InvalidReport(e.msg()))?;
        // The exact point goes nowhere, not even into the outbox.
        post.place.near = post.place.near.map(beffroi_domain::aid::round_point);
        self.store.aid_key()?;
        self.store
            .queue_aid(&AidRequest::Post { post: post.clone() })?;
        Ok(post.published(OffsetDateTime::now_utc()))
    }

    /// Takes back one of this device's posts: forgotten at once when not
    /// sent yet, else withdrawn at the town hall at the next sending.
    pub fn withdraw_aid(&self, id: &str) -> Result<(), ClientError> {
        if self.store.unqueue_aid_post(id)? {
            return Ok(());
        }
        self.store.queue_aid(&AidRequest::Withdraw {
            post: id.to_owned(),
        })?;
        Ok(())
    }

    /// Queues a message: an answer to a post (in this device's one
    /// conversation about it, opened by the first answer, when `thread` is
    /// `None`), or a reply in a thread. Returns the thread's id.
    pub fn write_aid(
        &self,
        post: &str,
        thread: Option<&str>,
        text: &str,
    ) -> Result<String, ClientError> {
        let thread = match thread {
            Some(thread) => thread.to_owned(),
            None => self
                .answering(post)?
                .unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
        };
        let message = NewAidMessage {
            id: uuid::Uuid::now_v7().to_string(),
            thread: thread.clone(),
            post: post.to_owned(),
            text: text.trim().to_owned(),
        };
        message
            .validate()
            .map_err(|e| ClientError::InvalidReport(e.msg()))?;
        self.store.aid_key()?;
        self.store.queue_aid(&AidRequest::Message { message })?;
        Ok(thread)
    }

    /// The thread this device opened about `post`, known at the town hall
    /// or still in the outbox.
    fn answering(&self, post: &str) -> Result<Option<String>, ClientError> {
        let (inbox, _) = self.store.aid_inbox()?;
        if let Some(t) = inbox.threads.iter().find(|t| !t.author && t.post == post) {
            return Ok(Some(t.id.clone()));
        }
        Ok(self.store.aid_thread_about(post)?)
    }

    /// Closes a conversation: no more messages either way.
    pub fn close_aid_thread(&self, thread: &str) -> Result<(), ClientError> {
        self.store.queue_aid(&AidRequest::Close {
            thread: thread.to_owned(),
        })?;
        Ok(())
    }

    /// Shares this device's contact in a thread (`None`: takes it back).
    pub fn share_aid_contact(
        &self,
        thread: &str,
        contact: Option<&str>,
    ) -> Result<(), ClientError> {
        let contact = contact.map(|c| c.trim().to_owned());
        if let Some(c) = &contact {
            beffroi_domain::aid::check_contact(c)
                .map_err(|e| ClientError::InvalidReport(e.msg()))?;
        }
        self.store.queue_aid(&AidRequest::Contact {
            thread: thread.to_owned(),
            contact,
        })?;
        Ok(())
    }

    /// Reports a post as abusive.
    pub fn report_aid_abuse(&self, post: &str, reason: &str) -> Result<(), ClientError> {
        beffroi_domain::aid::check_reason(reason)
            .map_err(|e| ClientError::InvalidReport(e.msg()))?;
        self.store.aid_key()?;
        self.store.queue_aid(&AidRequest::Abuse {
            post: post.to_owned(),
            reason: reason.trim().to_owned(),
        })?;
        Ok(())
    }

    /// Sends what the outbox holds, in order: stops at the first that must
    /// wait (offline, the town hall busy), so a message never overtakes
    /// the post it answers; a refusal for good is kept, with its reason.
    pub(crate) async fn send_aid(&self, api: &ApiClient) -> Result<bool, ClientError> {
        let due = self.store.due_aid()?;
        if due.is_empty() {
            return Ok(false);
        }
        let key = self.store.aid_key()?;
        for (seq, request) in due {
            if !self.store.aid_sending(seq)? {
                continue;
            }
            let sent = match &request {
                AidRequest::Post { post } => {
                    api.aid_send(reqwest::Method::POST, "/aid/posts", &key, Some(post))
                        .await
                }
                AidRequest::Withdraw { post } => {
                    api.aid_send::<()>(
                        reqwest::Method::DELETE,
                        &format!("/aid/posts/{post}"),
                        &key,
                        None,
                    )
                    .await
                }
                AidRequest::Message { message } => {
                    api.aid_send(reqwest::Method::POST, "/aid/messages", &key, Some(message))
                        .await
                }
                AidRequest::Contact { thread, contact } => {
                    api.aid_send(
                        reqwest::Method::PUT,
                        &format!("/aid/threads/{thread}/contact"),
                        &key,
                        Some(&serde_json::json!({ "contact": contact })),
                    )
                    .await
                }
                AidRequest::Close { thread } => {
                    api.aid_send::<()>(
                        reqwest::Method::DELETE,
                        &format!("/aid/threads/{thread}"),
                        &key,
                        None,
                    )
                    .await
                }
                AidRequest::Abuse { post, reason } => {
                    api.aid_send(
                        reqwest::Method::POST,
                        &format!("/aid/posts/{post}/abuse"),
                        &key,
                        Some(&serde_json::json!({ "reason": reason })),
                    )
                    .await
                }
            };
            match sent {
                Ok(()) => self.store.aid_outcome(seq, None)?,
                Err(e @ ClientError::Offline { .. }) => {
                    // Nothing wrong with the request: sent at the next
                    // connection, whenever it is.
                    self.store.aid_waiting_again(seq)?;
                    return Err(e);
                }
                Err(ClientError::Server {
                    status, message, ..
                }) if status >= 500 || status == 429 || status == 408 => {
                    self.store.aid_retry(seq, &message)?;
                    return Ok(true);
                }
                Err(ClientError::Server { message, .. }) => {
                    self.store.aid_outcome(seq, Some(&message))?;
                }
                Err(e) => {
                    self.store.aid_retry(seq, &e.to_string())?;
                    return Ok(true);
                }
            }
        }
        Ok(true)
    }

    /// Sends the outbox and reads the inbox now (not a whole sync: what a
    /// tap on "send" needs); offline, everything waits in the outbox.
    pub async fn send_aid_now(&self) -> Result<(), ClientError> {
        // Behind a whole sync, the request waits in the outbox: the sync sends it.
        let Ok(_one_at_a_time) =
            tokio::time::timeout(std::time::Duration::from_secs(5), self.syncing.lock()).await
        else {
            return Ok(());
        };
        let settings = self.settings()?;
        let server = settings.server_url.ok_or(ClientError::NoServer)?;
        let api = self.api_at(&server, settings.lang.unwrap_or_default())?;
        self.send_aid(&api).await?;
        self.pull_aid(&api).await?;
        Ok(())
    }

    /// Pulls the published posts after the stored cursor, and this device's
    /// inbox when it ever posted or wrote.
    pub(crate) async fn pull_aid(&self, api: &ApiClient) -> Result<(u32, u32), ClientError> {
        let counts = match self
            .pull(api, "aid/posts", Store::aid_cursor, Store::apply_aid_page)
            .await
        {
            // A town hall from before mutual aid has none.
            Err(ClientError::Server { status: 404, .. }) => return Ok((0, 0)),
            other => other?,
        };
        self.pull_aid_inbox(api).await?;
        Ok(counts)
    }

    /// Reads this device's inbox after the stored cursor.
    pub(crate) async fn pull_aid_inbox(&self, api: &ApiClient) -> Result<(), ClientError> {
        let Some(key) = self.store.aid_key_made()? else {
            return Ok(());
        };
        // Page after page (a page holds at most MAX_PAGE_LIMIT messages).
        for _ in 0..crate::MAX_PAGES {
            let since: Cursor = self
                .store
                .get_meta(keys::AID_INBOX_CURSOR)?
                .unwrap_or_default();
            let inbox = api.aid_inbox(&key, since).await?;
            self.store.apply_aid_inbox(&inbox)?;
            if inbox.messages.iter().any(|m| !m.mine) {
                self.notify_aid()?;
            }
            self.store
                .set_meta(keys::AID_INBOX_CURSOR, &inbox.next_cursor)?;
            if (inbox.messages.len() as u32) < beffroi_domain::sync::MAX_PAGE_LIMIT
                || inbox.next_cursor == since
            {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Says a new message came, without its text (it may be private, and
    /// the screen may be locked).
    fn notify_aid(&self) -> Result<(), ClientError> {
        let Some(notifier) = self.notifier() else {
            return Ok(());
        };
        let lang = self.settings()?.lang.unwrap_or_default();
        let l10n = self.localizer(lang)?;
        let n = beffroi_domain::alert::NotificationPreview {
            lang: lang.into(),
            summary: l10n.msg("aid-notify", &[]),
            body: l10n.msg("aid-notify-body", &[]),
            urgency: "normal".into(),
        };
        if let Err(e) = notifier.notify("aid", &n) {
            tracing::warn!(error = %e, "cannot show a notification");
        }
        Ok(())
    }

    /// The proximity list, offline: the published posts (not ended) and
    /// the town hall's mutual-aid initiatives, nearest `from` first, of one
    /// kind or all (initiatives only when no kind is chosen: they help
    /// with everything).
    pub fn aid_nearby(
        &self,
        from: Position,
        kind: Option<AidKind>,
        at: &chrono::DateTime<chrono::FixedOffset>,
    ) -> Result<Vec<AidListing>, ClientError> {
        let posts = self.store.aid_posts()?;
        let (inbox, _) = self.store.aid_inbox()?;
        let mine: std::collections::HashSet<&str> =
            inbox.posts.iter().map(|p| p.post.id.as_str()).collect();
        let communes = self.store.communes()?;
        let centre = |code: &beffroi_domain::InseeCode| {
            communes
                .iter()
                .find(|c| &c.code == code)
                .and_then(|c| c.centre)
        };
        let mut list: Vec<AidListing> =
            beffroi_domain::aid::nearest(&posts, from, kind, OffsetDateTime::now_utc(), centre)
                .into_iter()
                .map(|(post, distance_m)| AidListing {
                    mine: mine.contains(post.id.as_str()),
                    post: Some(post.clone()),
                    initiative: None,
                    distance_m,
                })
                .collect();
        if kind.is_none() {
            let lang = self.settings()?.lang.unwrap_or_default();
            let initiatives = self.search(
                &SearchQuery {
                    category: Some(Category::MutualAid),
                    near: Some(from),
                    order: Order::Distance,
                    limit: Some(50),
                    ..SearchQuery::default()
                },
                at,
                lang,
            )?;
            list.extend(initiatives.into_iter().map(|r| AidListing {
                distance_m: r.distance_m,
                post: None,
                initiative: Some(r),
                mine: false,
            }));
            list.sort_by(|a, b| match (a.distance_m, b.distance_m) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
        }
        Ok(list)
    }

    /// This device's posts, conversations and outbox.
    pub fn aid_mine(&self) -> Result<AidMine, ClientError> {
        let (inbox, messages) = self.store.aid_inbox()?;
        let published = self.store.aid_posts()?;
        let conversations = inbox
            .threads
            .iter()
            .map(|t| AidConversation {
                post: inbox
                    .posts
                    .iter()
                    .map(|p| &p.post)
                    .chain(published.iter())
                    .find(|p| p.id == t.post)
                    .cloned(),
                messages: messages
                    .iter()
                    .filter(|m| m.thread == t.id)
                    .cloned()
                    .collect(),
                thread: t.clone(),
            })
            .collect();
        Ok(AidMine {
            posts: inbox.posts,
            conversations,
            outbox: self.store.aid_outbox()?,
        })
    }
}
