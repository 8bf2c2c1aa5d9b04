//! Open311 GeoReport v2 under `/open311/v2/`, in JSON and XML (the format is
//! the path's extension), so existing Open311 clients and back offices can
//! use Beffroi: discovery, services (the report categories), service
//! definitions (their extra questions), POST requests (form-encoded, with an
//! `api_key`), GET requests with its filters, GET one request.
//!
//! The endpoint serves every commune of the territory: a POST may name its
//! commune as `jurisdiction_id` (an INSEE code), which alone locates a
//! request; a request's `address` reads the commune's name where there is
//! no address to show (always, for the public).

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use beffroi_domain::l10n::Msg;
use beffroi_domain::msg;
use beffroi_domain::place::Position;
use beffroi_domain::report::{
    NewReport, ReportCategory, ReportLocation, ReportStatus, StaffReport, StatusKind,
};
use beffroi_domain::{InseeCode, Lang};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::AppState;
use crate::limits::{self, Peer};
use crate::store::ReportFilter;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// `services.json` → ("services", Json).
fn split(file: &str) -> Option<(&str, Format)> {
    if let Some(stem) = file.strip_suffix(".json") {
        Some((stem, Format::Json))
    } else {
        file.strip_suffix(".xml").map(|stem| (stem, Format::Xml))
    }
}

/// A field of an Open311 record.
enum V {
    S(String),
    I(i64),
    N(f64),
    B(bool),
    Null,
}

type Record = Vec<(&'static str, V)>;

fn render(format: Format, root: &str, item: &str, records: &[Record]) -> String {
    match format {
        Format::Json => {
            let list: Vec<serde_json::Value> = records
                .iter()
                .map(|r| {
                    serde_json::Value::Object(
                        r.iter()
                            .map(|(k, v)| {
                                let v = match v {
                                    V::S(s) => serde_json::Value::from(s.as_str()),
                                    V::I(n) => serde_json::Value::from(*n),
                                    V::N(n) => serde_json::Value::from(*n),
                                    V::B(b) => serde_json::Value::from(*b),
                                    V::Null => serde_json::Value::Null,
                                };
                                ((*k).to_owned(), v)
                            })
                            .collect(),
                    )
                })
                .collect();
            serde_json::Value::from(list).to_string()
        }
        Format::Xml => {
            let mut out = format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<{root}>\n");
            for r in records {
                let _ = writeln!(out, "  <{item}>");
                for (k, v) in r {
                    let text = match v {
                        V::S(s) => quick_xml::escape::escape(s.as_str()).into_owned(),
                        V::I(n) => n.to_string(),
                        V::N(n) => n.to_string(),
                        V::B(b) => b.to_string(),
                        V::Null => String::new(),
                    };
                    let _ = writeln!(out, "    <{k}>{text}</{k}>");
                }
                let _ = writeln!(out, "  </{item}>");
            }
            let _ = writeln!(out, "</{root}>");
            out
        }
    }
}

fn respond(format: Format, status: StatusCode, body: String) -> Response {
    let media = match format {
        Format::Json => "application/json; charset=utf-8",
        Format::Xml => "text/xml; charset=utf-8",
    };
    (status, [(header::CONTENT_TYPE, media)], body).into_response()
}

/// An Open311 error list: `[{"code", "description"}]`, described in the
/// request's language.
fn error(format: Format, status: StatusCode, description: &Msg) -> Response {
    let description = crate::l10n::text(crate::l10n::current(), description);
    let record: Record = vec![
        ("code", V::I(i64::from(status.as_u16()))),
        ("description", V::S(description)),
    ];
    let mut response = respond(format, status, render(format, "errors", "error", &[record]));
    response.headers_mut().insert(
        header::VARY,
        axum::http::HeaderValue::from_static("accept-language"),
    );
    response
}

fn not_found() -> Response {
    error(
        Format::Json,
        StatusCode::NOT_FOUND,
        &msg!("o311-no-resource"),
    )
}

fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    format!("{}/open311/v2", crate::public_url(state, headers))
}

fn time(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

fn service(c: &ReportCategory) -> Record {
    vec![
        ("service_code", V::S(c.id.clone())),
        ("service_name", V::S(c.label.fr.clone())),
        ("description", V::S(c.label.fr.clone())),
        ("metadata", V::B(!c.questions.is_empty())),
        ("type", V::S("realtime".into())),
        ("keywords", V::S(format!("{}, {}", c.label.en, c.label.it))),
        ("group", V::S("beffroi".into())),
    ]
}

/// How a request is shown: to the town hall's own tools (an `api_key`), or
/// to anyone (only the categories it publishes, a blurred position, no
/// address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    Staff,
    Public,
}

/// A position rounded to 0.001° (about 110 m north–south, 80 m east–west
/// here): where the problem is, not whose door it is.
fn blur(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn public_categories(categories: &[ReportCategory]) -> Vec<String> {
    categories
        .iter()
        .filter(|c| c.public)
        .map(|c| c.id.clone())
        .collect()
}

/// The territory's commune names by INSEE code, to name a report's commune
/// (empty when the store cannot say: the requests show no commune then).
async fn commune_names(state: &AppState) -> HashMap<String, String> {
    match state.store.communes().await {
        Ok(communes) => communes
            .into_iter()
            .map(|c| (c.code.to_string(), c.name))
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "open311: commune names");
            HashMap::new()
        }
    }
}

fn request(
    r: &StaffReport,
    categories: &[ReportCategory],
    communes: &HashMap<String, String>,
    reader: Reader,
) -> Record {
    let status = match r.kind {
        StatusKind::Open => "open",
        StatusKind::Fixed | StatusKind::Closed => "closed",
    };
    let notes = r.history.last().and_then(|h| h.message.clone());
    let notes = notes.or_else(|| match &r.status {
        ReportStatus::NotFixed { reason } => Some(reason.clone()),
        ReportStatus::Duplicate { of } => Some(format!("duplicate of {of}")),
        _ => None,
    });
    let name = categories
        .iter()
        .find(|c| c.id == r.report.category)
        .map_or(r.report.category.clone(), |c| c.label.fr.clone());
    let position = r.report.location.position.map(|p| match reader {
        Reader::Staff => p,
        Reader::Public => Position {
            lat: blur(p.lat),
            lon: blur(p.lon),
        },
    });
    // The commune's name stands for the address where there is none to show:
    // a report located by its commune only, or any report read by the public
    // (a commune says where no more than a blurred position does).
    let commune = r
        .report
        .commune
        .as_ref()
        .and_then(|c| communes.get(c.as_str()).cloned());
    let address = match reader {
        Reader::Staff => r.report.location.address.clone().or(commune),
        Reader::Public => commune,
    };
    vec![
        ("service_request_id", V::S(r.report.id.clone())),
        ("status", V::S(status.into())),
        ("status_notes", notes.map_or(V::Null, V::S)),
        ("service_name", V::S(name)),
        ("service_code", V::S(r.report.category.clone())),
        ("description", V::S(r.report.description.clone())),
        ("agency_responsible", V::Null),
        ("service_notice", V::Null),
        ("requested_datetime", V::S(time(r.received_at))),
        (
            "updated_datetime",
            V::S(time(r.history.last().map_or(r.received_at, |h| h.at))),
        ),
        ("expected_datetime", V::Null),
        ("address", address.map_or(V::Null, V::S)),
        ("address_id", V::Null),
        ("zipcode", V::Null),
        ("lat", position.map_or(V::Null, |p| V::N(p.lat))),
        ("long", position.map_or(V::Null, |p| V::N(p.lon))),
        ("media_url", V::Null),
    ]
}

/// `GET /open311/v2/{file}`: discovery, services, requests.
pub async fn get(
    State(state): State<AppState>,
    Path(file): Path<String>,
    peer: Peer,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some((what, format)) = split(&file) else {
        return not_found();
    };
    let categories = &state.settings.report_categories;
    let reader = if q
        .get("api_key")
        .is_some_and(|k| state.settings.open311_keys.iter().any(|known| known == k))
    {
        Reader::Staff
    } else {
        Reader::Public
    };
    // Anonymous reads of reports are limited per address (each reads the store).
    if reader == Reader::Public
        && (what == "requests" || what.starts_with("requests/"))
        && let Err(e) = limits::check(&state.read_limiter, &peer, "read")
    {
        let (status, _, message) = e.parts();
        return error(format, status, &message);
    }
    match what {
        "discovery" => {
            let base = base_url(&state, &headers);
            match format {
                Format::Json => respond(
                    format,
                    StatusCode::OK,
                    serde_json::json!({
                        "changeset": "2026-11-23T00:00:00Z",
                        "contact": state.settings.sender_name,
                        "key_service": "Ask the town hall for an api_key.",
                        "endpoints": [{
                            "specification": "http://wiki.open311.org/GeoReport_v2",
                            "url": base,
                            "changeset": "2026-11-23T00:00:00Z",
                            "type": "production",
                            "formats": ["application/json", "text/xml"],
                        }],
                    })
                    .to_string(),
                ),
                Format::Xml => respond(
                    format,
                    StatusCode::OK,
                    format!(
                        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<discovery>\n  <changeset>2026-11-23T00:00:00Z</changeset>\n  <contact>{}</contact>\n  <key_service>Ask the town hall for an api_key.</key_service>\n  <endpoints>\n    <endpoint>\n      <specification>http://wiki.open311.org/GeoReport_v2</specification>\n      <url>{}</url>\n      <changeset>2026-11-23T00:00:00Z</changeset>\n      <type>production</type>\n      <formats>\n        <format>application/json</format>\n        <format>text/xml</format>\n      </formats>\n    </endpoint>\n  </endpoints>\n</discovery>\n",
                        quick_xml::escape::escape(state.settings.sender_name.as_str()),
                        quick_xml::escape::escape(base.as_str())
                    ),
                ),
            }
        }
        "services" => {
            let records: Vec<Record> = categories.iter().map(service).collect();
            respond(
                format,
                StatusCode::OK,
                render(format, "services", "service", &records),
            )
        }
        "requests" => requests(&state, format, &q, reader).await,
        _ => {
            if let Some(code) = what.strip_prefix("services/") {
                return definition(categories, code, format);
            }
            if let Some(id) = what.strip_prefix("requests/") {
                let shown = |r: &StaffReport| {
                    reader == Reader::Staff
                        || categories
                            .iter()
                            .any(|c| c.public && c.id == r.report.category)
                };
                return match state.store.staff_report(id.to_owned()).await {
                    Ok(Some(r)) if shown(&r) => respond(
                        format,
                        StatusCode::OK,
                        render(
                            format,
                            "service_requests",
                            "request",
                            &[request(
                                &r,
                                categories,
                                &commune_names(&state).await,
                                reader,
                            )],
                        ),
                    ),
                    // A staff-only report is not there for anyone else.
                    Ok(_) => error(format, StatusCode::NOT_FOUND, &msg!("o311-no-request")),
                    Err(e) => {
                        tracing::error!(error = %e, "open311 request");
                        error(
                            format,
                            StatusCode::INTERNAL_SERVER_ERROR,
                            &msg!("err-internal"),
                        )
                    }
                };
            }
            not_found()
        }
    }
}

fn definition(categories: &[ReportCategory], code: &str, format: Format) -> Response {
    let Some(c) = categories.iter().find(|c| c.id == code) else {
        return error(format, StatusCode::NOT_FOUND, &msg!("o311-no-service"));
    };
    let attributes: Vec<Record> = c
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            vec![
                ("variable", V::B(true)),
                ("code", V::S(q.id.clone())),
                ("datatype", V::S("string".into())),
                ("required", V::B(q.required)),
                ("datatype_description", V::Null),
                ("order", V::I(i64::try_from(i).unwrap_or(i64::MAX) + 1)),
                ("description", V::S(q.label.fr.clone())),
            ]
        })
        .collect();
    match format {
        Format::Json => {
            let attrs = render(Format::Json, "", "", &attributes);
            respond(
                format,
                StatusCode::OK,
                format!(
                    "{{\"service_code\":{},\"attributes\":{attrs}}}",
                    serde_json::Value::from(c.id.as_str())
                ),
            )
        }
        Format::Xml => {
            let attrs = render(Format::Xml, "attributes", "attribute", &attributes);
            let attrs = attrs.trim_start_matches("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
            respond(
                format,
                StatusCode::OK,
                format!(
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_definition>\n<service_code>{}</service_code>\n{attrs}</service_definition>\n",
                    quick_xml::escape::escape(c.id.as_str())
                ),
            )
        }
    }
}

/// The most requests one listing answers (`max_requests`, as FixMyStreet
/// takes it); older ones are asked for with `end_date`.
const MAX_REQUESTS: u32 = 1000;
const DEFAULT_REQUESTS: u32 = 200;

async fn requests(
    state: &AppState,
    format: Format,
    q: &HashMap<String, String>,
    reader: Reader,
) -> Response {
    let bad = |m: Msg| error(format, StatusCode::BAD_REQUEST, &m);
    let date = |name: &'static str| -> Result<Option<OffsetDateTime>, Msg> {
        q.get(name)
            .map(|s| OffsetDateTime::parse(s, &Rfc3339).map_err(|_| msg!("o311-date", name = name)))
            .transpose()
    };
    let (from, to) = match (date("start_date"), date("end_date")) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return bad(e),
    };
    let kind = match q.get("status").map(String::as_str) {
        None | Some("") => None,
        Some("open") => Some(vec![StatusKind::Open]),
        Some("closed") => Some(vec![StatusKind::Fixed, StatusKind::Closed]),
        Some(other) => return bad(msg!("o311-status", value = other)),
    };
    // Without dates, the last 90 days (as the specification suggests).
    let from = from.or_else(|| {
        to.is_none()
            .then(|| OffsetDateTime::now_utc() - time::Duration::days(90))
    });
    let ids: Option<Vec<String>> = q.get("service_request_id").map(|s| {
        s.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .take(MAX_REQUESTS as usize)
            .map(str::to_owned)
            .collect()
    });
    let limit = match q.get("max_requests").map(|n| n.trim().parse::<u32>()) {
        None => DEFAULT_REQUESTS,
        Some(Ok(n)) if (1..=MAX_REQUESTS).contains(&n) => n,
        Some(_) => return bad(msg!("o311-max-requests", max = MAX_REQUESTS)),
    };
    let filter = ReportFilter {
        category: q.get("service_code").cloned(),
        categories: (reader == Reader::Public)
            .then(|| public_categories(&state.settings.report_categories)),
        from: if ids.is_some() { None } else { from },
        ids,
        kinds: kind,
        to,
        limit,
        ..ReportFilter::default()
    };
    let reports = match state.store.list_reports(filter).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "open311 requests");
            return error(
                format,
                StatusCode::INTERNAL_SERVER_ERROR,
                &msg!("err-internal"),
            );
        }
    };
    let communes = commune_names(state).await;
    let records: Vec<Record> = reports
        .iter()
        .map(|r| request(r, &state.settings.report_categories, &communes, reader))
        .collect();
    respond(
        format,
        StatusCode::OK,
        render(format, "service_requests", "request", &records),
    )
}

/// `POST /open311/v2/requests.{json,xml}`, form-encoded, with an `api_key`.
pub async fn post(
    State(state): State<AppState>,
    Path(file): Path<String>,
    peer: Peer,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Response {
    let Some(("requests", format)) = split(&file) else {
        return not_found();
    };
    if let Err(e) = limits::check(&state.report_limiter, &peer, "report") {
        let (status, _, message) = e.parts();
        return error(format, status, &message);
    }
    // Fields may come in the body (form-encoded) or, as some clients do, the query.
    let mut form: HashMap<String, String> = HashMap::new();
    for part in [query.unwrap_or_default().into_bytes(), body.to_vec()] {
        match serde_urlencoded::from_bytes::<Vec<(String, String)>>(&part) {
            Ok(pairs) => form.extend(pairs),
            Err(e) => {
                return error(
                    format,
                    StatusCode::BAD_REQUEST,
                    &msg!("err-form", detail = e.to_string()),
                );
            }
        }
    }
    let key_ok = form
        .get("api_key")
        .is_some_and(|k| state.settings.open311_keys.iter().any(|known| known == k));
    if !key_ok {
        return error(format, StatusCode::FORBIDDEN, &msg!("o311-api-key"));
    }
    let number = |name: &str| form.get(name).and_then(|v| v.trim().parse::<f64>().ok());
    let position = match (number("lat"), number("long")) {
        (Some(lat), Some(lon)) => Some(Position { lat, lon }),
        _ => None,
    };
    // This endpoint serves the territory's communes: a `jurisdiction_id`
    // written as an INSEE code names the commune (enough to locate a request
    // that has no coordinates nor address; checked against the territory by
    // the intake). Any other value is ignored, as it was before.
    let commune = form
        .get("jurisdiction_id")
        .and_then(|j| j.trim().parse::<InseeCode>().ok());
    let answers = form
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("attribute[")
                .and_then(|k| k.strip_suffix(']'))
                .map(|k| (k.to_owned(), v.clone()))
        })
        .collect();
    let contact_name = [form.get("first_name"), form.get("last_name")]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let report = NewReport {
        id: uuid::Uuid::now_v7().to_string(),
        category: form.get("service_code").cloned().unwrap_or_default(),
        description: form.get("description").cloned().unwrap_or_default(),
        location: ReportLocation {
            position,
            address: form.get("address_string").cloned(),
        },
        commune,
        contact: Some(beffroi_domain::report::Contact {
            name: Some(contact_name).filter(|n| !n.is_empty()),
            email: form.get("email").cloned(),
            phone: form.get("phone").cloned(),
        }),
        lang: Lang::Fr,
        answers,
        filed_by: None,
    };
    // The same intake as the JSON API (validation, durability, idempotency).
    match crate::service::reports::submit(&state, report, None).await {
        Ok(received) => {
            let record: Record = vec![
                ("service_request_id", V::S(received.receipt.id)),
                ("service_notice", V::Null),
                ("account_id", V::Null),
            ];
            respond(
                format,
                StatusCode::CREATED,
                render(format, "service_requests", "request", &[record]),
            )
        }
        Err(e) => {
            // Open311 clients expect 400 for a request they must correct.
            let (status, _, message) = e.parts();
            let status = if status == StatusCode::UNPROCESSABLE_ENTITY {
                StatusCode::BAD_REQUEST
            } else {
                status
            };
            error(format, status, &message)
        }
    }
}
