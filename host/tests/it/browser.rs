//! Headless Chromium for the tests that need a real browser (`report_html`), and whether they may
//! skip without one.
//!
//! A browser test skips, with a message, when no working Chromium is found — unless the browser is
//! required: `WASMBENCH_REQUIRE_BROWSER=1` (which `.ci/run` exports) or `CI` is set. Then a missing
//! Chromium, or one that can't start and run a page's script, fails the test instead.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Whether a missing or broken browser fails the browser tests rather than skipping them.
pub fn required() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    set("WASMBENCH_REQUIRE_BROWSER") || set("CI")
}

/// A Chromium that starts headless and runs JavaScript, or `None` after printing why `test` is
/// skipped; panics instead when the browser is [`required`].
pub fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    match working_chromium() {
        Ok(browser) => Some(browser),
        Err(why) if required() => panic!(
            "{why}; the browser is required here (WASMBENCH_REQUIRE_BROWSER or CI is set): \
             install Debian's `chromium` (.ci/run does)"
        ),
        Err(why) => {
            eprintln!(
                "SKIPPED {test}: {why} (install Debian's `chromium`; with \
                 WASMBENCH_REQUIRE_BROWSER=1 or CI set the test fails instead of skipping)"
            );
            None
        }
    }
}

/// The first of `chromium`, `chromium-browser` on PATH that shows a page and runs its script.
fn working_chromium() -> Result<PathBuf, String> {
    let name = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .ok_or("no chromium on PATH")?;
    let browser = PathBuf::from(name);
    // A page whose only content is what its script writes: a browser that doesn't start, or
    // renders without running scripts, can't produce the marker.
    let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
    let page = profile.path().join("probe.html");
    std::fs::write(
        &page,
        "<!doctype html><title>probe</title><body><script>\
         document.body.setAttribute('data-probe', 'script-' + 'ran');</script></body>",
    )
    .map_err(|e| e.to_string())?;
    let (code, dom, stderr) = run(
        &browser,
        &profile.path().join("profile"),
        &page,
        &["--dump-dom".into()],
    )?;
    if !dom.contains("data-probe=\"script-ran\"") {
        return Err(format!(
            "`{name}` did not show a page and run its script (exit code {code:?}); \
             its DOM:\n{dom}\n--- its stderr:\n{stderr}"
        ));
    }
    Ok(browser)
}

/// Runs headless Chromium on `page` with the network cut off; returns (stdout, stderr). Panics if
/// it does not start or exits with an error.
pub fn headless(browser: &Path, profile: &Path, page: &Path, extra: &[String]) -> (String, String) {
    let (code, stdout, stderr) =
        run(browser, profile, page, extra).unwrap_or_else(|why| panic!("{why}"));
    assert_eq!(code, Some(0), "chromium failed\n--- stderr:\n{stderr}");
    (stdout, stderr)
}

/// Runs headless Chromium: (exit code, stdout, stderr), or why it could not.
fn run(
    browser: &Path,
    profile: &Path,
    page: &Path,
    extra: &[String],
) -> Result<(Option<i32>, String, String), String> {
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(format!("file://{}", page.display()))
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let child = cmd
        .spawn()
        .map_err(|e| format!("starting {}: {e}", browser.display()))?;
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let output = match rx.recv_timeout(Duration::from_secs(90)) {
        Ok(output) => output.map_err(|e| format!("waiting for chromium: {e}"))?,
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(id.to_string()).status();
            return Err("chromium did not finish in 90 s".into());
        }
    };
    Ok((
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ))
}

/// Width and height from a PNG's IHDR chunk.
pub fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

/// Asserts the report's inline script ran in the browser: the page as written has its two
/// "Expand all / Collapse all" buttons `hidden`, and only the script unhides them, so the DOM the
/// browser dumped must have both, unhidden.
pub fn assert_report_script_ran(html: &str, dom: &str) {
    let buttons = |page: &str| -> Vec<String> {
        page.split("class=\"toggle-details\"")
            .skip(1)
            .map(|rest| rest[..rest.find('>').unwrap()].to_string())
            .collect()
    };
    let written = buttons(html);
    assert!(
        written.len() == 2 && written.iter().all(|b| b.contains("hidden")),
        "the report as written should have two hidden toggle buttons for its script to unhide: \
         {written:?}"
    );
    let shown = buttons(dom);
    assert_eq!(
        shown.len(),
        2,
        "the browser's DOM lacks the toggle buttons:\n{dom}"
    );
    assert!(
        shown.iter().all(|b| !b.contains("hidden")),
        "the inline script did not run: {shown:?}"
    );
}
