//! Every temporary file a run makes — the benches' databases, fixture files, a private compile
//! cache — lives under one folder per run, its scratch root (`$TMPDIR/wasmbench-run-<pid>-…`).
//! Worker processes are told the root (`WASMBENCH_SCRATCH`) and make their folders inside it, so a
//! worker killed at its deadline or by Ctrl-C leaves its files where the supervisor removes them:
//! when the run ends however it ends (returns, fails, is interrupted), and, for a supervisor that
//! was itself killed, when the next run starts (roots of this user whose process is gone).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The environment variable that hands the root to worker processes.
pub const ENV: &str = "WASMBENCH_SCRATCH";
const PREFIX: &str = "wasmbench-run-";

struct Root {
    path: PathBuf,
    /// The supervisor's own root, removed by [`finish`]; `None` in a worker, whose root is its
    /// supervisor's.
    owned: Mutex<Option<tempfile::TempDir>>,
}

static ROOT: OnceLock<Root> = OnceLock::new();

fn root() -> &'static Root {
    ROOT.get_or_init(|| {
        if let Some(path) = std::env::var_os(ENV).map(PathBuf::from)
            && path.is_dir()
        {
            return Root {
                path,
                owned: Mutex::new(None),
            };
        }
        sweep_stale(&std::env::temp_dir());
        match tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .tempdir()
        {
            Ok(dir) => Root {
                path: dir.path().to_path_buf(),
                owned: Mutex::new(Some(dir)),
            },
            // Without a root of its own, folders go straight into the system's temporary folder
            // (and are removed by their own drop, as before).
            Err(_) => Root {
                path: std::env::temp_dir(),
                owned: Mutex::new(None),
            },
        }
    })
}

/// The folder a worker process should make its temporary folders in.
pub fn path() -> &'static Path {
    &root().path
}

/// A new temporary folder (removed when dropped) in the run's scratch root.
pub fn tempdir(prefix: &str) -> std::io::Result<tempfile::TempDir> {
    tempfile::Builder::new().prefix(prefix).tempdir_in(path())
}

/// Removes the run's scratch root with everything left in it (the supervisor's, at the end of
/// the run; nothing in a worker).
pub fn finish() {
    if let Some(root) = ROOT.get()
        && let Some(dir) = root.owned.lock().unwrap_or_else(|e| e.into_inner()).take()
    {
        // A worker killed a moment ago may have had a file half made: try again briefly.
        let path = dir.keep();
        for _ in 0..20 {
            match std::fs::remove_dir_all(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                _ => return,
            }
        }
    }
}

/// Removes scratch roots in `temp` that belong to this user and whose run's process is gone.
fn sweep_stale(temp: &Path) {
    let Ok(entries) = std::fs::read_dir(temp) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<i32>().ok())
        else {
            continue;
        };
        let ours = entry.metadata().is_ok_and(|meta| {
            use std::os::unix::fs::MetadataExt;
            // SAFETY: getuid has no preconditions.
            meta.is_dir() && meta.uid() == unsafe { libc::getuid() }
        });
        if ours && !alive(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether process `pid` exists (signal 0 checks without sending anything).
fn alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks for the process's existence.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_roots_of_gone_runs_are_swept_and_live_ones_kept() {
        let temp = tempfile::tempdir().unwrap();
        let live = temp
            .path()
            .join(format!("{PREFIX}{}-abc", std::process::id()));
        // A pid beyond the kernel's maximum (2^22) never names a live process.
        let gone = temp.path().join(format!("{PREFIX}99999999-abc"));
        let other = temp.path().join("unrelated");
        for dir in [&live, &gone, &other] {
            std::fs::create_dir_all(dir.join("wasmbench-db-x")).unwrap();
            std::fs::write(dir.join("wasmbench-db-x/bench.db"), b"x").unwrap();
        }
        sweep_stale(temp.path());
        assert!(live.exists() && other.exists());
        assert!(!gone.exists());
    }
}
