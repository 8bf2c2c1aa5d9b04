use beffroi_domain::api::ErrorBody;
use beffroi_domain::l10n::{Localize, Msg};
use beffroi_domain::msg;

use crate::store::StoreError;

/// What can go wrong in the resident core.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server could not be reached: work from the cache.
    #[error("cannot reach the server at {server}: {reason}")]
    Offline { server: String, reason: String },
    /// The server answered with an error.
    #[error("the server refused the request ({status}, {code}): {message}")]
    Server {
        status: u16,
        code: String,
        message: String,
    },
    /// The server answered something that is not Beffroi's API.
    #[error("unexpected answer from {server}: {detail}")]
    Protocol { server: String, detail: String },
    /// No town hall is chosen yet (the app asks the resident; the CLI says
    /// how to give one).
    #[error("no town hall server is chosen yet")]
    NoServer,
    #[error("invalid server address {0:?}: use http://host:port or https://host")]
    InvalidServerUrl(String),
    /// A key fingerprint that is not one (too short, not hexadecimal).
    #[error("invalid key fingerprint {0:?}: it has at least 32 hexadecimal digits")]
    InvalidKey(String),
    /// The server does not hold the key the resident was given out of band:
    /// nothing is trusted from it.
    #[error(
        "the server at {server} does not hold the town hall's key {expected}: it may be an impostor; check the address and the key on the town hall's poster"
    )]
    KeyMismatch { server: String, expected: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Photo(#[from] crate::photos::PhotoError),
    /// A report that cannot be sent as it is (nothing was queued).
    #[error("the report cannot be sent as it is: {0:?}")]
    InvalidReport(Msg),
    /// A place that cannot be saved as it is.
    #[error("the place cannot be saved as it is: {0:?}")]
    InvalidPlace(Msg),
    /// Push needs a commune to follow (none is known yet: sync first).
    #[error("push needs the town hall's communes: sync first, or choose a commune")]
    PushNoCommune,
    /// A push arrived, or push was asked about, with no subscription here.
    #[error("this device is not subscribed to the town hall's pushes")]
    PushNotSubscribed,
    #[error("cannot write {path}: {reason}")]
    Io { path: String, reason: String },
}

impl Localize for ClientError {
    /// What the resident reads (the CLI and the app render it in their
    /// language; a server's refusal is already in it, see `ApiClient::in_lang`).
    fn msg(&self) -> Msg {
        match self {
            ClientError::Offline { server, reason } => {
                msg!("client-offline", server = server, reason = reason)
            }
            ClientError::Server { message, .. } => msg!("client-server", message = message),
            ClientError::Protocol { server, detail } => {
                msg!("client-protocol", server = server, detail = detail)
            }
            ClientError::NoServer => msg!("client-no-server"),
            ClientError::InvalidServerUrl(u) => msg!("client-invalid-url", address = u),
            ClientError::InvalidKey(k) => msg!("client-invalid-key", key = k),
            ClientError::KeyMismatch { server, expected } => {
                msg!("client-key-mismatch", server = server, key = expected)
            }
            ClientError::Store(e) => msg!("client-store", detail = e.to_string()),
            ClientError::Photo(e) => e.msg(),
            ClientError::InvalidReport(m) | ClientError::InvalidPlace(m) => m.clone(),
            ClientError::PushNoCommune => msg!("client-push-no-commune"),
            ClientError::PushNotSubscribed => msg!("client-push-not-subscribed"),
            ClientError::Io { path, reason } => msg!("client-io", path = path, reason = reason),
        }
    }
}

impl ClientError {
    pub fn is_offline(&self) -> bool {
        matches!(self, ClientError::Offline { .. })
    }

    pub(crate) fn from_body(status: u16, body: &str, server: &str) -> Self {
        match serde_json::from_str::<ErrorBody>(body) {
            Ok(b) => ClientError::Server {
                status,
                code: b.error.code,
                message: b.error.message,
            },
            Err(_) => ClientError::Protocol {
                server: server.to_owned(),
                detail: format!("status {status} without a Beffroi error body"),
            },
        }
    }
}
