//! ARCHITECTURE.md checked against the code: the layering table's "uses" column, the test modules it names, and the files it names.

use std::collections::{BTreeMap, BTreeSet};

use super::*;

/// ARCHITECTURE.md's layering table: each top-level module with the modules its "uses" column
/// names (`None` for "everything below", which the order test already bounds).
fn documented_uses() -> BTreeMap<String, Option<BTreeSet<String>>> {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../ARCHITECTURE.md"))
            .expect("reading ARCHITECTURE.md");
    let table = doc
        .split("| module | its one job | uses |")
        .nth(1)
        .expect("ARCHITECTURE.md has the layering table");
    let mut out = BTreeMap::new();
    for row in table.lines().skip(2).take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        let (Some(module), Some(uses)) = (cells.first(), cells.last()) else {
            continue;
        };
        let module = module.trim_matches('`').to_string();
        let uses = match *uses {
            "everything below" => None,
            "nothing" | "—" => Some(BTreeSet::new()),
            list => Some(list.split(", ").map(|m| m.trim().to_string()).collect()),
        };
        out.insert(module, uses);
    }
    out
}

#[test]
fn the_architecture_table_says_what_each_module_uses() {
    let lib = std::fs::read_to_string(src_dir().join("lib.rs")).unwrap();
    // Test-only modules (`#[cfg(test)]`: this check, the size rules) have no row.
    let lines: Vec<&str> = lib.lines().collect();
    let modules: BTreeSet<String> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || lines[i - 1].trim() != "#[cfg(test)]")
        .filter_map(|(_, l)| {
            l.strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("mod "))
        })
        .map(|m| m.trim_end_matches(';').to_string())
        .collect();
    let mut used: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    for (from, to) in sibling_edges(&src_dir())
        .remove(&Vec::new())
        .unwrap_or_default()
        .into_keys()
    {
        if modules.contains(&from) && modules.contains(&to) {
            used.entry(from).or_default().insert(to);
        }
    }
    let documented = documented_uses();
    let mut wrong = Vec::new();
    for (module, uses) in &used {
        match documented.get(module) {
            None => wrong.push(format!("`{module}` has no row")),
            Some(None) => {}
            Some(Some(said)) if said != uses => {
                let list = |s: &BTreeSet<String>| {
                    if s.is_empty() {
                        "—".to_string()
                    } else {
                        s.iter().cloned().collect::<Vec<_>>().join(", ")
                    }
                };
                wrong.push(format!(
                    "`{module}` says it uses {}; it uses {}",
                    list(said),
                    list(uses)
                ));
            }
            Some(Some(_)) => {}
        }
    }
    for module in documented.keys().filter(|m| !used.contains_key(*m)) {
        wrong.push(format!(
            "`{module}` has a row but is not a module of lib.rs"
        ));
    }
    assert!(
        wrong.is_empty(),
        "ARCHITECTURE.md's layering table is not the code (fix the \"uses\" column):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_architecture_names_every_integration_test_module() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let main = std::fs::read_to_string(root.join("tests/it/main.rs")).unwrap();
    let doc = std::fs::read_to_string(root.join("../ARCHITECTURE.md")).unwrap();
    let tests = doc
        .split("## Tests")
        .nth(1)
        .expect("ARCHITECTURE.md has a Tests section");
    let missing: Vec<&str> = main
        .lines()
        .filter_map(|l| l.strip_prefix("mod "))
        .map(|m| m.trim_end_matches(';'))
        .filter(|m| *m != "common")
        .filter(|m| !tests.contains(&format!("`{m}`")) && !tests.contains(&format!("`{m}/`")))
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's Tests section doesn't name these modules of host/tests/it/: {}",
        missing.join(", ")
    );
}

#[test]
fn every_file_the_architecture_names_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    // Paths are written from where the sentence stands: the repository, the host crate, its
    // sources, the guide's pages, the integration tests.
    let bases = [
        root.clone(),
        root.join("host"),
        root.join("host/src"),
        root.join("docs/src"),
        root.join("host/tests/it"),
    ];
    let missing: Vec<&str> = doc
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|span| {
            span.contains('/')
                && !span.contains(' ')
                && !span.contains('*')
                && !span.contains("://")
                && (span.ends_with('/')
                    || [".rs", ".toml", ".json", ".md", ".txt", ".wat", ".wit"]
                        .iter()
                        .any(|ext| span.ends_with(ext)))
        })
        .filter(|path| !bases.iter().any(|base| base.join(path).exists()))
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names files that don't exist: {}",
        missing.join(", ")
    );
}
