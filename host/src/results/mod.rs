//! The results schema (`results.json`, versioned; see `host/schema/results.schema.json`) and writing
//! it safely.

mod bench;
mod environment;
mod head;
mod journal;
mod load;
mod model;
mod run;
mod write;

pub use bench::{
    BenchResult, Counted, CounterStat, DbPlan, DbResult, DbTable, FuelResult, HostGroupResult,
    HostResult, Measurement, MemoryResult, Outliers, OutputCheck, ParallelResult, Phases, Summary,
    TimingInfo, UnitsResult, WallResult,
};
pub use environment::MachineNoise;
pub use head::{LimitsRecord, ResultHead, WasmInfo};
pub use journal::{Journal, is_journal, read_journal};
pub use load::{
    LoadResult, LoadRound, LoadSetup, LoadStats, Percentiles, PhaseResult, SpectrumPoint,
    ThresholdVerdict, TimelinePoint,
};
pub use model::{AgainstModel, ModelResult};
pub use run::{
    BadShard, Environment, GroupInfo, MAX_SHARDS, RunResults, SCHEMA_VERSION, ShardInfo, SuiteInfo,
    check_shard,
};
pub use write::{read_results, read_results_declared, write_atomically, write_json_atomically};
