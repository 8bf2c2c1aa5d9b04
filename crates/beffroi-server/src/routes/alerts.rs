//! Alerts: staff compose, publish, update and cancel them (JSON, or CAP 1.2 XML
//! from the town hall's own tools); residents' devices catch up with `since=`
//! and listen live on a Server-Sent Events stream; a CAP feed serves other
//! systems. Every message is signed with the server's key.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json as JsonResponse;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use beffroi_domain::alert::{
    AlertDraft, AlertMessage, AuditEntry, MsgType, NotificationPreview, PublicKey, SignedAlert,
    StaffAlert,
};
use beffroi_domain::api::ErrorBody;
use beffroi_domain::msg;
use beffroi_domain::sync::page_limit;
use beffroi_domain::{Cursor, InseeCode, Role, SyncPage};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::cap;
use crate::error::ApiError;
use crate::extract::{AnyStaff, Authorized, Json, Publisher, Query, media_type};
use crate::hub::Subscription;
use crate::routes::communes::SinceQuery;
use crate::service::alerts as service;

/// The largest CAP document accepted.
pub const CAP_MAX_BYTES: usize = 1024 * 1024;

/// Drafts an alert (JSON `AlertDraft`, any staff), or publishes a CAP 1.2
/// message at once (`application/cap+xml`, publishers): an `Alert` starts a new
/// alert, an `Update` or `Cancel` applies to the alert of the message it
/// references.
#[utoipa::path(post, path = "/admin/alerts", tag = "alerts", security(("bearer" = [])),
    request_body(content = AlertDraft, description = "a draft as JSON, or a CAP 1.2 document as application/cap+xml"),
    responses(
        (status = 201, body = StaffAlert),
        (status = 400, body = ErrorBody, description = "not well-formed, or hostile XML"),
        (status = 403, body = ErrorBody, description = "CAP needs the publisher role"),
        (status = 409, body = ErrorBody, description = "a message with this identifier exists"),
        (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    who: Authorized<AnyStaff>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, JsonResponse<StaffAlert>), ApiError> {
    let actor = who.staff.username.as_str();
    match media_type(&headers).as_str() {
        "application/json" => {
            let draft: AlertDraft = serde_json::from_slice(&body).map_err(|e| {
                ApiError::Unprocessable(
                    "invalid_alert",
                    msg!("err-invalid-alert-json", detail = e.to_string()),
                )
            })?;
            let created = service::create_draft(&state, draft, actor).await?;
            Ok((StatusCode::CREATED, JsonResponse(created)))
        }
        cap::MEDIA_TYPE | "application/xml" | "text/xml" => {
            if !who.staff.role.allows(Role::Publisher) {
                return Err(ApiError::Forbidden(msg!(
                    "err-cap-needs-publisher",
                    role = who.staff.role.to_string()
                )));
            }
            let published = service::publish_cap(&state, &body, actor).await?;
            Ok((StatusCode::CREATED, JsonResponse(published)))
        }
        _ => Err(ApiError::UnsupportedMediaType(msg!("err-alert-media-type"))),
    }
}

/// Every alert with its state, the most recently changed first.
#[utoipa::path(get, path = "/admin/alerts", tag = "alerts", security(("bearer" = [])),
    responses((status = 200, body = Vec<StaffAlert>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _who: Authorized<AnyStaff>,
) -> Result<JsonResponse<Vec<StaffAlert>>, ApiError> {
    Ok(JsonResponse(state.store.list_alerts().await?))
}

/// One alert.
#[utoipa::path(get, path = "/admin/alerts/{id}", tag = "alerts", security(("bearer" = [])),
    params(("id" = String, Path, description = "alert id")),
    responses((status = 200, body = StaffAlert), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    _who: Authorized<AnyStaff>,
    Path(id): Path<String>,
) -> Result<JsonResponse<StaffAlert>, ApiError> {
    Ok(JsonResponse(service::get(&state, &id).await?))
}

/// Replaces a draft's content (before it is sent).
#[utoipa::path(put, path = "/admin/alerts/{id}", tag = "alerts", security(("bearer" = [])),
    params(("id" = String, Path, description = "alert id")), request_body = AlertDraft,
    responses((status = 200, body = StaffAlert), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "already sent"), (status = 422, body = ErrorBody)))]
pub async fn edit(
    State(state): State<AppState>,
    who: Authorized<AnyStaff>,
    Path(id): Path<String>,
    Json(draft): Json<AlertDraft>,
) -> Result<JsonResponse<StaffAlert>, ApiError> {
    let edited = service::edit_draft(&state, id, draft, who.staff.username.as_str()).await?;
    Ok(JsonResponse(edited))
}

/// How the alert's notification reads in each of its languages (residents
/// whose language it lacks get the French one).
#[utoipa::path(get, path = "/admin/alerts/{id}/preview", tag = "alerts", security(("bearer" = [])),
    params(("id" = String, Path, description = "alert id")),
    responses((status = 200, body = Vec<NotificationPreview>), (status = 404, body = ErrorBody)))]
pub async fn preview(
    State(state): State<AppState>,
    _who: Authorized<AnyStaff>,
    Path(id): Path<String>,
) -> Result<JsonResponse<Vec<NotificationPreview>>, ApiError> {
    let a = service::get(&state, &id).await?;
    let m = service::new_message(&state, MsgType::Alert, a.draft, vec![]);
    // One per language (a language with a block per audience notifies its first).
    let mut seen = std::collections::HashSet::new();
    Ok(JsonResponse(
        m.body
            .texts
            .iter()
            .map(|t| &t.lang)
            .filter(|l| seen.insert(*l))
            .filter_map(|l| m.notification(std::slice::from_ref(l), None))
            .collect(),
    ))
}

/// Shapes as CAP writes them, to check before they go into an alert.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ShapesText {
    /// CAP `<polygon>` texts: `lat,lon` pairs, the first repeated last.
    #[serde(default)]
    pub polygons: Vec<String>,
    /// CAP `<circle>` texts: `lat,lon radius-km`.
    #[serde(default)]
    pub circles: Vec<String>,
}

/// Shapes read and checked, and the communes of the territory they reach.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Reach {
    pub polygons: Vec<beffroi_domain::shape::Polygon>,
    pub circles: Vec<beffroi_domain::shape::Circle>,
    /// The communes one of the shapes meets (in the outlines' order).
    #[schema(value_type = Vec<String>)]
    pub communes: Vec<InseeCode>,
    /// The directory's places inside the shapes, counted by kind, the most
    /// numerous first: whom an alert there concerns (schools, care homes…).
    pub places: Vec<KindCount>,
}

/// How many directory places of one kind an area holds.
#[derive(Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct KindCount {
    pub category: beffroi_domain::place::Category,
    pub count: u32,
}

/// The directory's places that `shapes` hold, counted by kind.
async fn places_within(
    state: &AppState,
    shapes: &beffroi_domain::shape::Shapes,
) -> Result<Vec<KindCount>, ApiError> {
    let mut counts: std::collections::BTreeMap<beffroi_domain::place::Category, u32> =
        std::collections::BTreeMap::new();
    let mut since = Cursor::START;
    loop {
        let page = state.store.places_since(since, 1000).await?;
        for p in page.items.iter().filter(|p| shapes.hold(p.position)) {
            *counts.entry(p.category).or_default() += 1;
        }
        if !page.has_more {
            break;
        }
        since = page.next_cursor;
    }
    let mut out: Vec<KindCount> = counts
        .into_iter()
        .map(|(category, count)| KindCount { category, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.category.cmp(&b.category)));
    Ok(out)
}

/// Reads and checks shapes typed or pasted in the CAP format, and says
/// which communes they reach and which directory places they hold, by kind
/// (the console's area editor previews with it).
#[utoipa::path(post, path = "/admin/areas/reach", tag = "alerts", security(("bearer" = [])),
    request_body = ShapesText,
    responses((status = 200, body = Reach),
        (status = 422, body = ErrorBody, description = "a shape is invalid, or reaches no commune")))]
pub async fn reach(
    State(state): State<AppState>,
    _who: Authorized<AnyStaff>,
    Json(body): Json<ShapesText>,
) -> Result<JsonResponse<Reach>, ApiError> {
    use beffroi_domain::shape::{Circle, Polygon, Shapes, check_all};
    let invalid = |e: beffroi_domain::shape::ShapeError| ApiError::invalid("invalid_area", &e);
    let polygons = body
        .polygons
        .iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| Polygon::from_cap(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(invalid)?;
    let circles = body
        .circles
        .iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| Circle::from_cap(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(invalid)?;
    check_all(&polygons, &circles).map_err(invalid)?;
    let shapes = Shapes::new(&polygons, &circles);
    let communes = state.settings.outlines.reached(&shapes);
    if communes.is_empty() {
        return Err(ApiError::Unprocessable(
            "invalid_area",
            msg!("err-shapes-outside"),
        ));
    }
    let places = places_within(&state, &shapes).await?;
    Ok(JsonResponse(Reach {
        polygons,
        circles,
        communes,
        places,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PublishQuery {
    /// The draft's `updated_at` as the publisher reviewed it: publishing is
    /// refused (409) if the draft changed since. The console always sends it.
    pub reviewed: Option<String>,
}

/// Sends a draft to residents (publishers).
#[utoipa::path(post, path = "/admin/alerts/{id}/publish", tag = "alerts", security(("bearer" = [])),
    params(("id" = String, Path, description = "alert id"), PublishQuery),
    responses((status = 200, body = StaffAlert), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "already sent")))]
pub async fn publish(
    State(state): State<AppState>,
    who: Authorized<Publisher>,
    Path(id): Path<String>,
    Query(q): Query<PublishQuery>,
) -> Result<JsonResponse<StaffAlert>, ApiError> {
    // What the publisher reviewed is what goes out: an edit since (by an
    // editor, or in another tab) sends them back to the draft.
    let reviewed = match q.reviewed.as_deref() {
        Some(text) => Some(
            OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).map_err(
                |_| ApiError::BadRequest("invalid_query", msg!("err-reviewed", value = text)),
            )?,
        ),
        None => None,
    };
    Ok(JsonResponse(
        service::publish(&state, &id, reviewed, who.staff.username.as_str()).await?,
    ))
}

/// Sends an update of a sent alert with new content (publishers).
#[utoipa::path(post, path = "/admin/alerts/{id}/update", tag = "alerts", security(("bearer" = [])),
    params(("id" = String, Path, description = "alert id")), request_body = AlertDraft,
    responses((status = 200, body = StaffAlert), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "not sent yet, or cancelled"), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    who: Authorized<Publisher>,
    Path(id): Path<String>,
    Json(draft): Json<AlertDraft>,
) -> Result<JsonResponse<StaffAlert>, ApiError> {
    Ok(JsonResponse(
        service::update(&state, &id, draft, who.staff.username.as_str()).await?,
    ))
}

/// Cancels a sent alert (publishers).
#[utoipa::path(post, path = "/admin/alerts/{id}/cancel", tag = "alerts", security(("bearer" = [])),
    params(("id" = String, Path, description = "alert id")),
    responses((status = 200, body = StaffAlert), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "not sent yet, or already cancelled")))]
pub async fn cancel(
    State(state): State<AppState>,
    who: Authorized<Publisher>,
    Path(id): Path<String>,
) -> Result<JsonResponse<StaffAlert>, ApiError> {
    Ok(JsonResponse(
        service::cancel(&state, &id, who.staff.username.as_str()).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    /// How many entries, newest first (default 100, at most 1000).
    pub limit: Option<u32>,
}

/// Who published, updated and cancelled what (alerts, measures), and when.
#[utoipa::path(get, path = "/admin/audit", tag = "alerts", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = Vec<AuditEntry>), (status = 401, body = ErrorBody)))]
pub async fn audit(
    State(state): State<AppState>,
    _who: Authorized<AnyStaff>,
    Query(q): Query<AuditQuery>,
) -> Result<JsonResponse<Vec<AuditEntry>>, ApiError> {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    Ok(JsonResponse(state.store.audit_log(limit).await?))
}

/// The public keys that sign alerts; a device pins them at first sync.
#[utoipa::path(get, path = "/keys", tag = "alerts",
    responses((status = 200, body = Vec<PublicKey>)))]
pub async fn keys(State(state): State<AppState>) -> JsonResponse<Vec<PublicKey>> {
    JsonResponse(state.keys.public_keys())
}

/// The town hall's link and QR code for posters (staff).
#[utoipa::path(get, path = "/admin/town-hall-link", tag = "alerts", security(("bearer" = [])),
    responses((status = 200, body = beffroi_domain::alert::TownHallLink), (status = 401, body = ErrorBody)))]
pub async fn town_hall_link(
    State(state): State<AppState>,
    _who: Authorized<AnyStaff>,
    headers: HeaderMap,
) -> Result<JsonResponse<beffroi_domain::alert::TownHallLink>, ApiError> {
    use beffroi_domain::alert::{TownHallLink, signing};
    let key = state
        .keys
        .public_keys()
        .pop()
        .ok_or_else(|| ApiError::Internal("no signing key".into()))?;
    let fingerprint = signing::fingerprint(
        &signing::decode_key(&key).map_err(|e| ApiError::Internal(e.to_string()))?,
    );
    let server = crate::public_url(&state, &headers);
    let link = format!(
        "beffroi://connect?{}",
        serde_urlencoded::to_string([("server", server.as_str()), ("key", fingerprint.as_str())])
            .map_err(|e| ApiError::Internal(e.to_string()))?
    );
    let qr_svg = qrcode::QrCode::new(link.as_bytes())
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .build();
    Ok(JsonResponse(TownHallLink {
        server,
        key_id: key.key_id,
        display: signing::display_fingerprint(&fingerprint),
        fingerprint,
        link,
        qr_svg,
    }))
}

/// Sent alert messages after a cursor, signed, in cursor order.
#[utoipa::path(get, path = "/alerts", tag = "alerts", params(SinceQuery),
    responses((status = 200, body = SyncPage<SignedAlert>), (status = 400, body = ErrorBody)))]
pub async fn changes(
    State(state): State<AppState>,
    Query(q): Query<SinceQuery>,
) -> Result<JsonResponse<SyncPage<Box<RawValue>>>, ApiError> {
    let since = Cursor(q.since.unwrap_or(0));
    let limit = page_limit(q.limit);
    let rows = state.store.alerts_after(since, limit + 1).await?;
    let has_more = rows.len() > limit as usize;
    let rows = &rows[..rows.len().min(limit as usize)];
    let items = rows
        .iter()
        .map(|a| RawValue::from_string(a.signed.to_string()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let next_cursor = rows.last().map_or(since, |a| a.cursor);
    // Rows are committed before they are announced: the newest may be ahead
    // of the hub's count for a moment.
    let latest = state
        .hub
        .latest()
        .max(rows.last().map_or(Cursor::START, |a| a.cursor));
    Ok(JsonResponse(SyncPage {
        items,
        deleted: vec![],
        next_cursor,
        has_more,
        latest: Some(latest),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct StreamQuery {
    /// INSEE codes of the device's communes, comma-separated; absent: every alert.
    pub communes: Option<String>,
    /// Resume after this cursor (the `Last-Event-ID` header wins).
    pub since: Option<u64>,
    /// `1`: also `event: measures` when the rules in force change (as the
    /// `Beffroi-Measures` header asks; a browser's EventSource sends none).
    pub measures: Option<String>,
    /// A ticket from `POST /alerts/stream-tickets`: the reports and the
    /// mutual-aid key a browser's page follows (an EventSource can send no
    /// header, and secrets never go in a URL). Used once.
    pub ticket: Option<String>,
}

/// What a stream ticket stands for: reports whose secrets were checked,
/// public reports, a posting key's hash.
#[derive(Debug, Clone)]
pub struct Ticket {
    reports: std::collections::HashSet<String>,
    public: std::collections::HashSet<String>,
    aid: Option<String>,
    until: std::time::Instant,
}

impl Ticket {
    /// About the memory it holds.
    fn size(&self) -> usize {
        let ids = |set: &std::collections::HashSet<String>| {
            set.iter().map(|id| id.len() + 48).sum::<usize>()
        };
        128 + ids(&self.reports) + ids(&self.public) + self.aid.as_ref().map_or(0, String::len)
    }
}

/// The tickets handed out and not used yet (each lives a minute), held to
/// a budget of memory: past it, a page gets no ticket (its stream carries
/// the alerts, and it reads its reports at each reconnection).
#[derive(Debug, Default)]
pub struct Tickets(std::sync::Mutex<TicketBook>);

#[derive(Debug, Default)]
struct TicketBook {
    map: std::collections::HashMap<String, Ticket>,
    bytes: usize,
}

/// The memory all waiting tickets may hold (a minute of many pages: 40,000
/// tickets of a few reports each).
const MAX_TICKET_BYTES: usize = 16 * 1024 * 1024;

impl Tickets {
    fn book(&self) -> std::sync::MutexGuard<'_, TicketBook> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps `ticket` under a new random id; `None` when the budget is spent.
    fn give(&self, ticket: Ticket) -> Option<String> {
        let size = ticket.size();
        let mut book = self.book();
        if book.bytes + size > MAX_TICKET_BYTES {
            let now = std::time::Instant::now();
            book.map.retain(|_, t| t.until > now);
            book.bytes = book.map.values().map(Ticket::size).sum();
            if book.bytes + size > MAX_TICKET_BYTES {
                return None;
            }
        }
        let id = crate::auth::random_secret(32);
        book.bytes += size;
        book.map.insert(id.clone(), ticket);
        Some(id)
    }

    /// Takes a ticket (once), if it has not expired.
    fn take(&self, id: &str) -> Option<Ticket> {
        let mut book = self.book();
        let ticket = book.map.remove(id)?;
        book.bytes = book.bytes.saturating_sub(ticket.size());
        (ticket.until > std::time::Instant::now()).then_some(ticket)
    }

    /// Whether a ticket is still waiting (for tests).
    pub fn waiting(&self, id: &str) -> bool {
        self.book().map.contains_key(id)
    }
}

/// How long a ticket waits for its stream.
const TICKET_LIFE: Duration = Duration::from_secs(60);

/// What a page follows on its stream, sent in a body rather than a URL.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TicketRequest {
    /// `id:secret` of the reports filed from the page.
    #[serde(default)]
    pub reports: Vec<String>,
    /// Ids of reports of public categories followed without a secret.
    #[serde(default)]
    pub public_reports: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StreamTicket {
    /// Give it to `GET /alerts/stream?ticket=` within `expires_in` seconds; once.
    pub ticket: String,
    pub expires_in: u64,
}

/// A ticket for a browser's live stream: what `Beffroi-Reports`,
/// `Beffroi-Public-Reports` and `Beffroi-Aid-Key` say for a device that can
/// send headers (pairs whose secret is wrong are dropped). The ticket is
/// random, used once, and lives a minute: nothing of the secrets, the key
/// or the reports followed goes into the stream's URL (nor its logs).
#[utoipa::path(post, path = "/alerts/stream-tickets", tag = "alerts", request_body = TicketRequest,
    params(("Beffroi-Aid-Key" = Option<String>, Header, description = "a mutual-aid posting key")),
    responses((status = 200, body = StreamTicket), (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
pub async fn stream_ticket(
    State(state): State<AppState>,
    peer: crate::limits::Peer,
    headers: HeaderMap,
    crate::extract::Json(req): crate::extract::Json<TicketRequest>,
) -> Result<axum::Json<StreamTicket>, ApiError> {
    crate::limits::check(&state.threads_limiter, &peer, "read")?;
    let reports = req
        .reports
        .iter()
        .filter_map(|pair| pair.trim().split_once(':'))
        .filter(|(id, secret)| crate::service::reports::secret_matches(&state, id, secret))
        .map(|(id, _)| id.to_owned())
        .take(MAX_FOLLOWED)
        .collect();
    let public = req
        .public_reports
        .iter()
        .map(|id| id.trim())
        .filter(|id| !id.is_empty() && id.len() <= 64)
        .map(str::to_owned)
        .take(MAX_FOLLOWED)
        .collect();
    let aid = headers
        .get(super::aid::KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|k| super::aid::key_hash(k.trim()));
    let ticket = state
        .stream_tickets
        .give(Ticket {
            reports,
            public,
            aid,
            until: std::time::Instant::now() + TICKET_LIFE,
        })
        .ok_or(ApiError::Busy(msg!("err-busy-tickets")))?;
    Ok(axum::Json(StreamTicket {
        ticket,
        expires_in: TICKET_LIFE.as_secs(),
    }))
}

/// The header in which a device names the reports it follows on the stream:
/// `id:secret` pairs, comma-separated (a header, so secrets stay out of URLs
/// and access logs).
pub const REPORTS_HEADER: &str = "beffroi-reports";
/// The header naming reports of public categories a device follows
/// without their secret (`id,id,…`): it is told when their status changes.
pub const PUBLIC_REPORTS_HEADER: &str = "beffroi-public-reports";
/// A stream that also wants `event: measures` when the rules change: `1`.
pub const MEASURES_HEADER: &str = "beffroi-measures";

/// The most reports one stream follows.
const MAX_FOLLOWED: usize = 200;

/// How often an idle stream sends a comment, so proxies and devices know it lives.
pub const HEARTBEAT: Duration = Duration::from_secs(15);

/// One device's live stream: the alerts for its communes after its cursor,
/// the status changes of the reports it follows, and a heartbeat. Served
/// by the route below and, without hyper, by [`crate::push`].
#[derive(Debug)]
pub struct LiveStream {
    /// `None` while the hub writes this stream's alerts itself (`push`).
    sub: Option<Subscription>,
    heartbeat: tokio::time::Interval,
    reports: Option<crate::hub::ReportWatch>,
    measures: Option<crate::hub::MeasureWatch>,
    closed: tokio::sync::watch::Receiver<bool>,
    hub: std::sync::Arc<crate::hub::Hub>,
    store: std::sync::Arc<dyn crate::store::Store>,
    communes: Vec<InseeCode>,
    _counted: crate::hub::Counted,
}

impl LiveStream {
    /// Opens a stream for a request's query string and headers.
    pub fn open(state: &AppState, query: &str, headers: &HeaderMap) -> Result<Self, ApiError> {
        let q: StreamQuery = serde_urlencoded::from_str(query).map_err(|e| {
            ApiError::BadRequest(
                "invalid_query",
                msg!("err-invalid-query", detail = e.to_string()),
            )
        })?;
        let communes = super::communes::parse_list(q.communes.as_deref().unwrap_or_default())?;
        let last_event_id = headers
            .get("last-event-id")
            .map(|v| {
                v.to_str()
                    .ok()
                    .and_then(|s| s.trim().parse::<u64>().ok())
                    .ok_or_else(|| ApiError::BadRequest("invalid_query", msg!("err-last-event-id")))
            })
            .transpose()?;
        let since = Cursor(last_event_id.or(q.since).unwrap_or(0));
        // A browser's page: what it follows, from its ticket (used once).
        let ticket = q
            .ticket
            .as_deref()
            .and_then(|t| state.stream_tickets.take(t));
        let mut followed: std::collections::HashSet<String> = headers
            .get(REPORTS_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .split(',')
            .filter_map(|pair| pair.trim().split_once(':'))
            .filter(|(id, secret)| crate::service::reports::secret_matches(state, id, secret))
            .map(|(id, _)| id.to_owned())
            .take(MAX_FOLLOWED)
            .collect();
        // Reports of public categories followed without a secret (the hub
        // announces only public ones to them).
        let mut public: std::collections::HashSet<String> = headers
            .get(PUBLIC_REPORTS_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty() && id.len() <= 64 && !followed.contains(*id))
            .map(str::to_owned)
            .take(MAX_FOLLOWED)
            .collect();
        // A device that posts or answers in mutual aid: told when one of
        // its conversations changes (its key in a header, never in a URL).
        let mut aid = headers
            .get(super::aid::KEY_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|k| super::aid::key_hash(k.trim()));
        if let Some(t) = ticket {
            followed.extend(t.reports);
            public.extend(t.public.into_iter().filter(|id| !followed.contains(id)));
            aid = aid.or(t.aid);
        }
        let reports = (!followed.is_empty() || !public.is_empty() || aid.is_some())
            .then(|| state.hub.watch_reports(followed, public, aid));
        let sub = Subscription::new(
            state.hub.clone(),
            state.store.clone(),
            communes.clone(),
            since,
        );
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        heartbeat.reset();
        Ok(Self {
            sub: Some(sub),
            heartbeat,
            reports,
            measures: (headers
                .get(MEASURES_HEADER)
                .is_some_and(|v| v.as_bytes() == b"1")
                || q.measures.as_deref() == Some("1"))
            .then(|| state.hub.watch_measures()),
            closed: state.hub.closed(),
            hub: state.hub.clone(),
            store: state.store.clone(),
            communes,
            _counted: crate::hub::Counted::new(state.hub.clone()),
        })
    }

    pub fn communes(&self) -> &[InseeCode] {
        &self.communes
    }

    /// Lets the hub write this stream's alerts to `conn` if nothing is left
    /// to send from the subscription. Returns whether it does now.
    pub fn go_live(&mut self, conn: &std::sync::Arc<crate::hub::Conn>) -> bool {
        match &self.sub {
            Some(sub) if self.hub.join_live(conn, sub) => {
                self.sub = None;
                true
            }
            Some(_) => false,
            None => true,
        }
    }

    /// Takes the alerts back from the hub, after cursor `from`.
    pub fn go_slow(&mut self, from: Cursor) {
        self.sub = Some(Subscription::new(
            self.hub.clone(),
            self.store.clone(),
            self.communes.clone(),
            from,
        ));
    }

    /// The next alert's frame if it was read already (a catch-up), without
    /// waiting: sent in one write with the one before.
    pub fn ready_frame(&mut self) -> Option<Bytes> {
        self.sub.as_mut()?.ready().map(|a| a.frame)
    }

    /// The next frame to send (rendered once per message and shared by
    /// every subscriber); `None` once the server stops.
    pub async fn next_frame(&mut self) -> Option<Bytes> {
        let (reports, measures, sub, closed) = (
            &mut self.reports,
            &mut self.measures,
            &mut self.sub,
            &mut self.closed,
        );
        let report = async {
            match reports.as_mut() {
                Some(w) => w.next().await,
                None => std::future::pending().await,
            }
        };
        let measure = async {
            match measures.as_mut() {
                Some(w) => w.next().await,
                None => std::future::pending().await,
            }
        };
        let alert = async {
            match sub.as_mut() {
                Some(s) => s.next().await,
                // The hub writes the alerts; only the end of the server matters.
                None => loop {
                    if *closed.borrow_and_update() || closed.changed().await.is_err() {
                        return Ok(None);
                    }
                },
            }
        };
        tokio::select! {
            Some(frame) = report => Some(frame),
            Some(frame) = measure => Some(frame),
            next = alert => match next {
                Ok(Some(a)) => Some(a.frame),
                Ok(None) => None,
                Err(e) => {
                    tracing::error!(error = %e, "alert stream stopped");
                    None
                }
            },
            _ = self.heartbeat.tick() => Some(Bytes::from_static(b":\n\n")),
        }
    }
}

/// Live alerts for some communes (Server-Sent Events). Each event is
/// `event: alert`, `id: <cursor>`, `data: <SignedAlert>`; reconnect with
/// `Last-Event-ID` to resume; a comment every 15 s keeps the stream alive.
/// With a `Beffroi-Reports: id:secret,…` header, the stream also carries
/// `event: report` (data `{"id": …}`) when one of those reports changes
/// status; pairs whose secret is wrong are ignored. With a
/// `Beffroi-Public-Reports: id,…` header, the same for reports of public
/// categories the device follows without their secret. With
/// `Beffroi-Measures: 1`, `event: measures` (data `{}`) says the rules in
/// force changed (`GET /measures?since=`).
#[utoipa::path(get, path = "/alerts/stream", tag = "alerts", params(StreamQuery),
    responses((status = 200, content_type = "text/event-stream", description = "the stream"),
        (status = 400, body = ErrorBody)))]
pub async fn stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Response, ApiError> {
    let live = LiveStream::open(&state, query.as_deref().unwrap_or_default(), &headers)?;
    let frames = futures::stream::unfold(live, |mut live| async move {
        let frame = live.next_frame().await?;
        Some((Ok::<_, Infallible>(frame), live))
    });
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        axum::body::Body::from_stream(frames),
    )
        .into_response())
}

pub(crate) struct Names<'a> {
    state: &'a AppState,
    communes: Vec<beffroi_domain::Commune>,
}

impl cap::AreaNames for Names<'_> {
    fn territory(&self) -> (&str, &str) {
        (
            &self.state.settings.territory_code,
            &self.state.settings.territory_name,
        )
    }
    fn commune(&self, code: &InseeCode) -> Option<&str> {
        self.communes
            .iter()
            .find(|c| &c.code == code)
            .map(|c| c.name.as_str())
    }
    fn reached(&self, area: &beffroi_domain::alert::Area) -> Vec<InseeCode> {
        area.shapes()
            .map(|s| self.state.settings.outlines.reached(&s))
            .unwrap_or_default()
    }
}

pub(crate) async fn names(state: &AppState) -> Result<Names<'_>, ApiError> {
    let communes = state.store.communes().await?;
    Ok(Names { state, communes })
}

fn xml(body: String, media_type: &'static str) -> Response {
    ([(header::CONTENT_TYPE, media_type)], body).into_response()
}

/// All messages of every alert, decoded, in cursor order.
async fn all_messages(state: &AppState) -> Result<Vec<AlertMessage>, ApiError> {
    let mut out = Vec::new();
    let mut since = Cursor::START;
    loop {
        let page = state.store.alerts_after(since, 1000).await?;
        let Some(last) = page.last() else { break };
        since = last.cursor;
        for a in &page {
            let signed: SignedAlert =
                serde_json::from_str(&a.signed).map_err(|e| ApiError::Internal(e.to_string()))?;
            out.push(
                serde_json::from_str(&signed.message)
                    .map_err(|e| ApiError::Internal(e.to_string()))?,
            );
        }
    }
    Ok(out)
}

/// The last Atom feed rendered: served again while no message was sent and
/// for at most [`ATOM_FRESH`] (alerts expire with time, not only with messages).
#[derive(Debug)]
pub struct AtomCache {
    cursor: Cursor,
    base: String,
    at: std::time::Instant,
    body: Bytes,
}

const ATOM_FRESH: Duration = Duration::from_secs(30);

/// The Atom index of the alerts in force: the last message of each alert that
/// is neither cancelled nor expired.
pub async fn atom(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let base = crate::public_url(&state, &headers);
    // Read before rendering: a message sent meanwhile makes the next request render.
    let cursor = state.hub.latest();
    let cached = {
        let cache = state.atom_cache.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .as_ref()
            .filter(|c| c.cursor == cursor && c.base == base && c.at.elapsed() < ATOM_FRESH)
            .map(|c| c.body.clone())
    };
    let body = match cached {
        Some(body) => body,
        None => {
            let body = Bytes::from(render_atom(&state, &base).await?);
            *state.atom_cache.lock().unwrap_or_else(|p| p.into_inner()) = Some(AtomCache {
                cursor,
                base,
                at: std::time::Instant::now(),
                body: body.clone(),
            });
            body
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/atom+xml")], body).into_response())
}

async fn render_atom(state: &AppState, base: &str) -> Result<String, ApiError> {
    let messages = all_messages(state).await?;
    let now = OffsetDateTime::now_utc();
    // Each alert's last message, in the order of those last messages.
    let mut last_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, m) in messages.iter().enumerate() {
        last_of.insert(m.thread(), i);
    }
    let mut last: Vec<usize> = last_of.into_values().collect();
    last.sort_unstable();
    let entries: Vec<cap::FeedEntry<'_>> = last
        .into_iter()
        .rev()
        .map(|i| &messages[i])
        .filter(|m| m.msg_type != MsgType::Cancel && !m.is_expired(now))
        .map(|m| cap::FeedEntry {
            message: m,
            url: format!("{base}/cap/alerts/{}.xml", m.identifier),
        })
        .collect();
    let updated = messages.last().map_or(now, |m| m.sent);
    let names = names(state).await?;
    Ok(cap::atom(
        &format!("{base}/cap/alerts.atom"),
        &state.settings.territory_name,
        updated,
        &entries,
        &names,
    ))
}

/// One sent message as a CAP 1.2 document.
pub async fn cap_message(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let identifier = file.strip_suffix(".xml").ok_or_else(ApiError::not_found)?;
    let missing = || ApiError::NotFound(msg!("err-no-alert-message", identifier = identifier));
    let alert_id = state
        .store
        .alert_of_message(identifier.to_owned())
        .await?
        .ok_or_else(missing)?;
    let messages = state.store.alert_messages(alert_id).await?;
    let m = messages
        .iter()
        .find(|m| m.identifier == identifier)
        .ok_or_else(missing)?;
    let names = names(&state).await?;
    Ok(xml(
        cap::to_xml(m, &state.settings.sender_name, &names),
        cap::MEDIA_TYPE,
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod ticket_tests {
    use super::*;

    fn ticket(reports: usize) -> Ticket {
        Ticket {
            reports: (0..reports).map(|i| format!("{i:036}")).collect(),
            public: std::collections::HashSet::new(),
            aid: None,
            until: std::time::Instant::now() + TICKET_LIFE,
        }
    }

    #[test]
    fn tickets_are_used_once_and_held_to_a_memory_budget() {
        let tickets = Tickets::default();
        let first = tickets.give(ticket(3)).unwrap();
        assert!(tickets.waiting(&first));
        assert_eq!(tickets.take(&first).unwrap().reports.len(), 3);
        assert!(tickets.take(&first).is_none(), "once");
        // Full tickets (200 reports) until the budget is spent: refused, not kept.
        let mut given = Vec::new();
        while let Some(id) = tickets.give(ticket(200)) {
            given.push(id);
            assert!(given.len() < 10_000, "the budget holds");
        }
        assert!(given.len() > 500, "{} tickets", given.len());
        // One used frees its room.
        tickets.take(&given[0]).unwrap();
        assert!(tickets.give(ticket(200)).is_some());
    }
}
