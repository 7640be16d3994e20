//! Escape attempts: the file system, the network, the environment, `exit` and threads.

use std::io::{Read, Write};

use wasmbench_sdk::{Outcome, Params, Workload, fnv1a, host};

/// A file-system operation on `path` (and `to`): an escape attempt when `path` is outside the
/// read-only fixture folder, or a write inside it.
pub(crate) struct Fs {
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
pub(crate) fn symlink(target: &str, link: &str) -> std::io::Result<()> {
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
pub(crate) struct Net {
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
pub(crate) struct Env;

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

/// Calls `exit(code)` in `run`, as if the plugin could end the harness's process.
pub(crate) struct Exit {
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
pub(crate) struct Thread;

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
