//! `wasmbench fixture`: the HTTP fixture server on its own, until Ctrl-C.

use super::CommandError;
use crate::capability::FixtureServer;
use crate::cli::{FixtureArgs, exit};
use crate::model::HttpFixtureConfig;

pub fn run(args: &FixtureArgs) -> Result<u8, CommandError> {
    let config = HttpFixtureConfig {
        latency: args.latency,
        size: args.size.as_u64(),
        ..HttpFixtureConfig::default()
    };
    let server = FixtureServer::start_on(config, args.port)?;
    crate::runner::interrupt::install()?;
    say!("{}", server.base_url());
    eprintln!(
        "serving the HTTP fixture server (latency {}, {} bodies) until Ctrl-C; try {}/item/1?latency_ms=5",
        humantime::format_duration(args.latency),
        args.size,
        server.base_url()
    );
    while !crate::runner::interrupt::requested() {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let served = server.served();
    eprintln!(
        "served {served} request{}",
        if served == 1 { "" } else { "s" }
    );
    Ok(exit::OK)
}
