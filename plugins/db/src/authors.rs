//! The first `authors` authors with their books' titles: a query per author (N+1) vs one join.

use wasmbench_sdk::db::{self, Value};
use wasmbench_sdk::{Outcome, Params, Workload, fnv1a};

use crate::{column, int_column, int_param, require_db};

const PARAMS: &[(&str, &str)] = &[("authors", "50")];

/// One author and the titles of their books in book id order, as both workloads build it.
struct Author {
    id: i64,
    name: Value,
    titles: Vec<Value>,
}

/// The digest of the authors in order: id, name, number of titles and the titles.
fn outcome(authors: &[Author]) -> Outcome {
    let mut hash = fnv1a(0, &(authors.len() as u64).to_le_bytes());
    let mut books = 0;
    for author in authors {
        hash = Value::Integer(author.id).digest(hash);
        hash = author.name.digest(hash);
        hash = Value::Integer(author.titles.len() as i64).digest(hash);
        hash = author
            .titles
            .iter()
            .fold(hash, |hash, title| title.digest(hash));
        books += author.titles.len() as u64;
    }
    Outcome::new(hash, authors.len() as u64).counter("books", books)
}

/// One query for the authors, then one query per author for its books: `authors + 1` round trips.
pub(crate) struct AuthorsNPlusOne {
    authors: i64,
}

impl Workload for AuthorsNPlusOne {
    const NAME: &'static str = "authors-n-plus-one";
    const DESCRIPTION: &'static str = "the first `authors` authors with their books' titles, one \
         query for the authors and then one per author (N+1 round trips)";
    const UNIT: &'static str = "authors";
    const PARAMS: &'static [(&'static str, &'static str)] = PARAMS;

    fn setup(params: &Params) -> Result<Self, String> {
        require_db()?;
        Ok(AuthorsNPlusOne {
            authors: int_param(params, "authors", 1)?,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let conn = db::connect().map_err(|e| format!("connecting: {e}"))?;
        let rows = conn
            .query(
                "SELECT id, name FROM authors ORDER BY id LIMIT ?1",
                &[self.authors.into()],
            )
            .map_err(|e| format!("authors query: {e}"))?;
        let mut authors = Vec::with_capacity(rows.rows.len());
        for row in rows.rows {
            let id = int_column(&row, 0, "authors query")?;
            let name = column(&row, 1, "authors query")?.clone();
            let books = conn
                .query(
                    "SELECT title FROM books WHERE author_id = ?1 ORDER BY id",
                    &[id.into()],
                )
                .map_err(|e| format!("books query of author {id}: {e}"))?;
            let titles = books
                .rows
                .into_iter()
                .map(|row| row.into_iter().next())
                .collect::<Option<Vec<Value>>>()
                .ok_or_else(|| format!("books query of author {id}: a row without columns"))?;
            authors.push(Author { id, name, titles });
        }
        Ok(outcome(&authors))
    }
}

/// One query joining the authors to their books, ordered by author id then book id: one round
/// trip.
pub(crate) struct AuthorsJoin {
    authors: i64,
}

impl Workload for AuthorsJoin {
    const NAME: &'static str = "authors-join";
    const DESCRIPTION: &'static str = "the first `authors` authors with their books' titles in one \
         query joining authors to books (one round trip)";
    const UNIT: &'static str = "authors";
    const PARAMS: &'static [(&'static str, &'static str)] = PARAMS;

    fn setup(params: &Params) -> Result<Self, String> {
        require_db()?;
        Ok(AuthorsJoin {
            authors: int_param(params, "authors", 1)?,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        // LEFT JOIN keeps an author without books (a NULL title), as the N+1 version lists it.
        let rows = db::query(
            "SELECT a.id, a.name, b.title \
             FROM (SELECT id, name FROM authors ORDER BY id LIMIT ?1) AS a \
             LEFT JOIN books AS b ON b.author_id = a.id \
             ORDER BY a.id, b.id",
            &[self.authors.into()],
        )
        .map_err(|e| format!("join query: {e}"))?;
        let mut authors: Vec<Author> = Vec::new();
        for row in rows.rows {
            let id = int_column(&row, 0, "join query")?;
            let title = column(&row, 2, "join query")?;
            if authors.last().is_none_or(|author| author.id != id) {
                authors.push(Author {
                    id,
                    name: column(&row, 1, "join query")?.clone(),
                    titles: Vec::new(),
                });
            }
            let author = authors.last_mut().expect("an author was just pushed");
            if !matches!(title, Value::Null) {
                author.titles.push(title.clone());
            }
        }
        Ok(outcome(&authors))
    }
}
