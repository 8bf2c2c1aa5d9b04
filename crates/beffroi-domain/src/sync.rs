//! One-way delta sync: the server assigns every change a cursor from one
//! monotonically increasing sequence; a client asks for what came after the
//! cursor it holds and applies each page idempotently (upsert / delete by id).

use serde::{Deserialize, Serialize};

/// A position in the server's change sequence. `Cursor::START` is before any change.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "number"))]
pub struct Cursor(pub u64);

impl Cursor {
    pub const START: Cursor = Cursor(0);
}

/// The most items a page may hold, whatever a client asks for.
pub const MAX_PAGE_LIMIT: u32 = 1000;
/// The page size when a client does not say.
pub const DEFAULT_PAGE_LIMIT: u32 = 500;

/// Clamps a requested page size to `1..=MAX_PAGE_LIMIT`.
pub fn page_limit(requested: Option<u32>) -> u32 {
    requested
        .unwrap_or(DEFAULT_PAGE_LIMIT)
        .clamp(1, MAX_PAGE_LIMIT)
}

/// One page of changes after a cursor, in cursor order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SyncPage<T> {
    /// Items created or changed after the asked cursor.
    pub items: Vec<T>,
    /// Ids of items deleted after the asked cursor (tombstones).
    pub deleted: Vec<String>,
    /// The cursor to ask from next time; equal to the asked one when nothing changed.
    pub next_cursor: Cursor,
    /// Whether more changes wait after `next_cursor`.
    pub has_more: bool,
    /// The server's newest cursor for this resource, when it says (alerts):
    /// a device holding a cursor beyond it was misled and goes back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub latest: Option<Cursor>,
}

impl<T> SyncPage<T> {
    /// Builds a page from changes fetched with `limit + 1` rows: the extra row,
    /// if present, only tells that there is more.
    pub fn from_changes(
        since: Cursor,
        mut changes: Vec<(Cursor, Change<T>)>,
        limit: u32,
    ) -> SyncPage<T> {
        let has_more = changes.len() > limit as usize;
        changes.truncate(limit as usize);
        let next_cursor = changes.last().map_or(since, |(c, _)| *c);
        let mut items = Vec::new();
        let mut deleted = Vec::new();
        for (_, change) in changes {
            match change {
                Change::Upsert(item) => items.push(item),
                Change::Delete(id) => deleted.push(id),
            }
        }
        SyncPage {
            items,
            deleted,
            next_cursor,
            has_more,
            latest: None,
        }
    }
}

/// One entry of a change log.
#[derive(Debug, Clone, PartialEq)]
pub enum Change<T> {
    Upsert(T),
    Delete(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_reports_more_and_advances_cursor() {
        let changes = vec![
            (Cursor(3), Change::Upsert("a")),
            (Cursor(5), Change::Delete("b".into())),
            (Cursor(9), Change::Upsert("c")),
        ];
        let page = SyncPage::from_changes(Cursor(2), changes.clone(), 2);
        assert_eq!(page.items, vec!["a"]);
        assert_eq!(page.deleted, vec!["b".to_owned()]);
        assert_eq!(page.next_cursor, Cursor(5));
        assert!(page.has_more);

        let last = SyncPage::from_changes(Cursor(2), changes, 3);
        assert_eq!(last.next_cursor, Cursor(9));
        assert!(!last.has_more);
    }

    #[test]
    fn empty_page_keeps_cursor() {
        let page = SyncPage::<()>::from_changes(Cursor(7), vec![], 10);
        assert_eq!(page.next_cursor, Cursor(7));
        assert!(!page.has_more && page.items.is_empty());
    }

    #[test]
    fn limits_are_clamped() {
        assert_eq!(page_limit(None), DEFAULT_PAGE_LIMIT);
        assert_eq!(page_limit(Some(0)), 1);
        assert_eq!(page_limit(Some(1_000_000)), MAX_PAGE_LIMIT);
    }
}
