//! The workflows (alerts' publication, update and cancellation; report
//! intake and status changes), called by the HTTP handlers, the CAP intake
//! and the tests alike. Handlers read requests and shape answers; what
//! happens to the town hall's data happens here.

pub mod alerts;
pub mod measures;
pub mod reports;
