//! `wasmbench cache info|prune`: what the compiled-component cache holds, and trimming it.

use anyhow::anyhow;

use super::CommandError;
use crate::cli::{CacheCommand, CacheDirArgs, exit};
use crate::engine::{CompileCache, PruneRule};
use crate::report::escape::terminal::path as shown;
use crate::report::format::bytes;

pub fn run(command: &CacheCommand) -> Result<u8, CommandError> {
    match command {
        CacheCommand::Info(args) => {
            let cache = open(args)?;
            let entries = cache.entries()?;
            let total: u64 = entries.iter().map(|e| e.bytes).sum();
            say!(
                "folder: {}",
                shown(cache.dir().expect("opened with a folder"))
            );
            say!(
                "entries: {} ({} of a {} cap; set WASMBENCH_CACHE_MAX to change it)",
                entries.len(),
                bytes(total),
                bytes(cache.max_bytes())
            );
            if let Some(oldest) = entries.first() {
                let unused = oldest.used.elapsed().unwrap_or_default();
                say!(
                    "least recently used: {} ago",
                    humantime::format_duration(std::time::Duration::from_secs(unused.as_secs()))
                );
            }
        }
        CacheCommand::Prune(args) => {
            let cache = open(&args.dir)?;
            let rule = if args.all {
                PruneRule {
                    max_bytes: 0,
                    older_than: None,
                }
            } else {
                PruneRule {
                    max_bytes: args.max_size.unwrap_or(cache.max_bytes()),
                    older_than: args.older_than,
                }
            };
            let pruned = cache.prune(rule)?;
            say!(
                "removed {} entr{} ({}); kept {} ({})",
                pruned.removed,
                if pruned.removed == 1 { "y" } else { "ies" },
                bytes(pruned.removed_bytes),
                pruned.kept,
                bytes(pruned.kept_bytes)
            );
        }
    }
    Ok(exit::OK)
}

/// The cache named by `--cache-dir`, else the default one.
fn open(args: &CacheDirArgs) -> Result<CompileCache, CommandError> {
    let dir = args
        .cache_dir
        .clone()
        .or_else(CompileCache::default_dir)
        .ok_or_else(|| anyhow!("no cache folder: set --cache-dir, WASMBENCH_CACHE_DIR or HOME"))?;
    Ok(CompileCache::new(Some(dir)))
}
