//! The module graph is checked, not promised: top-level modules use only modules declared after
//! them in `lib.rs` (so data flows down that list and there are no cycles), and within any module,
//! sibling submodules don't use each other in a cycle. ARCHITECTURE.md is checked against the
//! code too: its layering table's "uses" column, its list of integration-test modules, and every
//! file it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path below the crate root: `["report", "html", "page"]`.
type ModPath = Vec<String>;

/// Every `.rs` file under `src/` with its module path (`main.rs` is the binary, not the library).
fn source_files(src: &Path) -> Vec<(PathBuf, ModPath)> {
    let mut out = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("reading src") {
            let path = entry.expect("reading src").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).expect("under src");
            let mut module: ModPath = relative
                .with_extension("")
                .iter()
                .map(|c| c.to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            if matches!(module.as_slice(), [m] if m == "lib" || m == "main") {
                continue;
            }
            out.push((path, module));
        }
    }
    out
}

/// Paths a file refers to through `crate::` and `super::`, resolved to module paths (as far as the
/// first two segments, which is all the check needs).
fn references(text: &str, module: &ModPath) -> BTreeSet<ModPath> {
    // Unit tests at the end of a file reach into their own module with `super::`.
    let text = text
        .split("#[cfg(test)]\nmod tests {")
        .next()
        .unwrap_or(text);
    let code: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    for (start, _) in code
        .match_indices("crate::")
        .chain(code.match_indices("super::"))
    {
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue; // `super::super::x` is handled from its first `super`
        }
        let mut base: ModPath = Vec::new();
        let mut rest = &code[start..];
        if let Some(r) = rest.strip_prefix("crate::") {
            rest = r;
        } else {
            // `super` is the parent of this file's module (for `mod.rs` and `x.rs` alike).
            base = module.clone();
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
        }
        for tail in first_segments(rest) {
            let mut path = base.clone();
            path.extend(tail);
            out.insert(path);
        }
    }
    out
}

/// `a::b::c` → `[[a, b]]`; `{a::b, c}` → `[[a, b], [c]]`: the leading two segments of each path.
fn first_segments(rest: &str) -> Vec<Vec<String>> {
    let ident = |s: &str| -> (String, usize) {
        let end = s
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        (s[..end].to_string(), end)
    };
    let one = |s: &str| -> Vec<String> {
        let (first, end) = ident(s);
        let mut path = vec![first];
        if let Some(after) = s[end..].strip_prefix("::") {
            let (second, _) = ident(after);
            if !second.is_empty() {
                path.push(second);
            }
        }
        path.retain(|p| !p.is_empty() && p != "self");
        path
    };
    if let Some(group) = rest.strip_prefix('{') {
        let mut depth = 0;
        let mut items = Vec::new();
        let mut current = String::new();
        for c in group.chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(std::mem::take(&mut current));
                    continue;
                }
                _ => {}
            }
            current.push(c);
        }
        items.push(current);
        items
            .iter()
            .map(|i| one(i.trim()))
            .filter(|p| !p.is_empty())
            .collect()
    } else {
        vec![one(rest)]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect()
    }
}

/// Edges between siblings: for each parent module, child → child with the file that made it.
fn sibling_edges(src: &Path) -> BTreeMap<ModPath, BTreeMap<(String, String), String>> {
    let mut edges: BTreeMap<ModPath, BTreeMap<(String, String), String>> = BTreeMap::new();
    for (file, module) in source_files(src) {
        let text = std::fs::read_to_string(&file).expect("reading a source file");
        for target in references(&text, &module) {
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            if let (Some(from), Some(to)) = (module.get(common), target.get(common)) {
                edges
                    .entry(module[..common].to_vec())
                    .or_default()
                    .entry((from.clone(), to.clone()))
                    .or_insert_with(|| file.display().to_string());
            }
        }
    }
    edges
}

/// A cycle in a graph, if there is one (as the list of nodes around it).
fn find_cycle(edges: &BTreeMap<(String, String), String>) -> Option<Vec<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        next.entry(from).or_default().push(to);
    }
    fn visit<'a>(
        node: &'a str,
        next: &BTreeMap<&'a str, Vec<&'a str>>,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| *n == node) {
            let mut cycle: Vec<String> = stack[at..].iter().map(|s| s.to_string()).collect();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if !done.insert(node) {
            return None;
        }
        stack.push(node);
        for to in next.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(to, next, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    next.keys()
        .find_map(|node| visit(node, &next, &mut Vec::new(), &mut done))
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn top_level_modules_use_only_those_declared_after_them() {
    let lib = std::fs::read_to_string(src_dir().join("lib.rs")).unwrap();
    let order: Vec<String> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';').to_string())
        .collect();
    assert!(order.contains(&"model".to_string()), "{order:?}");
    let rank = |m: &str| order.iter().position(|o| o == m);
    let edges = sibling_edges(&src_dir());
    let mut wrong = Vec::new();
    for ((from, to), file) in edges.get(&Vec::new()).into_iter().flatten() {
        let (Some(a), Some(b)) = (rank(from), rank(to)) else {
            continue; // the test module itself, or a path that isn't a module
        };
        if a >= b {
            wrong.push(format!("{from} uses {to} (in {file})"));
        }
    }
    assert!(
        wrong.is_empty(),
        "a module uses one declared above it in lib.rs (data must flow down the list):\n{}",
        wrong.join("\n")
    );
    assert!(
        !edges
            .get(&Vec::new())
            .into_iter()
            .flatten()
            .any(|((from, _), _)| from == "model"),
        "model is the leaf: it uses nothing else in the crate"
    );
}

#[test]
fn no_submodules_use_each_other_in_a_cycle() {
    let mut cycles = Vec::new();
    for (parent, edges) in sibling_edges(&src_dir()) {
        if let Some(cycle) = find_cycle(&edges) {
            cycles.push(format!(
                "in `crate::{}`: {}",
                parent.join("::"),
                cycle.join(" → ")
            ));
        }
    }
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_checker_sees_grouped_and_relative_paths() {
    let module = vec!["report".to_string(), "html".to_string(), "page".to_string()];
    let refs = references(
        "use crate::{analysis::compare, model::Metric};\nuse super::charts::x;\nuse super::super::format;\n// crate::ui is a comment\n",
        &module,
    );
    let expected: BTreeSet<ModPath> = [
        vec!["analysis", "compare"],
        vec!["model", "Metric"],
        vec!["report", "html", "charts", "x"],
        vec!["report", "format"],
    ]
    .into_iter()
    .map(|p| p.into_iter().map(String::from).collect())
    .collect();
    // `super::charts::x` keeps two segments after the base: report/html/charts/x.
    assert_eq!(refs, expected);
    let mut edges = BTreeMap::new();
    edges.insert(("a".to_string(), "b".to_string()), String::new());
    edges.insert(("b".to_string(), "a".to_string()), String::new());
    assert_eq!(
        find_cycle(&edges),
        Some(vec!["a".into(), "b".into(), "a".into()])
    );
}

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
    let modules: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| {
            l.strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("mod "))
        })
        .map(|m| m.trim_end_matches(';').to_string())
        .filter(|m| m != "layering")
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
