//! The alerts for some communes, read as a device reads them (threads, state,
//! text in force), for the web app, which has no store of its own to read
//! them from. Each thread comes with its messages as signed: the browser
//! verifies them before it shows anything as verified.

use std::sync::Arc;

use axum::Json as JsonResponse;
use axum::extract::State;
use beffroi_domain::alert::{AlertMessage, Area, SignedAlert};
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

/// The most communes one request names.
pub const MAX_COMMUNES: usize = beffroi_domain::push::MAX_COMMUNES;

/// How long an alert over (expired, cancelled) stays in the list, as history.
const HISTORY_DAYS: i64 = 7;

/// The most threads listed, newest first.
const MAX_THREADS: usize = 200;

/// Every sent message, decoded once and kept: a request only reads the
/// messages sent since the last one.
#[derive(Debug, Default)]
pub struct Decoded {
    upto: Cursor,
    messages: Arc<Vec<Arc<Sent>>>,
}

#[derive(Debug)]
struct Sent {
    cursor: Cursor,
    signed: SignedAlert,
    message: AlertMessage,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ThreadsQuery {
    /// INSEE codes of the communes followed, comma-separated (1 to 100).
    pub communes: String,
}

/// The alerts in force and the recent history for some communes: an alert
/// for the whole territory, naming one of them, or whose shapes reach one.
#[utoipa::path(get, path = "/alerts/threads", tag = "alerts", params(ThreadsQuery),
    responses((status = 200, body = Vec<SignedThread>), (status = 400, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<ThreadsQuery>,
) -> Result<JsonResponse<Vec<SignedThread>>, ApiError> {
    let communes = communes(&state, &q.communes).await?;
    let messages = decoded(&state).await?;
    Ok(JsonResponse(threads(
        &state,
        &messages,
        &communes,
        OffsetDateTime::now_utc(),
    )))
}

/// The communes named, each of the territory.
async fn communes(state: &AppState, list: &str) -> Result<Vec<InseeCode>, ApiError> {
    let mut codes = super::communes::parse_list(list)?;
    codes.sort();
    codes.dedup();
    if codes.is_empty() || codes.len() > MAX_COMMUNES {
        return Err(ApiError::BadRequest(
            "invalid_query",
            msg!("err-communes-count", max = MAX_COMMUNES),
        ));
    }
    let known = state.store.communes().await?;
    if let Some(unknown) = codes.iter().find(|c| !known.iter().any(|k| &k.code == *c)) {
        return Err(ApiError::Unprocessable(
            "invalid_query",
            msg!("err-commune-outside", code = unknown.as_str()),
        ));
    }
    Ok(codes)
}

/// Every sent message, decoded; the cache takes those sent since last time.
async fn decoded(state: &AppState) -> Result<Arc<Vec<Arc<Sent>>>, ApiError> {
    let (mut upto, known) = {
        let cache = state
            .threads_cache
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        (cache.upto, cache.messages.clone())
    };
    if state.hub.latest() <= upto {
        return Ok(known);
    }
    let mut fresh = Vec::new();
    loop {
        let page = state.store.alerts_after(upto, 1000).await?;
        let Some(last) = page.last() else { break };
        upto = last.cursor;
        for a in &page {
            let signed: SignedAlert =
                serde_json::from_str(&a.signed).map_err(|e| ApiError::Internal(e.to_string()))?;
            let message = serde_json::from_str(&signed.message)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            fresh.push(Arc::new(Sent {
                cursor: a.cursor,
                signed,
                message,
            }));
        }
    }
    let mut cache = state
        .threads_cache
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    // `fresh` continues `known`; another request may have read further
    // meanwhile: the longer list stays.
    if cache.upto < upto {
        let all: Vec<Arc<Sent>> = known.iter().cloned().chain(fresh).collect();
        *cache = Decoded {
            upto,
            messages: Arc::new(all),
        };
    }
    Ok(cache.messages.clone())
}

/// Groups the messages in threads, reads each, keeps those for `communes`.
fn threads(
    state: &AppState,
    messages: &[Arc<Sent>],
    communes: &[InseeCode],
    now: OffsetDateTime,
) -> Vec<SignedThread> {
    // A message belongs to the thread of the first message it references
    // that was sent here, else it starts one.
    let mut thread_of: std::collections::HashMap<&str, &str> = Default::default();
    let mut groups: Vec<(&str, Vec<&Sent>)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = Default::default();
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
    let mut out: Vec<(i64, SignedThread)> = groups
        .into_iter()
        .filter_map(|(thread, group)| {
            let mut arrived: Vec<thread::Arrived> = group
                .iter()
                .map(|s| {
                    (
                        i64::try_from(s.cursor.0).unwrap_or(i64::MAX),
                        s.message.clone(),
                    )
                })
                .collect();
            let reading = thread::read(&mut arrived, now)?;
            let over = reading.state != beffroi_domain::alert::AlertState::Active;
            let last_sent = arrived.last().map_or(now, |(_, m)| m.sent);
            if (over && !reading.all_clear && last_sent < history_from)
                || !reaches(state, &reading.message.body.area, communes)
            {
                return None;
            }
            // The signed messages in the order the reading put them.
            let signed = arrived
                .iter()
                .filter_map(|(_, m)| group.iter().find(|s| s.message.identifier == m.identifier))
                .map(|s| s.signed.clone())
                .collect();
            Some((
                reading.newest,
                SignedThread {
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
            ))
        })
        .collect();
    out.sort_by_key(|(newest, _)| std::cmp::Reverse(*newest));
    out.into_iter().take(MAX_THREADS).map(|(_, t)| t).collect()
}

/// Whether an area reaches one of `communes`: the whole territory, a commune
/// it names, or one its shapes touch.
fn reaches(state: &AppState, area: &Area, communes: &[InseeCode]) -> bool {
    match area {
        Area::Territory => true,
        Area::Communes {
            communes: named, ..
        } => {
            named.iter().any(|c| communes.contains(c))
                || area
                    .shapes()
                    .map(|s| state.settings.outlines.reached(&s))
                    .unwrap_or_default()
                    .iter()
                    .any(|c| communes.contains(c))
        }
    }
}
