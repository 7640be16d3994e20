//! Fixture files generated from a seed, so every run reads identical bytes.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::FixtureSpec;

/// A temporary folder of generated fixture files, removed on drop.
pub struct FixtureDir {
    dir: tempfile::TempDir,
}

impl FixtureDir {
    pub fn generate(specs: &BTreeMap<String, FixtureSpec>) -> Result<Self> {
        let dir = crate::scratch::tempdir("wasmbench-fixtures-")
            .context("creating the fixture folder")?;
        for (name, spec) in specs {
            let path = dir.path().join(name);
            write_fixture(&path, spec).with_context(|| format!("generating fixture {name}"))?;
        }
        Ok(FixtureDir { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

fn write_fixture(path: &Path, spec: &FixtureSpec) -> Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let mut block = vec![0u8; 1 << 20];
    let mut left = spec.size;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        rng.fill_bytes(&mut block[..n]);
        out.write_all(&block[..n])?;
        left -= n as u64;
    }
    out.flush()?;
    Ok(())
}
