//! Beffroi's resident core, shared by the desktop/mobile app (`src-tauri`, a
//! thin shell) and the `beffroi` CLI. It has no Tauri dependency, so all
//! offline and sync behaviour is tested without a window.
//!
//! - [`store`]: the local SQLite store (what the resident sees offline);
//! - [`api`]: typed calls to the town hall server;
//! - [`alerts`]: alerts checked against the town hall's keys, threads, notifications;
//! - [`directory`]: the offline directory of shops and services (search, hours);
//! - [`Client`]: the facade the app and CLI use (settings, sync, status);
//! - [`reports`]: the outbox of reports filed on this device;
//! - [`places`]: the places a resident follows, and which alerts reach them;
//! - [`measures`]: the rules in force, and which apply to the resident's places;
//! - [`aid`]: mutual aid: neighbours' posts offline, the outbox, conversations;
//! - [`photos`]: photos prepared on the device (upright, ≤ 2048 px, no metadata);
//! - [`i18n`]: Fluent messages read from the same `locales/` as the UI.

pub mod aid;
pub mod alerts;
pub mod api;
pub mod directory;
pub mod error;
pub use beffroi_domain::i18n;
pub mod measures;
pub mod photos;
pub mod places;
pub mod push;
pub mod reports;
pub mod store;
pub mod tiles;

use std::path::{Path, PathBuf};

use beffroi_domain::alert::signing;
use beffroi_domain::place::PlaceId;
use beffroi_domain::sync::MAX_PAGE_LIMIT;
use beffroi_domain::{Commune, Cursor, InseeCode, Lang, SyncPage};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use api::ApiClient;
pub use error::ClientError;
pub use store::{Store, StoreError};

const REPORT_CATEGORIES: &str = "report_categories";
const MAP_SETTINGS: &str = "map_settings";
/// The most pages one sync follows per resource (a million items): a server
/// that says `has_more` forever cannot keep a device paging.
const MAX_PAGES: usize = 1000;
/// How often a live device looks at mutual aid with no event (see `listen`).
const AID_REFRESH: std::time::Duration = std::time::Duration::from_secs(120);

fn too_many_pages(api: &ApiClient, resource: &str) -> ClientError {
    ClientError::Protocol {
        server: api.base().to_owned(),
        detail: format!("the server kept paging {resource}: stopped after {MAX_PAGES} pages"),
    }
}

/// Writes a file and syncs it and its directory, so it survives a crash
/// once this returns.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), ClientError> {
    use std::io::Write;
    let io = |e: std::io::Error| ClientError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut f = std::fs::File::create(path).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io)?;
    Ok(())
}

/// The resident's choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Settings {
    /// The town hall server, e.g. `https://beffroi.nice.fr`.
    pub server_url: Option<String>,
    /// The language chosen at first run; `None` until then.
    pub lang: Option<Lang>,
    /// The commune the resident lives in; `None` until first run is done.
    pub home_commune: Option<InseeCode>,
    /// The fingerprint of the town hall's key, given out of band (a poster,
    /// a link): the first sync trusts only that key.
    #[serde(default)]
    pub server_key: Option<String>,
    /// The places followed besides home (they never leave the device).
    #[serde(default)]
    pub places: Vec<places::SavedPlace>,
    /// Whether test and exercise alerts are notified (they are always shown,
    /// labelled).
    #[serde(default = "yes")]
    pub notify_tests: bool,
    /// Whether an extreme alert may ask for critical treatment (it sounds
    /// through do-not-disturb); the resident may turn that off.
    #[serde(default = "yes")]
    pub critical_alerts: bool,
}

fn yes() -> bool {
    true
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            server_url: None,
            lang: None,
            home_commune: None,
            server_key: None,
            places: Vec::new(),
            notify_tests: true,
            critical_alerts: true,
        }
    }
}

/// The public page of an alert (`thread`: its first message's identifier)
/// on the town hall's server at `server`.
pub fn alert_link(server: &str, thread: &str) -> String {
    format!(
        "{}{}",
        server.trim_end_matches('/'),
        beffroi_domain::alert::public_path(thread)
    )
}

/// A town hall link, as the console prints it on posters (or as a QR code):
/// `beffroi://connect?server=URL&key=FINGERPRINT`. Returns the server address
/// and the key fingerprint, when it has one.
pub fn parse_link(link: &str) -> Result<(String, Option<String>), ClientError> {
    let bad = || ClientError::InvalidServerUrl(link.to_owned());
    let url = reqwest::Url::parse(link).map_err(|_| bad())?;
    if url.scheme() != "beffroi" || url.host_str() != Some("connect") {
        return Err(bad());
    }
    let mut server = None;
    let mut key = None;
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "server" => server = Some(v.into_owned()),
            "key" => key = Some(v.into_owned()),
            _ => {}
        }
    }
    Ok((server.ok_or_else(bad)?, key))
}

/// A town hall server as checked before a resident chooses it: it answered,
/// it names its territory, and these are its keys (the one given with a
/// link among them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ServerCheck {
    /// The server's address, normalised.
    pub server: String,
    pub territory: String,
    /// The key fingerprint the link gave, if it came with one.
    pub key: Option<String>,
    /// The keys the server holds now.
    pub keys: Vec<TrustedKey>,
}

/// A server given either way a resident may have it: an address, or a town
/// hall link (see [`parse_link`]). Returns the address and the link's key.
pub fn parse_address(address: &str) -> Result<(String, Option<String>), ClientError> {
    let address = address.trim();
    if address.starts_with("beffroi:") {
        parse_link(address)
    } else {
        Ok((address.to_owned(), None))
    }
}

/// A key this device trusts, as the resident can check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TrustedKey {
    pub key_id: String,
    /// The whole fingerprint (64 hexadecimal digits).
    pub fingerprint: String,
    /// Its first 128 bits grouped by four, to compare with a poster.
    pub display: String,
}

impl TrustedKey {
    /// A published key with its fingerprints; `None` if it is not a key.
    fn of(key: &beffroi_domain::alert::PublicKey) -> Option<Self> {
        let vk = signing::decode_key(key).ok()?;
        let fingerprint = signing::fingerprint(&vk);
        Some(Self {
            key_id: key.key_id.clone(),
            display: signing::display_fingerprint(&fingerprint),
            fingerprint,
        })
    }
}

/// The outcome of the last sync attempts, for the offline indicator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SyncStatus {
    /// When the last sync succeeded (RFC 3339).
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_success: Option<OffsetDateTime>,
    /// When the last attempt was made, and whether it reached the server.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_attempt: Option<OffsetDateTime>,
    /// `Some(false)` when the last attempt could not reach the server.
    pub online: Option<bool>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
}

/// What one sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SyncReport {
    pub server: String,
    /// Communes added or changed by this sync.
    pub communes_changed: u32,
    /// Communes removed by this sync.
    pub communes_removed: u32,
    /// Communes in the cache afterwards.
    pub communes_total: u32,
    /// Places added or changed by this sync.
    pub places_changed: u32,
    /// Places removed by this sync.
    pub places_removed: u32,
    /// Places in the directory afterwards.
    pub places_total: u32,
    /// Alert messages received by this sync.
    pub alerts_new: u32,
    /// Alert messages refused by this sync (unsigned, unknown key, altered).
    pub alerts_rejected: u32,
    /// Measures (rules in force) added or changed by this sync.
    #[serde(default)]
    pub measures_changed: u32,
    /// Measures withdrawn by this sync.
    #[serde(default)]
    pub measures_removed: u32,
    /// Advice pages added, changed or withdrawn by this sync.
    #[serde(default)]
    pub advice_changed: u32,
    /// Mutual-aid posts published, changed or gone by this sync.
    #[serde(default)]
    pub aid_changed: u32,
}

/// What of the town hall's, besides alerts and reports, changed while
/// listening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// The rules in force.
    Rules,
    /// The advice pages.
    Advice,
    /// Mutual aid: this device's conversations or posts.
    Aid,
}

/// The resident core over one data directory.
#[derive(Debug)]
pub struct Client {
    store: Store,
    data_dir: PathBuf,
    hours: directory::HoursCache,
    /// One sync at a time: two interleaved syncs could store an older page
    /// after a newer one.
    syncing: tokio::sync::Mutex<()>,
    /// One change at a time to what push keeps (`push`).
    push_lock: std::sync::Mutex<()>,
    /// Where notifications of new alerts go (none: not shown).
    notifier: std::sync::RwLock<Option<std::sync::Arc<dyn alerts::Notifier>>>,
    /// The client tiles are fetched with, made at the first tile.
    tiles_http: std::sync::OnceLock<reqwest::Client>,
    /// The town hall's HTTP clients, shared by every call.
    http: api::Connections,
}

impl Client {
    pub fn open(data_dir: &Path) -> Result<Self, ClientError> {
        let store = Store::open(data_dir)?;
        // A first sync that was cut short left its places unindexed.
        store.build_places_index()?;
        Ok(Self {
            store,
            data_dir: data_dir.to_owned(),
            hours: directory::HoursCache::default(),
            syncing: tokio::sync::Mutex::new(()),
            push_lock: std::sync::Mutex::new(()),
            notifier: std::sync::RwLock::new(None),
            tiles_http: std::sync::OnceLock::new(),
            http: api::Connections::default(),
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn settings(&self) -> Result<Settings, ClientError> {
        Ok(self
            .store
            .get_meta(store::keys::SETTINGS)?
            .unwrap_or_default())
    }

    /// Saves settings after checking the server address.
    pub fn set_settings(&self, settings: &Settings) -> Result<(), ClientError> {
        if let Some(url) = &settings.server_url {
            api::server_base(url)?;
        }
        Ok(self.store.set_meta(store::keys::SETTINGS, settings)?)
    }

    /// Sets the server address, keeping the other settings.
    pub fn set_server(&self, url: &str) -> Result<(), ClientError> {
        let mut s = self.settings()?;
        let url = api::server_base(url)?;
        if s.server_url.as_deref() != Some(url.as_str()) {
            s.server_url = Some(url);
            self.set_settings(&s)?;
        }
        Ok(())
    }

    /// Checks a town hall before the resident chooses it: `address` is a
    /// server address or a town hall link (`beffroi://connect?…`, see
    /// [`parse_link`]). The server must answer as Beffroi and, when the link
    /// gives a key, hold it (else [`ClientError::KeyMismatch`]). Nothing is
    /// saved.
    pub async fn check_server(&self, address: &str) -> Result<ServerCheck, ClientError> {
        let (server, key) = parse_address(address)?;
        let key = key
            .map(|k| signing::normalize_fingerprint(&k).ok_or_else(|| ClientError::InvalidKey(k)))
            .transpose()?;
        let api = self.api_at(&server, self.settings()?.lang.unwrap_or_default())?;
        let health = api.health().await?;
        let published = api.keys().await?;
        if let Some(fp) = &key
            && !published
                .iter()
                .any(|k| signing::matches_fingerprint(k, fp))
        {
            return Err(ClientError::KeyMismatch {
                server: api.base().to_owned(),
                expected: signing::display_fingerprint(fp),
            });
        }
        let keys = published.iter().filter_map(TrustedKey::of).collect();
        Ok(ServerCheck {
            server: api.base().to_owned(),
            territory: health.territory,
            key,
            keys,
        })
    }

    /// Chooses the town hall a check found (see [`Client::check_server`]):
    /// its address, and the key the link gave. A device choosing another
    /// town hall than the one it trusts keys from forgets those keys (the
    /// resident chose; the next sync pins the new town hall's).
    pub fn choose_server(&self, check: &ServerCheck) -> Result<(), ClientError> {
        let mut settings = self.settings()?;
        if settings
            .server_url
            .as_deref()
            .is_some_and(|s| s != check.server)
        {
            self.reset_keys()?;
            settings.server_key = None;
        }
        // Both normalised by the check.
        settings.server_url = Some(check.server.clone());
        if let Some(key) = &check.key {
            settings.server_key = Some(key.clone());
        }
        self.set_settings(&settings)
    }

    /// Remembers a server given as an address or as a town hall link (its
    /// key too, then), as the command lines take it.
    pub fn set_address(&self, address: &str) -> Result<(), ClientError> {
        let (server, key) = parse_address(address)?;
        self.set_server(&server)?;
        if let Some(key) = key {
            self.set_server_key(&key)?;
        }
        Ok(())
    }

    /// Remembers the town hall key's fingerprint, given out of band. Until
    /// keys are pinned, only that key will be; once they are, a pinned key
    /// must match it (else syncs fail until [`Client::reset_keys`]).
    pub fn set_server_key(&self, fingerprint: &str) -> Result<(), ClientError> {
        let fp = signing::normalize_fingerprint(fingerprint)
            .ok_or_else(|| ClientError::InvalidKey(fingerprint.to_owned()))?;
        let mut s = self.settings()?;
        if s.server_key.as_deref() != Some(fp.as_str()) {
            s.server_key = Some(fp);
            self.set_settings(&s)?;
        }
        Ok(())
    }

    /// The keys this device trusts for alerts.
    pub fn trusted_keys(&self) -> Result<Vec<TrustedKey>, ClientError> {
        Ok(self
            .store
            .trusted_keys()?
            .iter()
            .filter_map(TrustedKey::of)
            .collect())
    }

    /// Forgets the pinned keys, at the resident's explicit request (a new
    /// town hall, a key replaced without endorsement): the next sync pins
    /// again, only the given key when a fingerprint is set.
    pub fn reset_keys(&self) -> Result<(), ClientError> {
        Ok(self.store.forget_keys()?)
    }

    pub fn sync_status(&self) -> Result<SyncStatus, ClientError> {
        Ok(self
            .store
            .get_meta(store::keys::SYNC_STATUS)?
            .unwrap_or_default())
    }

    pub fn communes(&self) -> Result<Vec<Commune>, ClientError> {
        Ok(self.store.communes()?)
    }

    /// The configured server's API, speaking the resident's language.
    fn api(&self) -> Result<ApiClient, ClientError> {
        let settings = self.settings()?;
        let server = settings.server_url.ok_or(ClientError::NoServer)?;
        self.api_at(&server, settings.lang.unwrap_or_default())
    }

    /// A connection to `server` through this device's HTTP clients, its
    /// refusals said in `lang`.
    fn api_at(&self, server: &str, lang: beffroi_domain::Lang) -> Result<ApiClient, ClientError> {
        Ok(ApiClient::over(server, self.http.clone())?.in_lang(lang))
    }

    /// Pulls every change since the stored cursors from the configured server
    /// and records the outcome (online or not) for the status indicator.
    pub async fn sync(&self) -> Result<SyncReport, ClientError> {
        let _one_at_a_time = self.syncing.lock().await;
        let settings = self.settings()?;
        let server = settings.server_url.ok_or(ClientError::NoServer)?;
        let api = self.api_at(&server, settings.lang.unwrap_or_default())?;
        let result = self.sync_with(&api).await;
        let mut status = self.sync_status()?;
        let now = OffsetDateTime::now_utc();
        status.last_attempt = Some(now);
        match &result {
            Ok(_) => {
                status.online = Some(true);
                status.last_success = Some(now);
                status.last_error = None;
            }
            Err(e) => {
                status.online = Some(!e.is_offline());
                status.last_error = Some(e.to_string());
            }
        }
        self.store.set_meta(store::keys::SYNC_STATUS, &status)?;
        result
    }

    /// Pulls every page of `resource` after the stored cursor, applying each
    /// page atomically; the next page is fetched while one is being stored.
    /// Returns (changed, removed).
    async fn pull<T: DeserializeOwned + Send + 'static>(
        &self,
        api: &ApiClient,
        resource: &'static str,
        cursor: impl Fn(&Store) -> Result<Cursor, StoreError>,
        apply: impl Fn(&Store, &SyncPage<T>) -> Result<(), StoreError>,
    ) -> Result<(u32, u32), ClientError> {
        let fetch = |since: Cursor| {
            let api = api.clone();
            tokio::spawn(async move { api.page::<T>(resource, since, MAX_PAGE_LIMIT).await })
        };
        let (mut changed, mut removed) = (0, 0);
        let mut since = cursor(&self.store)?;
        let mut next = fetch(since);
        for _ in 0..MAX_PAGES {
            let page = next.await.map_err(|e| ClientError::Protocol {
                server: api.base().to_owned(),
                detail: e.to_string(),
            })??;
            if page.next_cursor < since {
                return Err(ClientError::Protocol {
                    server: api.base().to_owned(),
                    detail: format!(
                        "the {resource} cursor went back from {} to {}",
                        since.0, page.next_cursor.0
                    ),
                });
            }
            let more = page.has_more && page.next_cursor != since;
            // A fetch dropped unfinished (when applying fails) only wastes a
            // request: the stored cursor moves with each applied page.
            let prefetch = more.then(|| fetch(page.next_cursor));
            apply(&self.store, &page)?;
            changed += page.items.len() as u32;
            removed += page.deleted.len() as u32;
            match prefetch {
                Some(handle) => {
                    next = handle;
                    since = page.next_cursor;
                }
                None => return Ok((changed, removed)),
            }
        }
        Err(too_many_pages(api, resource))
    }

    async fn sync_with(&self, api: &ApiClient) -> Result<SyncReport, ClientError> {
        let (communes_changed, communes_removed) = self
            .pull(
                api,
                "communes",
                Store::communes_cursor,
                Store::apply_communes_page,
            )
            .await?;
        let pulled = self
            .pull(
                api,
                "places",
                Store::places_cursor,
                Store::apply_places_page,
            )
            .await;
        if communes_changed + communes_removed > 0 {
            self.locate_places()?;
        }
        // Also when the pull stopped midway: what was applied becomes searchable.
        self.store.build_places_index()?;
        let (places_changed, places_removed) = pulled?;
        let (threads, alerts_new, alerts_rejected) = self.pull_alerts(api).await?;
        self.notify(&threads)?;
        let (measures_changed, measures_removed) = self.pull_measures(api).await?;
        let (advice_changed, advice_removed) = self.pull_advice(api).await?;
        self.store
            .set_meta(REPORT_CATEGORIES, &api.report_categories().await?)?;
        let mut map = api.map_settings().await?;
        // A base map this device would not draw is no base map.
        map.tiles = map.tiles.filter(|t| t.check().is_ok());
        self.store.set_meta(MAP_SETTINGS, &map)?;
        self.send_reports(api).await?;
        // Sent before the pull: the inbox then says where they stand.
        self.send_aid(api).await?;
        let (aid_changed, aid_removed) = self.pull_aid(api).await?;
        self.refresh_reports(api, None).await?;
        self.refresh_followed_public(api, None).await?;
        let total = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(SyncReport {
            server: api.base().to_owned(),
            communes_changed,
            communes_removed,
            communes_total: total(self.store.commune_count()?),
            places_changed,
            places_removed,
            places_total: total(self.store.place_count()?),
            alerts_new,
            alerts_rejected,
            measures_changed,
            measures_removed,
            advice_changed: advice_changed + advice_removed,
            aid_changed: aid_changed + aid_removed,
        })
    }

    /// Pulls the measures after the stored cursor and tells the resident
    /// which of their places' rules changed (not at the first sync: nothing
    /// changed for them then, they learn the rules as they are).
    async fn pull_measures(&self, api: &ApiClient) -> Result<(u32, u32), ClientError> {
        // Not the cursor: against a town hall with no measure yet it stays
        // at the start, and its first measure (a crisis beginning) is news.
        let first = !self.store.measures_synced()?;
        let before = self.store.measures()?;
        let counts = match self
            .pull(
                api,
                "measures",
                Store::measures_cursor,
                Store::apply_measures_page,
            )
            .await
        {
            // A town hall from before the rules in force has none.
            Err(ClientError::Server { status: 404, .. }) => return Ok((0, 0)),
            other => other?,
        };
        if first {
            self.store.set_measures_synced()?;
        } else if counts != (0, 0) {
            self.notify_rules(&before)?;
        }
        Ok(counts)
    }

    /// Pulls the advice pages after the stored cursor: read offline (see
    /// [`Client::advice_pages`]), opened from an alert's link.
    async fn pull_advice(&self, api: &ApiClient) -> Result<(u32, u32), ClientError> {
        match self
            .pull(
                api,
                "advice",
                Store::advice_cursor,
                Store::apply_advice_page,
            )
            .await
        {
            // A town hall from before the advice pages has none.
            Err(ClientError::Server { status: 404, .. }) => Ok((0, 0)),
            other => other,
        }
    }

    /// The advice pages for the resident's places (the territory's and
    /// their communes'; every page before any place is chosen), the latest
    /// changed first, in the resident's language, their Markdown rendered
    /// here to safe HTML: offline.
    pub fn advice_pages(&self) -> Result<Vec<beffroi_domain::advice::AdvicePage>, ClientError> {
        let lang = self.settings()?.lang.unwrap_or_default();
        let communes: Vec<InseeCode> = self
            .followed_communes()?
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        Ok(beffroi_domain::advice::pages_for(
            &self.store.advice()?,
            &communes,
            lang,
        ))
    }

    /// One advice page, whichever communes it is for (an alert may link to
    /// any), in the resident's language; `None` if this device has no such page.
    pub fn advice_page(
        &self,
        id: &str,
    ) -> Result<Option<beffroi_domain::advice::AdvicePage>, ClientError> {
        let lang = self.settings()?.lang.unwrap_or_default();
        Ok(self.synced_advice(id)?.and_then(|a| a.page(lang)))
    }

    /// One advice page's title and Markdown in the resident's language
    /// (else French…), as written; `None` if this device has no such page.
    pub fn advice_source(
        &self,
        id: &str,
    ) -> Result<Option<beffroi_domain::advice::AdviceText>, ClientError> {
        let lang = self.settings()?.lang.unwrap_or_default();
        Ok(self
            .synced_advice(id)?
            .and_then(|a| a.draft.text_for(lang).cloned()))
    }

    fn synced_advice(
        &self,
        id: &str,
    ) -> Result<Option<beffroi_domain::advice::Advice>, ClientError> {
        Ok(self.store.advice()?.into_iter().find(|a| a.id == id))
    }

    /// The communes of the resident's places: home first, then the others'
    /// (a point's when it was located), each once, with the place's name.
    pub fn followed_communes(&self) -> Result<Vec<(Option<String>, InseeCode)>, ClientError> {
        let settings = self.settings()?;
        let mut out: Vec<(Option<String>, InseeCode)> = Vec::new();
        if let Some(home) = settings.home_commune {
            out.push((None, home));
        }
        for p in settings.places {
            if let Some(c) = p.commune
                && !out.iter().any(|(_, known)| *known == c)
            {
                out.push((Some(p.name), c));
            }
        }
        Ok(out)
    }

    /// The rules in force (and coming within a week) at each of the
    /// resident's places, at `now`, offline.
    pub fn rules(&self, now: OffsetDateTime) -> Result<Vec<measures::PlaceRules>, ClientError> {
        let lang = self.settings()?.lang.unwrap_or_default();
        let l10n = self.localizer(lang)?;
        let all = self.store.measures()?;
        let names = self.store.communes()?;
        Ok(self
            .followed_communes()?
            .into_iter()
            .map(|(place, commune)| measures::PlaceRules {
                commune_name: names
                    .iter()
                    .find(|c| c.code == commune)
                    .map_or_else(|| commune.to_string(), |c| c.name.clone()),
                rules: measures::rules_of(&all, &commune, now, lang, l10n),
                place,
                commune,
            })
            .collect())
    }

    /// Notifies, per place whose rules changed since `before`, the rules
    /// now in force there.
    fn notify_rules(&self, before: &[beffroi_domain::measure::Measure]) -> Result<(), ClientError> {
        let Some(notifier) = self.notifier() else {
            return Ok(());
        };
        let after = self.store.measures()?;
        let followed: Vec<InseeCode> = self
            .followed_communes()?
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        let now = OffsetDateTime::now_utc();
        let changed = measures::changed_communes(before, &after, &followed, now);
        if changed.is_empty() {
            return Ok(());
        }
        let lang = self.settings()?.lang.unwrap_or_default();
        let l10n = self.localizer(lang)?;
        for place in self.rules(now)? {
            if !changed.contains(&&place.commune) {
                continue;
            }
            // In force, then what comes (a curfew from tomorrow is the news).
            let said: Vec<String> = place
                .rules
                .iter()
                .map(|r| {
                    if r.upcoming {
                        let date = measures::local_date(r.since);
                        format!(
                            "{} ({})",
                            r.summary,
                            l10n.msg("measure-starts", &[("date", date.into())])
                        )
                    } else {
                        r.summary.clone()
                    }
                })
                .collect();
            let n = beffroi_domain::alert::NotificationPreview {
                lang: lang.into(),
                summary: l10n.msg(
                    "measures-changed",
                    &[("commune", place.commune_name.clone().into())],
                ),
                body: if said.is_empty() {
                    l10n.msg("measures-none", &[])
                } else {
                    said.join(" · ")
                },
                urgency: "normal".into(),
            };
            if let Err(e) = notifier.notify(&format!("measures:{}", place.commune), &n) {
                tracing::warn!(error = %e, "cannot show a notification");
            }
        }
        Ok(())
    }

    /// Pulls alert messages after the stored cursor, checking each against
    /// the pinned keys (pinned at the first sync; a rotated key is accepted
    /// when a pinned key endorsed it). Returns (threads with news, received,
    /// refused).
    async fn pull_alerts(&self, api: &ApiClient) -> Result<(Vec<String>, u32, u32), ClientError> {
        let expected = self.settings()?.server_key;
        let pinned = self.store.trusted_keys()?;
        let mismatch = || ClientError::KeyMismatch {
            server: api.base().to_owned(),
            expected: expected
                .as_deref()
                .map(signing::display_fingerprint)
                .unwrap_or_default(),
        };
        if pinned.is_empty() {
            let offered = api.keys().await?;
            let first: Vec<_> = match &expected {
                // Given out of band: that key only, or nothing at all.
                Some(fp) => offered
                    .into_iter()
                    .filter(|k| signing::matches_fingerprint(k, fp))
                    .collect(),
                None => offered,
            };
            if first.is_empty() {
                return Err(mismatch());
            }
            self.store.pin_keys(&first)?;
        } else if let Some(fp) = &expected
            && !pinned.iter().any(|k| signing::matches_fingerprint(k, fp))
        {
            return Err(mismatch());
        }
        let mut since = self.store.alerts_cursor()?;
        let (mut threads, mut received, mut refused) = (Vec::new(), 0, 0);
        let (mut refreshed, mut rewound) = (false, false);
        for _ in 0..MAX_PAGES {
            let page: SyncPage<beffroi_domain::alert::SignedAlert> =
                api.page("alerts", since, MAX_PAGE_LIMIT).await?;
            // A cursor beyond the server's newest was never this server's to
            // give (a replayed event, another server): go back once.
            if let Some(latest) = page.latest
                && since > latest
                && !rewound
            {
                rewound = true;
                let back = self.store.rewind_alerts_cursor(latest)?;
                tracing::warn!(
                    held = since.0,
                    latest = latest.0,
                    back = back.0,
                    "the alerts cursor was beyond the server's newest: going back"
                );
                since = back;
                continue;
            }
            if page.next_cursor < since || page.latest.is_some_and(|l| page.next_cursor > l) {
                return Err(ClientError::Protocol {
                    server: api.base().to_owned(),
                    detail: format!(
                        "the alerts cursor {} is out of range (asked after {})",
                        page.next_cursor.0, since.0
                    ),
                });
            }
            let trusted = self.store.trusted_keys()?;
            let unknown = page
                .items
                .iter()
                .any(|s| !trusted.iter().any(|k| k.key_id == s.key_id));
            if unknown && !refreshed {
                refreshed = true;
                self.store.pin_keys(&api.keys().await?)?;
            }
            let (t, rejected) = self
                .store
                .apply_alerts(&page.items, since, page.next_cursor)?;
            received += (page.items.len() - rejected.len()) as u32;
            refused += rejected.len() as u32;
            for thread in t {
                if !threads.contains(&thread) {
                    threads.push(thread);
                }
            }
            if !page.has_more || page.next_cursor == since {
                return Ok((threads, received, refused));
            }
            since = page.next_cursor;
        }
        Err(too_many_pages(api, "alerts"))
    }

    /// Sends the queued reports, oldest first. A refusal (bad input) marks the
    /// report failed with the server's reason; an unreachable or busy server
    /// leaves it queued for the next attempt.
    async fn send_reports(&self, api: &ApiClient) -> Result<(), ClientError> {
        for (report, photos) in self.store.queued_reports()? {
            let photos = (1..=photos)
                .map(|n| {
                    let path = self.photo_path(&report.id, n);
                    std::fs::read(&path).map_err(|e| ClientError::Io {
                        path: path.display().to_string(),
                        reason: e.to_string(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            self.store.report_sending(&report.id)?;
            match api.post_report(&report, &photos).await {
                Ok(receipt) => self.store.report_sent(&report.id, &receipt.secret)?,
                Err(ClientError::Server {
                    status, message, ..
                }) if (400..500).contains(&status) && status != 429 && status != 408 => {
                    self.store.report_refused(&report.id, &message)?;
                }
                Err(e) => {
                    self.store.report_retry(&report.id, &e.to_string())?;
                    if e.is_offline() {
                        return Err(e);
                    }
                }
            }
        }
        Ok(())
    }

    /// Fetches the status of the reports sent (or of `only` that one);
    /// notifies when one changed.
    async fn refresh_reports(
        &self,
        api: &ApiClient,
        only: Option<&str>,
    ) -> Result<(), ClientError> {
        for (id, secret) in self.store.sent_reports()? {
            if only.is_some_and(|only| only != id) {
                continue;
            }
            let view = match api.report_view(&id, &secret).await {
                Ok(v) => v,
                Err(ClientError::Server { status: 404, .. }) => continue,
                Err(e) => return Err(e),
            };
            let grew = self.store.report_view(&id, &view)?;
            if grew && view.history.len() > 1 {
                self.notify_report(&view, "report-status-changed")?;
            }
        }
        Ok(())
    }

    /// Shows a report's new status (`summary`: the message saying whose).
    fn notify_report(
        &self,
        view: &beffroi_domain::report::ReporterView,
        summary: &str,
    ) -> Result<(), ClientError> {
        let notifier = self.notifier();
        let (Some(notifier), Some(last)) = (notifier, view.history.last()) else {
            return Ok(());
        };
        let lang = self.settings()?.lang.unwrap_or_default();
        let l10n = self.localizer(lang)?;
        let status = last.status.tag();
        let n = beffroi_domain::alert::NotificationPreview {
            lang: lang.into(),
            summary: l10n.msg(
                summary,
                &[(
                    "status",
                    l10n.msg(&format!("report-status-{status}"), &[]).into(),
                )],
            ),
            body: last
                .message
                .clone()
                .unwrap_or_else(|| view.description.clone()),
            urgency: "normal".into(),
        };
        if let Err(e) = notifier.notify(&view.id, &n) {
            tracing::warn!(error = %e, "cannot show a notification");
        }
        Ok(())
    }

    /// Files a report: checked (against the town hall's categories once
    /// synced), its photos prepared and written to the app's data directory
    /// (synced), then the report stored on this device (synced), to be sent at
    /// the next sync (or at once by the caller). Returns its id. Nothing is
    /// queued when anything is wrong.
    pub fn file_report(
        &self,
        report: beffroi_domain::report::NewReport,
        photos: &[PathBuf],
    ) -> Result<String, ClientError> {
        if photos.len() > photos::MAX_PHOTOS {
            return Err(photos::PhotoError::TooMany.into());
        }
        let prepared = photos
            .iter()
            .map(|p| photos::prepare_file(p))
            .collect::<Result<Vec<_>, _>>()?;
        self.queue_report(report, &prepared)
    }

    /// Prepares a photo now (as [`Client::file_report`] does) and keeps it
    /// until a report takes it; returns its token. The app calls this when
    /// the resident picks a photo, so a bad file is refused at once.
    pub fn stage_photo(&self, bytes: &[u8]) -> Result<String, ClientError> {
        let prepared = photos::prepare(bytes).map_err(|reason| photos::PhotoError::NotAnImage {
            path: "the photo".into(),
            reason,
        })?;
        let token = uuid::Uuid::now_v7().simple().to_string();
        write_synced(&self.staged_path(&token)?, &prepared)?;
        Ok(token)
    }

    fn staged_path(&self, token: &str) -> Result<PathBuf, ClientError> {
        // Tokens are ours (hex); anything else is not a path to follow.
        if token.is_empty() || !token.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(ClientError::InvalidReport(beffroi_domain::msg!(
                "client-not-staged",
                token = token
            )));
        }
        Ok(self
            .data_dir
            .join("outbox")
            .join("staging")
            .join(format!("{token}.jpg")))
    }

    /// Files a report with photos staged by [`Client::stage_photo`].
    pub fn file_report_staged(
        &self,
        report: beffroi_domain::report::NewReport,
        tokens: &[String],
    ) -> Result<String, ClientError> {
        if tokens.len() > photos::MAX_PHOTOS {
            return Err(photos::PhotoError::TooMany.into());
        }
        let paths = tokens
            .iter()
            .map(|t| self.staged_path(t))
            .collect::<Result<Vec<_>, _>>()?;
        let prepared = paths
            .iter()
            .map(|p| {
                std::fs::read(p).map_err(|e| {
                    ClientError::InvalidReport(beffroi_domain::msg!(
                        "client-staged-gone",
                        detail = e.to_string()
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let id = self.queue_report(report, &prepared)?;
        for p in paths {
            let _ = std::fs::remove_file(p);
        }
        Ok(id)
    }

    fn queue_report(
        &self,
        mut report: beffroi_domain::report::NewReport,
        prepared: &[Vec<u8>],
    ) -> Result<String, ClientError> {
        if report.id.is_empty() {
            report.id = uuid::Uuid::now_v7().to_string();
        }
        let mut categories = self.report_categories()?;
        if categories.is_empty() {
            // Never synced: the server checks the category.
            categories.push(beffroi_domain::report::ReportCategory {
                id: report.category.clone(),
                label: beffroi_domain::report::Labels::default(),
                questions: Vec::new(),
                public: false,
            });
        }
        report
            .validate(&categories)
            .map_err(|e| ClientError::InvalidReport(beffroi_domain::l10n::Localize::msg(&e)))?;
        // A commune the device knows is not the territory's would be refused
        // by the server after the resident left: say it now (before the first
        // sync there is no list, and the server checks).
        if let Some(code) = &report.commune {
            let communes = self.store.communes()?;
            if !communes.is_empty() && !communes.iter().any(|c| &c.code == code) {
                return Err(ClientError::InvalidReport(beffroi_domain::msg!(
                    "client-commune-outside",
                    code = code.as_str()
                )));
            }
        }
        // So would a position outside the territory (the same rule as the
        // server's: within 500 m of a commune's outline).
        if let Some(at) = report.location.position {
            let outlines: Vec<(InseeCode, geo::MultiPolygon<f64>)> = self
                .store
                .communes()?
                .into_iter()
                .filter_map(|c| Some((c.code, c.outline?.geo())))
                .collect();
            if !outlines.is_empty()
                && beffroi_domain::shape::nearest(outlines.iter().map(|(c, o)| (c, o)), at)
                    .is_none()
            {
                return Err(ClientError::InvalidReport(beffroi_domain::msg!(
                    "err-report-outside",
                    lat = at.lat,
                    lon = at.lon
                )));
            }
        }
        for (n, bytes) in (1..).zip(prepared) {
            write_synced(&self.photo_path(&report.id, n), bytes)?;
        }
        self.store.queue_report(&report, prepared.len() as u32)?;
        Ok(report.id)
    }

    /// Where photo `n` (from 1) of a filed report is kept.
    pub fn photo_path(&self, id: &str, n: u32) -> PathBuf {
        self.data_dir
            .join("outbox")
            .join(id)
            .join(format!("{n}.jpg"))
    }

    /// The report categories of the last sync (empty before the first).
    pub fn report_categories(
        &self,
    ) -> Result<Vec<beffroi_domain::report::ReportCategory>, ClientError> {
        Ok(self.store.get_meta(REPORT_CATEGORIES)?.unwrap_or_default())
    }

    /// How the town hall's maps are drawn, as of the last sync (no base
    /// map before the first).
    pub fn map_settings(&self) -> Result<beffroi_domain::api::MapSettings, ClientError> {
        Ok(self.store.get_meta(MAP_SETTINGS)?.unwrap_or_default())
    }

    /// Tile `z`/`x`/`y` of the town hall's base map: `None` when there is
    /// no base map or no such tile (nothing is fetched then).
    pub async fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<tiles::Tile>, ClientError> {
        let Some(url) = self
            .map_settings()?
            .tiles
            .and_then(|source| source.tile_url(z, x, y))
        else {
            return Ok(None);
        };
        let http = api::made(&self.tiles_http, tiles::http)?;
        tiles::fetch(http, &url).await
    }

    /// The open reports of `category` within 50 m of `at`, to follow one
    /// rather than file the same again (online only: offline, none).
    pub async fn nearby_reports(
        &self,
        category: &str,
        at: beffroi_domain::place::Position,
    ) -> Result<Vec<beffroi_domain::report::NearbyReport>, ClientError> {
        let api = self.api()?;
        api.nearby_reports(category, at).await
    }

    /// Follows a report someone else filed: its status comes with each sync
    /// and is listed with this device's own reports.
    pub async fn follow_report(
        &self,
        id: &str,
    ) -> Result<beffroi_domain::report::ReporterView, ClientError> {
        let view = self.api()?.public_report(id).await?;
        self.store.follow_public_report(&view)?;
        Ok(view)
    }

    /// The reports filed by others that this device follows.
    pub fn followed_public_reports(
        &self,
    ) -> Result<Vec<beffroi_domain::report::ReporterView>, ClientError> {
        Ok(self.store.public_reports_followed()?)
    }

    /// Fetches the status of the reports followed (or of `only` that one;
    /// one gone stays as it was); notifies when one changed.
    async fn refresh_followed_public(
        &self,
        api: &ApiClient,
        only: Option<&str>,
    ) -> Result<(), ClientError> {
        for old in self.store.public_reports_followed()? {
            if only.is_some_and(|only| only != old.id) {
                continue;
            }
            match api.public_report(&old.id).await {
                Ok(view) => {
                    self.store.follow_public_report(&view)?;
                    if view.history.len() > old.history.len() {
                        self.notify_report(&view, "report-followed-status-changed")?;
                    }
                }
                Err(e @ ClientError::Offline { .. }) => return Err(e),
                Err(e) => tracing::warn!(report = %old.id, error = %e, "a followed report"),
            }
        }
        Ok(())
    }

    /// The reports filed on this device, the newest first.
    pub fn filed_reports(&self) -> Result<Vec<reports::FiledReport>, ClientError> {
        Ok(self.store.filed_reports()?)
    }

    /// Shows notifications for these threads' news through the notifier.
    fn notify(&self, threads: &[String]) -> Result<(), ClientError> {
        let notifier = self.notifier();
        let Some(notifier) = notifier else {
            return Ok(());
        };
        if threads.is_empty() {
            return Ok(());
        }
        let settings = self.settings()?;
        let lang = settings.lang.unwrap_or_default();
        let all = self.alerts()?;
        let l10n = self.localizer(lang)?;
        let prefix = l10n.msg("alert-update-prefix", &[]);
        let reading = beffroi_domain::reading_langs(lang, &alerts::system_langs());
        let at_places = |places: &str, headline: &str| {
            l10n.msg(
                "alert-at-places",
                &[
                    ("places", places.to_owned().into()),
                    ("headline", headline.to_owned().into()),
                ],
            )
        };
        let with = alerts::NotifyWith {
            reading: &reading,
            update_prefix: &prefix,
            at_places: &at_places,
            tests: settings.notify_tests,
            critical: settings.critical_alerts,
        };
        for (thread, n) in alerts::notifications(&all, threads, &with) {
            if let Err(e) = notifier.notify(&thread, &n) {
                tracing::warn!(error = %e, "cannot show a notification");
            }
        }
        Ok(())
    }

    fn notifier(&self) -> Option<std::sync::Arc<dyn alerts::Notifier>> {
        self.notifier
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Sends notifications of new and updated alerts to `notifier`.
    pub fn set_notifier(&self, notifier: std::sync::Arc<dyn alerts::Notifier>) {
        *self.notifier.write().unwrap_or_else(|p| p.into_inner()) = Some(notifier);
    }

    /// Every alert received, the most recent first, with where it concerns
    /// the resident.
    pub fn alerts(&self) -> Result<Vec<alerts::ResidentAlert>, ClientError> {
        let settings = self.settings()?;
        let codes = places::Whereabouts::communes(settings.home_commune.as_ref(), &settings.places);
        let here = places::Whereabouts::new(
            settings.home_commune,
            settings.places,
            self.store.commune_outlines(&codes)?,
        );
        Ok(self.store.alerts(OffsetDateTime::now_utc(), &here)?)
    }

    /// The places the resident follows besides home.
    pub fn places(&self) -> Result<Vec<places::SavedPlace>, ClientError> {
        Ok(self.settings()?.places)
    }

    /// Saves a place (replacing the one named `replacing`, when given):
    /// checked against the synced territory, a point given its commune from
    /// the outlines. Returns it as saved.
    pub fn save_place(
        &self,
        place: places::SavedPlace,
        replacing: Option<&str>,
    ) -> Result<places::SavedPlace, ClientError> {
        let mut settings = self.settings()?;
        let place = places::check(place, &settings.places, replacing, &self.store.communes()?)
            .map_err(ClientError::InvalidPlace)?;
        let same =
            |p: &places::SavedPlace, name: &str| p.name.to_lowercase() == name.to_lowercase();
        match replacing.and_then(|r| settings.places.iter().position(|p| same(p, r))) {
            Some(i) => settings.places[i] = place.clone(),
            None => settings.places.push(place.clone()),
        }
        self.set_settings(&settings)?;
        Ok(place)
    }

    /// Finds again the commune of each point place from the synced outlines
    /// (a place saved before the first sync has none yet).
    fn locate_places(&self) -> Result<(), ClientError> {
        let mut settings = self.settings()?;
        let communes = self.store.communes()?;
        let mut changed = false;
        for p in &mut settings.places {
            if let Some(at) = p.point {
                let found = communes
                    .iter()
                    .find(|c| c.outline.as_ref().is_some_and(|o| o.holds(at)))
                    .map(|c| c.code.clone());
                if found.is_some() && found != p.commune {
                    p.commune = found;
                    changed = true;
                }
            }
        }
        if changed {
            self.set_settings(&settings)?;
        }
        Ok(())
    }

    /// Forgets a place; `false` when there is none by that name.
    pub fn remove_place(&self, name: &str) -> Result<bool, ClientError> {
        let mut settings = self.settings()?;
        let before = settings.places.len();
        settings
            .places
            .retain(|p| p.name.to_lowercase() != name.trim().to_lowercase());
        if settings.places.len() == before {
            return Ok(false);
        }
        self.set_settings(&settings)?;
        Ok(true)
    }

    /// The public page of an alert on the town hall's server, to share:
    /// anyone opens it in a browser, with no app.
    pub fn alert_link(&self, thread: &str) -> Result<String, ClientError> {
        let server = self.settings()?.server_url.ok_or(ClientError::NoServer)?;
        Ok(alert_link(&server, thread))
    }

    pub fn mark_alert_read(&self, thread: &str) -> Result<bool, ClientError> {
        Ok(self.store.mark_alert_read(thread)?)
    }

    /// Keeps receiving alerts until `stop` resolves: reconciles with a sync
    /// (`since=`) at every (re)connection so nothing is missed, then reads the
    /// live stream; reconnects with backoff (0.5 s doubling to 30 s) and
    /// `Last-Event-ID`. `on_news` gets the alerts that changed, `on_content`
    /// what else of the town hall's changed: the rules in force (see
    /// [`Client::rules`]) or the advice pages (see [`Client::advice_pages`]).
    pub async fn listen(
        &self,
        mut on_news: impl FnMut(Vec<alerts::ResidentAlert>) + Send,
        mut on_status: impl FnMut(bool) + Send,
        mut on_reports: impl FnMut(Vec<reports::FiledReport>) + Send,
        mut on_content: impl FnMut(Content) + Send,
    ) -> Result<(), ClientError> {
        use eventsource_stream::Eventsource;
        use futures::StreamExt;
        const MAX_BACKOFF: std::time::Duration = std::time::Duration::from_secs(30);
        let mut backoff = std::time::Duration::from_millis(500);
        loop {
            let attempt: Result<(), ClientError> = async {
                let report = self.sync().await?;
                let server = report.server.clone();
                let api = self.api_at(&server, self.settings()?.lang.unwrap_or_default())?;
                if report.alerts_new > 0 {
                    on_news(self.alerts()?);
                }
                // The sync sent what was queued and fetched statuses.
                on_reports(self.filed_reports()?);
                if report.measures_changed + report.measures_removed > 0 {
                    on_content(Content::Rules);
                }
                if report.advice_changed > 0 {
                    on_content(Content::Advice);
                }
                // The outbox was sent and the inbox read.
                on_content(Content::Aid);
                // Every alert of the territory: which concern the resident is
                // decided here, so the server never learns their places.
                let followed = self.store.followed_reports()?;
                let followed_public: Vec<String> = self
                    .store
                    .public_reports_followed()?
                    .into_iter()
                    .map(|r| r.id)
                    .collect();
                let mut previous = self.store.alerts_cursor()?;
                let resp = api
                    .alert_stream(
                        previous,
                        &[],
                        &followed,
                        &followed_public,
                        // Always a key: a first post or answer later in this
                        // connection is told of its answers at once.
                        Some(self.store.aid_key()?.as_str()),
                    )
                    .await?;
                on_status(true);
                backoff = std::time::Duration::from_millis(500);
                let mut events = resp.bytes_stream().eventsource();
                // Mutual aid's posts change with no event (a moderation, an
                // end), and a request the town hall was too busy for waits
                // for its time: both are looked at every two minutes.
                let mut aid_every = tokio::time::interval(AID_REFRESH);
                aid_every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                aid_every.reset();
                loop {
                    let event = tokio::select! {
                        event = events.next() => match event {
                            Some(event) => event,
                            None => break,
                        },
                        _ = aid_every.tick() => {
                            let _one_at_a_time = self.syncing.lock().await;
                            self.send_aid(&api).await?;
                            self.pull_aid(&api).await?;
                            drop(_one_at_a_time);
                            on_content(Content::Aid);
                            continue;
                        }
                    };
                    let event = event.map_err(|e| ClientError::Offline {
                        server: server.clone(),
                        reason: e.to_string(),
                    })?;
                    if event.event == "report" {
                        // `{"id": …}`, or `{}` after the server lagged: all of them.
                        let only = serde_json::from_str::<serde_json::Value>(&event.data)
                            .ok()
                            .and_then(|v| v["id"].as_str().map(str::to_owned));
                        let public = only.as_ref().is_some_and(|id| followed_public.contains(id));
                        if only.is_none() || public {
                            self.refresh_followed_public(&api, only.as_deref()).await?;
                        }
                        // (Only this device's own reports are asked for here.)
                        self.refresh_reports(&api, only.as_deref()).await?;
                        on_reports(self.filed_reports()?);
                        continue;
                    }
                    if event.event == "measures" {
                        // The rules changed: fetch them (the pull notifies),
                        // not beside a sync doing the same.
                        let pulled = {
                            let _one_at_a_time = self.syncing.lock().await;
                            self.pull_measures(&api).await?
                        };
                        if pulled != (0, 0) {
                            on_content(Content::Rules);
                        }
                        continue;
                    }
                    if event.event == "aid" {
                        // A conversation changed: read the inbox (not beside
                        // a sending or a sync reading it too).
                        let _one_at_a_time = self.syncing.lock().await;
                        self.pull_aid_inbox(&api).await?;
                        drop(_one_at_a_time);
                        on_content(Content::Aid);
                        continue;
                    }
                    if event.event == "advice" {
                        let pulled = {
                            let _one_at_a_time = self.syncing.lock().await;
                            self.pull_advice(&api).await?
                        };
                        if pulled != (0, 0) {
                            on_content(Content::Advice);
                        }
                        continue;
                    }
                    if event.event != "alert" {
                        continue;
                    }
                    let cursor =
                        event
                            .id
                            .parse::<u64>()
                            .map(Cursor)
                            .map_err(|_| ClientError::Protocol {
                                server: server.clone(),
                                detail: format!("event id {:?} is not a cursor", event.id),
                            })?;
                    let signed: beffroi_domain::alert::SignedAlert =
                        serde_json::from_str(&event.data).map_err(|e| ClientError::Protocol {
                            server: server.clone(),
                            detail: e.to_string(),
                        })?;
                    let trusted = self.store.trusted_keys()?;
                    if !trusted.iter().any(|k| k.key_id == signed.key_id) {
                        self.store.pin_keys(&api.keys().await?)?;
                    }
                    // Event ids go forward; each message is applied after
                    // the previous event's, so one refused event keeps the
                    // stored cursor before it.
                    if cursor <= previous {
                        return Err(ClientError::Protocol {
                            server: server.clone(),
                            detail: format!("event id {} after {}", cursor.0, previous.0),
                        });
                    }
                    let (threads, _) = self.store.apply_alerts(&[signed], previous, cursor)?;
                    previous = cursor;
                    if !threads.is_empty() {
                        self.notify(&threads)?;
                        on_news(self.alerts()?);
                    }
                }
                Err(ClientError::Offline {
                    server,
                    reason: "the stream ended".into(),
                })
            }
            .await;
            match attempt {
                Ok(()) => {}
                // What retrying cannot mend.
                Err(
                    e @ (ClientError::NoServer
                    | ClientError::InvalidServerUrl(_)
                    | ClientError::Store(_)),
                ) => return Err(e),
                Err(e) => {
                    tracing::info!(error = %e, retry_in = ?backoff, "alert stream lost");
                }
            }
            on_status(false);
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    /// The messages of `lang`, parsed once per process (not at every search).
    fn localizer(&self, lang: Lang) -> Result<&'static i18n::Localizer, ClientError> {
        i18n::Localizer::shared(lang).map_err(|e| ClientError::Protocol {
            server: String::new(),
            detail: e.to_string(),
        })
    }

    /// Searches the offline directory at `at`, with statuses in `lang`.
    pub fn search(
        &self,
        query: &directory::SearchQuery,
        at: &chrono::DateTime<chrono::FixedOffset>,
        lang: Lang,
    ) -> Result<Vec<directory::PlaceResult>, ClientError> {
        let l10n = self.localizer(lang)?;
        Ok(directory::search(
            &self.store,
            query,
            at,
            &self.hours,
            l10n,
        )?)
    }

    /// The seven days of a place's hours from `at`'s date (crisis hours when
    /// they replace the usual ones; empty when closed or unknown).
    pub fn place_week(
        &self,
        place: &beffroi_domain::place::Place,
        at: &chrono::DateTime<chrono::FixedOffset>,
    ) -> Vec<beffroi_domain::hours::DayHours> {
        directory::week(place, at, &self.hours)
    }

    /// One place of the offline directory with its state at `at`.
    pub fn place(
        &self,
        id: &PlaceId,
        at: &chrono::DateTime<chrono::FixedOffset>,
        lang: Lang,
    ) -> Result<Option<directory::PlaceResult>, ClientError> {
        let Some(place) = self.store.place(id)? else {
            return Ok(None);
        };
        let l10n = self.localizer(lang)?;
        let e = directory::evaluate(&place, at, &self.hours, l10n);
        Ok(Some(directory::PlaceResult::new(place, e, None)))
    }
}
