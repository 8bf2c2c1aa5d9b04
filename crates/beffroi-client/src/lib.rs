//! Beffroi's resident core, shared by the desktop/mobile app (`src-tauri`, a
//! thin shell) and the `beffroi` CLI. It has no Tauri dependency, so all
//! offline and sync behaviour is tested without a window.
//!
//! - [`store`]: the local SQLite store (what the resident sees offline);
//! - [`api`]: typed calls to the town hall server;
//! - [`directory`]: the offline directory of shops and services (search, hours);
//! - [`Client`]: the facade the app and CLI use (settings, sync, status);
//! - [`i18n`]: Fluent messages read from the same `locales/` as the UI.

pub mod api;
pub mod directory;
pub mod error;
pub mod i18n;
pub mod store;

use std::path::{Path, PathBuf};

use beffroi_domain::place::PlaceId;
use beffroi_domain::sync::MAX_PAGE_LIMIT;
use beffroi_domain::{Commune, Cursor, InseeCode, Lang, SyncPage};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use api::ApiClient;
pub use error::ClientError;
pub use store::{Store, StoreError};

/// The resident's choices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Settings {
    /// The town hall server, e.g. `https://beffroi.nice.fr`.
    pub server_url: Option<String>,
    /// The language chosen at first run; `None` until then.
    pub lang: Option<Lang>,
    /// The commune the resident lives in; `None` until first run is done.
    pub home_commune: Option<InseeCode>,
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
}

/// The resident core over one data directory.
#[derive(Debug)]
pub struct Client {
    store: Store,
    data_dir: PathBuf,
    hours: directory::HoursCache,
    /// Each language's messages, parsed at first use (not at every search).
    l10n: [std::sync::OnceLock<i18n::Localizer>; 3],
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
            l10n: Default::default(),
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
            ApiClient::new(url)?;
        }
        Ok(self.store.set_meta(store::keys::SETTINGS, settings)?)
    }

    /// Sets the server address, keeping the other settings.
    pub fn set_server(&self, url: &str) -> Result<(), ClientError> {
        let mut s = self.settings()?;
        let url = ApiClient::new(url)?.base().to_owned();
        if s.server_url.as_deref() != Some(url.as_str()) {
            s.server_url = Some(url);
            self.set_settings(&s)?;
        }
        Ok(())
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

    /// Pulls every change since the stored cursors from the configured server
    /// and records the outcome (online or not) for the status indicator.
    pub async fn sync(&self) -> Result<SyncReport, ClientError> {
        let server = self.settings()?.server_url.ok_or(ClientError::NoServer)?;
        let api = ApiClient::new(&server)?;
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
        loop {
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
        // Also when the pull stopped midway: what was applied becomes searchable.
        self.store.build_places_index()?;
        let (places_changed, places_removed) = pulled?;
        let total = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(SyncReport {
            server: api.base().to_owned(),
            communes_changed,
            communes_removed,
            communes_total: total(self.store.commune_count()?),
            places_changed,
            places_removed,
            places_total: total(self.store.place_count()?),
        })
    }

    /// The messages of `lang`, parsed once per client.
    fn localizer(&self, lang: Lang) -> Result<&i18n::Localizer, ClientError> {
        let slot = &self.l10n[Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0)];
        if let Some(l) = slot.get() {
            return Ok(l);
        }
        // Two threads may both parse on first use; one result is kept.
        let parsed = i18n::Localizer::new(lang).map_err(|e| ClientError::Protocol {
            server: String::new(),
            detail: e.to_string(),
        })?;
        Ok(slot.get_or_init(|| parsed))
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
