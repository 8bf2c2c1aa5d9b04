//! The workflows (alerts' publication, update and cancellation; report
//! intake and status changes), called by the HTTP handlers, the CAP intake
//! and the tests alike. Handlers read requests and shape answers; what
//! happens to the town hall's data happens here.

pub mod advice;
pub mod alerts;
pub mod measures;
pub mod reports;

/// Refuses (422, `code`) a list naming a commune outside the territory.
pub async fn in_territory(
    state: &crate::AppState,
    communes: &[beffroi_domain::InseeCode],
    code: &'static str,
) -> Result<(), crate::error::ApiError> {
    if communes.is_empty() {
        return Ok(());
    }
    let known = state.store.communes().await?;
    match communes
        .iter()
        .find(|c| !known.iter().any(|k| &k.code == *c))
    {
        Some(unknown) => Err(crate::error::ApiError::Unprocessable(
            code,
            beffroi_domain::msg!("err-commune-outside", code = unknown.as_str()),
        )),
        None => Ok(()),
    }
}
