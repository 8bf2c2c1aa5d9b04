//! The advice pages: staff write a page's versions (checked against the
//! domain rules and the territory); residents' devices and pages read them.

use beffroi_domain::advice::{self, Advice, AdviceDraft};
use time::OffsetDateTime;

use crate::AppState;
use crate::error::ApiError;
use crate::store::AdviceWrite;

/// Checks a draft against the domain rules and the territory's communes.
async fn checked(state: &AppState, draft: AdviceDraft) -> Result<AdviceDraft, ApiError> {
    let draft = draft.tidied();
    draft
        .validate()
        .map_err(|e| ApiError::invalid("invalid_advice", &e))?;
    super::in_territory(state, &draft.communes, "invalid_advice").await?;
    Ok(draft)
}

/// Writes a page's next version: a new page under `id` when `expected` is
/// `None`, else the version the writer read; `None` as the draft withdraws it.
pub async fn write(
    state: &AppState,
    id: String,
    expected: Option<u32>,
    draft: Option<AdviceDraft>,
    actor: &str,
) -> Result<Advice, ApiError> {
    if expected.is_none() {
        advice::check_id(&id).map_err(|e| ApiError::invalid("invalid_advice", &e))?;
    }
    let draft = match draft {
        Some(d) => Some(checked(state, d).await?),
        None => None,
    };
    let withdraws = draft.is_none();
    let page = state
        .store
        .write_advice(AdviceWrite {
            id,
            expected,
            draft,
            // To the nanosecond: the pages are listed the latest changed first.
            at: OffsetDateTime::now_utc(),
            actor: actor.to_owned(),
        })
        .await?;
    if expected != Some(page.version) {
        // A new version (the same content again makes none).
        state.announce(crate::store::News::Advice).await;
    }
    tracing::info!(
        staff = %actor,
        advice = %page.id,
        version = page.version,
        withdrawn = withdraws,
        "advice page written"
    );
    Ok(page)
}
