//! Start-up and shutdown: shared state, listeners, signals.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Instant;

use ferrodis_commands::{ServerInfo, ServerState, ShutdownMode, ShutdownRequest};
use ferrodis_config::Config;
use ferrodis_engine::clock::now_ms;
use rand::Rng;
use thiserror::Error;
use tokio::sync::mpsc;

use crate::listener;

#[derive(Debug, Error)]
pub enum StartError {
    #[error("{0}")]
    Load(String),
    #[error("Can't chdir to '{dir}': {source}")]
    Chdir { dir: String, source: std::io::Error },
    #[error("{0}")]
    Listen(String),
    #[error("failed to start the runtime: {0}")]
    Runtime(std::io::Error),
    /// A bad `user` directive.
    #[error("{0}")]
    Users(String),
    #[error("Your current 'ulimit -n' of {current} is not enough for the server to start. Please increase your open file limit to at least {needed}. Exiting.")]
    FileLimit { current: u64, needed: u64 },
}

/// File descriptors kept for the server itself beyond one per client
/// (Redis's reserve: listeners, logs, persistence).
const RESERVED_FDS: u64 = 32;

/// Raises the soft open-files limit to fit `maxclients`, as Redis does at
/// start-up, lowering `maxclients` (with Redis's log lines) when the
/// system will not allow enough.
#[cfg(unix)]
#[allow(clippy::unnecessary_cast)] // rlim_t is not u64 everywhere
fn adjust_open_files_limit(config: &mut Config) -> Result<(), StartError> {
    let needed = config.maxclients.saturating_add(RESERVED_FDS);
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes the struct we pass it and nothing else.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        tracing::warn!(
            "Unable to obtain the current NOFILE limit ({}), assuming 1024 and setting the max clients configuration accordingly.",
            std::io::Error::last_os_error()
        );
        config.maxclients = 1024u64.saturating_sub(RESERVED_FDS).max(1);
        return Ok(());
    }
    let old = lim.rlim_cur as u64;
    if old >= needed {
        return Ok(());
    }
    // Try the full amount, then step down, never below the old limit.
    let mut best = needed;
    let mut last_err = None;
    while best > old {
        let want = libc::rlimit {
            rlim_cur: best as libc::rlim_t,
            rlim_max: (lim.rlim_max as u64).max(best) as libc::rlim_t,
        };
        // SAFETY: setrlimit only reads the struct we pass it.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &want) } == 0 {
            break;
        }
        // Without privileges the hard limit cannot rise: stay under it.
        let capped = libc::rlimit {
            rlim_cur: best.min(lim.rlim_max as u64) as libc::rlim_t,
            rlim_max: lim.rlim_max,
        };
        // SAFETY: as above.
        if best <= lim.rlim_max as u64
            && unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &capped) } == 0
        {
            break;
        }
        last_err = Some(std::io::Error::last_os_error());
        best = best.saturating_sub(16);
    }
    let best = best.max(old);
    if best < needed {
        let requested = config.maxclients;
        if best <= RESERVED_FDS {
            return Err(StartError::FileLimit {
                current: old,
                needed,
            });
        }
        config.maxclients = best - RESERVED_FDS;
        tracing::warn!(
            "You requested maxclients of {requested} requiring at least {needed} max file descriptors."
        );
        if let Some(e) = last_err {
            tracing::warn!(
                "Server can't set maximum open files to {needed} because of OS error: {}.",
                IoText(&e)
            );
        }
        tracing::warn!(
            "Current maximum open files is {best}. maxclients has been reduced to {} to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.",
            config.maxclients
        );
    } else {
        tracing::info!(
            "Increased maximum number of open files to {needed} (it was originally set to {old})."
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn adjust_open_files_limit(_config: &mut Config) -> Result<(), StartError> {
    Ok(())
}

/// An OS error as `strerror` words it (without Rust's " (os error N)").
struct IoText<'a>(&'a std::io::Error);

impl std::fmt::Display for IoText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = self.0.to_string();
        f.write_str(t.split(" (os error").next().unwrap_or(&t))
    }
}

fn run_id() -> String {
    let mut rng = rand::thread_rng();
    (0..40)
        .map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap_or('0'))
        .collect()
}

/// Runs the server until SHUTDOWN or SIGTERM/SIGINT.
pub fn run(config: Config) -> Result<(), StartError> {
    // Before any thread exists: fork() copies only the calling thread.
    let supervisor = crate::supervise::Supervisor::detect(&config);
    let background = config.daemonize && supervisor == crate::supervise::Supervisor::None;
    if background {
        crate::supervise::daemonize().map_err(StartError::Runtime)?;
    }
    if !config.dir.is_empty() {
        std::env::set_current_dir(&config.dir).map_err(|source| StartError::Chdir {
            dir: config.dir.clone(),
            source,
        })?;
    }
    // This runtime accepts connections and runs the background tasks (the
    // link to our primary, signals); clients are served by `Workers`.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .thread_name("ferrodis-main")
        .build()
        .map_err(StartError::Runtime)?;
    let workers = Arc::new(
        crate::workers::Workers::new(crate::workers::default_count())
            .map_err(StartError::Runtime)?,
    );
    let _pidfile = crate::supervise::pidfile_path(&config, background)
        .and_then(crate::supervise::PidFile::create);
    let result = rt.block_on(serve(config, supervisor, workers.clone()));
    // The accept loops (holding the other references) end with `rt`.
    drop(rt);
    if let Ok(w) = Arc::try_unwrap(workers) {
        w.shutdown();
    }
    result
}

async fn serve(
    mut config: Config,
    supervisor: crate::supervise::Supervisor,
    workers: Arc<crate::workers::Workers>,
) -> Result<(), StartError> {
    ferrodis_commands::acl::Acl::validate_config(&config).map_err(StartError::Users)?;
    adjust_open_files_limit(&mut config)?;
    let port = config.port;
    let listeners = listener::bind_all(&config.bind, port).map_err(StartError::Listen)?;
    let info = ServerInfo {
        run_id: run_id(),
        started: Instant::now(),
        started_unix_ms: now_ms(),
        executable: std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        config_file: config
            .config_file()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        tcp_port: AtomicU32::new(port as u32),
        pid: std::process::id(),
        supervised: supervisor.name(),
    };
    ferrodis_commands::server::apply_runtime_config(&config);
    let srv = Arc::new(ServerState::new(config, info));
    srv.install_hooks();
    // A script runs on its connection's worker thread: hand that worker's
    // other tasks to another thread meanwhile, so clients still get -BUSY
    // and SCRIPT KILL gets through.
    srv.scripting
        .set_offload(|f| tokio::task::block_in_place(f));
    // The server is built; what comes next (the dataset, clients) is what
    // MEMORY STATS reports beyond this.
    ferrodis_commands::memory::record_startup(&srv);
    let loaded = if srv.config.read().appendonly {
        // With the AOF on, it alone is the dataset (as Redis 7.0).
        ferrodis_commands::aof::start(&srv)
    } else {
        ferrodis_commands::persistence::load_at_startup(&srv)
    };
    ferrodis_commands::aof::spawn_writer(&srv);
    {
        // Replica feeders wake when the backlog grows.
        let weak = Arc::downgrade(&srv);
        *srv.propagator.on_backlog.write() = Some(Box::new(move || {
            if let Some(s) = weak.upgrade() {
                s.repl.wake_replicas();
            }
        }));
    }
    crate::replication::spawn_link(&srv);
    let replicaof = srv.config.read().replicaof.clone();
    if replicaof.is_some() {
        ferrodis_commands::repl::set_master(&srv, replicaof);
    }
    match loaded {
        Ok(Some(n)) => tracing::info!("Done loading RDB, keys loaded: {n}"),
        Ok(None) => {}
        Err(msg) => {
            tracing::error!("{msg}");
            return Err(StartError::Load(msg));
        }
    }
    crate::cron::spawn(srv.clone());
    let (tx, mut rx) = mpsc::unbounded_channel::<ShutdownCall>();
    for l in listeners {
        tokio::spawn(listener::accept_loop(
            l,
            srv.clone(),
            tx.clone(),
            workers.clone(),
        ));
    }
    tracing::info!(
        "ferrodis {} (Redis {} compatible) ready to accept connections on port {}, pid {}",
        ferrodis_commands::VERSION,
        ferrodis_commands::REDIS_VERSION,
        port,
        std::process::id()
    );
    supervisor.ready();
    loop {
        let call = tokio::select! {
            m = rx.recv() => m.unwrap_or(ShutdownCall::signal(0)),
            _ = signal("SIGTERM") => ShutdownCall::signal(srv.config.read().shutdown_on_sigterm),
            _ = signal("SIGINT") => ShutdownCall::signal(srv.config.read().shutdown_on_sigint),
        };
        if call.failed.is_some() {
            tracing::warn!("User requested shutdown...");
        }
        let paused = !call.req.now && wait_for_replicas(&srv).await;
        if !srv.shutdown_abort.swap(false, Ordering::AcqRel) && final_save(&srv, &call) {
            break;
        }
        if paused {
            ferrodis_commands::pause::unpause(&srv);
        }
        // As Redis: the server goes on, and SHUTDOWN's client hears why.
        tracing::warn!(
            "Errors trying to shut down the server. Check the logs for more information."
        );
        if let Some(failed) = call.failed {
            let _ = failed.send(());
        }
    }
    srv.shutting_down.store(true, Ordering::Release);
    supervisor.stopping();
    tracing::info!("ferrodis is now ready to exit, bye bye...");
    Ok(())
}

/// A request to shut down: what SHUTDOWN asked, and where to say that
/// the shutdown failed (a signal has no one to tell).
pub struct ShutdownCall {
    pub req: ShutdownRequest,
    pub failed: Option<tokio::sync::oneshot::Sender<()>>,
}

impl ShutdownCall {
    /// A signal's shutdown, with `shutdown-on-sigterm` / `-sigint`'s flags.
    fn signal(flags: u8) -> ShutdownCall {
        use ferrodis_config::table::{
            SHUTDOWN_FORCE, SHUTDOWN_NOSAVE, SHUTDOWN_NOW, SHUTDOWN_SAVE,
        };
        let mode = if flags & SHUTDOWN_SAVE != 0 {
            ShutdownMode::Save
        } else if flags & SHUTDOWN_NOSAVE != 0 {
            ShutdownMode::NoSave
        } else {
            ShutdownMode::Default
        };
        ShutdownCall {
            req: ShutdownRequest {
                mode,
                force: flags & SHUTDOWN_FORCE != 0,
                now: flags & SHUTDOWN_NOW != 0,
            },
            failed: None,
        }
    }
}

/// Before exiting, lagging replicas get up to `shutdown-timeout` seconds
/// to acknowledge everything, with writes paused so that the offset they
/// must reach stands still (Redis 7.0). True if it paused the clients
/// (the caller resumes them if the shutdown does not go through); a
/// SHUTDOWN ABORT meanwhile sets `shutdown_abort`.
async fn wait_for_replicas(srv: &ServerState) -> bool {
    let timeout = srv.config.read().shutdown_timeout;
    if timeout <= 0 || ferrodis_commands::repl::lagging_replicas(srv).is_empty() {
        return false;
    }
    srv.shutdown_abort.store(false, Ordering::Release);
    srv.shutdown_waiting.store(true, Ordering::Release);
    ferrodis_commands::repl::request_acks(srv);
    ferrodis_commands::pause::pause(srv, u64::MAX, false);
    tracing::info!("Waiting for replicas before shutting down.");
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(timeout as u64);
    loop {
        if srv.shutdown_abort.load(Ordering::Acquire) {
            tracing::info!("Shutdown manually aborted.");
            break;
        }
        let lagging = ferrodis_commands::repl::lagging_replicas(srv);
        if lagging.is_empty() {
            break;
        }
        if tokio::time::Instant::now() >= deadline {
            let offset = srv.propagator.repl_offset.load(Ordering::Acquire);
            for (addr, ack) in lagging {
                tracing::warn!(
                    "Lagging replica {addr} reported offset {ack} behind master, lag={}.",
                    offset.saturating_sub(ack)
                );
            }
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    srv.shutdown_waiting.store(false, Ordering::Release);
    true
}

/// Flushes the AOF and writes the final snapshot when the mode asks for
/// one; false when that save failed and FORCE was not given (the server
/// must not exit: the data would be lost).
fn final_save(srv: &ServerState, call: &ShutdownCall) -> bool {
    ferrodis_commands::aof::flush(srv);
    let save_points = !srv.config.read().save.is_empty();
    let mode = call.req.mode;
    if mode == ShutdownMode::Save || (mode == ShutdownMode::Default && save_points) {
        ferrodis_commands::persistence::wait_bgsave(srv);
        tracing::info!("Saving the final RDB snapshot before exiting.");
        if let Err(e) = ferrodis_commands::persistence::save_now(srv) {
            tracing::warn!("{e}");
            if !call.req.force {
                tracing::warn!("Error trying to save the DB, can't exit.");
                return false;
            }
            tracing::warn!("Error trying to save the DB. Exit anyway.");
        }
    }
    true
}

#[cfg(unix)]
async fn signal(name: &str) {
    use tokio::signal::unix::{signal, SignalKind};
    let kind = match name {
        "SIGTERM" => SignalKind::terminate(),
        _ => SignalKind::interrupt(),
    };
    match signal(kind) {
        Ok(mut s) => {
            s.recv().await;
            tracing::warn!("Received {name} scheduling shutdown...");
        }
        Err(_) => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn signal(_name: &str) {
    let _ = tokio::signal::ctrl_c().await;
}
