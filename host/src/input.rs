//! Reading the files a user hands the harness (suites, results, baselines, journals, plugins and
//! their expected output): only regular files, never more than a cap per kind of file, and never
//! waiting on a FIFO or reading a device without end. Every such read goes through [`read`] or
//! [`read_text`]; an error names the file and the reason.
//!
//! The file is checked twice: by path before it is opened (so a device is never opened at all), and
//! through the opened handle (so a file swapped in between is caught). It is opened non-blocking,
//! so a FIFO swapped in between doesn't hang the open, and read through `take(cap + 1)`, so a file
//! that grows while it is read is still bounded.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

/// What a file is for: it sets the cap and how errors name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A suite (TOML written by hand: the largest real one is a few KiB).
    Suite,
    /// results.json, a saved baseline or a run's journal.jsonl.
    Results,
    /// A plugin: a component or core module, binary or text.
    Wasm,
    /// A core module's `<stem>.stdout.expected` or its folder's `default.stdout.expected` (and
    /// the same for stderr).
    ExpectedOutput,
    /// A report the harness wrote and reads back (comparison.md for a GitHub step summary).
    Report,
}

impl Kind {
    /// The most bytes a file of this kind may hold.
    pub const fn cap(self) -> u64 {
        match self {
            Kind::Suite => 4 << 20,
            // A million samples per bench take ~25 MB of results.json: room for dozens of such
            // benches, while the largest file still parses in a few seconds.
            Kind::Results => 1 << 30,
            // Large language runtimes compiled to wasm are tens of MiB.
            Kind::Wasm => 256 << 20,
            // What a core module's output capture holds (`capability::command::OUTPUT_CAPTURE_BYTES`):
            // a larger expected file could never match.
            Kind::ExpectedOutput => 16 << 20,
            Kind::Report => 64 << 20,
        }
    }

    /// How the cap is named in a message: "a suite".
    pub const fn noun(self) -> &'static str {
        match self {
            Kind::Suite => "a suite",
            Kind::Results => "a results file",
            Kind::Wasm => "a wasm plugin",
            Kind::ExpectedOutput => "an expected-output file",
            Kind::Report => "a report",
        }
    }
}

/// A file that can't be used as input, and why.
#[derive(Debug)]
pub struct InputError {
    pub path: PathBuf,
    pub reason: Reason,
}

/// Why a file can't be used as input.
#[derive(Debug)]
pub enum Reason {
    /// It can't be found or opened.
    Open(std::io::Error),
    /// It is not a regular file: what it is (`"a FIFO"`).
    NotRegular(&'static str),
    /// Its size is over the cap for its kind.
    TooLarge { size: u64, kind: Kind },
    /// It grew past the cap while it was read.
    Grew { kind: Kind },
    /// Reading failed part-way.
    Read(std::io::Error),
    /// Text was expected.
    NotUtf8,
}

impl InputError {
    /// Whether the file does not exist (callers for which a missing file is normal check this).
    pub fn is_not_found(&self) -> bool {
        matches!(&self.reason, Reason::Open(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Open(e) => write!(f, "cannot open it: {e}"),
            Reason::NotRegular(what) => write!(f, "is {what}, not a regular file"),
            Reason::TooLarge { size, kind } => write!(
                f,
                "is {}, over the {} cap for {}",
                crate::model::size_over(*size, kind.cap()),
                crate::model::size(kind.cap()),
                kind.noun()
            ),
            Reason::Grew { kind } => write!(
                f,
                "grew past the {} cap for {} while it was read",
                crate::model::size(kind.cap()),
                kind.noun()
            ),
            Reason::Read(e) => write!(f, "cannot read it: {e}"),
            Reason::NotUtf8 => write!(f, "is not UTF-8 text"),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for InputError {}

/// The bytes of the regular file at `path`, at most `kind.cap()` of them.
pub fn read(path: &Path, kind: Kind) -> Result<Vec<u8>, InputError> {
    let error = |reason| InputError {
        path: path.to_path_buf(),
        reason,
    };
    // By path first: a device or FIFO is refused without being opened (opening some devices acts).
    let before = std::fs::metadata(path).map_err(|e| error(Reason::Open(e)))?;
    check(&before, kind).map_err(error)?;
    let file = open(path).map_err(|e| error(Reason::Open(e)))?;
    // Then what was opened, in case the path now names something else.
    let opened = file.metadata().map_err(|e| error(Reason::Open(e)))?;
    check(&opened, kind).map_err(error)?;
    let cap = kind.cap();
    let mut bytes = Vec::with_capacity(usize::try_from(opened.len()).unwrap_or(0));
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| error(Reason::Read(e)))?;
    if bytes.len() as u64 > cap {
        return Err(error(Reason::Grew { kind }));
    }
    Ok(bytes)
}

/// [`read`], as UTF-8 text.
pub fn read_text(path: &Path, kind: Kind) -> Result<String, InputError> {
    let bytes = read(path, kind)?;
    String::from_utf8(bytes).map_err(|_| InputError {
        path: path.to_path_buf(),
        reason: Reason::NotUtf8,
    })
}

/// A regular file within the cap, or why not.
fn check(metadata: &Metadata, kind: Kind) -> Result<(), Reason> {
    if !metadata.is_file() {
        return Err(Reason::NotRegular(what_it_is(metadata)));
    }
    if metadata.len() > kind.cap() {
        return Err(Reason::TooLarge {
            size: metadata.len(),
            kind,
        });
    }
    Ok(())
}

/// What a file that is not a regular file is, as a noun phrase.
fn what_it_is(metadata: &Metadata) -> &'static str {
    let file_type = metadata.file_type();
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "not a file"
}

/// Opens for reading without waiting: on unix, a FIFO with no writer would block `open`.
fn open(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("suite.toml");
        std::fs::write(&path, "[[bench]]\n").unwrap();
        assert_eq!(read_text(&path, Kind::Suite).unwrap(), "[[bench]]\n");
    }

    #[test]
    fn other_files_are_refused_with_what_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let error = read(dir.path(), Kind::Suite).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "{}: is a directory, not a regular file",
                dir.path().display()
            )
        );
        #[cfg(unix)]
        {
            let error = read(Path::new("/dev/zero"), Kind::Wasm).unwrap_err();
            assert!(
                error
                    .to_string()
                    .ends_with("is a character device, not a regular file"),
                "{error}"
            );
            let fifo = dir.path().join("fifo");
            let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: `name` is a valid C string; mkfifo only creates a file.
            assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
            let error = read(&fifo, Kind::Results).unwrap_err();
            assert!(
                error.to_string().ends_with("is a FIFO, not a regular file"),
                "{error}"
            );
        }
        let missing = read(&dir.path().join("missing"), Kind::Suite).unwrap_err();
        assert!(missing.is_not_found(), "{missing}");
    }

    #[test]
    fn files_over_the_cap_are_refused_without_being_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.wasm");
        let file = File::create(&path).unwrap();
        // Sparse: no blocks are written.
        file.set_len(Kind::Wasm.cap() * 4).unwrap();
        let error = read(&path, Kind::Wasm).unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with("is 1.00 GiB, over the 256 MiB cap for a wasm plugin"),
            "{error}"
        );
        file.set_len(Kind::Suite.cap() + 1).unwrap();
        let error = read(&path, Kind::Suite).unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with("is 4 MiB + 1 B, over the 4 MiB cap for a suite"),
            "{error}"
        );
        file.set_len(Kind::Suite.cap()).unwrap();
        assert_eq!(
            read(&path, Kind::Suite).unwrap().len() as u64,
            Kind::Suite.cap()
        );
    }

    #[test]
    fn text_must_be_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("suite.toml");
        std::fs::write(&path, b"\xff\xfe[").unwrap();
        let error = read_text(&path, Kind::Suite).unwrap_err();
        assert!(error.to_string().ends_with("is not UTF-8 text"), "{error}");
    }
}
