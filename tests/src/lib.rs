//! Fixtures for Beffroi's end-to-end tests, named after the domain: a
//! [`town_hall`] is a real server on `127.0.0.1:0` over a real SQLite file in a
//! temporary directory; a [`resident`] is the resident core over its own
//! directory. Everything is removed when the fixture drops.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use std::path::Path;

use beffroi_client::Client;
use beffroi_server::demo::DemoCredentials;
use beffroi_server::{AppState, Settings};
use tokio::sync::oneshot;

/// A running town hall server with the demo territory.
#[derive(Debug)]
pub struct TownHall {
    pub url: String,
    pub state: AppState,
    pub demo: DemoCredentials,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    dir: tempfile::TempDir,
}

/// Serves `state` on `listener` until the returned sender is used.
fn spawn_server(
    state: AppState,
    listener: tokio::net::TcpListener,
) -> (oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        beffroi_server::serve(state, listener, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    (stop, task)
}

/// A new, empty database on the throwaway PostgreSQL cluster that
/// `scripts/with-postgres.sh` starts (`make test` runs the tests inside it).
pub async fn postgres_database() -> beffroi_server::store::DatabaseUrl {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let url = std::env::var("BEFFROI_TEST_DATABASE_URL").expect(
        "BEFFROI_TEST_DATABASE_URL is not set: run the tests through scripts/with-postgres.sh \
         (make test does), which starts a throwaway PostgreSQL",
    );
    let name = format!(
        "e2e_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let base = url.rsplit_once('/').unwrap().0;
    format!("{base}/{name}").parse().unwrap()
}

/// Starts a town hall with the demo territory on a free loopback port.
pub async fn town_hall() -> TownHall {
    town_hall_with(|_| {}).await
}

/// Starts a town hall after adjusting its settings. With
/// `BEFFROI_E2E_POSTGRES=1` (as `make test` runs the alerts' and reports'
/// tests a second time), its store is a new database on the test cluster.
pub async fn town_hall_with(adjust: impl FnOnce(&mut Settings)) -> TownHall {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::new(dir.path().join("server"));
    if std::env::var_os("BEFFROI_E2E_POSTGRES").is_some_and(|v| v == "1") {
        settings.database = Some(postgres_database().await);
    }
    adjust(&mut settings);
    let state = AppState::open(settings).await.unwrap();
    let demo = beffroi_server::demo::seed(state.store.as_ref())
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, task) = spawn_server(state.clone(), listener);
    TownHall {
        url,
        state,
        demo,
        stop: Some(stop),
        task: Some(task),
        dir,
    }
}

impl TownHall {
    /// The server's socket address (for raw TCP clients).
    pub fn addr(&self) -> std::net::SocketAddr {
        self.url
            .trim_start_matches("http://")
            .parse()
            .expect("a loopback address")
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.url)
    }

    /// A request to a staff route, with the bearer token.
    pub fn staff(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
    ) -> reqwest::RequestBuilder {
        reqwest::Client::new()
            .request(method, self.api(path))
            .bearer_auth(token)
    }

    /// Sends `body` to a staff route in the writer's `lang`; the status and
    /// the JSON answer (`null` when there is none).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<&serde_json::Value>,
        lang: &str,
    ) -> (reqwest::StatusCode, serde_json::Value) {
        let mut req = self
            .staff(method, path, token)
            .header("accept-language", lang);
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// GETs a staff route and parses its JSON body, whatever the status.
    pub async fn staff_json(&self, path: &str, token: &str) -> serde_json::Value {
        self.staff(reqwest::Method::GET, path, token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Logs the demo staff account in and returns its bearer token.
    pub async fn staff_token(&self) -> String {
        self.login(self.demo.username.as_str(), &self.demo.password)
            .await
            .unwrap()
    }

    /// Adds a staff member with `role` and returns their bearer token.
    pub async fn staff_with_role(&self, username: &str, role: beffroi_domain::Role) -> String {
        let password = "correct horse battery staple";
        let hash = beffroi_server::auth::hash_password(password).unwrap();
        self.state
            .store
            .add_staff(&username.parse().unwrap(), role, hash)
            .await
            .unwrap();
        self.login(username, password).await.unwrap()
    }

    /// Logs a staff member in; `None` when refused.
    pub async fn login(&self, username: &str, password: &str) -> Option<String> {
        let resp = reqwest::Client::new()
            .post(self.api("/auth/login"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        if !resp.status().is_success() {
            return None;
        }
        let body: serde_json::Value = resp.json().await.unwrap();
        Some(body["token"].as_str().unwrap().to_owned())
    }

    /// Starts the server again on the same address and data (after [`stop`]).
    ///
    /// [`stop`]: TownHall::stop
    pub async fn restart(&mut self) {
        self.stop().await;
        let state = AppState::open((*self.state.settings).clone())
            .await
            .unwrap();
        let addr = self.url.trim_start_matches("http://").to_owned();
        let listener = tokio::net::TcpListener::bind(&addr).await.unwrap();
        let (stop, task) = spawn_server(state.clone(), listener);
        self.task = Some(task);
        self.stop = Some(stop);
        self.state = state;
    }

    /// Stops the server and waits until its port is closed.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }
}

/// GETs `url` and parses its JSON body, whatever the status.
pub async fn get_json(url: &str) -> serde_json::Value {
    reqwest::get(url).await.unwrap().json().await.unwrap()
}

/// The body of `GET url`, as text (feeds, XML documents).
pub async fn get_text(url: &str) -> String {
    reqwest::get(url).await.unwrap().text().await.unwrap()
}

/// A resident's device: the resident core over its own data directory.
#[derive(Debug)]
pub struct Resident {
    pub client: Client,
    pub dir: tempfile::TempDir,
}

/// A resident whose app points at `server`.
pub fn resident(server: &str) -> Resident {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::open(dir.path()).unwrap();
    client.set_server(server).unwrap();
    Resident { client, dir }
}

/// Records what would be shown on the desktop.
#[derive(Debug, Default)]
pub struct Recorder(std::sync::Mutex<Vec<beffroi_domain::alert::NotificationPreview>>);

impl beffroi_client::alerts::Notifier for Recorder {
    fn notify(
        &self,
        _thread: &str,
        n: &beffroi_domain::alert::NotificationPreview,
    ) -> Result<(), String> {
        self.0.lock().unwrap().push(n.clone());
        Ok(())
    }
}

impl Recorder {
    pub fn summaries(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|n| n.summary.clone())
            .collect()
    }
}

/// Reads an open event stream until `needle` has come (at most 5 s): all
/// that was read.
pub async fn read_stream_until(resp: &mut reqwest::Response, needle: &str) -> String {
    let mut got = String::new();
    tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while !got.contains(needle) {
            let chunk = resp.chunk().await.unwrap().unwrap();
            got.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {needle:?} within 5 s"));
    got
}
