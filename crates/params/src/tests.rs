use super::vectors::{self, Rule};
use super::*;

#[test]
fn every_vector_holds() {
    let mut count = 0;
    for v in vectors::all() {
        let got = match v.rule {
            Rule::Uint => uint(v.input),
            Rule::Size => size(v.input),
        };
        assert_eq!(
            got, v.expected,
            "vectors.txt:{}: {:?} {:?}",
            v.line, v.rule, v.input
        );
        count += 1;
    }
    assert!(count > 40, "only {count} vectors");
}

#[test]
fn a_plain_count_is_a_size_in_bytes() {
    for v in vectors::all().filter(|v| v.rule == Rule::Uint && !v.input.starts_with('+')) {
        if let Some(n) = uint(v.input) {
            assert_eq!(size(v.input), Some(n), "vectors.txt:{}", v.line);
        }
    }
}

#[test]
fn floats_and_booleans() {
    assert_eq!(float("0.5"), Some(0.5));
    assert_eq!(float("1e3"), Some(1000.0));
    assert_eq!(float("-2"), Some(-2.0));
    assert_eq!(float("1_000"), None);
    assert_eq!(float(" 1"), None);
    assert_eq!(boolean("true"), Some(true));
    assert_eq!(boolean("false"), Some(false));
    assert_eq!(boolean("True"), None);
    assert_eq!(boolean("1"), None);
}
