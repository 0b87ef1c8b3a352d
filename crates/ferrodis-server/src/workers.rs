//! Connection workers: one single-worker tokio runtime per thread, each
//! with its own event loop, instead of one work-stealing runtime.
//!
//! In a shared runtime a worker that finds several ready sockets wakes an
//! idle worker to steal some, and that worker parks again a moment later:
//! at -P 1 this cost about 5x the context switches of redis-server and 8%
//! more CPU per request. Here a connection stays on the worker it was given,
//! which sleeps in its own epoll_wait, much like a single-threaded server;
//! the workers still run in parallel on separate connections.
//!
//! Each runtime is multi-thread with one worker (not current-thread) so that
//! `block_in_place` works: a long script hands the worker's other
//! connections to a fresh thread, which can still answer them -BUSY.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::net::TcpStream;
use tokio::runtime::{Handle, Runtime};

pub struct Workers {
    runtimes: Vec<Runtime>,
    handles: Vec<Handle>,
    /// Live connections per worker; a new one goes to the least loaded.
    load: Vec<Arc<AtomicUsize>>,
}

/// How many connection workers: `TOKIO_WORKER_THREADS` if set (as tokio's
/// own runtime reads it), else one per available core.
pub fn default_count() -> usize {
    std::env::var("TOKIO_WORKER_THREADS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

impl Workers {
    pub fn new(count: usize) -> std::io::Result<Workers> {
        let runtimes = (0..count.max(1))
            .map(|_| {
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .thread_name("ferrodis-worker")
                    .build()
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(Workers {
            handles: runtimes.iter().map(|r| r.handle().clone()).collect(),
            load: runtimes
                .iter()
                .map(|_| Arc::new(AtomicUsize::new(0)))
                .collect(),
            runtimes,
        })
    }

    /// Runs `serve` for `stream` on the least loaded worker. The socket is
    /// moved to that worker's event loop (its readiness is then reported
    /// there, not on the accepting thread).
    pub fn spawn<F, Fut>(&self, stream: TcpStream, serve: F)
    where
        F: FnOnce(TcpStream) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let i = (0..self.load.len())
            .min_by_key(|&i| self.load[i].load(Ordering::Relaxed))
            .unwrap_or(0);
        let std = match stream.into_std() {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("accept: cannot hand the connection to a worker: {e}");
                return;
            }
        };
        let load = self.load[i].clone();
        load.fetch_add(1, Ordering::Relaxed);
        self.handles[i].spawn(async move {
            let _live = Live(load);
            match TcpStream::from_std(std) {
                Ok(s) => serve(s).await,
                Err(e) => tracing::warn!("accept: cannot register the connection: {e}"),
            }
        });
    }

    /// Stops the workers without waiting for their connections.
    pub fn shutdown(self) {
        for rt in self.runtimes {
            rt.shutdown_background();
        }
    }
}

/// Counts a connection as live on its worker until dropped.
struct Live(Arc<AtomicUsize>);

impl Drop for Live {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}
