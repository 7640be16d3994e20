//! `EXPLAIN (ANALYZE, FORMAT JSON)` output as the indented lines a report shows: one per plan node,
//! with its relation or index, its condition and what it really did.

use serde_json::Value as Json;

/// The plan tree of one `EXPLAIN (FORMAT JSON)` result as lines, indented by depth.
pub fn plan_lines(explained: &Json) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(plan) = explained
        .as_array()
        .and_then(|a| a.first())
        .and_then(|o| o.get("Plan"))
    {
        node(plan, 0, &mut lines);
    }
    lines
}

fn node(plan: &Json, depth: usize, lines: &mut Vec<String>) {
    let text = |key: &str| plan.get(key).and_then(Json::as_str);
    // A ModifyTable node says what it does (Insert, Update, Delete), as EXPLAIN's text form does.
    let kind = match text("Node Type") {
        Some("ModifyTable") => text("Operation").or(Some("ModifyTable")),
        other => other,
    };
    let mut line = kind.unwrap_or("?").to_string();
    if let Some(strategy) = text("Strategy").filter(|s| *s != "Plain") {
        line = format!("{strategy} {line}");
    }
    if let Some(index) = text("Index Name") {
        line.push_str(&format!(" using {index}"));
    }
    if let Some(relation) = text("Relation Name") {
        line.push_str(&format!(" on {relation}"));
    }
    for key in [
        "Index Cond",
        "Hash Cond",
        "Merge Cond",
        "Recheck Cond",
        "Filter",
        "Join Filter",
    ] {
        if let Some(cond) = text(key) {
            line.push_str(&format!(" [{}: {cond}]", key.to_ascii_lowercase()));
        }
    }
    if let Some(keys) = plan.get("Sort Key").and_then(Json::as_array) {
        let keys: Vec<&str> = keys.iter().filter_map(Json::as_str).collect();
        line.push_str(&format!(" [sort key: {}]", keys.join(", ")));
    }
    let number = |key: &str| plan.get(key).and_then(Json::as_f64);
    if let (Some(rows), Some(loops)) = (number("Actual Rows"), number("Actual Loops")) {
        line.push_str(&format!(" (actual rows={rows} loops={loops})"));
    } else if let Some(rows) = number("Plan Rows") {
        line.push_str(&format!(" (estimated rows={rows})"));
    }
    lines.push(format!("{}{line}", "  ".repeat(depth)));
    for child in plan
        .get("Plans")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        node(child, depth + 1, lines);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_tree_becomes_indented_lines() {
        let explained = serde_json::json!([{ "Plan": {
            "Node Type": "Limit", "Actual Rows": 20.0, "Actual Loops": 1.0,
            "Plans": [{
                "Node Type": "Index Scan", "Index Name": "books_by_published",
                "Relation Name": "books", "Index Cond": "(published > $1)",
                "Actual Rows": 20.0, "Actual Loops": 1.0
            }]
        }}]);
        assert_eq!(
            plan_lines(&explained),
            [
                "Limit (actual rows=20 loops=1)",
                "  Index Scan using books_by_published on books [index cond: (published > $1)] (actual rows=20 loops=1)",
            ]
        );
    }
}
