//! The HTTP side of sync: typed calls to the town hall's `/api/v1`.

use std::time::Duration;

use beffroi_domain::{Cursor, SyncPage};
use serde::de::DeserializeOwned;

use crate::error::ClientError;

/// A connection to one town hall server.
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: String,
}

impl ApiClient {
    pub fn new(server: &str) -> Result<Self, ClientError> {
        let base = server.trim().trim_end_matches('/').to_owned();
        let valid = reqwest::Url::parse(&base)
            .ok()
            .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if !valid {
            return Err(ClientError::InvalidServerUrl(server.to_owned()));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("beffroi-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Protocol {
                server: base.clone(),
                detail: e.to_string(),
            })?;
        Ok(Self { http, base })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ClientError> {
        let url = format!("{}{path}", self.base);
        let offline = |e: reqwest::Error| ClientError::Offline {
            server: self.base.clone(),
            reason: root_cause(&e),
        };
        let resp = self
            .http
            .get(&url)
            .query(query)
            .send()
            .await
            .map_err(offline)?;
        let status = resp.status();
        let body = resp.text().await.map_err(offline)?;
        if !status.is_success() {
            return Err(ClientError::from_body(status.as_u16(), &body, &self.base));
        }
        serde_json::from_str(&body).map_err(|e| ClientError::Protocol {
            server: self.base.clone(),
            detail: format!("{path}: {e}"),
        })
    }

    /// One delta page of a synced resource (`communes`, `places`).
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

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}
