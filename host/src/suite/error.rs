//! Where and why a suite is wrong: [`SuiteError`], spans turned into line and column, "did you mean".

use std::fmt;
use std::path::{Path, PathBuf};

/// A suite that can't be used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuiteError {
    pub file: PathBuf,
    /// 1-based line and column, when the error has a place in the file.
    pub position: Option<(usize, usize)>,
    /// Dotted path of the offending key, e.g. `bench[2].samples`.
    pub key: Option<String>,
    pub message: String,
    /// The offending line of the file, for context.
    pub source_line: Option<String>,
}

impl fmt::Display for SuiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": ")?;
        if let Some(key) = &self.key {
            write!(f, "key `{key}`: ")?;
        }
        write!(f, "{}", self.message)?;
        if let (Some((line, _)), Some(text)) = (self.position, &self.source_line) {
            write!(f, "\n  {line:>4} | {text}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SuiteError {}

/// The suite being read, for errors that point into it.
pub(super) struct Ctx<'a> {
    pub(super) file: &'a Path,
    pub(super) text: &'a str,
}

impl Ctx<'_> {
    pub(super) fn error(
        &self,
        span: Option<std::ops::Range<usize>>,
        key: Option<String>,
        message: impl Into<String>,
    ) -> SuiteError {
        let position = span.map(|s| line_column(self.text, s.start));
        SuiteError {
            file: self.file.to_path_buf(),
            position,
            key,
            message: message.into(),
            source_line: position
                .and_then(|(line, _)| self.text.lines().nth(line - 1))
                .map(|l| l.trim_end().to_string()),
        }
    }
}

impl Ctx<'_> {
    /// `key = value` with the value as the suite wrote it (on one line), and `file:line` of it.
    pub(super) fn written_key(
        &self,
        key: &str,
        span: std::ops::Range<usize>,
    ) -> crate::model::WrittenKey {
        let value = self.text.get(span.clone()).unwrap_or_default().trim();
        let (line, _) = line_column(self.text, span.start);
        crate::model::WrittenKey {
            text: format!(
                "{key} = {}",
                crate::model::visible(value, crate::model::Lines::Single)
            ),
            at: format!("{}:{line}", self.file.display()),
        }
    }
}

pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Adds "did you mean" to serde's "unknown field `x`, expected one of `a`, `b`" messages.
pub(super) fn with_suggestion(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((unknown, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match suggest(unknown, candidates.iter().copied()) {
        Some(best) => format!("{message}; did you mean `{best}`?"),
        None => message.to_string(),
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
