//! Start-up and shutdown: shared state, listeners, signals.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Instant;

use ferrodis_commands::{ServerInfo, ServerState, ShutdownMode};
use ferrodis_config::Config;
use ferrodis_engine::clock::now_ms;
use rand::Rng;
use thiserror::Error;
use tokio::sync::mpsc;

use crate::listener;

#[derive(Debug, Error)]
pub enum StartError {
    #[error("Can't chdir to '{dir}': {source}")]
    Chdir { dir: String, source: std::io::Error },
    #[error("{0}")]
    Listen(String),
    #[error("failed to start the runtime: {0}")]
    Runtime(std::io::Error),
}

fn run_id() -> String {
    let mut rng = rand::thread_rng();
    (0..40)
        .map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap_or('0'))
        .collect()
}

/// Runs the server until SHUTDOWN or SIGTERM/SIGINT.
pub fn run(config: Config) -> Result<(), StartError> {
    if !config.dir.is_empty() {
        std::env::set_current_dir(&config.dir).map_err(|source| StartError::Chdir {
            dir: config.dir.clone(),
            source,
        })?;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("ferrodis-worker")
        .build()
        .map_err(StartError::Runtime)?;
    rt.block_on(serve(config))
}

async fn serve(config: Config) -> Result<(), StartError> {
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
    };
    let srv = Arc::new(ServerState::new(config, info));
    crate::cron::spawn(srv.clone());
    let (tx, mut rx) = mpsc::unbounded_channel::<ShutdownMode>();
    for l in listeners {
        tokio::spawn(listener::accept_loop(l, srv.clone(), tx.clone()));
    }
    tracing::info!(
        "ferrodis {} (Redis {} compatible) ready to accept connections on port {}, pid {}",
        ferrodis_commands::VERSION,
        ferrodis_commands::REDIS_VERSION,
        port,
        std::process::id()
    );
    let mode = tokio::select! {
        m = rx.recv() => m.unwrap_or(ShutdownMode::Default),
        _ = signal("SIGTERM") => ShutdownMode::Default,
        _ = signal("SIGINT") => ShutdownMode::Default,
    };
    srv.shutting_down.store(true, Ordering::Release);
    if mode == ShutdownMode::Save {
        tracing::warn!(
            "SHUTDOWN SAVE requested but persistence is not available yet; nothing saved"
        );
    }
    tracing::info!("ferrodis is now ready to exit, bye bye...");
    Ok(())
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
