//! Every interface a plugin may import, added to the linker so that each host call is counted in
//! its import group: the getter an interface's functions reach the store through names the group
//! in the store's watch before handing out the view, and the io streams count the bytes they carry.
//! The watch turns that into calls, bytes and time per group on the metered pass (see
//! `engine::HostCalls`); on the timed pass the getters only store a tag.

use wasmtime::component::{HasData, HasSelf, Linker, Resource, ResourceTable};
use wasmtime_wasi::cli::{WasiCli, WasiCliCtxView, WasiCliView};
use wasmtime_wasi::clocks::{WasiClocks, WasiClocksCtxView, WasiClocksView};
use wasmtime_wasi::filesystem::{WasiFilesystem, WasiFilesystemCtxView, WasiFilesystemView};
use wasmtime_wasi::p2::bindings::{cli, clocks, filesystem, random, sockets};
use wasmtime_wasi::random::{WasiRandom, WasiRandomCtx};
use wasmtime_wasi::sockets::{WasiSockets, WasiSocketsCtxView, WasiSocketsView};
use wasmtime_wasi::{WasiView, p2};
use wasmtime_wasi_http::{WasiHttp, WasiHttpCtxView, WasiHttpView};
use wasmtime_wasi_io::bindings::wasi::io::{error, poll, streams};
use wasmtime_wasi_io::poll::DynPollable;
use wasmtime_wasi_io::streams::{DynInputStream, DynOutputStream, StreamError, StreamResult};

use super::store::HostState;
use crate::engine::ImportGroup;

/// Adds WASI 0.2 (without the blocking variants), outgoing HTTP, `host` and `db` to `linker`,
/// each counted in its group.
pub fn add_to_linker(linker: &mut Linker<HostState>) -> anyhow::Result<()> {
    add_wasi(linker)?;
    add_http(linker)?;
    crate::plugin::bindings::host::add_to_linker::<HostState, HasSelf<HostState>>(linker, |s| {
        s.watch.calling(ImportGroup::Host);
        s
    })?;
    crate::plugin::bindings::db::add_to_linker::<HostState, HasSelf<HostState>>(linker, |s| {
        s.watch.calling(ImportGroup::Db);
        s
    })?;
    Ok(())
}

/// What `wasmtime_wasi::p2::add_to_linker_async` adds, interface by interface, with our getters.
fn add_wasi(l: &mut Linker<HostState>) -> anyhow::Result<()> {
    error::add_to_linker::<HostState, CountedIo>(l, streams_of)?;
    poll::add_to_linker::<HostState, CountedIo>(l, streams_of)?;
    streams::add_to_linker::<HostState, CountedIo>(l, streams_of)?;

    clocks::wall_clock::add_to_linker::<HostState, WasiClocks>(l, clocks_of)?;
    clocks::monotonic_clock::add_to_linker::<HostState, WasiClocks>(l, clocks_of)?;
    filesystem::preopens::add_to_linker::<HostState, WasiFilesystem>(l, filesystem_of)?;
    filesystem::types::add_to_linker::<HostState, WasiFilesystem>(l, filesystem_of)?;
    random::random::add_to_linker::<HostState, WasiRandom>(l, random_of)?;
    random::insecure::add_to_linker::<HostState, WasiRandom>(l, random_of)?;
    random::insecure_seed::add_to_linker::<HostState, WasiRandom>(l, random_of)?;
    cli::exit::add_to_linker::<HostState, WasiCli>(l, cli_of)?;
    cli::environment::add_to_linker::<HostState, WasiCli>(l, cli_of)?;
    cli::stdin::add_to_linker::<HostState, WasiCli>(l, cli_of)?;
    cli::stdout::add_to_linker::<HostState, WasiCli>(l, cli_of)?;
    cli::stderr::add_to_linker::<HostState, WasiCli>(l, cli_of)?;
    cli::terminal_input::add_to_linker::<HostState, WasiCli>(l, cli_of)?;
    cli::terminal_output::add_to_linker::<HostState, WasiCli>(l, cli_of)?;
    cli::terminal_stdin::add_to_linker::<HostState, WasiCli>(l, cli_of)?;
    cli::terminal_stdout::add_to_linker::<HostState, WasiCli>(l, cli_of)?;
    cli::terminal_stderr::add_to_linker::<HostState, WasiCli>(l, cli_of)?;
    let options = p2::bindings::LinkOptions::default();
    sockets::tcp_create_socket::add_to_linker::<HostState, WasiSockets>(l, sockets_of)?;
    sockets::instance_network::add_to_linker::<HostState, WasiSockets>(l, sockets_of)?;
    sockets::network::add_to_linker::<HostState, WasiSockets>(l, &(&options).into(), sockets_of)?;
    sockets::ip_name_lookup::add_to_linker::<HostState, WasiSockets>(l, sockets_of)?;
    sockets::tcp::add_to_linker::<HostState, WasiSockets>(l, sockets_of)?;
    sockets::udp::add_to_linker::<HostState, WasiSockets>(l, sockets_of)?;
    sockets::udp_create_socket::add_to_linker::<HostState, WasiSockets>(l, sockets_of)?;
    Ok(())
}

/// What `wasmtime_wasi_http::p2::add_only_http_to_linker_async` adds, with our getter.
fn add_http(l: &mut Linker<HostState>) -> anyhow::Result<()> {
    use wasmtime_wasi_http::p2::bindings::{LinkOptions, http};
    let options = LinkOptions::default();
    http::outgoing_handler::add_to_linker::<HostState, WasiHttp>(l, http_of)?;
    http::types::add_to_linker::<HostState, WasiHttp>(l, &options.into(), http_of)?;
    Ok(())
}

fn clocks_of(s: &mut HostState) -> WasiClocksCtxView<'_> {
    s.watch.calling(ImportGroup::Clocks);
    s.clocks()
}

fn filesystem_of(s: &mut HostState) -> WasiFilesystemCtxView<'_> {
    s.watch.calling(ImportGroup::Filesystem);
    s.filesystem()
}

fn random_of(s: &mut HostState) -> &mut WasiRandomCtx {
    s.watch.calling(ImportGroup::Random);
    s.ctx().ctx.random()
}

fn cli_of(s: &mut HostState) -> WasiCliCtxView<'_> {
    s.watch.calling(ImportGroup::Cli);
    s.cli()
}

fn sockets_of(s: &mut HostState) -> WasiSocketsCtxView<'_> {
    s.watch.calling(ImportGroup::Sockets);
    s.sockets()
}

fn http_of(s: &mut HostState) -> WasiHttpCtxView<'_> {
    s.watch.calling(ImportGroup::Http);
    s.http()
}

fn streams_of(s: &mut HostState) -> CountedStreams<'_> {
    s.watch.calling(ImportGroup::Streams);
    let (table, bytes) = s.table_and_bytes();
    CountedStreams { table, bytes }
}

/// `wasi:io` on the store's resource table, counting the bytes that cross with reads and writes.
struct CountedIo;

impl HasData for CountedIo {
    type Data<'a> = CountedStreams<'a>;
}

/// The resource table, delegated to as `wasmtime_wasi_io` implements it, and the call's byte count.
pub struct CountedStreams<'a> {
    table: &'a mut ResourceTable,
    bytes: &'a mut u64,
}

impl CountedStreams<'_> {
    fn count<T>(
        &mut self,
        result: StreamResult<T>,
        size: impl FnOnce(&T) -> usize,
    ) -> StreamResult<T> {
        if let Ok(value) = &result {
            *self.bytes += size(value) as u64;
        }
        result
    }
}

type Result<T> = wasmtime::Result<T>;

impl error::Host for CountedStreams<'_> {}

impl error::HostError for CountedStreams<'_> {
    fn drop(&mut self, err: Resource<streams::Error>) -> Result<()> {
        error::HostError::drop(self.table, err)
    }

    fn to_debug_string(&mut self, err: Resource<streams::Error>) -> Result<String> {
        error::HostError::to_debug_string(self.table, err)
    }
}

impl poll::Host for CountedStreams<'_> {
    async fn poll(&mut self, pollables: Vec<Resource<DynPollable>>) -> Result<Vec<u32>> {
        poll::Host::poll(self.table, pollables).await
    }
}

impl poll::HostPollable for CountedStreams<'_> {
    async fn block(&mut self, pollable: Resource<DynPollable>) -> Result<()> {
        poll::HostPollable::block(self.table, pollable).await
    }

    async fn ready(&mut self, pollable: Resource<DynPollable>) -> Result<bool> {
        poll::HostPollable::ready(self.table, pollable).await
    }

    fn drop(&mut self, pollable: Resource<DynPollable>) -> Result<()> {
        poll::HostPollable::drop(self.table, pollable)
    }
}

impl streams::Host for CountedStreams<'_> {
    fn convert_stream_error(&mut self, err: StreamError) -> Result<streams::StreamError> {
        streams::Host::convert_stream_error(self.table, err)
    }
}

impl streams::HostInputStream for CountedStreams<'_> {
    async fn drop(&mut self, stream: Resource<DynInputStream>) -> Result<()> {
        streams::HostInputStream::drop(self.table, stream).await
    }

    fn read(&mut self, stream: Resource<DynInputStream>, len: u64) -> StreamResult<Vec<u8>> {
        let read = streams::HostInputStream::read(self.table, stream, len);
        self.count(read, Vec::len)
    }

    async fn blocking_read(
        &mut self,
        stream: Resource<DynInputStream>,
        len: u64,
    ) -> StreamResult<Vec<u8>> {
        let read = streams::HostInputStream::blocking_read(self.table, stream, len).await;
        self.count(read, Vec::len)
    }

    fn skip(&mut self, stream: Resource<DynInputStream>, len: u64) -> StreamResult<u64> {
        streams::HostInputStream::skip(self.table, stream, len)
    }

    async fn blocking_skip(
        &mut self,
        stream: Resource<DynInputStream>,
        len: u64,
    ) -> StreamResult<u64> {
        streams::HostInputStream::blocking_skip(self.table, stream, len).await
    }

    fn subscribe(&mut self, stream: Resource<DynInputStream>) -> Result<Resource<DynPollable>> {
        streams::HostInputStream::subscribe(self.table, stream)
    }
}

impl streams::HostOutputStream for CountedStreams<'_> {
    async fn drop(&mut self, stream: Resource<DynOutputStream>) -> Result<()> {
        streams::HostOutputStream::drop(self.table, stream).await
    }

    fn check_write(&mut self, stream: Resource<DynOutputStream>) -> StreamResult<u64> {
        streams::HostOutputStream::check_write(self.table, stream)
    }

    fn write(&mut self, stream: Resource<DynOutputStream>, bytes: Vec<u8>) -> StreamResult<()> {
        let len = bytes.len();
        let wrote = streams::HostOutputStream::write(self.table, stream, bytes);
        self.count(wrote, |_| len)
    }

    fn subscribe(&mut self, stream: Resource<DynOutputStream>) -> Result<Resource<DynPollable>> {
        streams::HostOutputStream::subscribe(self.table, stream)
    }

    async fn blocking_write_and_flush(
        &mut self,
        stream: Resource<DynOutputStream>,
        bytes: Vec<u8>,
    ) -> StreamResult<()> {
        let len = bytes.len();
        let wrote =
            streams::HostOutputStream::blocking_write_and_flush(self.table, stream, bytes).await;
        self.count(wrote, |_| len)
    }

    async fn blocking_write_zeroes_and_flush(
        &mut self,
        stream: Resource<DynOutputStream>,
        len: u64,
    ) -> StreamResult<()> {
        streams::HostOutputStream::blocking_write_zeroes_and_flush(self.table, stream, len).await
    }

    fn write_zeroes(&mut self, stream: Resource<DynOutputStream>, len: u64) -> StreamResult<()> {
        streams::HostOutputStream::write_zeroes(self.table, stream, len)
    }

    fn flush(&mut self, stream: Resource<DynOutputStream>) -> StreamResult<()> {
        streams::HostOutputStream::flush(self.table, stream)
    }

    async fn blocking_flush(&mut self, stream: Resource<DynOutputStream>) -> StreamResult<()> {
        streams::HostOutputStream::blocking_flush(self.table, stream).await
    }

    fn splice(
        &mut self,
        dst: Resource<DynOutputStream>,
        src: Resource<DynInputStream>,
        len: u64,
    ) -> StreamResult<u64> {
        streams::HostOutputStream::splice(self.table, dst, src, len)
    }

    async fn blocking_splice(
        &mut self,
        dst: Resource<DynOutputStream>,
        src: Resource<DynInputStream>,
        len: u64,
    ) -> StreamResult<u64> {
        streams::HostOutputStream::blocking_splice(self.table, dst, src, len).await
    }
}
