//! A core module's expected output, found and compared the way sightglass does: for each stream,
//! `<stem>.<stream>.expected` beside the module, else the folder's `default.<stream>.expected`;
//! compared line by line, so a missing final newline or `\r\n` line endings don't count.

use std::path::{Path, PathBuf};

use crate::input::Kind;
use crate::model::Status;
use crate::results::OutputCheck;

use super::limits::Failure;

/// What a core module's stdout and stderr are checked against.
#[derive(Debug, Default)]
pub struct ExpectedOutput {
    pub stdout: Option<ExpectedFile>,
    pub stderr: Option<ExpectedFile>,
}

#[derive(Debug)]
pub struct ExpectedFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

impl ExpectedOutput {
    /// Finds and reads the expected-output files of `module` (each a regular file of at most
    /// 16 MiB, [`Kind::ExpectedOutput`]); the error names the file and the reason.
    pub fn read(module: &Path) -> Result<Self, String> {
        Ok(ExpectedOutput {
            stdout: find(module, "stdout")?,
            stderr: find(module, "stderr")?,
        })
    }

    /// Which files the output is checked against, for results.json.
    pub fn check_record(&self) -> OutputCheck {
        let shown =
            |file: &Option<ExpectedFile>| file.as_ref().map(|f| f.path.display().to_string());
        OutputCheck {
            stdout: shown(&self.stdout),
            stderr: shown(&self.stderr),
        }
    }

    /// Fails with `wrong-output` when captured output differs from an expected file.
    pub fn check(&self, stdout: &[u8], stderr: &[u8]) -> Result<(), Failure> {
        for (name, expected, got) in [
            ("stdout", &self.stdout, stdout),
            ("stderr", &self.stderr, stderr),
        ] {
            let Some(expected) = expected else { continue };
            if let Some(difference) = first_difference(&expected.bytes, got) {
                let file = expected
                    .path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy();
                return Err(Failure::new(
                    Status::WrongOutput,
                    format!("{name} differs from {file}: {difference}"),
                ));
            }
        }
        Ok(())
    }
}

/// Where `module`'s expected `stream` output may be, in order: `<stem>.<stream>.expected`, then
/// `default.<stream>.expected` in its folder.
pub fn candidates(module: &Path, stream: &str) -> [PathBuf; 2] {
    [
        module.with_extension(format!("{stream}.expected")),
        module.with_file_name(format!("default.{stream}.expected")),
    ]
}

/// The first of [`candidates`] that exists, read.
fn find(module: &Path, stream: &str) -> Result<Option<ExpectedFile>, String> {
    for path in candidates(module, stream) {
        match crate::input::read(&path, Kind::ExpectedOutput) {
            Ok(bytes) => return Ok(Some(ExpectedFile { path, bytes })),
            Err(e) if e.is_not_found() => continue,
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(None)
}

/// Output as sightglass compares it (Rust's `str::lines`): split at `\n`, a `\r` before it dropped,
/// no empty line after a final `\n`.
fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    if bytes.is_empty() {
        return Vec::new();
    }
    body.split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .collect()
}

/// The longest line shown in an output difference.
const MAX_DIFF_LINE: usize = 120;

/// Where `got` first departs from `expected`, line by line: `None` when their lines are equal.
pub fn first_difference(expected: &[u8], got: &[u8]) -> Option<String> {
    let (expected_lines, got_lines) = (lines(expected), lines(got));
    if expected_lines == got_lines {
        return None;
    }
    let show = |line: Option<&&[u8]>| match line {
        None => "end of output".to_string(),
        Some(line) => {
            let text = String::from_utf8_lossy(line);
            let mut shown: String = text.chars().take(MAX_DIFF_LINE).collect();
            if shown.len() < text.len() {
                shown.push('…');
            }
            format!("{shown:?}")
        }
    };
    let at = expected_lines
        .iter()
        .zip(&got_lines)
        .position(|(e, g)| e != g)
        .unwrap_or(expected_lines.len().min(got_lines.len()));
    let count = |n: usize| format!("{n} line{}", if n == 1 { "" } else { "s" });
    Some(format!(
        "first difference at line {}: expected {}, got {} ({} expected, {} got)",
        at + 1,
        show(expected_lines.get(at)),
        show(got_lines.get(at)),
        count(expected_lines.len()),
        count(got_lines.len())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_lines_have_no_difference_whatever_the_line_endings() {
        assert_eq!(first_difference(b"a\nb\n", b"a\nb\n"), None);
        assert_eq!(first_difference(b"", b""), None);
        // sightglass accepts these: libsodium's `default.stdout.expected` is "0" without a newline.
        assert_eq!(first_difference(b"0", b"0\n"), None);
        assert_eq!(first_difference(b"a\r\nb\r\n", b"a\nb"), None);
    }

    #[test]
    fn the_first_differing_line_is_named() {
        let d = first_difference(b"one\ntwo\nthree\n", b"one\ntwo\n3\n").unwrap();
        assert!(
            d.starts_with("first difference at line 3: expected \"three\", got \"3\""),
            "{d}"
        );
        let d = first_difference(b"one\ntwo\n", b"one\n").unwrap();
        assert!(
            d.contains("line 2: expected \"two\", got end of output"),
            "{d}"
        );
        // An extra empty line is a line: "a\n\n" is ["a", ""].
        let d = first_difference(b"a\n", b"a\n\n").unwrap();
        assert!(
            d.contains("line 2: expected end of output, got \"\""),
            "{d}"
        );
        let long = "x".repeat(500);
        let d = first_difference(long.as_bytes(), b"y").unwrap();
        assert!(d.len() < 400, "{d}");
    }

    #[test]
    fn a_module_falls_back_to_the_folders_default_files() {
        let dir = tempfile::tempdir().unwrap();
        let module = dir.path().join("auth.wasm");
        std::fs::write(dir.path().join("default.stdout.expected"), "0").unwrap();
        std::fs::write(dir.path().join("auth.stderr.expected"), "own").unwrap();
        std::fs::write(dir.path().join("default.stderr.expected"), "default").unwrap();
        let expected = ExpectedOutput::read(&module).unwrap();
        let record = expected.check_record();
        assert!(record.stdout.unwrap().ends_with("default.stdout.expected"));
        assert!(record.stderr.unwrap().ends_with("auth.stderr.expected"));
        assert!(expected.check(b"0\n", b"own").is_ok());
        let wrong = expected.check(b"1\n", b"own").unwrap_err();
        assert_eq!(wrong.status, Status::WrongOutput);
        assert!(
            wrong.message.contains("default.stdout.expected"),
            "{}",
            wrong.message
        );

        let bare = tempfile::tempdir().unwrap();
        let none = ExpectedOutput::read(&bare.path().join("x.wasm")).unwrap();
        assert_eq!(none.check_record(), OutputCheck::default());
    }
}
