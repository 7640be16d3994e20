//! The reference pages of the guide that are generated, and the ones checked against what the
//! program writes:
//!
//! - `reference/cli.md`: the whole page, rendered from `wasmbench::cli::Cli` by clap-markdown;
//! - `reference/exit-codes.md`: the table between the `generated` marks, from `host/src/cli/mod.rs`'s
//!   module `exit` (each constant's doc comment and value);
//! - `reference/results-json.md`: the field tables between the marks, from
//!   `host/schema/results.schema.json`;
//! - `reference/comparison-json.md`: written by hand, and checked to name every field of a real
//!   comparison.json (a comparison of benches and of a load scenario);
//! - `suites/format.md`, `load.md`, `database.md`: checked to name every key of every table a
//!   suite may have (the fields of `host/src/suite/raw.rs`'s `deny_unknown_fields` structs).
//!
//! A generated page that differs from what the definitions render fails with the command that
//! renders it again: `WASMBENCH_BLESS_DOCS=1 cargo test -p wasmbench --test it docs::`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use super::{bless, book_src, repo, shown};
use crate::common::Harness;

const BEGIN: &str = "<!-- generated: begin; edit the source it names, not this text -->";
const END: &str = "<!-- generated: end -->";
const RENDER_AGAIN: &str = "WASMBENCH_BLESS_DOCS=1 cargo test -p wasmbench --test it docs::";

/// Checks (or, blessing, writes) the whole page `page` as `expected`.
fn check_page(page: &Path, expected: &str) {
    let actual = std::fs::read_to_string(page).unwrap_or_default();
    if actual == expected {
        return;
    }
    if bless() {
        std::fs::write(page, expected).unwrap();
        return;
    }
    panic!(
        "{} is not what the definitions render; run `{RENDER_AGAIN}`\n{}",
        shown(page),
        first_difference(&actual, expected)
    );
}

/// Checks (or writes) the text between the generated marks of `page`.
fn check_generated(page: &Path, generated: &str) {
    let actual = std::fs::read_to_string(page).unwrap_or_else(|e| panic!("{}: {e}", shown(page)));
    let (Some(begin), Some(end)) = (actual.find(BEGIN), actual.find(END)) else {
        panic!("{} has no `{BEGIN}` … `{END}` marks", shown(page));
    };
    let expected = format!("{}{BEGIN}\n{generated}{}", &actual[..begin], &actual[end..]);
    check_page(page, &expected);
}

fn first_difference(actual: &str, expected: &str) -> String {
    let (a, e): (Vec<&str>, Vec<&str>) = (actual.lines().collect(), expected.lines().collect());
    for i in 0..a.len().max(e.len()) {
        if a.get(i) != e.get(i) {
            return format!(
                "first difference at line {}:\n  page:     {}\n  rendered: {}",
                i + 1,
                a.get(i).unwrap_or(&"(end of file)"),
                e.get(i).unwrap_or(&"(end of file)")
            );
        }
    }
    String::new()
}

/// The command-line reference as clap-markdown renders it.
fn cli_markdown() -> String {
    let options = clap_markdown::MarkdownOptions::new()
        .title("Command line".to_string())
        .show_footer(false);
    let body = inert_angle_brackets(&clap_markdown::help_markdown_custom::<wasmbench::cli::Cli>(
        &options,
    ));
    format!(
        "<!-- Generated from host/src/cli/mod.rs (wasmbench::cli::Cli) by clap-markdown: run\n     \
         `{RENDER_AGAIN}` after changing the command line; do not edit. -->\n\n{body}"
    )
}

/// `<` outside code spans as `&lt;`: help texts say `reports/<suite name>`, which Markdown would
/// read as an HTML tag.
fn inert_angle_brackets(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.split_inclusive('\n') {
        let mut in_code = false;
        for c in line.chars() {
            match c {
                '`' => {
                    in_code = !in_code;
                    out.push(c);
                }
                '<' if !in_code => out.push_str("&lt;"),
                _ => out.push(c),
            }
        }
    }
    out
}

#[test]
fn the_command_line_page_is_what_clap_renders() {
    check_page(&book_src().join("reference/cli.md"), &cli_markdown());
}

/// (name, value, doc comment) of each constant of `host/src/cli/mod.rs`'s module `exit`.
fn exit_constants() -> Vec<(String, u8, String)> {
    let source = std::fs::read_to_string(repo().join("host/src/cli/mod.rs")).unwrap();
    let start = source
        .find("pub mod exit {")
        .expect("host/src/cli/mod.rs has `pub mod exit`");
    let end = start + source[start..].find("\n}").expect("the module ends");
    let mut constants = Vec::new();
    let mut doc = Vec::new();
    for line in source[start..end].lines().skip(1) {
        let line = line.trim();
        if let Some(text) = line.strip_prefix("///") {
            doc.push(text.trim().to_string());
        } else if let Some(rest) = line.strip_prefix("pub const ") {
            let (name, rest) = rest.split_once(':').expect("`NAME: u8 = value;`");
            let expr = rest
                .split_once('=')
                .map(|(_, v)| v.trim().trim_end_matches(';').trim())
                .expect("a value");
            let value = expr.parse::<u8>().unwrap_or_else(|_| match name.trim() {
                // Not a literal in the source: its value at run time.
                "INTERRUPTED" => wasmbench::cli::exit::INTERRUPTED,
                other => panic!(
                    "exit::{other} is `{expr}`: add its value to docs::reference::exit_constants"
                ),
            });
            constants.push((name.trim().to_string(), value, doc.join(" ")));
            doc.clear();
        } else if !line.is_empty() {
            doc.clear();
        }
    }
    constants
}

#[test]
fn the_exit_codes_page_is_what_the_source_says() {
    let constants = exit_constants();
    assert!(constants.len() >= 6, "{constants:?}");
    // The values the program uses are the ones parsed.
    for (name, value, _) in &constants {
        let known = match name.as_str() {
            "OK" => wasmbench::cli::exit::OK,
            "BENCH_FAILED" => wasmbench::cli::exit::BENCH_FAILED,
            "INPUT" => wasmbench::cli::exit::INPUT,
            "REGRESSION" => wasmbench::cli::exit::REGRESSION,
            "THRESHOLD" => wasmbench::cli::exit::THRESHOLD,
            "INTERRUPTED" => wasmbench::cli::exit::INTERRUPTED,
            _ => *value,
        };
        assert_eq!(known, *value, "exit::{name}");
    }
    let mut table = String::from("| code | `wasmbench::cli::exit` | meaning |\n|---|---|---|\n");
    for (name, value, doc) in &constants {
        table += &format!("| {value} | `{name}` | {} |\n", doc.replace('|', "\\|"));
    }
    let page = book_src().join("reference/exit-codes.md");
    check_generated(&page, &table);
    // The page's detailed table has a row for every code, and no other.
    let text = std::fs::read_to_string(&page).unwrap();
    let detailed = &text[text.find(END).unwrap()..];
    let rows: BTreeSet<u8> = detailed
        .lines()
        .filter_map(|l| l.strip_prefix("| ")?.split(' ').next()?.parse().ok())
        .collect();
    let codes: BTreeSet<u8> = constants.iter().map(|c| c.1).collect();
    assert_eq!(
        rows,
        codes,
        "the rows of {}'s table below the generated one",
        shown(&page)
    );
}

/// The field tables of a JSON Schema: one per object definition, a row per field.
fn schema_tables(schema: &Value) -> String {
    let mut out = String::new();
    out += "### The file\n\n";
    out += &format!("{}\n\n", text(schema.get("description")));
    out += &object_table(schema);
    if let Some(defs) = schema.get("$defs").and_then(Value::as_object) {
        for (name, def) in defs {
            out += &format!("\n### `{name}`\n\n{}\n\n", text(def.get("description")));
            if def.get("properties").is_some() {
                out += &object_table(def);
            } else {
                out += &format!("Type: {}.\n", type_of(def));
            }
        }
    }
    out
}

fn text(value: Option<&Value>) -> String {
    value
        .and_then(Value::as_str)
        .unwrap_or("")
        .replace('|', "\\|")
        .replace('\n', " ")
}

fn object_table(object: &Value) -> String {
    let mut rows = Vec::new();
    fields(object, "", &mut rows);
    let mut out = String::from("| field | type | meaning |\n|---|---|---|\n");
    for (path, ty, description) in rows {
        out += &format!("| `{path}` | {ty} | {description} |\n");
    }
    out
}

/// Rows for the fields of `object`, and of the objects nested in it (not behind a `$ref`).
fn fields(object: &Value, prefix: &str, rows: &mut Vec<(String, String, String)>) {
    let Some(properties) = object.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: BTreeSet<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, field) in properties {
        let path = format!("{prefix}{name}");
        let mut ty = type_of(field);
        if !required.contains(name.as_str()) {
            ty += ", optional";
        }
        rows.push((path.clone(), ty, text(field.get("description"))));
        // Nested objects, arrays of objects and maps of objects, described in place.
        if field.get("properties").is_some() {
            fields(field, &format!("{path}."), rows);
        }
        if let Some(items) = field.get("items")
            && items.get("properties").is_some()
        {
            fields(items, &format!("{path}[]."), rows);
        }
        if let Some(values) = field.get("additionalProperties")
            && values.get("properties").is_some()
        {
            fields(values, &format!("{path}.<key>."), rows);
        }
    }
}

/// A schema's type in words: `string`, `integer or null`, `array of [bench](#bench)`, `one of …`.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("[`{name}`](#{name})");
    }
    if let Some(choices) = schema.get("oneOf").and_then(Value::as_array) {
        return choices.iter().map(type_of).collect::<Vec<_>>().join(" or ");
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        return format!("one of {}", values.join(", "));
    }
    if let Some(value) = schema.get("const") {
        return format!("always `{value}`");
    }
    let types: Vec<String> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        _ => vec!["any".to_string()],
    };
    types
        .iter()
        .map(|t| match t.as_str() {
            "array" => match schema.get("items") {
                Some(items) if items.get("properties").is_some() => "array of objects".to_string(),
                Some(items) => format!("array of {}", type_of(items)),
                None => "array".to_string(),
            },
            "object" => match schema.get("additionalProperties") {
                Some(Value::Bool(false)) | None => "object".to_string(),
                Some(values) if values.get("properties").is_some() => "map of objects".to_string(),
                Some(values) => format!("map of {}", type_of(values)),
            },
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

#[test]
fn the_results_page_is_what_the_schema_says() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("host/schema/results.schema.json")).unwrap(),
    )
    .unwrap();
    check_generated(
        &book_src().join("reference/results-json.md"),
        &schema_tables(&schema),
    );
}

/// Every field path of a JSON value: `a.b`, arrays as `a[]`, object keys as written.
fn paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                out.insert(path.clone());
                paths(v, &path, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_comparison_page_names_every_field_of_a_real_comparison() {
    let h = Harness::new();
    let suite = h.suite(
        "mixed.toml",
        r#"
[suite]
name = "mixed"

[defaults]
samples = 3
executions = 2

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 15 }

[[load]]
plugin = "handler"
workload = "empty"

[[load.phase]]
name = "steady"
duration = "1s"
rate = 50
"#,
    );
    let suite = suite.to_str().unwrap();
    h.wasmbench(&[
        "run",
        suite,
        "-q",
        "--out",
        "first",
        "--save-baseline",
        "first",
    ])
    .assert_code(0);
    let second = h.wasmbench(&["run", suite, "-q", "--out", "second", "--baseline", "first"]);
    // Wall time between two separate runs may gate on a busy machine.
    assert!(
        matches!(second.code, Some(0 | 3)),
        "{}",
        second.transcript()
    );
    let comparison: Value = serde_json::from_str(
        &std::fs::read_to_string(h.path().join("second/comparison.json")).unwrap(),
    )
    .unwrap();
    let mut found = BTreeSet::new();
    paths(&comparison, "", &mut found);
    assert!(
        found.contains("comparison.loads[].spans[].scope"),
        "{found:?}"
    );
    let page = std::fs::read_to_string(book_src().join("reference/comparison-json.md")).unwrap();
    let missing: Vec<&String> = found
        .iter()
        .filter(|path| {
            // Documented itself, or as part of a documented field (`…old` covers `…old.ok`).
            let mut prefix = path.as_str();
            loop {
                if page.contains(&format!("`{prefix}`")) {
                    return false;
                }
                match prefix.rfind(['.', '[']) {
                    Some(cut) => prefix = &prefix[..cut],
                    None => return true,
                }
            }
        })
        .collect();
    assert!(
        missing.is_empty(),
        "reference/comparison-json.md doesn't name these fields of a real comparison.json: {missing:?}"
    );
}

/// The keys of each table a suite may have, as `host/src/suite/raw.rs` declares them: the fields of
/// its `deny_unknown_fields` structs, with the key groups its `keys!` macro splices into a table
/// (`keys! { settings; … struct RawBench { … } }`).
fn suite_keys() -> Vec<(String, Vec<String>)> {
    let source = std::fs::read_to_string(repo().join("host/src/suite/raw.rs")).unwrap();
    let groups = key_groups(&source);
    let field = |line: &str| -> Option<String> {
        let line = line.strip_prefix("pub(super) ").unwrap_or(line);
        let (key, _) = line.split_once(':')?;
        (!key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .then(|| key.to_string())
    };
    let mut structs = Vec::new();
    let mut lines = source.lines().map(str::trim).peekable();
    let (mut strict, mut group) = (false, None);
    while let Some(line) = lines.next() {
        if line.starts_with("#[serde(") && line.contains("deny_unknown_fields") {
            strict = true;
            continue;
        }
        if line == "keys! {" {
            group = lines.next().map(|g| g.trim_end_matches(';').to_string());
            continue;
        }
        let header = line
            .strip_prefix("pub(super) struct ")
            .or_else(|| line.strip_prefix("struct "));
        if let Some(rest) = header.filter(|_| strict) {
            let name = rest.trim_end_matches(['{', '}']).trim().to_string();
            let mut fields = Vec::new();
            if rest.ends_with('{') {
                for line in lines.by_ref() {
                    if line == "}" {
                        break;
                    }
                    fields.extend(field(line));
                }
            }
            if let Some(group) = group.take() {
                fields.extend(groups[&group].iter().cloned());
            }
            structs.push((name, fields));
        }
        if !line.starts_with("#[") && !line.starts_with("///") {
            strict = false;
        }
    }
    structs
}

/// The key groups of raw.rs's `keys!` macro: each arm `(NAME; …) => {` lists its keys as
/// `key: Type,` lines up to `);`.
fn key_groups(source: &str) -> BTreeMap<String, Vec<String>> {
    let mut groups = BTreeMap::new();
    let mut lines = source.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(name) = line
            .strip_prefix('(')
            .and_then(|l| l.strip_suffix("; $($table:tt)*) => {"))
        else {
            continue;
        };
        let keys = (lines.by_ref())
            .take_while(|l| *l != ");")
            .filter_map(|l| l.split_once(": ").map(|(key, _)| key.to_string()))
            .filter(|key| key.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect();
        groups.insert(name.to_string(), keys);
    }
    assert!(
        groups.contains_key("settings") && groups.contains_key("pool"),
        "raw.rs's keys! macro: {groups:?}"
    );
    groups
}

#[test]
fn every_suite_key_is_in_the_guide() {
    let structs = suite_keys();
    let has = |table: &str, key: &str| {
        (structs.iter()).any(|(name, keys)| name == table && keys.iter().any(|k| k == key))
    };
    assert!(
        has("RawBench", "id")
            && has("RawBench", "deadline")
            && has("RawSettings", "warmup")
            && has("RawDb", "schema")
            && has("RawDb", "latency_mode")
            && has("RawBenchDb", "memory")
            && structs.len() >= 10,
        "host/src/suite/raw.rs: {structs:?}"
    );
    let page_of = |name: &str| match name {
        "RawLoad" | "RawPhase" => "load.md",
        "RawDb" | "RawSeedTable" | "RawBenchDb" => "database.md",
        _ => "suites/format.md",
    };
    let mut missing = Vec::new();
    for (name, fields) in &structs {
        let page = page_of(name);
        let text = std::fs::read_to_string(book_src().join(page)).unwrap();
        for key in fields {
            // As `key`, as a table (`[key]`, `[[key]]`, `[db.key]`), or set in an example
            // (`key = …` on its own line or in an inline table).
            let documented = [
                format!("`{key}`"),
                format!("[{key}]"),
                format!(".{key}]"),
                format!("{{ {key} = "),
                format!(", {key} = "),
            ]
            .iter()
            .any(|form| text.contains(form.as_str()))
                || text
                    .lines()
                    .any(|l| l.trim_start().starts_with(&format!("{key} =")));
            if !documented {
                missing.push(format!("{name}.{key} (docs/src/{page})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "suite keys the guide doesn't name: {missing:?}"
    );
}
