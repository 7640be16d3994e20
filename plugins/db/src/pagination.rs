//! Page `depth` of the books in `(published, id)` order: `LIMIT … OFFSET` vs a keyset query.

use wasmbench_sdk::db::{self, Value};
use wasmbench_sdk::{Outcome, Params, Workload};

use crate::{digest_rows, int_param, require_db};

const PARAMS: &[(&str, &str)] = &[("depth", "1"), ("page_size", "20")];

/// `depth` (1-based) and `page_size`, with the number of rows before the page.
struct Page {
    page_size: i64,
    /// `(depth - 1) × page_size`: the rows before the page.
    before: i64,
}

impl Page {
    fn from_params(params: &Params) -> Result<Self, String> {
        require_db()?;
        let depth = int_param(params, "depth", 1)?;
        let page_size = int_param(params, "page_size", 1)?;
        let before = (depth - 1)
            .checked_mul(page_size)
            .ok_or_else(|| format!("depth {depth} × page_size {page_size} is too large"))?;
        Ok(Page { page_size, before })
    }
}

/// The page's rows, the same columns for both workloads so their checksums agree.
fn outcome(rows: &db::Rows) -> Outcome {
    Outcome::new(digest_rows(0, rows), rows.rows.len() as u64)
}

/// `LIMIT page_size OFFSET (depth - 1) × page_size`: the database reads and discards every row
/// before the page.
pub(crate) struct PageOffset {
    page: Page,
}

impl Workload for PageOffset {
    const NAME: &'static str = "page-offset";
    const DESCRIPTION: &'static str = "page `depth` of the books by (published, id) with LIMIT/OFFSET: \
         reads and discards every earlier row, so it slows down with depth";
    const UNIT: &'static str = "rows";
    const PARAMS: &'static [(&'static str, &'static str)] = PARAMS;

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(PageOffset {
            page: Page::from_params(params)?,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let rows = db::query(
            "SELECT id, title, published FROM books ORDER BY published, id LIMIT ?1 OFFSET ?2",
            &[self.page.page_size.into(), self.page.before.into()],
        )
        .map_err(|e| format!("page query: {e}"))?;
        Ok(outcome(&rows))
    }
}

/// `WHERE (published, id) > cursor LIMIT page_size`: seeks in the `(published, id)` index to the
/// row after the previous page's last one. The cursor is found in setup (an application keeps it
/// from the previous page).
pub(crate) struct PageKeyset {
    page: Page,
    /// `(published, id)` of the last row before the page; `None` for the first page.
    cursor: Option<(Value, Value)>,
}

impl Workload for PageKeyset {
    const NAME: &'static str = "page-keyset";
    const DESCRIPTION: &'static str = "page `depth` of the books by (published, id) with a keyset \
         query from the previous page's last row: an index seek, the same cost at any depth";
    const UNIT: &'static str = "rows";
    const PARAMS: &'static [(&'static str, &'static str)] = PARAMS;

    fn setup(params: &Params) -> Result<Self, String> {
        let page = Page::from_params(params)?;
        let cursor = if page.before == 0 {
            None
        } else {
            let last_before = db::query(
                "SELECT published, id FROM books ORDER BY published, id LIMIT 1 OFFSET ?1",
                &[(page.before - 1).into()],
            )
            .map_err(|e| format!("finding the cursor: {e}"))?;
            // Past the end, the page is empty as the offset query's is: start after the very last
            // row.
            let last_before = if last_before.rows.is_empty() {
                db::query(
                    "SELECT published, id FROM books ORDER BY published DESC, id DESC LIMIT 1",
                    &[],
                )
                .map_err(|e| format!("finding the last row: {e}"))?
            } else {
                last_before
            };
            // No row at all: the table is empty and the first-page query returns nothing too.
            last_before.rows.into_iter().next().and_then(|row| {
                let mut row = row.into_iter();
                Some((row.next()?, row.next()?))
            })
        };
        Ok(PageKeyset { page, cursor })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let rows = match &self.cursor {
            None => db::query(
                "SELECT id, title, published FROM books ORDER BY published, id LIMIT ?1",
                &[self.page.page_size.into()],
            ),
            Some((published, id)) => db::query(
                "SELECT id, title, published FROM books WHERE (published, id) > (?1, ?2) \
                 ORDER BY published, id LIMIT ?3",
                &[published.clone(), id.clone(), self.page.page_size.into()],
            ),
        }
        .map_err(|e| format!("page query: {e}"))?;
        Ok(outcome(&rows))
    }
}
