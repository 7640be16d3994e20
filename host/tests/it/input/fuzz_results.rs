//! Property tests (fuzzing) of results loading (`wasmbench::results::read_results`), a reader of
//! untrusted files: arbitrary bytes, a real results.json with random edits, and real results with
//! values replaced or removed at random places. Properties: no panic; every error names the file.

use crate::common;

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::Value;

use super::fuzz::{apply, edits, runner};

/// A real results.json (one bench), made once by running `wasmbench`.
fn seed_results() -> &'static str {
    static SEED: OnceLock<String> = OnceLock::new();
    SEED.get_or_init(|| {
        let h = common::Harness::new();
        let run = h.run_suite(
            "[defaults]\nwarmup = 0\nsamples = 2\nfuel_iterations = 1\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 10 }\ngroup = \"g\"\n",
            &[],
        );
        run.assert_code(0);
        std::fs::read_to_string(run.out.unwrap().join("results.json")).unwrap()
    })
}

const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "\\uDFFF",
    "null",
    "true",
    "false",
    "0",
    "-1",
    "1.5",
    "1e999",
    "-1e999",
    "18446744073709551616",
    "-0",
    "NaN",
    "\"schema_version\": 3",
    "\"schema_version\": 2",
    "\"schema_version\": 1",
    "\"ok\"",
    "\"trap\"",
    "\"bogus\"",
    "\n",
    " ",
    "é",
    "\u{1F600}",
    "\u{0}",
    "\"benches\": []",
    "\"benches\": {}",
    "[[[[[[[[",
    "]]]]]]]]",
];

/// Writes `text` to a fresh file and checks `read_results`'s answer.
fn check_results(dir: &Path, case: &Cell<u64>, text: &[u8]) -> Result<(), TestCaseError> {
    case.set(case.get() + 1);
    let path: PathBuf = dir.join(format!("case-{}.json", case.get()));
    std::fs::write(&path, text).unwrap();
    let answer = wasmbench::results::read_results(&path);
    let _ = std::fs::remove_file(&path);
    match answer {
        // Version 1 files are upgraded on reading.
        Ok(results) => prop_assert_eq!(results.schema_version, 2),
        Err(error) => {
            let shown = format!("{error:#}");
            prop_assert!(
                shown.contains(&path.display().to_string()),
                "does not name the file: {}",
                shown
            );
        }
    }
    Ok(())
}

#[test]
fn arbitrary_and_edited_results_never_panic_the_reader() {
    let dir = tempfile::tempdir().unwrap();
    let case = Cell::new(0);
    let seed = seed_results().to_string();
    let input = prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..256),
        1 => proptest::collection::vec(proptest::sample::select(JSON_TOKENS), 0..40)
            .prop_map(|t| t.concat().into_bytes()),
        4 => edits(JSON_TOKENS).prop_map(move |edits| {
            edits.iter().fold(seed.clone(), |t, e| apply(&t, e)).into_bytes()
        }),
    ];
    runner(512)
        .run(&input, |bytes| check_results(dir.path(), &case, &bytes))
        .unwrap();
}

/// Every JSON pointer into `value`.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// A small JSON value of any type.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        proptest::sample::select(&["ok", "trap", "error", "bogus", "1", ""][..])
            .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Real results with values replaced or removed at random places: past the version check and into
/// the typed reader, whose errors must name the file (and the key).
#[test]
fn results_with_wrong_values_are_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let case = Cell::new(0);
    let seed: Value = serde_json::from_str(seed_results()).unwrap();
    let mut all = Vec::new();
    pointers(&seed, String::new(), &mut all);
    all.retain(|p| !p.is_empty());
    let input = proptest::collection::vec(
        (
            proptest::sample::select(all),
            proptest::option::of(json_value()),
        ),
        1..4,
    );
    runner(512)
        .run(&input, |changes| {
            let mut value = seed.clone();
            for (pointer, replacement) in &changes {
                let (parent, last) = pointer.rsplit_once('/').unwrap();
                match (value.pointer_mut(parent), replacement) {
                    (Some(Value::Object(map)), None) => {
                        map.remove(&last.replace("~1", "/").replace("~0", "~"));
                    }
                    (Some(Value::Array(items)), None) => {
                        if let Ok(i) = last.parse::<usize>()
                            && i < items.len()
                        {
                            items.remove(i);
                        }
                    }
                    _ => {
                        if let (Some(slot), Some(new)) = (value.pointer_mut(pointer), replacement) {
                            *slot = new.clone();
                        }
                    }
                }
            }
            let bytes = serde_json::to_vec_pretty(&value).unwrap();
            check_results(dir.path(), &case, &bytes)
        })
        .unwrap();
}
