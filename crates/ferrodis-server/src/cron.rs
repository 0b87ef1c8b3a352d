//! The cron thread: what Redis does in serverCron, `hz` times a second.
//! Now: continuing maxmemory eviction, and the active expiry cycle (slow each tick, fast ones between ticks
//! while needed). It runs on its own OS thread so its CPU budget never
//! delays a connection task, and it locks one shard at a time.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrodis_commands::ServerState;

pub fn spawn(srv: Arc<ServerState>) {
    let mut last_ping_ms = 0u64;
    let spawned = std::thread::Builder::new()
        .name("ferrodis-cron".into())
        .spawn(move || loop {
            if srv.shutting_down.load(Ordering::Acquire) {
                return;
            }
            let (hz, effort) = {
                let cfg = srv.config.read();
                (cfg.hz.clamp(1, 500), cfg.active_expire_effort)
            };
            let deadline = Instant::now() + Duration::from_micros(1_000_000 / hz as u64);
            // A replica neither evicts nor expires on its own: its primary
            // sends the DELs.
            let replica = srv.repl.is_replica();
            // CLIENT PAUSE: nothing may change the data meanwhile.
            if !replica && !srv.pause.in_effect() {
                // Continue an eviction a command left unfinished (time cap).
                srv.keyspace.refresh_eviction_view();
                let started = Instant::now();
                srv.keyspace
                    .perform_evictions(ferrodis_engine::alloc::used_memory);
                // LATENCY events, as Redis names them.
                ferrodis_commands::latency::sample(
                    "eviction-cycle",
                    started.elapsed().as_millis() as u64,
                );
                if ferrodis_commands::debug::active_expire_enabled() {
                    // The cycles' own time, without the pauses between them.
                    let before = srv.keyspace.expire_stats().cpu_us;
                    srv.keyspace.active_expire(hz, effort, deadline);
                    let spent = srv.keyspace.expire_stats().cpu_us.saturating_sub(before);
                    ferrodis_commands::latency::sample("expire-cycle", spent / 1000);
                }
            }
            ferrodis_commands::repl::cron(&srv, &mut last_ping_ms);
            ferrodis_commands::persistence::cron(&srv);
            ferrodis_commands::aof::cron(&srv);
            let now = Instant::now();
            if now < deadline {
                std::thread::sleep(deadline - now);
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the cron thread: {e}");
    }
}
