use beffroi_client::ClientError;
use serde::Serialize;

/// What a command can fail with, as the front end receives it:
/// `{"kind": "offline", "message": "..."}`.
#[derive(Debug, thiserror::Error, Serialize, ts_rs::TS)]
#[serde(tag = "kind", content = "message", rename_all = "snake_case")]
#[ts(export)]
pub enum CommandError {
    /// The server cannot be reached; the cache still answers.
    #[error("{0}")]
    Offline(String),
    /// The server refused the request.
    #[error("{0}")]
    Server(String),
    /// The input is not valid (e.g. an unknown commune).
    #[error("{0}")]
    Invalid(String),
    /// The local store failed.
    #[error("{0}")]
    Storage(String),
    /// The server does not hold the town hall's key the resident was given:
    /// nothing from it is trusted.
    #[error("{0}")]
    Untrusted(String),
}

impl From<ClientError> for CommandError {
    fn from(e: ClientError) -> Self {
        let msg = e.to_string();
        match e {
            ClientError::Offline { .. } => CommandError::Offline(msg),
            ClientError::Server { .. } | ClientError::Protocol { .. } => CommandError::Server(msg),
            ClientError::KeyMismatch { .. } => CommandError::Untrusted(msg),
            ClientError::NoServer
            | ClientError::InvalidServerUrl(_)
            | ClientError::InvalidKey(_)
            | ClientError::InvalidReport(_)
            | ClientError::Photo(_) => CommandError::Invalid(msg),
            ClientError::Store(_) | ClientError::Io { .. } => CommandError::Storage(msg),
        }
    }
}
