//! A plugin's SQL made ready for PostgreSQL: SQLite's `?` and `?NNN` placeholders become `$N`, and
//! what a data statement has no business doing there is refused before the server sees it
//! (changing a setting, `SELECT … INTO` a new table, reaching files, other sessions or other
//! databases). Strings, quoted names, comments and dollar-quoted bodies are skipped, so a `?` or a
//! name inside them is left alone.

/// Functions a plugin's statement may not call: they change the session's settings, reach files,
/// large objects, other sessions or other databases, or signal the server.
const REFUSED_FUNCTIONS: &[&str] = &[
    "set_config",
    "pg_terminate_backend",
    "pg_cancel_backend",
    "pg_reload_conf",
    "pg_notify",
    "pg_read_file",
    "pg_read_binary_file",
    "pg_ls_dir",
    "pg_stat_file",
    "lo_import",
    "lo_export",
    "dblink",
    "dblink_exec",
    "dblink_connect",
];

/// The statement as PostgreSQL takes it, or why it is refused.
pub fn translate(sql: &str) -> Result<String, String> {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut next = 1u32;
    let mut previous_word = String::new();
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let skipped = skip_quoted(&chars, i);
        if skipped > i {
            out.extend(&chars[i..skipped]);
            i = skipped;
            continue;
        }
        if c == '?' {
            let digits: String = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            let number = if digits.is_empty() {
                next
            } else {
                digits
                    .parse::<u32>()
                    .map_err(|_| format!("`?{digits}` is not a parameter number"))?
            };
            next = next.max(number + 1);
            out.push_str(&format!("${number}"));
            i += 1 + digits.len();
            continue;
        }
        let names_next = chars
            .get(i + 1)
            .is_some_and(|n| n.is_ascii_alphabetic() || *n == '_');
        if (c == ':' || c == '@') && names_next && (i == 0 || chars[i - 1] != ':') {
            let name: String = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                .collect();
            return Err(format!(
                "named parameters (`{c}{name}`) are SQLite's: on PostgreSQL number them, `?1` or `$1`"
            ));
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let word: String = chars[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == '_' || **c == '$')
                .collect();
            check_word(&word, &previous_word, &chars[i + word.chars().count()..])?;
            i += word.chars().count();
            out.push_str(&word);
            previous_word = word;
            continue;
        }
        out.push(c);
        i += 1;
    }
    Ok(out)
}

/// Refuses `SELECT … INTO` (it creates a table) and calls of [`REFUSED_FUNCTIONS`].
fn check_word(word: &str, previous: &str, rest: &[char]) -> Result<(), String> {
    let lower = word.to_ascii_lowercase();
    if lower == "into"
        && !previous.eq_ignore_ascii_case("insert")
        && !previous.eq_ignore_ascii_case("merge")
    {
        return Err(
            "refused `SELECT … INTO`: it creates a table, and plugins run data statements only; \
             the schema comes from the suite's [db] table"
                .into(),
        );
    }
    let called = rest.iter().find(|c| !c.is_whitespace()) == Some(&'(');
    if called && (REFUSED_FUNCTIONS.contains(&lower.as_str()) || lower.starts_with("dblink")) {
        return Err(format!(
            "refused a call of `{lower}`: plugins can't change the session's settings or reach \
             files, other sessions or other databases"
        ));
    }
    Ok(())
}

/// Where the string, quoted name, comment or dollar-quoted body starting at `i` ends (`i` when
/// none starts there).
fn skip_quoted(chars: &[char], i: usize) -> usize {
    let rest = &chars[i..];
    let until = |close: &[char], from: usize| -> usize {
        (from..chars.len())
            .find(|&j| chars[j..].starts_with(close))
            .map_or(chars.len(), |j| j + close.len())
    };
    match rest {
        ['-', '-', ..] => until(&['\n'], i + 2),
        ['/', '*', ..] => until(&['*', '/'], i + 2),
        ['\'', ..] | ['"', ..] => {
            // '' (or "") inside is an escaped quote: the body goes on.
            let quote = rest[0];
            let mut j = i + 1;
            while j < chars.len() {
                if chars[j] == quote {
                    if chars.get(j + 1) == Some(&quote) {
                        j += 2;
                        continue;
                    }
                    return j + 1;
                }
                j += 1;
            }
            chars.len()
        }
        ['$', ..] => {
            // $tag$ … $tag$ (a `$1` parameter is not a tag).
            let tag_len = rest[1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                .count();
            let is_tag = rest.get(1 + tag_len) == Some(&'$')
                && !rest.get(1).is_some_and(|c| c.is_ascii_digit());
            if !is_tag {
                return i;
            }
            let tag: Vec<char> = rest[..tag_len + 2].to_vec();
            until(&tag, i + tag.len())
        }
        _ => i,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_placeholders_become_numbered_ones() {
        assert_eq!(
            translate("SELECT * FROM t WHERE a = ? AND b = ?").unwrap(),
            "SELECT * FROM t WHERE a = $1 AND b = $2"
        );
        assert_eq!(
            translate("SELECT ?2, ?1, ?").unwrap(),
            "SELECT $2, $1, $3",
            "a bare ? takes the number after the largest so far, as in SQLite"
        );
        assert_eq!(translate("SELECT $1::int8").unwrap(), "SELECT $1::int8");
    }

    #[test]
    fn quoted_text_and_comments_are_left_alone() {
        let sql = "SELECT '?', \"a?\", $$ ? $$, $x$ ? $x$ -- ?\n/* ? */ FROM t WHERE s = 'it''s ?' AND n = ?";
        assert_eq!(
            translate(sql).unwrap(),
            "SELECT '?', \"a?\", $$ ? $$, $x$ ? $x$ -- ?\n/* ? */ FROM t WHERE s = 'it''s ?' AND n = $1"
        );
    }

    #[test]
    fn named_parameters_are_refused_with_the_fix() {
        let err = translate("SELECT * FROM t WHERE a = :id").unwrap_err();
        assert!(err.contains("`:id`") && err.contains("?1"), "{err}");
        assert!(
            translate("SELECT a::text FROM t").is_ok(),
            "a cast is not a name"
        );
    }

    #[test]
    fn settings_files_and_select_into_are_refused() {
        for sql in [
            "SELECT set_config('work_mem', '1GB', false)",
            "SELECT pg_read_file('/etc/passwd')",
            "SELECT * INTO copy FROM t",
            "SELECT dblink_exec('x', 'DROP TABLE t')",
        ] {
            assert!(translate(sql).is_err(), "{sql}");
        }
        assert!(translate("INSERT INTO t(a) VALUES (?)").is_ok());
        assert!(translate("SELECT 'set_config(' FROM t").is_ok());
        assert!(translate("SELECT into_column FROM t").is_ok());
    }
}
