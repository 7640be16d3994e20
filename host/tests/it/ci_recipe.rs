//! The CI recipe for plugin projects (`action.yml`, the scripts in `ci/`, the GitLab template
//! `ci/gitlab/wasmbench.gitlab-ci.yml`), run the way a CI runner runs it.
//!
//! The GitHub Action: `action.yml` is parsed, and its steps run in order as the runner runs a
//! composite action's: `if:` evaluated (`always()`, `success()`, comparisons of contexts), `${{ }}`
//! substituted from the `inputs`, `github`, `runner`, `env` and `steps` contexts, each `run:` written
//! to a file and run by `bash --noprofile --norc -eo pipefail` (what `shell: bash` means) with
//! `GITHUB_ACTION_PATH` = this repository, `GITHUB_WORKSPACE` = a temporary git repository holding a
//! small plugin project, and fresh `GITHUB_OUTPUT` / `GITHUB_STEP_SUMMARY` / `GITHUB_PATH` /
//! `GITHUB_ENV` files per step, read back as the runner reads them. `uses:` steps are not run; the
//! paths they are given must exist after the run. The install step finds wasmbench already in its
//! tool folder (a link to this test binary, put there as a restored cache would), and a `cargo` that
//! fails comes first on PATH, so a test never starts a 10-minute build.
//!
//! The GitLab template: the hidden job `.wasmbench`, extended with a project's variables, has its
//! `script:` lines run by bash with GitLab's predefined variables and the job's variables expanded.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_json::Value as Json;
use serde_yaml_ng::Value as Yaml;
use tempfile::TempDir;

use crate::common;

/// This repository: the action's checkout (`GITHUB_ACTION_PATH`).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host/ has a parent")
        .to_path_buf()
}

/// A plugin component this build made, e.g. `cpu.wasm`.
fn built_plugin(name: &str) -> PathBuf {
    Path::new(env!("WASMBENCH_BUILT_PLUGINS")).join(format!("{name}.wasm"))
}

// ---------------------------------------------------------------------------------------------
// action.yml as the runner reads it

#[derive(Debug, Deserialize)]
struct Action {
    name: String,
    description: String,
    inputs: BTreeMap<String, ActionInput>,
    outputs: BTreeMap<String, ActionOutput>,
    runs: Runs,
}

#[derive(Debug, Deserialize)]
struct ActionInput {
    description: String,
    default: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ActionOutput {
    description: String,
    value: String,
}

#[derive(Debug, Deserialize)]
struct Runs {
    using: String,
    steps: Vec<Step>,
}

#[derive(Debug, Deserialize)]
struct Step {
    name: Option<String>,
    id: Option<String>,
    #[serde(rename = "if")]
    condition: Option<String>,
    uses: Option<String>,
    #[serde(default)]
    with: BTreeMap<String, Yaml>,
    run: Option<String>,
    shell: Option<String>,
    #[serde(default)]
    env: BTreeMap<String, Yaml>,
    #[serde(rename = "working-directory")]
    working_directory: Option<String>,
}

impl Step {
    fn label(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.id.clone())
            .or_else(|| self.uses.clone())
            .unwrap_or_else(|| "(unnamed step)".into())
    }
}

fn read_action() -> Action {
    let path = repo_root().join("action.yml");
    let text = std::fs::read_to_string(&path).expect("reading action.yml");
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("action.yml: {e}"))
}

/// A YAML scalar as the runner sees it: text.
fn scalar(value: &Yaml) -> String {
    match value {
        Yaml::Null => String::new(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Number(n) => n.to_string(),
        Yaml::String(s) => s.clone(),
        other => panic!("expected a scalar, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Expressions: the subset of GitHub's expression language the action uses, evaluated as the runner
// does (loose equality, case-insensitive string comparison, `&&` / `||` giving an operand).

#[derive(Debug, Clone, PartialEq)]
enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
}

impl Val {
    fn truthy(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Num(n) => *n != 0.0 && !n.is_nan(),
            Val::Str(s) => !s.is_empty(),
        }
    }

    fn text(&self) -> String {
        match self {
            Val::Null => String::new(),
            Val::Bool(b) => b.to_string(),
            Val::Num(n) => n.to_string(),
            Val::Str(s) => s.clone(),
        }
    }

    fn number(&self) -> f64 {
        match self {
            Val::Null => 0.0,
            Val::Bool(b) => f64::from(u8::from(*b)),
            Val::Num(n) => *n,
            Val::Str(s) if s.trim().is_empty() => 0.0,
            Val::Str(s) => s.trim().parse().unwrap_or(f64::NAN),
        }
    }

    fn loosely_equals(&self, other: &Val) -> bool {
        match (self, other) {
            (Val::Str(a), Val::Str(b)) => a.to_lowercase() == b.to_lowercase(),
            (Val::Null, Val::Null) => true,
            (Val::Bool(a), Val::Bool(b)) => a == b,
            _ => self.number() == other.number(),
        }
    }
}

/// What expressions can see.
#[derive(Default)]
struct Contexts {
    inputs: BTreeMap<String, String>,
    github: BTreeMap<String, String>,
    runner: BTreeMap<String, String>,
    env: BTreeMap<String, String>,
    /// Outputs per step id; every declared id is present (a step that didn't run has none).
    steps: BTreeMap<String, BTreeMap<String, String>>,
    /// Whether an earlier step failed (`success()`, `failure()`).
    failed: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Path(String),
    Str(String),
    Num(f64),
    Op(&'static str),
}

fn tokenize(expr: &str) -> Vec<Token> {
    let chars: Vec<char> = expr.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let mut text = String::new();
            i += 1;
            loop {
                assert!(i < chars.len(), "unterminated string in `{expr}`");
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        text.push('\'');
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                text.push(chars[i]);
                i += 1;
            }
            tokens.push(Token::Str(text));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            tokens.push(Token::Num(text.parse().expect("a number")));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '-' | '.'))
            {
                i += 1;
            }
            tokens.push(Token::Path(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = match two.as_str() {
                "==" => Some("=="),
                "!=" => Some("!="),
                "&&" => Some("&&"),
                "||" => Some("||"),
                _ => None,
            };
            if let Some(op) = op {
                tokens.push(Token::Op(op));
                i += 2;
                continue;
            }
            let op = match c {
                '!' => "!",
                '(' => "(",
                ')' => ")",
                _ => panic!("the test can't evaluate `{c}` in `{expr}`"),
            };
            tokens.push(Token::Op(op));
            i += 1;
        }
    }
    tokens
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    cx: &'a Contexts,
    expr: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Some(Token::Op(o)) if *o == op) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Val {
        let mut left = self.and();
        while self.eat("||") {
            let right = self.and();
            left = if left.truthy() { left } else { right };
        }
        left
    }

    fn and(&mut self) -> Val {
        let mut left = self.comparison();
        while self.eat("&&") {
            let right = self.comparison();
            left = if left.truthy() { right } else { left };
        }
        left
    }

    fn comparison(&mut self) -> Val {
        let left = self.unary();
        if self.eat("==") {
            let right = self.unary();
            return Val::Bool(left.loosely_equals(&right));
        }
        if self.eat("!=") {
            let right = self.unary();
            return Val::Bool(!left.loosely_equals(&right));
        }
        left
    }

    fn unary(&mut self) -> Val {
        if self.eat("!") {
            return Val::Bool(!self.unary().truthy());
        }
        self.primary()
    }

    fn primary(&mut self) -> Val {
        if self.eat("(") {
            let value = self.or();
            assert!(self.eat(")"), "missing `)` in `{}`", self.expr);
            return value;
        }
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        match token {
            Some(Token::Str(s)) => Val::Str(s),
            Some(Token::Num(n)) => Val::Num(n),
            Some(Token::Path(path)) => {
                if self.eat("(") {
                    assert!(
                        self.eat(")"),
                        "the test evaluates only `{path}()` without arguments"
                    );
                    return match path.as_str() {
                        "always" => Val::Bool(true),
                        "success" => Val::Bool(!self.cx.failed),
                        "failure" => Val::Bool(self.cx.failed),
                        "cancelled" => Val::Bool(false),
                        other => panic!("the test can't evaluate `{other}()` in `{}`", self.expr),
                    };
                }
                match path.as_str() {
                    "true" => Val::Bool(true),
                    "false" => Val::Bool(false),
                    "null" => Val::Null,
                    _ => self.lookup(&path),
                }
            }
            other => panic!("unexpected {other:?} in `{}`", self.expr),
        }
    }

    fn lookup(&self, path: &str) -> Val {
        let parts: Vec<&str> = path.split('.').collect();
        let cx = self.cx;
        let found = match parts.as_slice() {
            ["inputs", name] => Some(
                cx.inputs
                    .get(*name)
                    .unwrap_or_else(|| panic!("`{path}`: the action declares no input `{name}`")),
            ),
            ["github", name] => cx.github.get(*name),
            ["runner", name] => cx.runner.get(*name),
            ["env", name] => cx.env.get(*name),
            ["steps", id, "outputs", name] => cx
                .steps
                .get(*id)
                .unwrap_or_else(|| panic!("`{path}`: no step has the id `{id}`"))
                .get(*name),
            _ => panic!("the test can't evaluate `{path}` in `{}`", self.expr),
        };
        found.map_or(Val::Null, |s| Val::Str(s.clone()))
    }
}

fn evaluate(expr: &str, cx: &Contexts) -> Val {
    let mut parser = Parser {
        tokens: tokenize(expr),
        at: 0,
        cx,
        expr,
    };
    let value = parser.or();
    assert!(
        parser.at == parser.tokens.len(),
        "the test can't evaluate all of `{expr}`"
    );
    value
}

/// `${{ … }}` in text replaced by the values, as the runner does for `with:`, `env:` and outputs.
fn interpolate(text: &str, cx: &Contexts) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let end = after
            .find("}}")
            .unwrap_or_else(|| panic!("unterminated `${{{{` in `{text}`"));
        out.push_str(&evaluate(&after[..end], cx).text());
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Whether a step with this `if:` runs: without a status function, `success() && (…)`.
fn should_run(condition: Option<&str>, cx: &Contexts) -> bool {
    let Some(condition) = condition else {
        return !cx.failed;
    };
    let mut expr = condition.trim();
    if let Some(inner) = expr.strip_prefix("${{").and_then(|e| e.strip_suffix("}}")) {
        expr = inner.trim();
    }
    let has_status = ["always(", "success(", "failure(", "cancelled("]
        .iter()
        .any(|f| expr.contains(f));
    let value = evaluate(expr, cx).truthy();
    if has_status {
        value
    } else {
        !cx.failed && value
    }
}

// ---------------------------------------------------------------------------------------------
// The files the runner hands a step and reads back

/// `NAME=VALUE` lines and `NAME<<DELIMITER` blocks, as in `$GITHUB_OUTPUT` and `$GITHUB_ENV`.
fn parse_command_file(text: &str) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        let equals = line.find('=');
        let heredoc = line.find("<<");
        match (equals, heredoc) {
            (Some(e), h) if h.is_none_or(|h| e < h) => {
                values.insert(line[..e].to_string(), line[e + 1..].to_string());
            }
            (_, Some(h)) => {
                let (name, delimiter) = (&line[..h], &line[h + 2..]);
                let mut value = Vec::new();
                loop {
                    let line = lines
                        .next()
                        .unwrap_or_else(|| panic!("no closing `{delimiter}` for {name}"));
                    if line == delimiter {
                        break;
                    }
                    value.push(line);
                }
                values.insert(name.to_string(), value.join("\n"));
            }
            _ => panic!("not a command-file line: {line:?}"),
        }
    }
    values
}

// ---------------------------------------------------------------------------------------------
// A runner and the workspace it runs in

/// What one step did.
struct StepRun {
    label: String,
    /// `None`: skipped (or a `uses:` step, which the test doesn't run).
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// What running the action did.
struct ActionRun {
    steps: Vec<StepRun>,
    /// The action's outputs.
    outputs: BTreeMap<String, String>,
    /// Every step's summary, concatenated (the job summary).
    summary: String,
    /// `uses:` steps that ran, with their evaluated `with:`.
    used: Vec<(String, BTreeMap<String, String>)>,
}

impl ActionRun {
    fn transcript(&self) -> String {
        let mut text = String::new();
        for step in &self.steps {
            text.push_str(&format!(
                "=== {} — {}\n",
                step.label,
                step.code
                    .map_or("not run".to_string(), |c| format!("exit code {c}"))
            ));
            if !step.stdout.is_empty() {
                text.push_str(&format!("--- stdout:\n{}\n", step.stdout));
            }
            if !step.stderr.is_empty() {
                text.push_str(&format!("--- stderr:\n{}\n", step.stderr));
            }
        }
        text.push_str(&format!(
            "=== outputs: {:?}\n=== summary:\n{}\n",
            self.outputs, self.summary
        ));
        text
    }

    fn output(&self, name: &str) -> &str {
        self.outputs
            .get(name)
            .unwrap_or_else(|| panic!("no output `{name}`\n{}", self.transcript()))
    }

    /// The step with this label (its `name:`).
    fn step(&self, label: &str) -> &StepRun {
        self.steps
            .iter()
            .find(|s| s.label == label)
            .unwrap_or_else(|| panic!("no step `{label}`\n{}", self.transcript()))
    }

    /// The action's last step: the one that fails the job.
    fn last(&self) -> &StepRun {
        self.steps.last().expect("the action has steps")
    }

    /// Asserts a path output names an existing file.
    fn assert_file_output(&self, name: &str) -> PathBuf {
        let path = PathBuf::from(self.output(name));
        assert!(
            path.is_file(),
            "output {name} = {path:?} is not a file\n{}",
            self.transcript()
        );
        path
    }

    /// Asserts every path a `uses:` step was given exists (the report folder uploaded, the tool
    /// folder cached); returns the uploaded ones.
    fn assert_used_paths_exist(&self) -> Vec<PathBuf> {
        let mut uploaded = Vec::new();
        for (uses, with) in &self.used {
            let path = with
                .get("path")
                .unwrap_or_else(|| panic!("{uses} has no `path`\n{}", self.transcript()));
            assert!(
                !path.is_empty() && Path::new(path).exists(),
                "{uses}: path {path:?} does not exist\n{}",
                self.transcript()
            );
            if uses.starts_with("actions/upload-artifact@") {
                uploaded.push(PathBuf::from(path));
            }
        }
        assert!(
            !uploaded.is_empty(),
            "nothing was uploaded\n{}",
            self.transcript()
        );
        uploaded
    }

    /// Asserts `text` is in the job summary exactly once.
    fn assert_summary_once(&self, text: &str) {
        let count = self.summary.matches(text).count();
        assert_eq!(
            count,
            1,
            "{text:?} is in the job summary {count} times\n{}",
            self.transcript()
        );
    }
}

/// A temporary folder holding the workspace (a git repository with a plugin project), the
/// runner's temp and tool-cache folders, and wasmbench's compile cache.
struct Workspace {
    dir: TempDir,
}

impl Workspace {
    /// A plugin project as `wasmbench new` lays one out: a suite whose bench runs the component
    /// the build writes (`build/cpu.wasm`), committed on `main`.
    fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("wasmbench-ci-")
            .tempdir()
            .expect("creating a temporary folder");
        for sub in [
            "workspace",
            "runner-temp",
            "tool-cache",
            "compile-cache",
            "bin",
        ] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("creating a folder");
        }
        // A cargo that refuses: the install step must find wasmbench in its tool folder.
        let cargo = dir.path().join("bin/cargo");
        std::fs::write(
            &cargo,
            "#!/bin/sh\necho 'test: cargo was called; the install step should have found wasmbench in its tool folder' >&2\nexit 97\n",
        )
        .expect("writing the fake cargo");
        make_executable(&cargo);
        let ws = Workspace { dir };
        ws.write("suite.toml", SUITE);
        ws.write(".gitignore", "/build\n/reports/*\n!/reports/baselines/\n");
        ws.git(&["init", "--quiet", "--initial-branch=main"]);
        ws.git(&["add", "."]);
        ws.git(&["commit", "--quiet", "-m", "a plugin project"]);
        ws
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self) -> PathBuf {
        self.root().join("workspace")
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    fn git(&self, args: &[&str]) -> String {
        let output = Command::new("git")
            .args([
                "-c",
                "user.name=wasmbench test",
                "-c",
                "user.email=test@wasmbench.invalid",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(self.path())
            .output()
            .expect("running git");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// The build command of this project: the component into place, as a real build would write it.
    fn build_command() -> String {
        let plugin = built_plugin("cpu");
        let plugin = plugin.to_str().expect("a UTF-8 path");
        assert!(!plugin.contains('\''), "{plugin}");
        format!("mkdir -p build && cp '{plugin}' build/cpu.wasm")
    }

    /// Builds the head and saves `reports/baselines/main.json` with the test's wasmbench, the
    /// command a developer runs, then commits it; `edit` may change the saved baseline first.
    fn commit_baseline(&self, edit: impl Fn(&mut Json)) {
        let build = Command::new("bash")
            .args(["-c", &Self::build_command()])
            .current_dir(self.path())
            .status()
            .expect("running the build");
        assert!(build.success());
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasmbench"));
        cmd.args(["run", "suite.toml", "--save-baseline", "main", "--out"])
            .arg(self.root().join("first-run"))
            .arg("-q")
            .env("WASMBENCH_CACHE_DIR", self.root().join("compile-cache"))
            .env_remove("GITHUB_STEP_SUMMARY")
            .current_dir(self.path());
        common::execute_watching(cmd, |_| {}).assert_code(0);
        let path = self.path().join("reports/baselines/main.json");
        let mut baseline: Json =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("the saved baseline"))
                .expect("JSON");
        edit(&mut baseline);
        std::fs::write(&path, serde_json::to_string_pretty(&baseline).unwrap()).unwrap();
        self.git(&["add", "reports/baselines/main.json"]);
        self.git(&["commit", "--quiet", "-m", "the baseline"]);
    }

    /// The environment every process the runner starts has: a clean one, with wasmbench's compile
    /// cache in the temporary folder and the refusing cargo first on PATH.
    fn base_env(&self, path_prefix: &[PathBuf]) -> BTreeMap<String, String> {
        let mut env = BTreeMap::new();
        let mut path: Vec<PathBuf> = path_prefix.to_vec();
        path.push(self.root().join("bin"));
        path.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        env.insert(
            "PATH".into(),
            std::env::join_paths(path)
                .unwrap()
                .to_string_lossy()
                .into_owned(),
        );
        for name in ["HOME", "TMPDIR", "LANG"] {
            if let Ok(value) = std::env::var(name) {
                env.insert(name.into(), value);
            }
        }
        env.insert("CI".into(), "true".into());
        env.insert(
            "WASMBENCH_CACHE_DIR".into(),
            self.root().join("compile-cache").display().to_string(),
        );
        env
    }

    /// Runs `action.yml` with these inputs on a pull request into `main`.
    fn run_action(&self, with: &[(&str, &str)]) -> ActionRun {
        let action = read_action();
        assert_eq!(action.runs.using, "composite");
        let workspace = self.path();
        let text_map = |pairs: &[(&str, String)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect()
        };
        let mut cx = Contexts {
            github: text_map(&[
                ("workspace", workspace.display().to_string()),
                ("action_path", repo_root().display().to_string()),
                ("event_name", "pull_request".into()),
                ("base_ref", "main".into()),
                ("head_ref", "feature".into()),
                ("job", "bench".into()),
            ]),
            runner: text_map(&[
                ("os", "Linux".into()),
                ("arch", "X64".into()),
                (
                    "temp",
                    self.root().join("runner-temp").display().to_string(),
                ),
                (
                    "tool_cache",
                    self.root().join("tool-cache").display().to_string(),
                ),
            ]),
            ..Contexts::default()
        };
        // Inputs: the given ones, else the defaults (which may use the github context).
        for (name, _) in with {
            assert!(
                action.inputs.contains_key(*name),
                "action.yml has no input `{name}`"
            );
        }
        for (name, input) in &action.inputs {
            let value = match with.iter().find(|(n, _)| n == name) {
                Some((_, v)) => v.to_string(),
                None => interpolate(input.default.as_deref().unwrap_or(""), &cx),
            };
            cx.inputs.insert(name.clone(), value);
        }
        for step in &action.runs.steps {
            if let Some(id) = &step.id {
                cx.steps.insert(id.clone(), BTreeMap::new());
            }
        }

        let mut run = ActionRun {
            steps: Vec::new(),
            outputs: BTreeMap::new(),
            summary: String::new(),
            used: Vec::new(),
        };
        let mut github_path: Vec<PathBuf> = Vec::new();
        let files = self.root().join("runner-files");
        std::fs::create_dir_all(&files).unwrap();
        for (index, step) in action.runs.steps.iter().enumerate() {
            let label = step.label();
            if !should_run(step.condition.as_deref(), &cx) {
                run.steps.push(StepRun {
                    label,
                    code: None,
                    stdout: String::new(),
                    stderr: String::new(),
                });
                continue;
            }
            if let Some(uses) = &step.uses {
                let with = step
                    .with
                    .iter()
                    .map(|(k, v)| (k.clone(), interpolate(&scalar(v), &cx)))
                    .collect();
                run.used.push((uses.clone(), with));
                run.steps.push(StepRun {
                    label,
                    code: None,
                    stdout: String::new(),
                    stderr: String::new(),
                });
                continue;
            }
            if step.id.as_deref() == Some("install") {
                // A restored cache: the tool folder already holds this version of wasmbench.
                let tool_dir = cx.steps["prepare"].get("tool-dir").cloned();
                let tool_dir = tool_dir.unwrap_or_else(|| {
                    panic!("the prepare step gave no tool-dir\n{}", run.transcript())
                });
                install_test_binary(Path::new(&tool_dir));
            }
            let script = step
                .run
                .as_ref()
                .unwrap_or_else(|| panic!("step `{label}` has neither `uses` nor `run`"));
            assert_eq!(
                step.shell.as_deref(),
                Some("bash"),
                "composite run steps need `shell:`; this recipe uses bash"
            );
            let step_file = |name: &str| {
                let path = files.join(format!("{index}-{name}"));
                std::fs::write(&path, "").unwrap();
                path
            };
            let (output, summary, path_file, env_file) = (
                step_file("output"),
                step_file("summary"),
                step_file("path"),
                step_file("env"),
            );
            let script_file = files.join(format!("{index}.sh"));
            std::fs::write(&script_file, script).unwrap();

            let mut env = self.base_env(&github_path);
            env.extend(cx.env.clone());
            for (name, value) in [
                ("GITHUB_ACTIONS", "true".to_string()),
                ("GITHUB_WORKSPACE", workspace.display().to_string()),
                ("GITHUB_ACTION_PATH", repo_root().display().to_string()),
                ("GITHUB_EVENT_NAME", cx.github["event_name"].clone()),
                ("GITHUB_BASE_REF", cx.github["base_ref"].clone()),
                ("GITHUB_HEAD_REF", cx.github["head_ref"].clone()),
                ("GITHUB_JOB", cx.github["job"].clone()),
                ("GITHUB_OUTPUT", output.display().to_string()),
                ("GITHUB_STEP_SUMMARY", summary.display().to_string()),
                ("GITHUB_PATH", path_file.display().to_string()),
                ("GITHUB_ENV", env_file.display().to_string()),
                ("RUNNER_OS", cx.runner["os"].clone()),
                ("RUNNER_ARCH", cx.runner["arch"].clone()),
                ("RUNNER_TEMP", cx.runner["temp"].clone()),
                ("RUNNER_TOOL_CACHE", cx.runner["tool_cache"].clone()),
            ] {
                env.insert(name.to_string(), value);
            }
            for (name, value) in &step.env {
                env.insert(name.clone(), interpolate(&scalar(value), &cx));
            }
            let cwd = match &step.working_directory {
                Some(dir) => workspace.join(interpolate(dir, &cx)),
                None => workspace.clone(),
            };
            let mut cmd = Command::new("bash");
            cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&script_file)
                .env_clear()
                .envs(&env)
                .current_dir(cwd);
            let result = common::execute_watching(cmd, |_| {});

            if let Some(id) = &step.id {
                let outputs = parse_command_file(&std::fs::read_to_string(&output).unwrap());
                cx.steps.insert(id.clone(), outputs);
            }
            run.summary
                .push_str(&std::fs::read_to_string(&summary).unwrap());
            for line in std::fs::read_to_string(&path_file).unwrap().lines() {
                if !line.is_empty() {
                    github_path.insert(0, PathBuf::from(line));
                }
            }
            cx.env.extend(parse_command_file(
                &std::fs::read_to_string(&env_file).unwrap(),
            ));
            if result.code != Some(0) {
                cx.failed = true;
            }
            run.steps.push(StepRun {
                label,
                code: result.code,
                stdout: result.stdout,
                stderr: result.stderr,
            });
        }
        for (name, output) in &action.outputs {
            run.outputs
                .insert(name.clone(), interpolate(&output.value, &cx));
        }
        run
    }
}

/// Puts this test's wasmbench where `cargo install --root TOOL_DIR` would.
fn install_test_binary(tool_dir: &Path) {
    let bin = tool_dir.join("bin");
    std::fs::create_dir_all(&bin).expect("creating the tool folder");
    let target = bin.join("wasmbench");
    let source = Path::new(env!("CARGO_BIN_EXE_wasmbench"));
    if std::fs::hard_link(source, &target).is_err() {
        std::fs::copy(source, &target).expect("copying wasmbench into the tool folder");
    }
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .expect("making a file executable");
}

/// A cheap suite: one bench of a first-party plugin's component at the path its build writes.
/// One execution, so wall time never gates between separate runs (fuel and memory do, exactly).
const SUITE: &str = r#"# A plugin project's suite.
[suite]
name = "ci-demo"

[defaults]
warmup = 1
samples = 5
fuel_iterations = 1
executions = 1

[[bench]]
id = "cpu/fib"
wasm = "build/cpu.wasm"
workload = "fib"
params = { n = 15 }
"#;

fn read_json(path: &Path) -> Json {
    serde_json::from_str(
        &std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .expect("JSON")
}

// ---------------------------------------------------------------------------------------------
// The GitHub Action

#[test]
fn action_yml_is_a_composite_action_whose_steps_are_scripts() {
    let action = read_action();
    assert_eq!(action.name, "wasmbench");
    assert!(!action.description.is_empty());
    assert_eq!(action.runs.using, "composite");
    for (name, input) in &action.inputs {
        assert!(
            !input.description.is_empty(),
            "input {name}: no description"
        );
    }
    for (name, output) in &action.outputs {
        assert!(
            !output.description.is_empty(),
            "output {name}: no description"
        );
        assert!(
            output.value.contains("${{ steps."),
            "output {name}: {}",
            output.value
        );
    }
    let text = std::fs::read_to_string(repo_root().join("action.yml")).unwrap();
    // Every `inputs.X` the file mentions is declared.
    for (at, _) in text.match_indices("inputs.") {
        let name: String = text[at + "inputs.".len()..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        assert!(
            action.inputs.contains_key(&name),
            "undeclared input `{name}`"
        );
    }
    for step in &action.runs.steps {
        if let Some(uses) = &step.uses {
            assert!(uses.contains("@v"), "{uses}: pin a major version");
            continue;
        }
        let run = step.run.as_deref().expect("a `run` step");
        // Inputs reach the shell through `env:` only: `${{ }}` in shell code is script injection.
        assert!(
            !run.contains("${{"),
            "step `{}` splices an expression into shell code",
            step.label()
        );
        assert_eq!(step.shell.as_deref(), Some("bash"));
        let script = run
            .strip_prefix("bash \"$GITHUB_ACTION_PATH/")
            .and_then(|r| r.trim_end().strip_suffix('"'))
            .unwrap_or_else(|| panic!("step `{}` should call one script: {run}", step.label()));
        assert!(repo_root().join(script).is_file(), "{script} is missing");
    }
    // Every script parses.
    let mut scripts = Vec::new();
    for dir in ["ci", "ci/github", "ci/gitlab"] {
        for entry in std::fs::read_dir(repo_root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "sh") {
                scripts.push(path);
            }
        }
    }
    assert!(scripts.len() >= 6, "{scripts:?}");
    for script in scripts {
        let status = Command::new("bash")
            .arg("-n")
            .arg(&script)
            .status()
            .unwrap();
        assert!(status.success(), "{} does not parse", script.display());
    }
}

#[test]
fn baseline_mode_compares_with_the_committed_baseline() {
    let ws = Workspace::new();
    ws.commit_baseline(|_| {});
    let run = ws.run_action(&[("build", &Workspace::build_command())]);

    assert_eq!(run.output("exit-code"), "0", "{}", run.transcript());
    assert_eq!(run.output("verdict"), "ok");
    assert_eq!(run.output("version"), env!("CARGO_PKG_VERSION"));
    let report = run.assert_file_output("report");
    let results = run.assert_file_output("results");
    let comparison = run.assert_file_output("comparison");
    assert!(report.ends_with("reports/ci/report.html"), "{report:?}");
    assert_eq!(read_json(&results)["suite"]["name"], "ci-demo");
    // The comparison is the job summary, once: wasmbench appended it; the action added nothing.
    let markdown = std::fs::read_to_string(&comparison).unwrap();
    let headline = markdown.lines().next().unwrap().to_string();
    assert!(headline.contains("wasmbench: 1 unchanged"), "{markdown}");
    run.assert_summary_once(&headline);
    assert!(
        run.summary.contains(markdown.trim()),
        "{}",
        run.transcript()
    );
    let uploaded = run.assert_used_paths_exist();
    assert!(uploaded[0].join("junit.xml").is_file());
    assert_eq!(
        run.last().code,
        None,
        "the failing step ran\n{}",
        run.transcript()
    );
    // The install step found wasmbench in its tool folder, and later steps found it on PATH.
    let install = run.step("Install wasmbench (skipped when the cache had it)");
    assert_eq!(install.code, Some(0), "{}", run.transcript());
    assert!(
        install.stderr.contains("not building it"),
        "{}",
        run.transcript()
    );
}

#[test]
fn a_regression_fails_the_job_after_the_outputs_and_the_upload() {
    let ws = Workspace::new();
    // A baseline that used half the fuel: the run is a fuel regression, exactly.
    ws.commit_baseline(|baseline| {
        for bench in baseline["benches"].as_array_mut().unwrap() {
            let fuel = bench["fuel"]["per_iteration"].as_u64().unwrap();
            bench["fuel"]["per_iteration"] = Json::from(fuel / 2);
        }
    });
    let run = ws.run_action(&[
        ("build", &Workspace::build_command()),
        ("baseline", "reports/baselines/main.json"),
    ]);

    assert_eq!(run.output("exit-code"), "3", "{}", run.transcript());
    assert_eq!(run.output("verdict"), "regressed");
    run.assert_file_output("report");
    let comparison = std::fs::read_to_string(run.assert_file_output("comparison")).unwrap();
    assert!(comparison.contains("regressed"), "{comparison}");
    run.assert_summary_once(comparison.lines().next().unwrap());
    let uploaded = run.assert_used_paths_exist();
    let junit = std::fs::read_to_string(uploaded[0].join("junit.xml")).unwrap();
    assert!(junit.contains("<failure"), "{junit}");
    // The last step fails the job with wasmbench's code; everything before it ran.
    let last = run.last();
    assert_eq!(last.code, Some(3), "{}", run.transcript());
    assert!(
        last.stdout.contains("regressed (exit code 3)"),
        "{}",
        run.transcript()
    );
    assert!(
        run.steps[..run.steps.len() - 1]
            .iter()
            .all(|s| s.code.is_none_or(|c| c == 0))
    );
}

#[test]
fn baseline_mode_without_a_baseline_runs_and_says_so() {
    let ws = Workspace::new();
    let run = ws.run_action(&[("build", &Workspace::build_command())]);

    assert_eq!(run.output("exit-code"), "0", "{}", run.transcript());
    assert_eq!(run.output("verdict"), "ok");
    assert_eq!(run.output("comparison"), "");
    run.assert_file_output("report");
    run.assert_summary_once("No baseline at `reports/baselines/main.json`");
    run.assert_summary_once("wasmbench run suite.toml --save-baseline main");
    // The run's table, in a code block.
    run.assert_summary_once("│ cpu/fib ┆ ok");
    run.assert_summary_once("## 🟢 wasmbench: ok (exit code 0)");
    run.assert_used_paths_exist();
    assert_eq!(run.last().code, None);
}

#[test]
fn ab_mode_builds_the_base_branch_in_a_worktree_and_compares_pair_by_pair() {
    let ws = Workspace::new();
    // The pull request: a branch off main with one more commit.
    ws.git(&["checkout", "--quiet", "-b", "feature"]);
    ws.write("README.md", "# ci-demo\n");
    ws.git(&["add", "README.md"]);
    ws.git(&["commit", "--quiet", "-m", "a change"]);
    // base-ref is left to its default, github.base_ref (main); base-wasm to the suite's `wasm =`.
    let run = ws.run_action(&[
        ("mode", "ab"),
        ("build", &Workspace::build_command()),
        // Wall time of an A/A run may differ by chance; fuel and memory must not.
        (
            "args",
            "--threshold wall=100000%\n--fail-on regressed,failed,missing",
        ),
    ]);

    assert_eq!(run.output("exit-code"), "0", "{}", run.transcript());
    assert_eq!(run.output("verdict"), "ok");
    let comparison = run.assert_file_output("comparison");
    let out = comparison.parent().unwrap();
    let json = read_json(&out.join("comparison.json"));
    assert_eq!(json["comparison"]["mode"], "paired", "{json}");
    assert!(out.join("base/results.json").is_file());
    let markdown = std::fs::read_to_string(&comparison).unwrap();
    assert!(markdown.contains("interleaved A/B"), "{markdown}");
    run.assert_summary_once(markdown.lines().next().unwrap());
    run.assert_used_paths_exist();
    // The base worktree is gone again.
    let worktrees = ws.git(&["worktree", "list", "--porcelain"]);
    assert_eq!(worktrees.matches("worktree ").count(), 1, "{worktrees}");
    let step = run.step("Run the suite");
    assert!(
        step.stderr.contains("building the base version (main,"),
        "{}",
        run.transcript()
    );
}

#[test]
fn ab_mode_without_a_base_ref_is_an_input_error() {
    let ws = Workspace::new();
    let run = ws.run_action(&[
        ("mode", "ab"),
        ("base-ref", ""),
        ("build", &Workspace::build_command()),
    ]);
    assert_eq!(run.output("exit-code"), "2", "{}", run.transcript());
    assert_eq!(run.output("verdict"), "error");
    run.assert_summary_once("**Error:** ab mode needs base-ref");
    assert_eq!(run.last().code, Some(2), "{}", run.transcript());
}

#[test]
fn inputs_are_text_never_shell_code() {
    let ws = Workspace::new();
    let run = ws.run_action(&[
        ("suite", "$(touch injected-suite).toml"),
        ("args", "`touch injected-args` ; touch injected-args2"),
        ("baseline", "main\"; touch injected-baseline; \""),
    ]);
    assert_eq!(run.output("verdict"), "error", "{}", run.transcript());
    run.assert_summary_once("**Error:** suite `$(touch injected-suite).toml`: no such file");
    let made: Vec<_> = std::fs::read_dir(ws.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("injected"))
        .collect();
    assert!(made.is_empty(), "{made:?}\n{}", run.transcript());
}

// ---------------------------------------------------------------------------------------------
// The GitLab template

fn read_gitlab_job() -> serde_yaml_ng::Mapping {
    let path = repo_root().join("ci/gitlab/wasmbench.gitlab-ci.yml");
    let text = std::fs::read_to_string(&path).expect("reading the GitLab template");
    let doc: Yaml = serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    doc.get(".wasmbench")
        .and_then(Yaml::as_mapping)
        .cloned()
        .expect("a hidden job `.wasmbench`")
}

/// `$NAME` and `${NAME}` replaced from `vars` (unknown ones by nothing), as GitLab expands
/// variables in variables.
fn expand(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '$' {
            let braced = chars.get(i + 1) == Some(&'{');
            let start = if braced { i + 2 } else { i + 1 };
            let mut end = start;
            while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '_') {
                end += 1;
            }
            if end > start {
                let name: String = chars[start..end].iter().collect();
                out.push_str(vars.get(&name).map_or("", String::as_str));
                i = if braced { end + 1 } else { end };
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[test]
fn gitlab_template_runs_the_suite_and_fails_the_job_on_a_regression() {
    let job = read_gitlab_job();
    let get = |key: &str| {
        job.get(key)
            .unwrap_or_else(|| panic!(".wasmbench has no `{key}`"))
    };
    let variables: Vec<(String, String)> = get("variables")
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| (scalar(k), scalar(v)))
        .collect();
    // The template installs the wasmbench it was published with.
    let reference = variables
        .iter()
        .find(|(k, _)| k == "WASMBENCH_REF")
        .unwrap();
    assert_eq!(reference.1, format!("v{}", env!("CARGO_PKG_VERSION")));
    let cache_key = scalar(&get("cache")["key"]);
    assert!(cache_key.contains("$WASMBENCH_REF"), "{cache_key}");
    let artifacts = get("artifacts");
    assert_eq!(scalar(&artifacts["when"]), "always");
    assert!(!scalar(&artifacts["expose_as"]).is_empty());
    let artifact_paths: Vec<String> = artifacts["paths"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(scalar)
        .collect();
    // expose_as links only literal paths.
    assert!(
        artifact_paths.iter().all(|p| !p.contains('$')),
        "{artifact_paths:?}"
    );
    let junit = scalar(&artifacts["reports"]["junit"]);

    let ws = Workspace::new();
    ws.commit_baseline(|baseline| {
        for bench in baseline["benches"].as_array_mut().unwrap() {
            let fuel = bench["fuel"]["per_iteration"].as_u64().unwrap();
            bench["fuel"]["per_iteration"] = Json::from(fuel / 2);
        }
    });
    let workspace = ws.path();
    // GitLab's predefined variables in a merge request pipeline, then the job's (the template's,
    // overridden by the project's `extends:` job), each expanded with those before it.
    let mut env = ws.base_env(&[]);
    for (name, value) in [
        ("GITLAB_CI", "true".to_string()),
        ("CI_PROJECT_DIR", workspace.display().to_string()),
        ("CI_JOB_NAME", "bench".to_string()),
        ("CI_PIPELINE_SOURCE", "merge_request_event".to_string()),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main".to_string()),
        ("CI_DEFAULT_BRANCH", "main".to_string()),
    ] {
        env.insert(name.to_string(), value);
    }
    let project: [(&str, String); 2] = [
        // The checkout is already there (this repository), so the job doesn't fetch one.
        ("WASMBENCH_SRC", repo_root().display().to_string()),
        ("WASMBENCH_BUILD", Workspace::build_command()),
    ];
    for (name, value) in &variables {
        let value = project
            .iter()
            .find(|(n, _)| n == name)
            .map_or_else(|| value.clone(), |(_, v)| v.clone());
        let expanded = expand(&value, &env);
        env.insert(name.clone(), expanded);
    }
    // A restored cache: ask ci/prepare.sh where the tool folder is, and put wasmbench there.
    let mut prepare = Command::new("bash");
    prepare
        .arg(repo_root().join("ci/prepare.sh"))
        .env_clear()
        .envs(&env)
        .current_dir(&workspace);
    let prepared = common::execute_watching(prepare, |_| {});
    prepared.assert_code(0);
    let tool_dir = prepared
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("tool-dir="))
        .expect("prepare.sh prints tool-dir")
        .to_string();
    assert!(
        Path::new(&tool_dir).starts_with(workspace.join(".wasmbench/tools")),
        "{tool_dir}"
    );
    install_test_binary(Path::new(&tool_dir));

    let script: Vec<String> = get("script")
        .as_sequence()
        .unwrap()
        .iter()
        .map(scalar)
        .collect();
    let script_file = ws.root().join("gitlab-script.sh");
    std::fs::write(&script_file, script.join("\n")).unwrap();
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script_file)
        .env_clear()
        .envs(&env)
        .current_dir(&workspace);
    let run = common::execute_watching(cmd, |_| {});
    run.assert_code(3);

    // What GitLab keeps after the job: the artifacts, the JUnit report, the cache.
    for path in &artifact_paths {
        assert!(
            workspace.join(path).is_dir(),
            "artifact {path}\n{}",
            run.transcript()
        );
    }
    let report_dir = workspace.join(&artifact_paths[0]);
    assert!(
        report_dir.join("report.html").is_file(),
        "{}",
        run.transcript()
    );
    let summary = std::fs::read_to_string(report_dir.join("summary.md")).unwrap();
    assert!(summary.contains("regressed"), "{summary}");
    let junit = std::fs::read_to_string(workspace.join(&junit))
        .unwrap_or_else(|e| panic!("{junit}: {e}\n{}", run.transcript()));
    assert!(junit.contains("<failure"), "{junit}");
    for path in get("cache")["paths"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(scalar)
    {
        assert!(workspace.join(&path).is_dir(), "cache path {path}");
    }
    assert!(
        run.stderr.contains("not building it"),
        "{}",
        run.transcript()
    );
}
