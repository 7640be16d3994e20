//! `host/schema/results.schema.json` is a valid, documented JSON Schema, and real results.json files
//! (successes and failures of every kind) validate against it while malformed ones don't.

use crate::common;

use serde_json::{Value, json};

use common::{Harness, status};

fn schema() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/results.schema.json");
    let text = std::fs::read_to_string(path).expect("reading the results schema");
    serde_json::from_str(&text).expect("the results schema is valid JSON")
}

pub(crate) fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&schema()).expect("the results schema compiles")
}

/// Every validation error, one per line, with where it is.
pub(crate) fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn schema_is_a_valid_draft_2020_12_schema() {
    let schema = schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("the results schema violates its meta-schema: {e}");
    }
    assert_eq!(schema["properties"]["schema_version"]["const"], 2);
    assert_eq!(
        schema["$defs"]["status"]["enum"],
        json!([
            "ok",
            "out-of-fuel",
            "memory-limit",
            "timeout",
            "trap",
            "error",
            "wrong-output"
        ])
    );
}

/// Walks every subschema: properties are documented, fixed-field objects are closed and require
/// every field (serde writes them all, `null` for `None`).
#[test]
fn schema_documents_every_field_and_closes_every_fixed_object() {
    fn walk(path: &str, node: &Value, problems: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    if map.get("additionalProperties") != Some(&Value::Bool(false)) {
                        problems.push(format!("{path}: additionalProperties is not false"));
                    }
                    let required: Vec<&str> = map
                        .get("required")
                        .and_then(Value::as_array)
                        .map(|r| r.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    for (name, prop) in props {
                        if !prop.get("description").is_some_and(Value::is_string) {
                            problems.push(format!("{path}.{name}: no description"));
                        }
                        if !required.contains(&name.as_str()) {
                            problems.push(format!("{path}.{name}: not required"));
                        }
                    }
                }
                for (key, value) in map {
                    walk(&format!("{path}/{key}"), value, problems);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(&format!("{path}/{i}"), item, problems);
                }
            }
            _ => {}
        }
    }
    let mut problems = Vec::new();
    walk("#", &schema(), &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A run with every kind of outcome, so each nullable branch of the schema is exercised.
const MIXED_SUITE: &str = r#"
[defaults]
warmup = 1
samples = 3
fuel_iterations = 2

[fixtures]
"data.bin" = { size = "64 KiB", seed = 3 }

[[bench]]
plugin = "cpu"
workload = "sieve"
params = { limit = 10000 }
group = "cpu"

[[bench]]
plugin = "fs-read"
workload = "stream"
instances = 2

[[bench]]
plugin = "misbehave"
workload = "trap"
expect = "trap"

[[bench]]
plugin = "misbehave"
workload = "setup-error"

[[bench]]
plugin = "misbehave"
workload = "spin"
fuel = 5_000_000

[[bench]]
plugin = "misbehave"
workload = "grow"
params = { bytes = "4 MiB" }
memory = "8 MiB"

[[bench]]
wasm = "not-a-component.wasm"
workload = "anything"
"#;

#[test]
fn results_of_successes_and_failures_validate() {
    let h = Harness::new();
    // A wasm header, then garbage: fails its own bench when compiled (a file that is not wasm at
    // all is refused before the run).
    std::fs::write(
        h.path().join("not-a-component.wasm"),
        b"\0asm\x0d\0\x01\0not wasm",
    )
    .unwrap();
    let run = h.run_suite(MIXED_SUITE, &[]);
    run.assert_code(1);
    let results = run.results();
    let statuses: Vec<&str> = results["benches"]
        .as_array()
        .unwrap()
        .iter()
        .map(status)
        .collect();
    assert_eq!(
        statuses,
        [
            "ok",
            "ok",
            "trap",
            "error",
            "out-of-fuel",
            "memory-limit",
            "error"
        ],
        "{}",
        run.transcript()
    );
    let parallel = &run.bench("fs-read/stream")["parallel"];
    assert_eq!(parallel["instances"], 2, "{parallel}");

    let validator = validator();
    let problems = errors(&validator, results);
    assert!(
        problems.is_empty(),
        "results.json does not match the schema:\n{}\n\n{results:#}",
        problems.join("\n")
    );
}

#[test]
fn schema_rejects_malformed_results() {
    let h = Harness::new();
    let run = h.run_suite(
        "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 5 }\nsamples = 2\nwarmup = 0\n",
        &[],
    );
    run.assert_code(0);
    let good = run.results().clone();
    let validator = validator();
    assert_eq!(errors(&validator, &good), Vec::<String>::new());

    type Mutation = fn(&mut Value);
    let mutations: [(&str, Mutation); 10] = [
        ("unknown status", |r| {
            r["benches"][0]["status"] = json!("exploded")
        }),
        ("other schema version", |r| r["schema_version"] = json!(3)),
        ("extra top-level field", |r| r["extra"] = json!(true)),
        ("extra bench field", |r| {
            r["benches"][0]["surprise"] = json!(1)
        }),
        ("missing bench field", |r| {
            r["benches"][0].as_object_mut().unwrap().remove("checksum");
        }),
        ("non-string param", |r| {
            r["benches"][0]["params"]["n"] = json!(5)
        }),
        ("negative counter", |r| {
            r["benches"][0]["counters"]["calls"] = json!(-1)
        }),
        ("fractional fuel", |r| {
            r["benches"][0]["fuel"]["per_iteration"] = json!(1.5)
        }),
        ("checksum not 16 hex digits", |r| {
            r["benches"][0]["checksum"] = json!("xyz")
        }),
        ("null where not nullable", |r| {
            r["benches"][0]["memory"] = Value::Null
        }),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(
            !validator.is_valid(&bad),
            "the schema accepts results with: {what}"
        );
    }
}
