//! Hostile workloads: each one attacks the harness on purpose, so the test suite can prove the attack
//! is contained (`host/tests/it/containment/`). Endless work in `setup`, memory bombs, stack
//! overflows, arithmetic traps, panics, attempts to reach files, sockets and the environment the
//! host did not lend, enormous or ever-changing results, floods of output, and hoarding host-side
//! storage, text that would act on the terminal or the reports instead of showing, and SQL the
//! `db` capability must refuse or contain.
//!
//! Every escape attempt returns `Err(<what it tried>: <the OS error>)`, so a denied attempt ends its
//! bench with status `error` and the reason; an attempt that *succeeded* would return `Ok` and the
//! test would see status `ok`.

mod database;
mod escapes;
mod host_memory;
mod host_resources;
mod runaway;
mod text;

use database::Db;
use escapes::{Env, Exit, Fs, Net, Thread};
use host_memory::{FieldsHoard, HostHasher};
use host_resources::{
    AliasedCounters, BackendHoard, Chatty, HugeError, ManyCounters, UnstableChecksum,
};
use runaway::{HugeAlloc, MemoryBomb, Panic, SlowSetup, StackOverflow, Trap};
use text::{TextError, TextOk, TextPanic};

wasmbench_sdk::register!(
    SlowSetup,
    MemoryBomb,
    HugeAlloc,
    StackOverflow,
    Trap,
    Panic,
    Fs,
    Net,
    Env,
    HugeError,
    ManyCounters,
    AliasedCounters,
    UnstableChecksum,
    Chatty,
    BackendHoard,
    Exit,
    Thread,
    FieldsHoard,
    HostHasher,
    TextOk,
    TextError,
    TextPanic,
    Db,
);
