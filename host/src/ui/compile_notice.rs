//! Compiles that miss the cache, said while they happen when they take a while: a plugin of a few
//! hundred KiB compiles in a tenth of a second and is not worth a line, an interpreter component
//! of 10–20 MB takes half a minute and must not leave the run silent. After [`QUIET_FOR`] without
//! an end, a line says what is compiling and its size (on an interactive terminal a spinner with
//! the time so far), and another line says when it ended and how long it took.

use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::report::escape::terminal::Inert;
use crate::report::format;
use crate::runner::CompileObserver;

/// How long a compile may go unannounced.
const QUIET_FOR: Duration = Duration::from_secs(1);

/// Shows long compiles on stderr.
pub struct CompileNotice {
    interactive: bool,
    /// The compile going on: the thread that announces it, and how to tell it the compile ended.
    current: Option<(mpsc::Sender<bool>, JoinHandle<()>)>,
}

impl CompileNotice {
    pub fn new() -> Self {
        CompileNotice {
            interactive: std::io::stderr().is_terminal() && std::env::var_os("CI").is_none(),
            current: None,
        }
    }
}

impl Default for CompileNotice {
    fn default() -> Self {
        Self::new()
    }
}

impl CompileObserver for CompileNotice {
    fn compile_started(&mut self, plugin: &str, bytes: u64, engine: &str) {
        let what = format!(
            "{} ({}) for the {engine} engine",
            Inert::line(plugin),
            format::bytes(bytes)
        );
        let interactive = self.interactive;
        let (ended, ending) = mpsc::channel::<bool>();
        let announcer = std::thread::spawn(move || {
            let start = Instant::now();
            let ok = match ending.recv_timeout(QUIET_FOR) {
                Ok(_) | Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => {
                    let message = format!("compiling {what} (not in the cache yet)");
                    let spinner = interactive.then(|| {
                        let spinner =
                            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                        spinner.set_style(
                            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                                .expect("valid template"),
                        );
                        spinner.set_message(message.clone());
                        spinner.enable_steady_tick(Duration::from_millis(120));
                        spinner
                    });
                    if spinner.is_none() {
                        eprintln!("{message}…");
                    }
                    let ok = ending.recv().unwrap_or(false);
                    if let Some(spinner) = spinner {
                        spinner.finish_and_clear();
                    }
                    ok
                }
            };
            let verb = if ok { "compiled" } else { "failed to compile" };
            eprintln!("{verb} {what} in {:.1} s", start.elapsed().as_secs_f64());
        });
        self.current = Some((ended, announcer));
    }

    fn compile_finished(&mut self, _elapsed: Duration, ok: bool) {
        if let Some((ended, announcer)) = self.current.take() {
            let _ = ended.send(ok);
            let _ = announcer.join();
        }
    }
}

impl Drop for CompileNotice {
    fn drop(&mut self) {
        self.compile_finished(Duration::ZERO, false);
    }
}
