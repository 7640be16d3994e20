//! `wasmbench new`: write a plugin project from a language's template, then say how to build and
//! run it.

use super::CommandError;
use crate::cli::{NewArgs, exit};
use crate::report::escape::terminal;
use crate::scaffold::{self, Request};

pub fn run(args: &NewArgs) -> Result<u8, CommandError> {
    let lang = scaffold::Lang::from(args.lang);
    let request = Request {
        name: args.name.clone(),
        lang,
        sdk: args.sdk.clone(),
    };
    let project = scaffold::render(&request)?;
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from(&args.name));
    scaffold::write(&project, &dir)?;
    say!(
        "created {} plugin `{}` in {}",
        lang.name(),
        args.name,
        terminal::path(&dir)
    );
    for (path, _) in &project.files {
        say!("  {}", path.display());
    }
    say!("next:");
    say!("  cd {}", terminal::path(&dir));
    let width = project
        .setup
        .iter()
        .chain([&project.build])
        .map(String::len)
        .max()
        .unwrap_or(0);
    for line in &project.setup {
        say!("  {line:<width$}   # once");
    }
    say!("  {}", project.build);
    say!("  wasmbench run suite.toml");
    say!("(the README there covers baselines, CI, writing, debugging and common errors)");
    Ok(exit::OK)
}
