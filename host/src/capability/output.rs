//! Where a plugin's stdout and stderr go: stdout is discarded, stderr keeps only its last bytes. A
//! plugin that prints on every iteration never runs out of room (a fixed buffer would fill and turn
//! every later write into a broken pipe), and the host holds a bounded amount for error messages.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};

/// An output stream that keeps the most recent `capacity` bytes written to it.
#[derive(Clone)]
pub struct TailPipe {
    buffer: Arc<Mutex<VecDeque<u8>>>,
    capacity: usize,
}

impl TailPipe {
    pub fn new(capacity: usize) -> Self {
        TailPipe {
            buffer: Arc::new(Mutex::new(VecDeque::with_capacity(capacity))),
            capacity,
        }
    }

    /// The bytes kept, oldest first.
    pub fn contents(&self) -> Vec<u8> {
        self.buffer
            .lock()
            .map(|b| b.iter().copied().collect())
            .unwrap_or_default()
    }

    fn push(&self, bytes: &[u8]) {
        let Ok(mut buffer) = self.buffer.lock() else {
            return;
        };
        let keep = &bytes[bytes.len().saturating_sub(self.capacity)..];
        let overflow = (buffer.len() + keep.len()).saturating_sub(self.capacity);
        buffer.drain(..overflow);
        buffer.extend(keep);
    }
}

impl AsyncWrite for TailPipe {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.push(bytes);
        Poll::Ready(Ok(bytes.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl IsTerminal for TailPipe {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for TailPipe {
    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_bytes() {
        let pipe = TailPipe::new(8);
        pipe.push(b"hello ");
        pipe.push(b"world");
        assert_eq!(pipe.contents(), b"lo world");
        pipe.push(b"0123456789abc");
        assert_eq!(pipe.contents(), b"56789abc");
    }
}
