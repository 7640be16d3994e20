//! Where a bench's or load scenario's plugin comes from: `plugin = "name"` or `wasm = "path"`.

use std::path::Path;

use toml::Spanned;

use super::error::{Ctx, SuiteError};
use super::model::PluginSource;

/// `plugin = "name"` or `wasm = "path"` (resolved against the suite's folder), exactly one of them.
pub(super) fn plugin_source(
    plugin: Option<Spanned<String>>,
    wasm: Option<Spanned<String>>,
    span: &std::ops::Range<usize>,
    prefix: &str,
    ctx: &Ctx<'_>,
) -> Result<PluginSource, SuiteError> {
    let table = prefix.trim_end_matches('.');
    let base_dir = ctx.file.parent().unwrap_or(Path::new("."));
    match (plugin, wasm) {
        (Some(name), None) => Ok(PluginSource::Named(name.into_inner())),
        (None, Some(path)) => Ok(PluginSource::File(base_dir.join(path.get_ref()))),
        (Some(_), Some(wasm)) => Err(ctx.error(
            Some(wasm.span()),
            Some(format!("{prefix}wasm")),
            "set either `plugin` or `wasm`, not both",
        )),
        (None, None) => Err(ctx.error(
            Some(span.clone()),
            Some(table.to_string()),
            "a bench needs `plugin = \"name\"` or `wasm = \"path\"`",
        )),
    }
}
