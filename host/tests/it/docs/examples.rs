//! Every shell example of the documentation that runs `wasmbench`, run against the binary under
//! test.
//!
//! A block is a fenced ```sh (or `bash`, `shell`) or ```console block; in a console block the
//! commands are the lines after `$ `. A block *runs wasmbench* when one of its commands starts with
//! `wasmbench` (after `&&`, `;`, `|` or `(` too). The blocks of one page run in order, each as one
//! bash script (`set -eo pipefail`), in one working folder per page that holds a copy of the
//! repository's `suites/` (and of `host/tests/sightglass/`, which `suites/sightglass.toml` names),
//! `base-plugins/` (this build's first-party plugins, standing in for a base branch's build), and
//! a git repository with one commit, so `wasmbench run suites/quick.toml` and
//! `--commit "$(git rev-parse HEAD)"` work as written. A block starts in the folder the previous
//! one ended in (`cd my-plugin` carries over). `wasmbench` is the binary under test, installed
//! alone in a `bin` folder first on the PATH, with its own compile cache shared by every page.
//!
//! Marks, HTML comments on the lines just before a block:
//!
//! - `<!-- docs-test: skip REASON -->`: not run; the reason is required and printed.
//! - `<!-- docs-test: ci-only REASON -->`: run only when `CI` is set (as `.ci/run` sets it);
//!   reported as not run otherwise. For long blocks and ones that build plugins.
//! - `<!-- docs-test: same-as docs/src/PAGE.md -->`: the same commands as a block of that page,
//!   which runs them (checked: the page has a block with this exact script that is not skipped).
//! - `<!-- docs-test: exit=3 -->` (or `exit=0|3 REASON`): every `wasmbench` command of the block
//!   must end with one of these codes; without it, with 0.
//!
//! Every other command of a block must succeed. A block that runs wasmbench commands and has none
//! run (a mark that doesn't belong, a typo) fails the test, as does an unknown mark.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Item, pages, repo, scan_markdown, shown};

/// How long one block may run before it is killed.
const BLOCK_LIMIT: Duration = Duration::from_secs(900);

#[derive(Debug, Default, Clone)]
struct Marks {
    skip: Option<String>,
    ci_only: Option<String>,
    /// A page (repository-relative) with a block of the same commands, run there.
    same_as: Option<String>,
    exit: Option<Vec<i32>>,
}

#[derive(Debug)]
struct Block {
    page: PathBuf,
    line: usize,
    /// The commands as a shell script (console blocks: the `$ ` lines).
    script: String,
    marks: Marks,
    /// The `wasmbench` commands in it.
    commands: usize,
}

impl Block {
    fn place(&self) -> String {
        format!("{}:{}", shown(&self.page), self.line)
    }
}

/// The marks in the comment lines just before a fence.
fn parse_marks(comments: &[String]) -> Result<Marks, String> {
    let mut marks = Marks::default();
    for comment in comments {
        let body = comment
            .trim()
            .strip_prefix("<!--")
            .and_then(|c| c.strip_suffix("-->"))
            .map(str::trim)
            .ok_or_else(|| format!("not a comment: {comment}"))?;
        let Some(mark) = body.strip_prefix("docs-test:") else {
            continue;
        };
        let mark = mark.trim();
        let (word, rest) = mark.split_once(' ').unwrap_or((mark, ""));
        let reason = rest.trim();
        if let Some(codes) = word.strip_prefix("exit=") {
            let codes = codes
                .split('|')
                .map(|c| {
                    c.parse::<i32>()
                        .map_err(|_| format!("bad exit code in `{mark}`"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            marks.exit = Some(codes);
            continue;
        }
        if reason.is_empty() {
            return Err(format!("`docs-test: {word}` needs a reason: `{mark}`"));
        }
        match word {
            "skip" => marks.skip = Some(reason.to_string()),
            "ci-only" => marks.ci_only = Some(reason.to_string()),
            "same-as" => marks.same_as = Some(reason.to_string()),
            _ => {
                return Err(format!(
                    "unknown mark `{word}` (skip, ci-only, same-as, exit=N): `{mark}`"
                ));
            }
        }
    }
    Ok(marks)
}

/// How many commands of `script` start with `wasmbench`.
fn wasmbench_commands(script: &str) -> usize {
    script
        .lines()
        .map(|line| line.split('#').next().unwrap_or(""))
        .flat_map(|line| line.split(['&', ';', '|', '(']))
        .filter(|segment| {
            segment
                .split_whitespace()
                .find(|word| !word.contains('='))
                .is_some_and(|word| word == "wasmbench")
        })
        .count()
}

/// The shell blocks of one page, with their marks.
fn blocks_of(page: &Path) -> Result<Vec<Block>, String> {
    let text = std::fs::read_to_string(page).map_err(|e| format!("{}: {e}", shown(page)))?;
    let mut blocks = Vec::new();
    let mut errors = Vec::new();
    // Comment lines since the last other line: the marks of the next fence.
    let mut pending: Vec<(usize, String)> = Vec::new();
    for item in scan_markdown(&text) {
        match item {
            Item::Line(number, line) => {
                let trimmed = line.trim();
                if trimmed.starts_with("<!--") && trimmed.ends_with("-->") {
                    if pending.last().is_some_and(|(n, _)| *n + 1 != number) {
                        pending.clear();
                    }
                    pending.push((number, trimmed.to_string()));
                } else if !trimmed.is_empty() {
                    if let Some((n, _)) = pending.iter().find(|(_, c)| c.contains("docs-test:")) {
                        errors.push(format!(
                            "{}:{n}: a docs-test mark not followed by a code block",
                            shown(page)
                        ));
                    }
                    pending.clear();
                }
            }
            Item::Fence(info, line, body) => {
                let marked: Vec<String> = if pending.last().is_some_and(|(n, _)| *n + 1 == line) {
                    pending.iter().map(|(_, c)| c.clone()).collect()
                } else {
                    Vec::new()
                };
                pending.clear();
                let lang = info.split([' ', ',']).next().unwrap_or("");
                let script = match lang {
                    "sh" | "bash" | "shell" => body.join("\n"),
                    "console" => console_commands(&body),
                    _ => {
                        if marked.iter().any(|c| c.contains("docs-test:")) {
                            errors.push(format!(
                                "{}:{line}: a docs-test mark on a ```{lang} block (only sh and console blocks run)",
                                shown(page)
                            ));
                        }
                        continue;
                    }
                };
                match parse_marks(&marked) {
                    Ok(marks) => blocks.push(Block {
                        page: page.to_path_buf(),
                        line,
                        commands: wasmbench_commands(&script),
                        script,
                        marks,
                    }),
                    Err(e) => errors.push(format!("{}:{line}: {e}", shown(page))),
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(blocks)
    } else {
        Err(errors.join("\n"))
    }
}

/// The commands of a console block: the lines after `$ `, with their `\` continuations.
fn console_commands(body: &[&str]) -> String {
    let mut out = Vec::new();
    let mut continuing = false;
    for line in body {
        if continuing {
            out.push(line.to_string());
        } else if let Some(command) = line.strip_prefix("$ ") {
            out.push(command.to_string());
        } else {
            continue;
        }
        continuing = line.trim_end().ends_with('\\');
    }
    out.join("\n")
}

/// What the runs share: the installed binary, the compile cache, the base plugins.
struct Machine {
    root: tempfile::TempDir,
    bin: PathBuf,
    cache: PathBuf,
    base_plugins: PathBuf,
}

impl Machine {
    fn new() -> Self {
        let root = tempfile::Builder::new()
            .prefix("wasmbench-docs-")
            .tempdir()
            .expect("creating a temporary folder");
        let bin = root.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        // As `cargo install` leaves it: the binary alone in a folder on the PATH.
        let installed = bin.join("wasmbench");
        if std::fs::hard_link(env!("CARGO_BIN_EXE_wasmbench"), &installed).is_err() {
            std::fs::copy(env!("CARGO_BIN_EXE_wasmbench"), &installed).unwrap();
        }
        let cache = root.path().join("cache");
        // The first-party plugins of this build, as a base branch's build would be: `<name>.wasm`.
        let base_plugins = root.path().join("base-plugins");
        std::fs::create_dir_all(&base_plugins).unwrap();
        for name in wasmbench::plugin::bundled_names() {
            let file = format!("{}.wasm", name.replace('-', "_"));
            let built = Path::new(env!("WASMBENCH_BUILT_PLUGINS")).join(&file);
            std::fs::copy(&built, base_plugins.join(format!("{name}.wasm")))
                .unwrap_or_else(|e| panic!("copying {}: {e}", built.display()));
        }
        Machine {
            root,
            bin,
            cache,
            base_plugins,
        }
    }

    /// A fresh working folder for one page.
    fn workdir(&self, page: &Path) -> PathBuf {
        let name = shown(page).replace(['/', '.'], "-");
        let dir = self.root.path().join("pages").join(name);
        std::fs::create_dir_all(&dir).unwrap();
        copy_tree(&repo().join("suites"), &dir.join("suites"));
        copy_tree(
            &repo().join("host/tests/sightglass"),
            &dir.join("host/tests/sightglass"),
        );
        copy_tree(&self.base_plugins, &dir.join("base-plugins"));
        // A repository with one commit, for `git rev-parse HEAD` and friends.
        let git = |args: &[&str]| {
            Command::new("git")
                .args(args)
                .current_dir(&dir)
                .env("GIT_AUTHOR_NAME", "docs")
                .env("GIT_AUTHOR_EMAIL", "docs@example.invalid")
                .env("GIT_COMMITTER_NAME", "docs")
                .env("GIT_COMMITTER_EMAIL", "docs@example.invalid")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        let _ = git(&["init", "-q", "-b", "main"])
            && git(&["add", "-A"])
            && git(&["commit", "-q", "-m", "docs examples"]);
        dir
    }

    /// Runs one block's script in `cwd`; returns (the folder it ended in, the wasmbench exit codes,
    /// a failure message).
    fn run(&self, block: &Block, index: usize, cwd: &Path, allowed: &[i32]) -> Outcome {
        let scratch = self.root.path().join(format!("block-{index}"));
        std::fs::create_dir_all(&scratch).unwrap();
        let status_file = scratch.join("codes");
        let cwd_file = scratch.join("cwd");
        let script_file = scratch.join("script.sh");
        let allowed_text = allowed
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(" ");
        let prelude = r#"set -eo pipefail
trap 'pwd > "$DOCS_CWD"' EXIT
wasmbench() {
  local rc=0
  command wasmbench "$@" || rc=$?
  echo "$rc" >> "$DOCS_CODES"
  case " $DOCS_ALLOWED " in *" $rc "*) return 0 ;; esac
  echo "docs-test: wasmbench exited $rc (allowed: $DOCS_ALLOWED)" >&2
  return "$rc"
}
export -f wasmbench
"#;
        std::fs::write(&script_file, format!("{prelude}{}\n", block.script)).unwrap();
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![self.bin.clone()];
        dirs.extend(std::env::split_paths(&path));
        let mut cmd = Command::new("bash");
        cmd.arg(&script_file)
            .current_dir(cwd)
            .env("PATH", std::env::join_paths(dirs).unwrap())
            .env("WASMBENCH_CACHE_DIR", &self.cache)
            .env("NO_COLOR", "1")
            .env("DOCS_CODES", &status_file)
            .env("DOCS_CWD", &cwd_file)
            .env("DOCS_ALLOWED", &allowed_text)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Nothing of the test's own environment steers the examples: no plugin path, no history
        // file, no CI job summary to append to, no build settings for a plugin built in a block.
        for var in [
            "WASMBENCH_PLUGIN_PATH",
            "WASMBENCH_HISTORY",
            "GITHUB_STEP_SUMMARY",
            "RUSTFLAGS",
            "CARGO_ENCODED_RUSTFLAGS",
            "CARGO_TARGET_DIR",
            "CARGO_BUILD_TARGET",
            "RUSTC_WORKSPACE_WRAPPER",
        ] {
            cmd.env_remove(var);
        }
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let start = Instant::now();
        let mut child = cmd.spawn().expect("starting bash");
        let out = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        let read = |mut pipe: Box<dyn std::io::Read + Send>| {
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = pipe.read_to_string(&mut text);
                text
            })
        };
        let (out, err) = (read(Box::new(out)), read(Box::new(err)));
        let status = loop {
            if let Some(status) = child.try_wait().expect("waiting for bash") {
                break Some(status);
            }
            if start.elapsed() > BLOCK_LIMIT {
                // SAFETY: kill(2) on the block's own process group.
                unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let elapsed = start.elapsed();
        let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
        let codes: Vec<i32> = std::fs::read_to_string(&status_file)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect();
        let ended_in = std::fs::read_to_string(&cwd_file)
            .map(|p| PathBuf::from(p.trim()))
            .unwrap_or_else(|_| cwd.to_path_buf());
        let mut failure = None;
        match status {
            None => failure = Some(format!("killed after {BLOCK_LIMIT:?}")),
            Some(s) if !s.success() => {
                failure = Some(format!("the block exited with {:?}", s.code()));
            }
            Some(_) if codes.len() < block.commands => {
                failure = Some(format!(
                    "{} of its {} wasmbench commands ran",
                    codes.len(),
                    block.commands
                ));
            }
            Some(_) => {}
        }
        let failure = failure.map(|why| {
            let tail = |text: &str| {
                let lines: Vec<&str> = text.lines().collect();
                lines[lines.len().saturating_sub(40)..].join("\n")
            };
            format!(
                "{}: {why}\n--- script:\n{}\n--- wasmbench exit codes: {codes:?}\n--- stdout (end):\n{}\n--- stderr (end):\n{}",
                block.place(),
                block.script,
                tail(&stdout),
                tail(&stderr)
            )
        });
        Outcome {
            ended_in,
            codes,
            elapsed,
            failure,
        }
    }
}

struct Outcome {
    ended_in: PathBuf,
    codes: Vec<i32>,
    elapsed: Duration,
    failure: Option<String>,
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn every_wasmbench_example_runs() {
    let mut blocks = Vec::new();
    let mut errors = Vec::new();
    for page in pages() {
        match blocks_of(&page) {
            Ok(found) => blocks.extend(found),
            Err(e) => errors.push(e),
        }
    }
    assert!(
        errors.is_empty(),
        "bad docs-test marks:\n{}",
        errors.join("\n")
    );
    let needless: Vec<String> = blocks
        .iter()
        .filter(|b| {
            b.commands == 0
                && (b.marks.skip.is_some()
                    || b.marks.ci_only.is_some()
                    || b.marks.same_as.is_some()
                    || b.marks.exit.is_some())
        })
        .map(|b| {
            format!(
                "{}: a docs-test mark on a block that runs no wasmbench command",
                b.place()
            )
        })
        .collect();
    assert!(needless.is_empty(), "{}", needless.join("\n"));
    let mut same = Vec::new();
    for block in blocks.iter().filter(|b| b.marks.same_as.is_some()) {
        let page = block.marks.same_as.as_deref().unwrap();
        let twin = blocks.iter().find(|b| {
            shown(&b.page) == page
                && b.script == block.script
                && b.marks.skip.is_none()
                && b.marks.same_as.is_none()
        });
        assert!(
            twin.is_some(),
            "{}: `same-as {page}`, but {page} has no block of the same commands that runs",
            block.place()
        );
        same.push(format!("{} (as {})", block.place(), twin.unwrap().place()));
    }
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    let machine = Machine::new();
    let mut by_page: BTreeMap<PathBuf, Vec<&Block>> = BTreeMap::new();
    for block in blocks.iter().filter(|b| b.commands > 0) {
        by_page.entry(block.page.clone()).or_default().push(block);
    }

    let start = Instant::now();
    let (mut ran, mut commands, mut skipped, mut not_run) = (0, 0, Vec::new(), Vec::new());
    let mut failures = Vec::new();
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    let mut index = 0;
    for (page, page_blocks) in &by_page {
        let mut cwd: Option<PathBuf> = None;
        for block in page_blocks {
            if block.marks.same_as.is_some() {
                continue;
            }
            if let Some(reason) = &block.marks.skip {
                skipped.push(format!("{} ({reason})", block.place()));
                continue;
            }
            if let Some(reason) = &block.marks.ci_only
                && !ci
            {
                not_run.push(format!("{} ({reason})", block.place()));
                continue;
            }
            let dir = cwd.get_or_insert_with(|| machine.workdir(page)).clone();
            let allowed = block.marks.exit.clone().unwrap_or_else(|| vec![0]);
            index += 1;
            let outcome = machine.run(block, index, &dir, &allowed);
            ran += 1;
            commands += outcome.codes.len();
            slowest.push((outcome.elapsed, block.place()));
            cwd = Some(outcome.ended_in);
            if let Some(failure) = outcome.failure {
                failures.push(failure);
            }
        }
    }
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut report = format!(
        "docs examples: {ran} blocks run ({commands} wasmbench commands) in {:.1} s; \
         {} ci-only not run{}; {} skipped; {} the same as another page's\n",
        start.elapsed().as_secs_f64(),
        not_run.len(),
        if ci { "" } else { " (CI is not set)" },
        skipped.len(),
        same.len()
    );
    for (elapsed, place) in slowest.iter().take(5) {
        report += &format!("  slowest: {place} {:.1} s\n", elapsed.as_secs_f64());
    }
    for place in &not_run {
        report += &format!("  ci-only, not run: {place}\n");
    }
    for place in &skipped {
        report += &format!("  skipped: {place}\n");
    }
    for place in &same {
        report += &format!("  the same commands as: {place}\n");
    }
    eprint!("{report}");
    assert!(ran > 0, "no example ran\n{report}");
    assert!(
        failures.is_empty(),
        "{} example(s) failed:\n\n{}\n\n{report}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn marks_are_read_as_documented() {
    let marks = parse_marks(&["<!-- docs-test: exit=0|3 wall time may gate -->".into()]).unwrap();
    assert_eq!(marks.exit, Some(vec![0, 3]));
    assert!(parse_marks(&["<!-- docs-test: skip -->".into()]).is_err());
    assert!(parse_marks(&["<!-- docs-test: skipp because -->".into()]).is_err());
    let marks = parse_marks(&["<!-- docs-test: ci-only slow -->".into()]).unwrap();
    assert_eq!(marks.ci_only.as_deref(), Some("slow"));
    assert_eq!(wasmbench_commands("wasmbench run x.toml # wasmbench"), 1);
    assert_eq!(
        wasmbench_commands("cd p && cargo build && wasmbench run s.toml"),
        1
    );
    assert_eq!(wasmbench_commands("X=1 wasmbench list | head"), 1);
    assert_eq!(wasmbench_commands("cargo run -p wasmbench -- list"), 0);
    assert_eq!(
        console_commands(&["$ wasmbench list \\", "  --no-warm", "cpu  fib", "$ ls"]),
        "wasmbench list \\\n  --no-warm\nls"
    );
}
