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
use tokio::runtime::Runtime;

pub struct Workers {
    runtimes: Vec<Runtime>,
    /// Live connections per worker; a new one goes to the least loaded.
    load: Vec<Arc<AtomicUsize>>,
}

/// How many connection workers: `FERRODIS_WORKERS` if set, else one per
/// available core but one, at least one. The spare core is for the
/// kernel's network processing and the clients (the advice Redis gives
/// for io-threads): on two cores shared with a load generator, a second
/// worker cost 13% more CPU per request at -P 1 in wake-ups alone.
pub fn default_count() -> usize {
    std::env::var("FERRODIS_WORKERS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
        })
}

thread_local! {
    /// The live-connection count of the worker this thread belongs to.
    static LOAD: std::cell::RefCell<Option<Arc<AtomicUsize>>> =
        const { std::cell::RefCell::new(None) };
}

/// Whether the calling thread's worker serves other connections too. A
/// connection then yields before writing its replies, so that the worker
/// first runs every connection that has input and then writes all their
/// replies together, as Redis writes its replies before it sleeps: a
/// client reading replies is then woken once per burst instead of once
/// per reply, and waking it was the largest cost of a reply at -P 16.
pub fn shared_worker() -> bool {
    LOAD.with(|l| {
        l.borrow()
            .as_ref()
            .is_some_and(|n| n.load(Ordering::Relaxed) > 1)
    })
}

impl Workers {
    pub fn new(count: usize) -> std::io::Result<Workers> {
        let load: Vec<Arc<AtomicUsize>> = (0..count.max(1))
            .map(|_| Arc::new(AtomicUsize::new(0)))
            .collect();
        let runtimes = load
            .iter()
            .map(|n| {
                let n = n.clone();
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .thread_name("ferrodis-worker")
                    .on_thread_start(move || LOAD.with(|l| *l.borrow_mut() = Some(n.clone())))
                    .build()
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(Workers { runtimes, load })
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
        self.runtimes[i].spawn(async move {
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

/// Lets the worker's other ready connections run before the caller goes
/// on. Unlike `tokio::task::yield_now`, which also waits for the worker to
/// poll its event loop (one more epoll_wait per burst, about a third more
/// of them at -P 1), this only moves the task behind the tasks already
/// queued: those include every connection the last poll found readable,
/// and those are the ones whose replies should go out together.
pub async fn let_others_run() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            return std::task::Poll::Ready(());
        }
        yielded = true;
        // A task woken while it runs is requeued at the back of the run
        // queue (not run next from the LIFO slot).
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    })
    .await
}

/// Counts a connection as live on its worker until dropped.
struct Live(Arc<AtomicUsize>);

impl Drop for Live {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}
