//! Host calls counted per import group: how often a plugin crossed into the host, how many bytes it
//! moved across, and how long the host took, for each kind of capability it imported.

use std::time::{Duration, Instant};

/// What a plugin imports, grouped the way a reader thinks about where time goes. A host call is
/// put in a group by the linker (see `capability::linking`): each group's functions reach the store
/// through a getter that names the group first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ImportGroup {
    /// `wasi:filesystem`: opening, stat, directory reads and positioned reads on descriptors.
    Filesystem,
    /// `wasi:io` streams, pollables and errors: the bytes of file streams and HTTP bodies.
    Streams,
    /// `wasi:http`: requests, responses, headers and the outgoing handler.
    Http,
    /// `wasi:clocks`.
    Clocks,
    /// `wasi:random`.
    Random,
    /// `wasi:cli`: stdio, environment, exit.
    Cli,
    /// `wasi:sockets` (all denied, but still calls).
    Sockets,
    /// `wasmbench:plugin/host` get / put / delete / clear / load / digest on the simulated stores.
    Backends,
    /// `wasmbench:plugin/host` otherwise (`http-fixture`).
    Host,
    /// `wasmbench:plugin/db`.
    Db,
    /// WASI preview 1 and the `bench` markers of a core module (sightglass convention).
    WasiP1,
    /// Calls that reached no group's getter: runtime builtins such as resource drops of guest
    /// resources.
    Runtime,
}

impl ImportGroup {
    pub const ALL: [ImportGroup; 12] = [
        ImportGroup::Filesystem,
        ImportGroup::Streams,
        ImportGroup::Http,
        ImportGroup::Clocks,
        ImportGroup::Random,
        ImportGroup::Cli,
        ImportGroup::Sockets,
        ImportGroup::Backends,
        ImportGroup::Host,
        ImportGroup::Db,
        ImportGroup::WasiP1,
        ImportGroup::Runtime,
    ];

    /// The name in results and reports.
    pub fn name(self) -> &'static str {
        match self {
            ImportGroup::Filesystem => "filesystem",
            ImportGroup::Streams => "streams",
            ImportGroup::Http => "http",
            ImportGroup::Clocks => "clocks",
            ImportGroup::Random => "random",
            ImportGroup::Cli => "cli",
            ImportGroup::Sockets => "sockets",
            ImportGroup::Backends => "backends",
            ImportGroup::Host => "host",
            ImportGroup::Db => "db",
            ImportGroup::WasiP1 => "wasi-p1",
            ImportGroup::Runtime => "runtime",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One group's share of the host calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupTally {
    pub calls: u64,
    /// Bytes copied between linear memory and the host, both ways, where the group's functions
    /// carry payloads (streams, backends, db); 0 elsewhere.
    pub bytes: u64,
    pub time: Duration,
}

impl GroupTally {
    fn since(self, earlier: GroupTally) -> GroupTally {
        GroupTally {
            calls: self.calls.saturating_sub(earlier.calls),
            bytes: self.bytes.saturating_sub(earlier.bytes),
            time: self.time.saturating_sub(earlier.time),
        }
    }
}

/// Time spent outside guest code, in host functions and runtime calls (memory growth, bulk memory
/// operations): the work fuel doesn't see, per import group. Measured on the metered pass only,
/// where a hook on every transition costs nothing that is timed; host code runs natively there, so
/// the time is the same as in the timed pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HostCalls {
    groups: [GroupTally; ImportGroup::ALL.len()],
}

impl HostCalls {
    /// Counts one finished call of `group`.
    pub fn record(&mut self, group: ImportGroup, bytes: u64, time: Duration) {
        let tally = &mut self.groups[group.index()];
        tally.calls += 1;
        tally.bytes += bytes;
        tally.time += time;
    }

    pub fn group(&self, group: ImportGroup) -> GroupTally {
        self.groups[group.index()]
    }

    /// The groups that were called, in [`ImportGroup::ALL`] order.
    pub fn groups(&self) -> impl Iterator<Item = (ImportGroup, GroupTally)> + '_ {
        ImportGroup::ALL
            .into_iter()
            .map(|g| (g, self.group(g)))
            .filter(|(_, t)| t.calls > 0)
    }

    pub fn calls(&self) -> u64 {
        self.groups.iter().map(|t| t.calls).sum()
    }

    pub fn bytes(&self) -> u64 {
        self.groups.iter().map(|t| t.bytes).sum()
    }

    pub fn time(&self) -> Duration {
        self.groups.iter().map(|t| t.time).sum()
    }

    /// What was added between `earlier` and `self` (two readings of one store's count).
    pub fn since(self, earlier: HostCalls) -> HostCalls {
        let mut out = self;
        for (tally, before) in out.groups.iter_mut().zip(earlier.groups) {
            *tally = tally.since(before);
        }
        out
    }
}

/// How host calls nest: a call made while another is in progress (a libcall growing memory while
/// a result is lowered) belongs to the outermost one, which owns the time.
#[derive(Debug, Default)]
pub struct HostCallNesting {
    depth: u32,
    entered: Option<Instant>,
}

impl HostCallNesting {
    /// A host call begins; true when it is the outermost.
    pub fn enter(&mut self) -> bool {
        self.depth += 1;
        self.depth == 1
    }

    /// When the outermost call's timed part began.
    pub fn started(&mut self, at: Instant) {
        self.entered = Some(at);
    }

    /// A host call ends; the outermost call's start when it was that one.
    pub fn leave(&mut self) -> Option<Instant> {
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0 {
            self.entered.take()
        } else {
            None
        }
    }

    /// Host calls in progress.
    pub fn depth(&self) -> u32 {
        self.depth
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_add_up_and_subtract() {
        let mut before = HostCalls::default();
        before.record(ImportGroup::Streams, 100, Duration::from_micros(3));
        let mut after = before;
        after.record(ImportGroup::Streams, 50, Duration::from_micros(2));
        after.record(ImportGroup::Db, 8, Duration::from_micros(10));
        assert_eq!(after.calls(), 3);
        assert_eq!(after.bytes(), 158);
        let added = after.since(before);
        assert_eq!(added.calls(), 2);
        assert_eq!(
            added
                .groups()
                .map(|(g, t)| (g.name(), t.calls, t.bytes))
                .collect::<Vec<_>>(),
            vec![("streams", 1, 50), ("db", 1, 8)]
        );
        assert_eq!(added.time(), Duration::from_micros(12));
    }

    #[test]
    fn names_are_distinct() {
        let mut names: Vec<_> = ImportGroup::ALL.iter().map(|g| g.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ImportGroup::ALL.len());
    }
}
