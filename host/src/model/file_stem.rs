//! File names for a bench's own files, from its id: readable, and never shared by two ids.

/// Characters a file name keeps as they are; `/` becomes `.`.
fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// The file stem of a bench's files (profiles, kept plugin output): the id with `/` as `.`, and,
/// when the id holds other characters than letters, digits, `_`, `-` and `/` (or is long), those
/// as `_` plus a hash of the id, so two ids never share a name. E.g. `cpu/fib` → `cpu.fib`, `cpu/fib[n=30]` →
/// `cpu.fib_n_30_-1a2b3c4d`.
pub fn bench_file_stem(id: &str) -> String {
    const LONGEST: usize = 80;
    let mut lossy = id.is_empty() || id.chars().count() > LONGEST || id.starts_with('/');
    let mut name: String = id
        .chars()
        .take(LONGEST)
        .map(|c| match c {
            c if plain(c) => c,
            '/' => '.',
            _ => {
                lossy = true;
                '_'
            }
        })
        .collect();
    if name.starts_with('.') {
        name.replace_range(..1, "_");
    }
    if lossy {
        let hash = super::stable_hash(id.as_bytes());
        name.push_str(&format!("-{:08x}", hash as u32));
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_and_distinct() {
        assert_eq!(bench_file_stem("cpu/fib"), "cpu.fib");
        let odd = bench_file_stem("cpu/fib[n=30]");
        assert!(odd.starts_with("cpu.fib_n_30_-"), "{odd}");
        assert_ne!(bench_file_stem("a.b"), bench_file_stem("a/b"));
        for id in ["../../etc/passwd", "/abs", "a b\nc", "", "ü/ß"] {
            let name = bench_file_stem(id);
            assert!(
                !name.is_empty() && !name.starts_with('.'),
                "{id:?} → {name}"
            );
            assert!(
                name.chars().all(|c| plain(c) || c == '.'),
                "{id:?} → {name}"
            );
        }
    }
}
