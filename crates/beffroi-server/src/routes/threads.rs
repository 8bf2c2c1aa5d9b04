//! The alerts for some communes, read as a device reads them (threads, state,
//! text in force), for the web app, which has no store of its own to read
//! them from. Each thread comes with its messages as signed: the browser
//! verifies them, and works out what it shows from them alone.
//!
//! Anyone may ask, and every open page asks again after each alert: the
//! threads are read once per new message (or per minute, as alerts expire
//! with time) for every commune at once, by one request while the others
//! wait for it; a request then only picks the threads of its communes.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json as JsonResponse;
use axum::extract::State;
use beffroi_domain::alert::{AlertMessage, AlertState, Area, SignedAlert};
use beffroi_domain::api::ErrorBody;
use beffroi_domain::msg;
use beffroi_domain::thread::{self, ResidentAlert, SignedThread};
use beffroi_domain::{Cursor, InseeCode};
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::Query;
use crate::limits::{self, Peer};

/// The most communes one request names.
pub const MAX_COMMUNES: usize = beffroi_domain::push::MAX_COMMUNES;

/// How long an alert over (expired, cancelled) stays in the list, as history.
const HISTORY_DAYS: i64 = 7;

/// The most threads over listed, newest first (every alert in force is).
const MAX_HISTORY: usize = 100;

/// What the requests share: every sent message, decoded once, and the
/// threads read from them for one minute and one cursor.
#[derive(Debug, Default)]
pub struct Decoded {
    upto: Cursor,
    messages: Vec<Sent>,
    /// The minute (Unix time / 60) and cursor `threads` were read at.
    read_at: Option<(i64, Cursor)>,
    threads: Arc<Vec<Prepared>>,
    known: Arc<std::collections::HashSet<InseeCode>>,
}

#[derive(Debug)]
struct Sent {
    cursor: Cursor,
    signed: SignedAlert,
    message: AlertMessage,
}

/// A thread read, with the communes it reaches (`None`: the whole territory).
#[derive(Debug)]
struct Prepared {
    reaches: Option<Vec<InseeCode>>,
    active: bool,
    thread: SignedThread,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ThreadsQuery {
    /// INSEE codes of the communes followed, comma-separated (1 to 100).
    pub communes: String,
}

/// The alerts in force and the recent history for some communes: an alert
/// for the whole territory, naming one of them, or whose shapes reach one.
/// Newest first: every alert in force, then at most 100 that are over.
#[utoipa::path(get, path = "/alerts/threads", tag = "alerts", params(ThreadsQuery),
    responses((status = 200, body = Vec<SignedThread>), (status = 400, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    peer: Peer,
    Query(q): Query<ThreadsQuery>,
) -> Result<JsonResponse<Vec<SignedThread>>, ApiError> {
    limits::check(&state.threads_limiter, &peer, "read")?;
    let mut codes = super::communes::parse_list(&q.communes)?;
    codes.sort();
    codes.dedup();
    if codes.is_empty() || codes.len() > MAX_COMMUNES {
        return Err(ApiError::BadRequest(
            "invalid_query",
            msg!("err-communes-count", max = MAX_COMMUNES),
        ));
    }
    let (threads, known) = read(&state, OffsetDateTime::now_utc()).await?;
    if let Some(unknown) = codes.iter().find(|c| !known.contains(*c)) {
        return Err(ApiError::Unprocessable(
            "invalid_query",
            msg!("err-commune-outside", code = unknown.as_str()),
        ));
    }
    let mine = threads.iter().filter(|p| {
        p.reaches
            .as_ref()
            .is_none_or(|r| r.iter().any(|c| codes.contains(c)))
    });
    let (active, over): (Vec<&Prepared>, Vec<&Prepared>) = mine.partition(|p| p.active);
    Ok(JsonResponse(
        active
            .into_iter()
            .chain(over.into_iter().take(MAX_HISTORY))
            .map(|p| p.thread.clone())
            .collect(),
    ))
}

/// The threads at `now` (newest first) and the territory's communes. The
/// lock is held while the store is read, so concurrent requests wait for
/// one reading instead of each making its own.
async fn read(
    state: &AppState,
    now: OffsetDateTime,
) -> Result<
    (
        Arc<Vec<Prepared>>,
        Arc<std::collections::HashSet<InseeCode>>,
    ),
    ApiError,
> {
    let minute = now.unix_timestamp().div_euclid(60);
    let mut cache = state.threads_cache.lock().await;
    let latest = state.hub.latest();
    if cache.read_at == Some((minute, latest)) {
        return Ok((cache.threads.clone(), cache.known.clone()));
    }
    while cache.upto < latest {
        let page = state.store.alerts_after(cache.upto, 1000).await?;
        let Some(last) = page.last() else { break };
        cache.upto = last.cursor;
        for a in &page {
            let decoded = serde_json::from_str::<SignedAlert>(&a.signed).and_then(|signed| {
                let message = serde_json::from_str(&signed.message)?;
                Ok((signed, message))
            });
            match decoded {
                Ok((signed, message)) => cache.messages.push(Sent {
                    cursor: a.cursor,
                    signed,
                    message,
                }),
                // One unreadable row must not hide every other alert.
                Err(e) => tracing::error!(cursor = a.cursor.0, error = %e, "sent alert unreadable"),
            }
        }
    }
    cache.known = Arc::new(
        state
            .store
            .communes()
            .await?
            .into_iter()
            .map(|c| c.code)
            .collect(),
    );
    cache.threads = Arc::new(prepare(state, &cache.messages, now));
    cache.read_at = Some((minute, latest));
    Ok((cache.threads.clone(), cache.known.clone()))
}

/// Groups the messages in threads and reads each at `now`, newest first;
/// threads over for longer than [`HISTORY_DAYS`] are left out.
fn prepare(state: &AppState, messages: &[Sent], now: OffsetDateTime) -> Vec<Prepared> {
    // A message belongs to the thread of the first message it references
    // that was sent here, else it starts one.
    let mut thread_of: HashMap<&str, &str> = HashMap::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<(&str, Vec<&Sent>)> = Vec::new();
    for s in messages {
        let m = &s.message;
        let thread = m
            .references
            .iter()
            .find_map(|r| thread_of.get(r.identifier.as_str()).copied())
            .unwrap_or(m.identifier.as_str());
        thread_of.insert(&m.identifier, thread);
        match index.get(thread) {
            Some(&i) => groups[i].1.push(s),
            None => {
                index.insert(thread, groups.len());
                groups.push((thread, vec![s]));
            }
        }
    }
    let history_from = now - time::Duration::days(HISTORY_DAYS);
    let mut out: Vec<(i64, Prepared)> = groups
        .into_iter()
        .filter_map(|(thread, group)| {
            let mut arrived: Vec<thread::Arrived> = group
                .iter()
                .map(|s| {
                    let seq = i64::try_from(s.cursor.0).unwrap_or(i64::MAX);
                    (seq, s.message.clone())
                })
                .collect();
            let reading = thread::read(&mut arrived, now)?;
            let active = reading.state == AlertState::Active;
            let last_sent = arrived.last().map_or(now, |(_, m)| m.sent);
            if !active && !reading.all_clear && last_sent < history_from {
                return None;
            }
            // The signed messages in the order the reading put them.
            let signed = arrived
                .iter()
                .filter_map(|(_, m)| group.iter().find(|s| s.message.identifier == m.identifier))
                .map(|s| s.signed.clone())
                .collect();
            let reaches = reached(state, &reading.message.body.area);
            Some((
                reading.newest,
                Prepared {
                    reaches,
                    active,
                    thread: SignedThread {
                        alert: ResidentAlert {
                            thread: thread.to_owned(),
                            state: reading.state,
                            read: false,
                            concerns_me: true,
                            level: reading.message.level(),
                            all_clear: reading.all_clear,
                            at_home: true,
                            places: vec![],
                            notify: true,
                            message: reading.message,
                            history: reading.history,
                        },
                        signed,
                    },
                },
            ))
        })
        .collect();
    out.sort_by_key(|(newest, _)| std::cmp::Reverse(*newest));
    out.into_iter().map(|(_, p)| p).collect()
}

/// The communes an area reaches: those it names and those its shapes touch;
/// `None` for the whole territory.
fn reached(state: &AppState, area: &Area) -> Option<Vec<InseeCode>> {
    match area {
        Area::Territory => None,
        Area::Communes {
            communes: named, ..
        } => {
            let mut all = named.clone();
            all.extend(
                area.shapes()
                    .map(|s| state.settings.outlines.reached(&s))
                    .unwrap_or_default(),
            );
            Some(all)
        }
    }
}
