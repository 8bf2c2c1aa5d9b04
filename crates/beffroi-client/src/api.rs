//! The HTTP side of sync: typed calls to the town hall's `/api/v1`.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use beffroi_domain::{Cursor, Lang, SyncPage};
use serde::de::DeserializeOwned;

use crate::error::ClientError;

/// The HTTP clients a device makes once and shares between its calls
/// (clones share them): making one reads the system's root certificates,
/// about 50 ms of a core, and one client keeps the town hall's connections
/// open from a call to the next. Each is made at its first use.
///
/// Kept connections belong to the tokio runtime that opened them: a device
/// (its [`crate::Client`]) is driven by one runtime that lives as long as it.
#[derive(Debug, Clone, Default)]
pub struct Connections(Arc<ConnectionsInner>);

#[derive(Debug, Default)]
struct ConnectionsInner {
    /// Calls: answered within 30 s.
    calls: OnceLock<reqwest::Client>,
    /// The live stream: no overall timeout.
    stream: OnceLock<reqwest::Client>,
}

impl Connections {
    fn calls(&self) -> Result<&reqwest::Client, reqwest::Error> {
        made(&self.0.calls, || {
            // This device knows every category of the directory.
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert(
                "beffroi-directory",
                reqwest::header::HeaderValue::from_static(beffroi_domain::place::DIRECTORY_VERSION),
            );
            builder()
                .timeout(Duration::from_secs(30))
                // Closed here well before a server's idle timeout (Beffroi's
                // 60 s, nginx's 75 s) closes it there, and soon enough that a
                // phone back from sleep or on another network seldom finds one
                // whose path is gone (a call on it would wait for its timeout).
                .pool_idle_timeout(Duration::from_secs(15))
                .default_headers(headers)
                .build()
        })
    }

    /// A read that waits longer than three heartbeats means the connection
    /// is dead.
    fn stream(&self) -> Result<&reqwest::Client, reqwest::Error> {
        made(&self.0.stream, || {
            builder()
                .read_timeout(Duration::from_secs(45))
                // Each stream on a connection of its own: the server serves a
                // stream on a connection's first request only (its own
                // lighter writer), and a stale kept one would hold a
                // reconnect until the read timeout.
                .pool_max_idle_per_host(0)
                .build()
        })
    }
}

/// What every client of the device's starts from: the device named, and a
/// server that does not accept the connection within 5 s is offline.
pub(crate) fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .user_agent(concat!("beffroi-client/", env!("CARGO_PKG_VERSION")))
}

/// The client in `cell`, made by `make` at the first call that succeeds.
pub(crate) fn made<E>(
    cell: &OnceLock<reqwest::Client>,
    make: impl FnOnce() -> Result<reqwest::Client, E>,
) -> Result<&reqwest::Client, E> {
    if let Some(client) = cell.get() {
        return Ok(client);
    }
    let client = make()?;
    Ok(cell.get_or_init(|| client))
}

/// Whether `e` is a connection closed or reset by the server before it
/// answered (not a connection refused, a timeout or an answer not HTTP).
fn closed_unanswered(e: &reqwest::Error) -> bool {
    if e.is_connect() || e.is_timeout() {
        return false;
    }
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        if let Some(h) = cause.downcast_ref::<hyper::Error>()
            && (h.is_incomplete_message() || h.is_canceled())
        {
            return true;
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
            )
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// A town hall's server address, checked (`http` or `https`, with a host)
/// and without its trailing slashes.
pub fn server_base(server: &str) -> Result<String, ClientError> {
    let base = server.trim().trim_end_matches('/').to_owned();
    let valid = reqwest::Url::parse(&base)
        .ok()
        .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if valid {
        Ok(base)
    } else {
        Err(ClientError::InvalidServerUrl(server.to_owned()))
    }
}

/// A connection to one town hall server.
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: Connections,
    base: String,
    /// The resident's language: the server's refusals are said in it.
    lang: Lang,
}

impl ApiClient {
    /// A connection with HTTP clients of its own.
    pub fn new(server: &str) -> Result<Self, ClientError> {
        Self::over(server, Connections::default())
    }

    /// A connection through `http`, shared with other connections.
    pub fn over(server: &str, http: Connections) -> Result<Self, ClientError> {
        Ok(Self {
            http,
            base: server_base(server)?,
            lang: Lang::default(),
        })
    }

    /// The client for calls (made at the first).
    fn calls(&self) -> Result<&reqwest::Client, ClientError> {
        self.http.calls().map_err(|e| self.unusable(&e))
    }

    /// An HTTP client that cannot be made (no TLS): not a server that is
    /// offline, and not worth keeping things queued for.
    fn unusable(&self, e: &reqwest::Error) -> ClientError {
        ClientError::Protocol {
            server: self.base.clone(),
            detail: root_cause(e),
        }
    }

    /// Asks the server to say its errors in `lang` (`Accept-Language`).
    #[must_use]
    pub fn in_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn offline(&self, e: &reqwest::Error) -> ClientError {
        ClientError::Offline {
            server: self.base.clone(),
            reason: root_cause(e),
        }
    }

    /// Sends a request in the resident's language: the answer when it is a
    /// success, the server's refusal otherwise.
    ///
    /// Connections are kept between calls, and a server may close one (a
    /// restart, its idle timeout) just as a call goes out on it: the call is
    /// then sent once more, on another connection, as browsers do. Every
    /// request of this API may be repeated: reads, and writes the town hall
    /// recognises by the ids the device made (reports, mutual-aid posts and
    /// messages) or that set a state (push subscriptions). Only a connection
    /// closed or reset before any answer is retried; a server that cannot be
    /// reached, answers garbage or does not answer in time is not asked twice.
    async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ClientError> {
        let (http, request) = request
            .header(reqwest::header::ACCEPT_LANGUAGE, self.lang.tag())
            .build_split();
        let request = request.map_err(|e| self.offline(&e))?;
        let again = request.try_clone();
        let resp = match (http.execute(request).await, again) {
            (Err(e), Some(again)) if closed_unanswered(&e) => {
                tracing::debug!("a kept connection was closed, the call sent again: {e}");
                http.execute(again).await
            }
            (sent, _) => sent,
        }
        .map_err(|e| self.offline(&e))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let body = resp.text().await.map_err(|e| self.offline(&e))?;
        Err(ClientError::from_body(status.as_u16(), &body, &self.base))
    }

    /// Sends a request and decodes its JSON answer; `what` names it in errors.
    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        what: &str,
    ) -> Result<T, ClientError> {
        let body = self
            .exchange(request)
            .await?
            .text()
            .await
            .map_err(|e| self.offline(&e))?;
        serde_json::from_str(&body).map_err(|e| ClientError::Protocol {
            server: self.base.clone(),
            detail: format!("{what}: {e}"),
        })
    }

    /// Sends a request whose answer's body is not needed: its status.
    async fn send_for_status(&self, request: reqwest::RequestBuilder) -> Result<u16, ClientError> {
        Ok(self.exchange(request).await?.status().as_u16())
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ClientError> {
        let request = self
            .calls()?
            .get(format!("{}{path}", self.base))
            .query(query);
        self.send(request, path).await
    }

    /// Sends a report (with its prepared JPEG photos, as multipart); the
    /// answer comes once the server stored it.
    pub async fn post_report(
        &self,
        report: &beffroi_domain::report::NewReport,
        photos: &[Vec<u8>],
    ) -> Result<beffroi_domain::report::ReportReceipt, ClientError> {
        let request = self.calls()?.post(format!("{}/api/v1/reports", self.base));
        let request = if photos.is_empty() {
            request.json(report)
        } else {
            let json = serde_json::to_vec(report).map_err(|e| ClientError::Protocol {
                server: self.base.clone(),
                detail: e.to_string(),
            })?;
            let mut parts = vec![("report", "application/json", json.as_slice())];
            parts.extend(photos.iter().map(|p| ("photo", "image/jpeg", p.as_slice())));
            let (content_type, body) = multipart_body(&parts);
            request
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body)
        };
        self.send(request, "/api/v1/reports").await
    }

    /// How the town hall's maps are drawn (its base map, if any); a server
    /// from before base maps has none.
    pub async fn map_settings(&self) -> Result<beffroi_domain::api::MapSettings, ClientError> {
        match self.get("/api/v1/map", &[]).await {
            Err(ClientError::Server { status: 404, .. }) => Ok(Default::default()),
            other => other,
        }
    }

    /// The kinds of report the town hall takes, with their questions.
    pub async fn report_categories(
        &self,
    ) -> Result<Vec<beffroi_domain::report::ReportCategory>, ClientError> {
        self.get("/api/v1/report-categories", &[]).await
    }

    /// A report's status history, with its secret.
    pub async fn report_view(
        &self,
        id: &str,
        secret: &str,
    ) -> Result<beffroi_domain::report::ReporterView, ClientError> {
        self.get(
            &format!("/api/v1/reports/{id}"),
            &[("secret", secret.to_owned())],
        )
        .await
    }

    /// The open reports of `category` within 50 m of `at` (public
    /// categories only), to follow one rather than file the same again.
    pub async fn nearby_reports(
        &self,
        category: &str,
        at: beffroi_domain::place::Position,
    ) -> Result<Vec<beffroi_domain::report::NearbyReport>, ClientError> {
        self.get(
            "/api/v1/reports/nearby",
            &[
                ("category", category.to_owned()),
                ("lat", at.lat.to_string()),
                ("lon", at.lon.to_string()),
            ],
        )
        .await
    }

    /// A published report as anyone following it sees it.
    pub async fn public_report(
        &self,
        id: &str,
    ) -> Result<beffroi_domain::report::ReporterView, ClientError> {
        self.get(&format!("/api/v1/reports/{id}/public"), &[]).await
    }

    /// Sends a mutual-aid request with this device's posting key; any
    /// success is success (the server answers the same for a repeat).
    pub async fn aid_send<T: serde::Serialize + ?Sized>(
        &self,
        method: reqwest::Method,
        path: &str,
        key: &str,
        body: Option<&T>,
    ) -> Result<(), ClientError> {
        let mut request = self
            .calls()?
            .request(method, format!("{}/api/v1{path}", self.base))
            .header(crate::aid::KEY_HEADER, key);
        if let Some(body) = body {
            request = request.json(body);
        }
        self.send_for_status(request).await.map(|_| ())
    }

    /// This device's mutual-aid posts, conversations and messages after `since`.
    pub async fn aid_inbox(
        &self,
        key: &str,
        since: Cursor,
    ) -> Result<beffroi_domain::aid::AidInbox, ClientError> {
        let request = self
            .calls()?
            .get(format!("{}/api/v1/aid/inbox", self.base))
            .query(&[
                ("since", since.0.to_string()),
                ("limit", beffroi_domain::sync::MAX_PAGE_LIMIT.to_string()),
            ])
            .header(crate::aid::KEY_HEADER, key);
        self.send(request, "/api/v1/aid/inbox").await
    }

    /// Subscribes a device to the town hall's pushes, or renews it: `true`
    /// when the subscription is new (a confirmation push follows).
    pub async fn push_subscribe(
        &self,
        sub: &beffroi_domain::push::PushSubscription,
    ) -> Result<bool, ClientError> {
        let request = self
            .calls()?
            .post(format!("{}/api/v1/push/subscriptions", self.base))
            .json(sub);
        Ok(self.send_for_status(request).await? == 201)
    }

    /// Ends a device's subscription (its endpoint and secret).
    pub async fn push_unsubscribe(
        &self,
        gone: &beffroi_domain::push::PushUnsubscribe,
    ) -> Result<(), ClientError> {
        let request = self
            .calls()?
            .delete(format!("{}/api/v1/push/subscriptions", self.base))
            .json(gone);
        self.send_for_status(request).await.map(|_| ())
    }

    /// Whether a Beffroi server answers here, and the territory it serves.
    pub async fn health(&self) -> Result<beffroi_domain::api::Health, ClientError> {
        self.get("/healthz", &[]).await
    }

    /// The keys the town hall signs alerts with.
    pub async fn keys(&self) -> Result<Vec<beffroi_domain::alert::PublicKey>, ClientError> {
        self.get("/api/v1/keys", &[]).await
    }

    /// Opens the live alert stream after `since` for `communes` (all when empty),
    /// also carrying status changes of the `reports` (id, secret) filed here.
    /// The connection has no overall timeout; a read that waits longer than
    /// three heartbeats means the connection is dead.
    pub async fn alert_stream(
        &self,
        since: Cursor,
        communes: &[beffroi_domain::InseeCode],
        reports: &[(String, String)],
        public_reports: &[String],
        aid_key: Option<&str>,
    ) -> Result<reqwest::Response, ClientError> {
        let http = self.http.stream().map_err(|e| self.unusable(&e))?;
        let communes: Vec<&str> = communes.iter().map(|c| c.as_str()).collect();
        let mut request = http.get(format!("{}/api/v1/alerts/stream", self.base));
        if let Some(key) = aid_key {
            // Told when one of its mutual-aid conversations changes.
            request = request.header(crate::aid::KEY_HEADER, key);
        }
        let request = request
            .query(&[("communes", communes.join(","))])
            .header("last-event-id", since.0.to_string())
            .header(
                "beffroi-reports",
                reports
                    .iter()
                    .map(|(id, secret)| format!("{id}:{secret}"))
                    .collect::<Vec<_>>()
                    .join(","),
            )
            .header("beffroi-public-reports", public_reports.join(","))
            // Told when the rules in force change (`event: measures`).
            .header("beffroi-measures", "1");
        self.exchange(request).await
    }

    /// One delta page of a synced resource (`communes`, `places`, `alerts`).
    pub async fn page<T: DeserializeOwned>(
        &self,
        resource: &str,
        since: Cursor,
        limit: u32,
    ) -> Result<SyncPage<T>, ClientError> {
        self.get(
            &format!("/api/v1/{resource}"),
            &[("since", since.0.to_string()), ("limit", limit.to_string())],
        )
        .await
    }
}

/// A `multipart/form-data` body: (part name, content type, bytes) parts.
/// Returns the Content-Type header (with its boundary) and the body. (reqwest's
/// own multipart needs a feature that pulls more than these few lines.)
pub fn multipart_body(parts: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = format!("beffroi-{}", uuid::Uuid::now_v7().simple());
    let mut body = Vec::new();
    for (name, content_type, bytes) in parts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}
