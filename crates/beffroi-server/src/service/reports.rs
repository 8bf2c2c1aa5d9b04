//! Report intake and status changes, whoever asks: the app's `POST
//! /reports` (JSON or multipart with photos), Open311's `POST requests`,
//! staff triage, the tests. Intake is idempotent by the id the device made
//! and answers only once the report (and its photos) are durable.

use beffroi_domain::l10n::Localize;
use beffroi_domain::msg;
use beffroi_domain::report::{NewReport, ReportReceipt, StaffReport, StatusUpdate};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::ApiError;
use crate::photos;
use crate::store::Submitted;

/// The reporter's secret for a report: an HMAC of its id under the server's
/// report key, so a repeated submission gets the same answer without the
/// secret being stored.
pub(crate) fn secret(state: &AppState, id: &str) -> Result<String, ApiError> {
    Ok(hex(&mac(state, id)?.finalize().into_bytes()))
}

fn mac(state: &AppState, id: &str) -> Result<Hmac<Sha256>, ApiError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(state.keys.report_key())
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    mac.update(id.as_bytes());
    Ok(mac)
}

/// Bytes as lowercase hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `secret` is report `id`'s (compared in constant time).
pub(crate) fn secret_matches(state: &AppState, id: &str, secret: &str) -> bool {
    let bytes: Option<Vec<u8>> = (secret.len() == 64)
        .then(|| {
            (0..64)
                .step_by(2)
                .map(|i| u8::from_str_radix(secret.get(i..i + 2)?, 16).ok())
                .collect()
        })
        .flatten();
    match (bytes, mac(state, id)) {
        (Some(bytes), Ok(mac)) => mac.verify_slice(&bytes).is_ok(),
        _ => false,
    }
}

/// A failure to write photos: 507 when the disk is full (nothing is wrong
/// with the report, the device sends it again later), else internal.
pub(crate) fn storage_error(e: photos::PhotoError) -> ApiError {
    if e.is_disk_full() {
        ApiError::InsufficientStorage(msg!("err-disk-full"))
    } else {
        ApiError::Internal(e.to_string())
    }
}

pub(crate) fn photo_error(e: photos::PhotoError) -> ApiError {
    match e {
        photos::PhotoError::TooLarge(_) => ApiError::PayloadTooLarge(e.msg()),
        photos::PhotoError::NotAnImage(_) => ApiError::UnsupportedMediaType(e.msg()),
        photos::PhotoError::Io(_) => storage_error(e),
        other => ApiError::Unprocessable("invalid_photo", other.msg()),
    }
}

/// What an accepted submission did.
#[derive(Debug)]
pub struct Received {
    /// Stored now (else the same submission was stored before).
    pub new: bool,
    pub receipt: ReportReceipt,
}

/// Validates, stores and answers a submission: the one intake behind
/// `POST /reports` and Open311's `POST requests`. Photos (received into a
/// staged set) are cleaned first, moved in only once the report committed,
/// and synced before the answer: a refused submission changes no photo.
pub async fn submit(
    state: &AppState,
    mut report: NewReport,
    staged: Option<(photos::Staged, usize)>,
) -> Result<Received, ApiError> {
    report
        .validate(&state.settings.report_categories)
        .map_err(|e| ApiError::invalid("invalid_report", &e))?;
    // A position must be in the territory (or just off its coast).
    let outlines = &state.settings.outlines;
    let near = match &report.location.position {
        Some(at) if !outlines.is_empty() => match outlines.commune_near(at) {
            Some(code) => Some(code.clone()),
            None => {
                return Err(ApiError::Unprocessable(
                    "outside_territory",
                    msg!("err-report-outside", lat = at.lat, lon = at.lon),
                ));
            }
        },
        _ => None,
    };
    let mut hasher = Sha256::new();
    hasher.update(serde_json::to_vec(&report).map_err(|e| ApiError::Internal(e.to_string()))?);
    // One blocking task per submission with photos: it cleans them (their
    // digests go into the report's), syncs them to disk while the report
    // commits, then moves them in if it did (a trip to a blocking thread
    // costs most when the processors are busy: one, not three). With the
    // photos in the database, it hands the set back to be written there.
    let (move_in, moving) = tokio::sync::oneshot::channel::<String>();
    let in_files = matches!(state.photos, photos::Home::Files(_));
    let photos = match staged {
        Some((set, count)) => {
            let cleaning = state
                .photo_cleaning
                .clone()
                .acquire_owned()
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            let (cleaned, digests) = tokio::sync::oneshot::channel();
            let worker = tokio::task::spawn_blocking(move || {
                let mut set = set;
                let clean = (1..=count)
                    .map(|n| set.clean(n).map(|p| Sha256::digest(&p.bytes)))
                    .collect::<Result<Vec<_>, _>>();
                drop(cleaning);
                let failed = clean.is_err();
                let _ = cleaned.send(clean);
                if failed {
                    return Ok(None);
                }
                if !in_files {
                    return Ok(moving.blocking_recv().is_ok().then_some(set));
                }
                set.syncer().sync()?;
                match moving.blocking_recv() {
                    Ok(report) => set.commit(&report).map(|_| None),
                    // The report was not stored: the set goes.
                    Err(_) => Ok(None),
                }
            });
            let digests = digests
                .await
                .map_err(|_| ApiError::Internal("the photo worker stopped".into()))?
                .map_err(photo_error)?;
            for d in digests {
                hasher.update(d);
            }
            Some(worker)
        }
        None => None,
    };
    let digest = hex(&hasher.finalize());
    let id = report.id.clone();
    // A report located by coordinates alone gets its commune from the
    // outlines (after the digest: a re-send is compared as it was sent).
    if report.commune.is_none() {
        report.commune = near;
    }
    let report_commune = report.commune.as_ref().map(|c| c.to_string());
    let (new, received_at) = match state.store.submit_report(report, digest).await? {
        Submitted::New { received_at } => (true, received_at),
        Submitted::Again { received_at } => (false, received_at),
        Submitted::UnknownCommune => {
            return Err(ApiError::Unprocessable(
                "invalid_report",
                msg!(
                    "err-commune-outside",
                    code = report_commune.unwrap_or_default()
                ),
            ));
        }
        Submitted::Clash => {
            return Err(ApiError::Conflict(
                "id_taken",
                msg!("err-report-id-taken", id = &id),
            ));
        }
    };
    let outcome = if new {
        crate::metrics::Outcome::New
    } else {
        crate::metrics::Outcome::Repeat
    };
    state
        .metrics
        .reports
        .get_or_create(&crate::metrics::ReportLabels { outcome })
        .inc();
    // The same report (same content, same photos): its photos move in now
    // unless they already did (a repeat after a crash between the commit
    // and the move, or after a refused move, completes the report).
    if let Some(worker) = photos {
        let _ = move_in.send(id.clone());
        let (home, writes, report) = (state.photos.clone(), state.photo_writes.clone(), id.clone());
        let internal = |e: tokio::task::JoinError| ApiError::Internal(e.to_string());
        // A task of its own: the report is stored, so its photos go in even
        // if the device hangs up meanwhile.
        tokio::spawn(async move {
            let to_write = worker
                .await
                .map_err(internal)?
                .map_err(|e| storage_error(photos::PhotoError::Io(e)))?;
            if let Some(set) = to_write {
                // Sets read whole at once up to a budget (a set is at most
                // 40 MiB).
                let mib = set
                    .size()
                    .map_err(|e| storage_error(photos::PhotoError::Io(e)))?
                    .div_ceil(1024 * 1024)
                    .clamp(1, u64::from(crate::PHOTO_WRITES_MIB));
                let _writing = writes
                    .acquire_many_owned(u32::try_from(mib).unwrap_or(crate::PHOTO_WRITES_MIB))
                    .await
                    .map_err(|e| ApiError::Internal(e.to_string()))?;
                let photos = tokio::task::spawn_blocking(move || set.into_photos())
                    .await
                    .map_err(internal)?
                    .map_err(|e| storage_error(photos::PhotoError::Io(e)))?;
                home.blobs().put_photos(&report, photos).await?;
            }
            Ok::<_, ApiError>(())
        })
        .await
        .map_err(internal)??;
    }
    Ok(Received {
        new,
        receipt: ReportReceipt {
            secret: secret(state, &id)?,
            id,
            received_at,
        },
    })
}

/// Changes a report's status, with a public message to its reporter (a
/// duplicate names the report it duplicates), and tells the devices
/// following it.
pub async fn change_status(
    state: &AppState,
    id: String,
    update: StatusUpdate,
    actor: &str,
) -> Result<StaffReport, ApiError> {
    if update
        .message
        .as_ref()
        .is_some_and(|m| m.chars().count() > 2000)
    {
        return Err(ApiError::Unprocessable(
            "invalid_status",
            msg!("err-status-message-too-long", max = 2000),
        ));
    }
    let changed = state
        .store
        .change_report_status(id.clone(), update, actor.to_owned())
        .await?
        .ok_or_else(|| ApiError::NotFound(msg!("err-no-report", id = &id)))?;
    tracing::info!(staff = actor, report = %id, kind = ?changed.kind, "report status changed");
    let public = state
        .settings
        .report_categories
        .iter()
        .any(|c| c.public && c.id == changed.report.category);
    state
        .announce(crate::store::News::Report {
            id: id.clone(),
            public,
        })
        .await;
    Ok(changed)
}
