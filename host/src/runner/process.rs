//! A worker process's plumbing, whatever its job: starting it (killed with its supervisor), its
//! stdout read as JSON events on a channel (so a watchdog can time out), its stderr's tail kept
//! for a crash message, and how it ended.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::engine::host_memory::HOST_MEMORY_EXIT;
use crate::model::Status;
use crate::runner::limits::{Failure, clip};

/// The hidden subcommand that turns the binary into a worker.
pub const SUBCOMMAND: &str = "__worker";

/// The longest line a worker may send (counters and messages are bounded far below this).
const MAX_LINE: u64 = 16 << 20;
/// How much of a worker's own stderr is kept for a crash message.
const STDERR_TAIL: usize = 4096;

/// A running worker that was given its request, and its events.
pub(crate) struct Worker<T> {
    child: Child,
    events: mpsc::Receiver<Result<T, String>>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

/// What waiting on a worker gave.
pub(crate) enum Next<T> {
    Event(T),
    Nothing,
    /// The worker ended without a last event, or sent an unreadable line.
    Ended(Failure),
}

impl<T: DeserializeOwned + Send + 'static> Worker<T> {
    /// Starts a worker and sends it `request` on stdin.
    pub(crate) fn start(exe: &Path, request: &impl Serialize) -> Result<Self, Failure> {
        let mut child = spawn(exe)?;
        let input = serde_json::to_vec(request)
            .map_err(|e| Failure::new(Status::Error, format!("encoding the job: {e}")))?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        // A worker that dies before reading its job shows up as a closed stdout.
        let _ = stdin.write_all(&input);
        drop(stdin);
        let events = read_lines(child.stdout.take().expect("stdout is piped"));
        let stderr = Some(read_tail(child.stderr.take().expect("stderr is piped")));
        Ok(Worker {
            child,
            events,
            stderr,
        })
    }

    /// The next event, waiting at most `wait`.
    pub(crate) fn next(&mut self, wait: Duration) -> Next<T> {
        match self.events.recv_timeout(wait) {
            Ok(Ok(event)) => Next::Event(event),
            Ok(Err(bad)) => {
                self.kill();
                Next::Ended(Failure::new(
                    Status::Error,
                    format!("the worker sent {bad}"),
                ))
            }
            Err(mpsc::RecvTimeoutError::Timeout) => Next::Nothing,
            Err(mpsc::RecvTimeoutError::Disconnected) => Next::Ended(self.ended()),
        }
    }

    /// Why the worker ended early: its memory budget, a signal or exit code, its stderr's tail.
    fn ended(&mut self) -> Failure {
        let status = self.child.wait();
        if matches!(&status, Ok(s) if s.code() == Some(HOST_MEMORY_EXIT)) {
            return Failure::at_limit(
                Status::MemoryLimit,
                crate::model::LimitHit::of(crate::model::Limit::Memory),
                "host memory limit exceeded: the host held more for the plugins than their budget \
                 (the worker process was stopped)",
            );
        }
        let how = match status {
            Ok(status) => describe_exit(status),
            Err(e) => format!("could not be waited for ({e})"),
        };
        let tail = self
            .stderr
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default();
        let mut message = format!("the worker process {how}");
        if !tail.trim().is_empty() {
            message.push_str(&format!("\nworker stderr: {}", clip(tail.trim())));
        }
        Failure::new(Status::Error, message)
    }

    pub(crate) fn kill(&mut self) {
        kill(&mut self.child);
    }
}

impl<T> Drop for Worker<T> {
    fn drop(&mut self) {
        kill(&mut self.child);
    }
}

pub(crate) fn spawn(exe: &Path) -> Result<Child, Failure> {
    let mut command = Command::new(exe);
    command
        .arg(SUBCOMMAND)
        // The worker's temporary folders go into the run's root, which outlives a killed worker.
        .env(crate::scratch::ENV, crate::scratch::path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: prctl is async-signal-safe; it only asks the kernel to kill the worker when
        // the supervisor dies, so a killed harness leaves no worker running on.
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    command.spawn().map_err(|e| {
        Failure::new(
            Status::Error,
            format!(
                "starting a worker process ({} {SUBCOMMAND}): {e}",
                exe.display()
            ),
        )
    })
}

/// The worker's stdout, one parsed event per line, on a channel (so the watchdog can time out).
pub(crate) fn read_lines<T: DeserializeOwned + Send + 'static>(
    stdout: impl Read + Send + 'static,
) -> mpsc::Receiver<Result<T, String>> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        loop {
            line.clear();
            match (&mut reader).take(MAX_LINE).read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {
                    let parsed = serde_json::from_str::<T>(line.trim_end())
                        .map_err(|e| format!("an unreadable line ({e}): {}", clip(&line)));
                    let stop = parsed.is_err();
                    if send.send(parsed).is_err() || stop {
                        return;
                    }
                }
            }
        }
    });
    receive
}

/// The last [`STDERR_TAIL`] bytes of the worker's stderr, once it closes.
pub(crate) fn read_tail(stderr: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut tail: Vec<u8> = Vec::new();
        let mut buf = [0u8; 4096];
        let mut stderr = stderr;
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 {
                break;
            }
            tail.extend_from_slice(&buf[..n]);
            if tail.len() > 2 * STDERR_TAIL {
                tail.drain(..tail.len() - STDERR_TAIL);
            }
        }
        let start = tail.len().saturating_sub(STDERR_TAIL);
        String::from_utf8_lossy(&tail[start..]).into_owned()
    })
}

pub(crate) fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

pub(crate) fn describe_exit(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("was killed by signal {signal}");
        }
    }
    match status.code() {
        Some(code) => format!("exited with code {code}"),
        None => "ended".into(),
    }
}
