//! Checks across a group of alternatives: benches in one group do the same work in different ways,
//! so their checksums must agree. A bench that disagrees with the group's first successful bench
//! fails with status `error`.

use std::collections::BTreeMap;

use crate::model::Status;
use crate::results::BenchResult;

/// Marks benches whose checksum differs from their group's reference; returns how many.
pub fn check_checksums(benches: &mut [BenchResult]) -> usize {
    let mut reference: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut mismatches = 0;
    for bench in benches.iter_mut() {
        let (Some(group), Some(checksum), Status::Ok) =
            (&bench.group, &bench.checksum, bench.status)
        else {
            continue;
        };
        match reference.get(group) {
            None => {
                reference.insert(group.clone(), (bench.id.clone(), checksum.clone()));
            }
            Some((first_id, first)) if first != checksum => {
                bench.message = Some(format!(
                    "checksum {checksum} differs from {first} of `{first_id}` in group `{group}`: the alternatives don't compute the same result"
                ));
                bench.status = Status::Error;
                bench.met_expectation = bench.expected == Status::Error;
                mismatches += 1;
            }
            Some(_) => {}
        }
    }
    mismatches
}
