//! Checks across a group of alternatives: benches in one group do the same work in different ways,
//! so their checksums must agree. A group may also sweep a parameter (pagination at depth 1, 100
//! and 1000): benches whose shared parameters differ do different work and are not compared. A
//! bench that disagrees with the first successful bench it is comparable with fails with status
//! `error`.

use std::collections::BTreeMap;

use crate::model::Status;
use crate::results::BenchResult;

/// Whether two benches of a group must agree: every parameter both have is set alike.
pub(crate) fn comparable(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> bool {
    a.iter()
        .all(|(name, value)| b.get(name).is_none_or(|other| other == value))
}

/// A bench that sets a group's reference checksum for the benches comparable with it.
struct Reference {
    id: String,
    params: BTreeMap<String, String>,
    checksum: String,
}

/// Marks benches whose checksum differs from their group's reference; returns how many.
pub fn check_checksums(benches: &mut [BenchResult]) -> usize {
    let mut references: BTreeMap<String, Vec<Reference>> = BTreeMap::new();
    let mut mismatches = 0;
    for bench in benches.iter_mut() {
        let (Some(group), Some(checksum), Status::Ok) =
            (&bench.head.group, &bench.checksum, bench.head.status)
        else {
            continue;
        };
        let seen = references.entry(group.clone()).or_default();
        match seen
            .iter()
            .find(|r| comparable(&r.params, &bench.head.params))
        {
            None => seen.push(Reference {
                id: bench.head.id.clone(),
                params: bench.head.params.clone(),
                checksum: checksum.clone(),
            }),
            Some(Reference {
                id: first_id,
                checksum: first,
                ..
            }) if first != checksum => {
                bench.head.message = Some(format!(
                    "checksum {checksum} differs from {first} of `{first_id}` in group `{group}`: the alternatives don't compute the same result"
                ));
                bench.head.status = Status::Error;
                bench.met_expectation = bench.expected == Status::Error;
                mismatches += 1;
            }
            Some(_) => {}
        }
    }
    mismatches
}

#[cfg(test)]
mod tests {
    use super::comparable;
    use std::collections::BTreeMap;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn benches_sweeping_a_parameter_are_compared_only_where_it_is_equal() {
        let offset_1 = params(&[("depth", "1"), ("page_size", "20")]);
        let keyset_1 = params(&[("depth", "1"), ("page_size", "20")]);
        let keyset_100 = params(&[("depth", "100"), ("page_size", "20")]);
        assert!(comparable(&offset_1, &keyset_1));
        assert!(!comparable(&offset_1, &keyset_100));
        // Parameters only one side has say nothing: `blocking` vs `stream` with a chunk size.
        assert!(comparable(&params(&[]), &params(&[("chunk", "65536")])));
    }
}
