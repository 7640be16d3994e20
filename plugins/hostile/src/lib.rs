//! Hostile workloads: each one attacks the harness on purpose, so the test suite can prove the attack
//! is contained (`host/tests/hostile.rs`). Endless work in `setup`, memory bombs, stack overflows,
//! arithmetic traps, panics, attempts to reach files, sockets and the environment the host did not
//! lend, enormous or ever-changing results, floods of output, and hoarding host-side storage.
//!
//! Every escape attempt returns `Err(<what it tried>: <the OS error>)`, so a denied attempt ends its
//! bench with status `error` and the reason; an attempt that *succeeded* would return `Ok` and the
//! test would see status `ok`.

use std::io::{Read, Write};

use wasmbench_sdk::{Outcome, Params, Workload, fnv1a, host};

/// Never returns from `setup`: spins in guest code (`mode = "spin"`, stopped by fuel or the epoch
/// deadline) or sleeps in a host call (`mode = "sleep"`, stopped by the host-side timeout).
struct SlowSetup;

impl Workload for SlowSetup {
    const NAME: &'static str = "slow-setup";
    const DESCRIPTION: &'static str =
        "never finish setup (spin in guest code, or sleep `ms` in a host call)";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("mode", "spin"), ("ms", "60000")];

    fn setup(params: &Params) -> Result<Self, String> {
        match params.str("mode")? {
            "spin" => {
                let mut x = 0u64;
                loop {
                    x = std::hint::black_box(x.wrapping_add(1));
                }
            }
            "sleep" => {
                std::thread::sleep(std::time::Duration::from_millis(params.u64("ms")?));
                Ok(SlowSetup)
            }
            other => Err(format!("unknown mode `{other}` (spin, sleep)")),
        }
    }

    fn run(&mut self) -> Result<Outcome, String> {
        Ok(Outcome::new(0, 1))
    }
}

/// Grows memory without end inside one iteration: `memory.grow` by `pages` at a time
/// (`mode = "grow"`), or a `Vec` of 1 MiB buffers that is pushed to forever (`mode = "vec"`).
struct MemoryBomb {
    mode: String,
    pages: usize,
}

impl Workload for MemoryBomb {
    const NAME: &'static str = "memory-bomb";
    const DESCRIPTION: &'static str = "grow linear memory in a loop until something stops it";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("mode", "grow"), ("pages", "16")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(MemoryBomb {
            mode: params.str("mode")?.to_string(),
            pages: params.usize("pages")?,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let mut grown = 0u64;
        match self.mode.as_str() {
            "grow" => loop {
                if core::arch::wasm32::memory_grow(0, self.pages) == usize::MAX {
                    return Err(format!(
                        "memory.grow failed (returned -1) after {grown} pages: the guest was not stopped"
                    ));
                }
                grown += self.pages as u64;
            },
            "vec" => {
                let mut kept: Vec<Vec<u8>> = Vec::new();
                loop {
                    kept.push(vec![1; 1 << 20]);
                    std::hint::black_box(&kept);
                }
            }
            other => Err(format!("unknown mode `{other}` (grow, vec)")),
        }
    }
}

/// One huge allocation: `memory.grow` by `pages` at once (`mode = "grow"`; 60000 pages ≈ 3.7 GiB),
/// or a `Vec` of `bytes` (`mode = "vec"`).
struct HugeAlloc {
    mode: String,
    pages: usize,
    bytes: usize,
}

impl Workload for HugeAlloc {
    const NAME: &'static str = "huge-alloc";
    const DESCRIPTION: &'static str =
        "allocate one enormous block (memory.grow by `pages`, or a Vec of `bytes`)";
    const PARAMS: &'static [(&'static str, &'static str)] =
        &[("mode", "grow"), ("pages", "60000"), ("bytes", "1 GiB")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(HugeAlloc {
            mode: params.str("mode")?.to_string(),
            pages: params.usize("pages")?,
            bytes: params.bytes("bytes")? as usize,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        match self.mode.as_str() {
            "grow" => {
                let old = core::arch::wasm32::memory_grow(0, self.pages);
                if old == usize::MAX {
                    return Err(format!(
                        "memory.grow by {} pages failed (returned -1): the guest was not stopped",
                        self.pages
                    ));
                }
                Ok(Outcome::new(old as u64, self.pages as u64))
            }
            "vec" => {
                let block = vec![1u8; self.bytes];
                Ok(Outcome::new(
                    std::hint::black_box(&block)
                        .iter()
                        .step_by(4096)
                        .map(|&b| u64::from(b))
                        .sum(),
                    1,
                ))
            }
            other => Err(format!("unknown mode `{other}` (grow, vec)")),
        }
    }
}

/// Recurses without end: on the wasm call stack (`mode = "native"`), or with a 1 KiB buffer per
/// frame on Rust's shadow stack in linear memory (`mode = "shadow"`).
struct StackOverflow {
    mode: String,
}

#[inline(never)]
fn deep(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    std::hint::black_box(deep(std::hint::black_box(n - 1))).wrapping_add(1)
}

#[inline(never)]
fn deep_shadow(n: u64) -> u64 {
    let mut frame = [0u8; 1024];
    frame[(n % 1024) as usize] = n as u8;
    std::hint::black_box(&mut frame);
    if n == 0 {
        return u64::from(frame[0]);
    }
    std::hint::black_box(deep_shadow(std::hint::black_box(n - 1))).wrapping_add(u64::from(frame[1]))
}

impl Workload for StackOverflow {
    const NAME: &'static str = "stack-overflow";
    const DESCRIPTION: &'static str =
        "recurse without end (on the wasm stack, or on the shadow stack in memory)";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("mode", "native")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(StackOverflow {
            mode: params.str("mode")?.to_string(),
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let depth = std::hint::black_box(u64::MAX);
        match self.mode.as_str() {
            "native" => Ok(Outcome::new(deep(depth), 1)),
            "shadow" => Ok(Outcome::new(deep_shadow(depth), 1)),
            other => Err(format!("unknown mode `{other}` (native, shadow)")),
        }
    }
}

/// Traps in guest code: `unreachable`, a raw integer divide by zero (the wasm instruction
/// traps), a Rust checked division (panics), an out-of-bounds load, `abort()`.
struct Trap {
    kind: String,
}

impl Workload for Trap {
    const NAME: &'static str = "trap";
    const DESCRIPTION: &'static str =
        "trap: unreachable, div-zero, checked-div, out-of-bounds, abort";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("kind", "unreachable")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(Trap {
            kind: params.str("kind")?.to_string(),
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let zero = std::hint::black_box(0u32);
        let value = match self.kind.as_str() {
            "unreachable" => core::arch::wasm32::unreachable(),
            // Dividing by a `NonZero` compiles to a bare `i32.div_u` without Rust's zero check, so
            // the wasm instruction itself traps. (Lying to `new_unchecked` is the attack.)
            "div-zero" => {
                let divisor = unsafe { core::num::NonZeroU32::new_unchecked(zero) };
                u64::from(std::hint::black_box(7u32) / std::hint::black_box(divisor))
            }
            "checked-div" => u64::from(std::hint::black_box(7u32) / zero),
            "out-of-bounds" => {
                let address = std::hint::black_box(0xffff_fff0usize) as *const u64;
                unsafe { address.read_volatile() }
            }
            "abort" => std::process::abort(),
            other => return Err(format!("unknown kind `{other}`")),
        };
        Ok(Outcome::new(value, 1))
    }
}

/// Panics in `setup` or in `run` (`phase`).
struct Panic;

impl Workload for Panic {
    const NAME: &'static str = "panic";
    const DESCRIPTION: &'static str = "panic in `phase` (setup or run)";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("phase", "run")];

    fn setup(params: &Params) -> Result<Self, String> {
        match params.str("phase")? {
            "setup" => panic!("hostile/panic panicked in setup on purpose"),
            "run" => Ok(Panic),
            other => Err(format!("unknown phase `{other}` (setup, run)")),
        }
    }

    fn run(&mut self) -> Result<Outcome, String> {
        panic!("hostile/panic panicked in run on purpose")
    }
}

/// A file-system operation on `path` (and `to`): an escape attempt when `path` is outside the
/// read-only fixture folder, or a write inside it.
struct Fs {
    op: String,
    path: String,
    to: String,
}

impl Fs {
    fn attempt(&self) -> std::io::Result<Outcome> {
        let path = self.path.as_str();
        let done = |bytes: &[u8]| {
            Outcome::new(fnv1a(0, bytes), bytes.len() as u64).counter("bytes", bytes.len() as u64)
        };
        match self.op.as_str() {
            "read" => {
                let mut data = Vec::new();
                std::fs::File::open(path)?.read_to_end(&mut data)?;
                Ok(done(&data))
            }
            "write" => {
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)?
                    .write_all(b"owned")?;
                Ok(done(b"written"))
            }
            "create" => {
                std::fs::File::create_new(path)?.write_all(b"owned")?;
                Ok(done(b"created"))
            }
            "truncate" => {
                std::fs::OpenOptions::new()
                    .write(true)
                    .truncate(true)
                    .open(path)?;
                Ok(done(b"truncated"))
            }
            "mkdir" => std::fs::create_dir(path).map(|()| done(b"mkdir")),
            "remove" => std::fs::remove_file(path).map(|()| done(b"removed")),
            "rename" => std::fs::rename(path, &self.to).map(|()| done(b"renamed")),
            "symlink" => symlink(&self.to, path).map(|()| done(b"linked")),
            "list" => {
                let names: Vec<String> = std::fs::read_dir(path)?
                    .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
                    .collect::<Result<_, _>>()?;
                Ok(done(names.join("\n").as_bytes()).counter("entries", names.len() as u64))
            }
            "metadata" => {
                let meta = std::fs::metadata(path)?;
                Ok(done(&meta.len().to_le_bytes()))
            }
            other => Err(std::io::Error::other(format!("unknown op `{other}`"))),
        }
    }
}

/// `symlink(2)` through wasi-libc (`std::os::wasi::fs::symlink_path` is unstable).
fn symlink(target: &str, link: &str) -> std::io::Result<()> {
    unsafe extern "C" {
        fn symlink(
            target: *const std::ffi::c_char,
            link: *const std::ffi::c_char,
        ) -> std::ffi::c_int;
    }
    let target = std::ffi::CString::new(target).map_err(std::io::Error::other)?;
    let link = std::ffi::CString::new(link).map_err(std::io::Error::other)?;
    // SAFETY: two valid NUL-terminated strings.
    match unsafe { symlink(target.as_ptr(), link.as_ptr()) } {
        0 => Ok(()),
        _ => Err(std::io::Error::last_os_error()),
    }
}

impl Workload for Fs {
    const NAME: &'static str = "fs";
    const DESCRIPTION: &'static str = "one file operation (read, write, create, truncate, mkdir, remove, rename, symlink, list, metadata) on `path`";
    const PARAMS: &'static [(&'static str, &'static str)] =
        &[("op", "read"), ("path", "/etc/passwd"), ("to", "")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(Fs {
            op: params.str("op")?.to_string(),
            path: params.str("path")?.to_string(),
            to: params.str("to")?.to_string(),
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        self.attempt()
            .map_err(|e| format!("{} {} denied: {e}", self.op, self.path))
    }
}

/// Raw network access: a TCP connection, a listening socket, UDP, or a DNS lookup of `addr`.
struct Net {
    op: String,
    addr: String,
}

impl Net {
    fn attempt(&self) -> std::io::Result<Outcome> {
        use std::net::{TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
        let addr = self.addr.as_str();
        match self.op.as_str() {
            "tcp-connect" => {
                let mut stream = TcpStream::connect(addr)?;
                stream.write_all(b"GET / HTTP/1.0\r\n\r\n")?;
                let mut reply = Vec::new();
                stream.read_to_end(&mut reply)?;
                Ok(Outcome::new(fnv1a(0, &reply), reply.len() as u64))
            }
            "tcp-listen" => {
                let listener = TcpListener::bind(addr)?;
                Ok(Outcome::new(u64::from(listener.local_addr()?.port()), 1))
            }
            "udp-bind" => {
                let socket = UdpSocket::bind(addr)?;
                Ok(Outcome::new(u64::from(socket.local_addr()?.port()), 1))
            }
            "udp-send" => {
                let socket = UdpSocket::bind("0.0.0.0:0")?;
                Ok(Outcome::new(socket.send_to(b"hello", addr)? as u64, 1))
            }
            "dns" => {
                let found: Vec<_> = addr.to_socket_addrs()?.collect();
                Ok(Outcome::new(found.len() as u64, 1))
            }
            other => Err(std::io::Error::other(format!("unknown op `{other}`"))),
        }
    }
}

impl Workload for Net {
    const NAME: &'static str = "net";
    const DESCRIPTION: &'static str = "raw network access (tcp-connect, tcp-listen, udp-bind, udp-send, dns) to `addr` (`fixture`: the HTTP fixture server)";
    const PARAMS: &'static [(&'static str, &'static str)] =
        &[("op", "tcp-connect"), ("addr", "127.0.0.1:80")];

    fn setup(params: &Params) -> Result<Self, String> {
        let addr = match params.str("addr")? {
            // The HTTP fixture server's own address: reachable over HTTP, but not as a raw socket.
            "fixture" => host::http_fixture()
                .ok_or("addr = \"fixture\" needs the HTTP fixture server")?
                .trim_start_matches("http://")
                .to_string(),
            addr => addr.to_string(),
        };
        Ok(Net {
            op: params.str("op")?.to_string(),
            addr,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        self.attempt()
            .map_err(|e| format!("{} {} denied: {e}", self.op, self.addr))
    }
}

/// Looks at what the process can see of the host: environment, arguments, working directory,
/// stdin. Reports counts as counters; the host lends none of them.
struct Env;

impl Workload for Env {
    const NAME: &'static str = "env";
    const DESCRIPTION: &'static str =
        "count environment variables, arguments, stdin bytes; report the working directory";

    fn setup(_: &Params) -> Result<Self, String> {
        Ok(Env)
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let vars = std::env::vars_os().count() as u64;
        let args = std::env::args_os().count() as u64;
        let cwd = std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        let mut stdin = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut stdin);
        Ok(Outcome::new(fnv1a(0, cwd.as_bytes()), 1)
            .counter("env_vars", vars)
            .counter("args", args)
            .counter("cwd_len", cwd.len() as u64)
            .counter("stdin_bytes", stdin.len() as u64))
    }
}

/// Returns an enormous error string (`bytes` long) from `setup` or `run` (`phase`).
struct HugeError {
    bytes: usize,
}

fn huge_text(params: &Params) -> Result<String, String> {
    Ok("E".repeat(params.bytes("bytes")? as usize))
}

impl Workload for HugeError {
    const NAME: &'static str = "huge-error";
    const DESCRIPTION: &'static str =
        "return an error message of `bytes` bytes from `phase` (setup or run)";
    const PARAMS: &'static [(&'static str, &'static str)] =
        &[("bytes", "50 MiB"), ("phase", "run")];

    fn setup(params: &Params) -> Result<Self, String> {
        match params.str("phase")? {
            "setup" => Err(huge_text(params)?),
            "run" => Ok(HugeError {
                bytes: params.bytes("bytes")? as usize,
            }),
            other => Err(format!("unknown phase `{other}` (setup, run)")),
        }
    }

    fn run(&mut self) -> Result<Outcome, String> {
        Err("E".repeat(self.bytes))
    }
}

/// Returns `n` counters per iteration, with names `name_len` bytes long.
struct ManyCounters {
    n: usize,
    name_len: usize,
}

impl Workload for ManyCounters {
    const NAME: &'static str = "many-counters";
    const DESCRIPTION: &'static str =
        "return `n` distinct counters with `name_len`-byte names per iteration";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("n", "100000"), ("name_len", "12")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(ManyCounters {
            n: params.usize("n")?,
            name_len: params.usize("name_len")?,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let mut outcome = Outcome::new(self.n as u64, self.n as u64);
        for i in 0..self.n {
            let mut name = format!("c{i}");
            while name.len() < self.name_len {
                name.push('_');
            }
            outcome = outcome.counter(name, i as u64);
        }
        Ok(outcome)
    }
}

/// `n` counters whose names all point at one `len`-byte buffer in guest memory: a few KiB of guest
/// memory that the host copies into `n × len` bytes when it reads the result. (The aliasing breaks
/// Rust's ownership rules on purpose; the SDK frees the names after the host has read them.)
struct AliasedCounters {
    n: usize,
    len: usize,
}

impl Workload for AliasedCounters {
    const NAME: &'static str = "aliased-counters";
    const DESCRIPTION: &'static str =
        "return `n` counters whose names alias one `len`-byte buffer (host-side amplification)";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("n", "4096"), ("len", "64 KiB")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(AliasedCounters {
            n: params.usize("n")?,
            len: params.bytes("len")? as usize,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let buffer: &'static mut [u8] = Vec::leak(vec![b'A'; self.len]);
        let mut outcome = Outcome::new(self.n as u64, self.n as u64);
        outcome.counters.reserve(self.n);
        for i in 0..self.n {
            // SAFETY: none; the same bytes are handed out `n` times (the attack).
            let name =
                unsafe { String::from_raw_parts(buffer.as_mut_ptr(), buffer.len(), buffer.len()) };
            outcome.counters.push((name, i as u64));
        }
        Ok(outcome)
    }
}

/// A checksum that differs on every iteration (the result is not deterministic).
struct UnstableChecksum {
    iteration: u64,
}

impl Workload for UnstableChecksum {
    const NAME: &'static str = "unstable-checksum";
    const DESCRIPTION: &'static str = "return a different checksum every iteration";

    fn setup(_: &Params) -> Result<Self, String> {
        Ok(UnstableChecksum { iteration: 0 })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        self.iteration += 1;
        Ok(Outcome::new(fnv1a(0, &self.iteration.to_le_bytes()), 1)
            .counter("iteration", self.iteration))
    }
}

/// Writes `bytes` to stdout or stderr (`stream`) every iteration.
struct Chatty {
    text: Vec<u8>,
    stderr: bool,
}

impl Workload for Chatty {
    const NAME: &'static str = "chatty";
    const DESCRIPTION: &'static str =
        "write `bytes` to `stream` (stdout or stderr) every iteration";
    const PARAMS: &'static [(&'static str, &'static str)] =
        &[("bytes", "1 MiB"), ("stream", "stdout")];

    fn setup(params: &Params) -> Result<Self, String> {
        let stderr = match params.str("stream")? {
            "stdout" => false,
            "stderr" => true,
            other => return Err(format!("unknown stream `{other}` (stdout, stderr)")),
        };
        let mut text = vec![b'.'; params.bytes("bytes")? as usize];
        if let Some(last) = text.last_mut() {
            *last = b'\n';
        }
        Ok(Chatty { text, stderr })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let written = if self.stderr {
            std::io::stderr()
                .write_all(&self.text)
                .and_then(|()| std::io::stderr().flush())
        } else {
            std::io::stdout()
                .write_all(&self.text)
                .and_then(|()| std::io::stdout().flush())
        };
        written.map_err(|e| format!("writing {} bytes failed: {e}", self.text.len()))?;
        Ok(Outcome::new(self.text.len() as u64, self.text.len() as u64))
    }
}

/// Stores `puts` values of `bytes` each in the host's simulated store under fresh keys every
/// iteration: guest memory stays at one buffer while host memory grows.
struct BackendHoard {
    value: Vec<u8>,
    puts: u64,
    next: u64,
}

impl Workload for BackendHoard {
    const NAME: &'static str = "backend-hoard";
    const DESCRIPTION: &'static str =
        "put `puts` values of `bytes` under fresh keys in the host store every iteration";
    const UNIT: &'static str = "bytes";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("bytes", "4 MiB"), ("puts", "1")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(BackendHoard {
            value: vec![7; params.bytes("bytes")? as usize],
            puts: params.u64("puts")?,
            next: 0,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        for _ in 0..self.puts {
            host::put(
                host::Backend::Store,
                &format!("hoard-{}", self.next),
                &self.value,
            );
            self.next += 1;
        }
        Ok(Outcome::new(self.next, self.puts * self.value.len() as u64))
    }
}

/// Calls `exit(code)` in `run`, as if the plugin could end the harness's process.
struct Exit {
    code: i32,
}

impl Workload for Exit {
    const NAME: &'static str = "exit";
    const DESCRIPTION: &'static str = "call exit(`code`) in run";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("code", "0")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(Exit {
            code: params.u64("code")? as i32,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        std::process::exit(self.code)
    }
}

/// Tries to start a thread.
struct Thread;

impl Workload for Thread {
    const NAME: &'static str = "thread";
    const DESCRIPTION: &'static str = "try to spawn a thread";

    fn setup(_: &Params) -> Result<Self, String> {
        Ok(Thread)
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let handle = std::thread::Builder::new()
            .spawn(|| 42u64)
            .map_err(|e| format!("spawning a thread denied: {e}"))?;
        let value = handle
            .join()
            .map_err(|_| "the thread panicked".to_string())?;
        Ok(Outcome::new(value, 1))
    }
}

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
);
