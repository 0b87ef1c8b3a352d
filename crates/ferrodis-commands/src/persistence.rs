//! Persistence: SAVE, BGSAVE, LASTSAVE, DUMP, RESTORE; the save points the
//! cron thread checks; loading the snapshot at start-up; INFO persistence.
//!
//! BGSAVE forks nothing: it starts a copy-on-write snapshot of every shard
//! at one instant (`Keyspace::snapshot_start`, all shards locked together)
//! and a thread writes it while clients go on; a key about to change is
//! cloned first (see the engine's `Snap`), so memory grows only with what
//! changes during the save.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrodis_engine::clock::now_ms;
use ferrodis_engine::{Entry, Keyspace};
use ferrodis_persist::rdb::{self, Aux, LoadLimits};
use ferrodis_persist::save::{self, SaveOptions, SaveStats};
use ferrodis_persist::RdbError;

use crate::args::{eq_ic, parse_int};
use crate::context::{Ctx, ServerState};
use crate::error::{CmdResult, CommandError};
use crate::notify::{class, emit};
use crate::spec::*;

/// Persistence state shown by INFO and used by the save points.
pub struct PersistState {
    /// Changes since the last successful save.
    pub dirty: AtomicU64,
    /// `dirty` when the running background save started.
    dirty_at_start: AtomicU64,
    /// Unix seconds of the last successful save.
    pub lastsave: AtomicU64,
    pub bgsave_in_progress: AtomicBool,
    /// Unix ms when the running background save started.
    bgsave_started_ms: AtomicU64,
    pub last_bgsave_ok: AtomicBool,
    pub last_bgsave_time_sec: AtomicI64,
    /// Unix seconds of the last background save attempt (retry delay).
    last_bgsave_try: AtomicU64,
    pub saves: AtomicU64,
    pub loading: AtomicBool,
    /// A background job (save or AOF rewrite) owns the shards' snapshot
    /// state; only one runs at a time, as Redis runs one child.
    job: AtomicBool,
    pub bgsave_scheduled: AtomicBool,
    /// Stops the running background save (FLUSHALL).
    cancel: Arc<AtomicBool>,
    /// Orders a background save's final rename against foreground saves.
    rename: parking_lot::Mutex<()>,
    pub last_load_keys_loaded: AtomicU64,
    pub last_load_keys_expired: AtomicU64,
}

impl PersistState {
    pub fn new(now_secs: u64) -> PersistState {
        PersistState {
            dirty: AtomicU64::new(0),
            dirty_at_start: AtomicU64::new(0),
            lastsave: AtomicU64::new(now_secs),
            bgsave_in_progress: AtomicBool::new(false),
            bgsave_started_ms: AtomicU64::new(0),
            last_bgsave_ok: AtomicBool::new(true),
            last_bgsave_time_sec: AtomicI64::new(-1),
            last_bgsave_try: AtomicU64::new(0),
            saves: AtomicU64::new(0),
            loading: AtomicBool::new(false),
            job: AtomicBool::new(false),
            bgsave_scheduled: AtomicBool::new(false),
            cancel: Arc::new(AtomicBool::new(false)),
            rename: parking_lot::Mutex::new(()),
            last_load_keys_loaded: AtomicU64::new(0),
            last_load_keys_expired: AtomicU64::new(0),
        }
    }

    /// The INFO persistence lines of the RDB part.
    pub fn info(&self) -> String {
        let now = now_ms();
        let running = self.bgsave_in_progress.load(Ordering::Acquire);
        let current = if running {
            (now.saturating_sub(self.bgsave_started_ms.load(Ordering::Relaxed)) / 1000) as i64
        } else {
            -1
        };
        format!(
            "loading:{}\r\nasync_loading:0\r\ncurrent_cow_peak:0\r\ncurrent_cow_size:0\r\ncurrent_cow_size_age:0\r\ncurrent_fork_perc:0.00\r\ncurrent_save_keys_processed:0\r\ncurrent_save_keys_total:0\r\nrdb_changes_since_last_save:{}\r\nrdb_bgsave_in_progress:{}\r\nrdb_last_save_time:{}\r\nrdb_last_bgsave_status:{}\r\nrdb_last_bgsave_time_sec:{}\r\nrdb_current_bgsave_time_sec:{}\r\nrdb_saves:{}\r\nrdb_last_cow_size:0\r\nrdb_last_load_keys_expired:{}\r\nrdb_last_load_keys_loaded:{}\r\n",
            u8::from(self.loading.load(Ordering::Relaxed)),
            self.dirty.load(Ordering::Relaxed),
            u8::from(running),
            self.lastsave.load(Ordering::Relaxed),
            if self.last_bgsave_ok.load(Ordering::Relaxed) {
                "ok"
            } else {
                "err"
            },
            self.last_bgsave_time_sec.load(Ordering::Relaxed),
            current,
            self.saves.load(Ordering::Relaxed),
            self.last_load_keys_expired.load(Ordering::Relaxed),
            self.last_load_keys_loaded.load(Ordering::Relaxed),
        )
    }

    /// Claims the single background-job slot.
    pub fn try_begin_job(&self) -> bool {
        self.job
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    pub fn end_job(&self) {
        self.job.store(false, Ordering::Release);
    }

    fn saved(&self, dirty_before: u64) {
        // Changes made while saving stay counted.
        let _ = self
            .dirty
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |d| {
                Some(d.saturating_sub(dirty_before))
            });
        self.lastsave.store(now_ms() / 1000, Ordering::Relaxed);
        self.saves.fetch_add(1, Ordering::Relaxed);
    }
}

/// Whether writes are refused because the last background save failed
/// (`stop-writes-on-bgsave-error` with save points configured).
pub fn disk_error(srv: &ServerState) -> bool {
    if srv.persist.last_bgsave_ok.load(Ordering::Relaxed) {
        return false;
    }
    let cfg = srv.config.read();
    cfg.stop_writes_on_bgsave_error && !cfg.save.is_empty()
}

fn rdb_path(srv: &ServerState) -> PathBuf {
    PathBuf::from(&srv.config.read().dbfilename)
}

pub fn save_options(srv: &ServerState) -> SaveOptions {
    let cfg = srv.config.read();
    SaveOptions {
        compress: cfg.rdbcompression,
        checksum: cfg.rdbchecksum,
        key_delay: match cfg.rdb_key_save_delay {
            d if d > 0 => Some(Duration::from_micros(d as u64)),
            d if d < 0 => Some(Duration::from_nanos(d.unsigned_abs())),
            _ => None,
        },
        cancel: Some(srv.persist.cancel.clone()),
    }
}

/// The aux fields of a snapshot taken now (replication's included: call it
/// at the snapshot's instant, see `repl::save_info`).
pub fn aux(srv: &ServerState) -> Aux {
    let repl = crate::repl::save_info(srv);
    Aux {
        redis_ver: crate::REDIS_VERSION.to_string(),
        ctime: now_ms() / 1000,
        used_mem: ferrodis_engine::alloc::used_memory() as u64,
        repl_stream_db: repl.as_ref().map_or(0, |r| r.2),
        repl_id: repl.as_ref().map(|r| r.0.clone()),
        repl_offset: repl.map(|r| r.1 as i64),
        aof_base: false,
        functions: srv.scripting.functions.codes(),
    }
}

/// The foreground save (SAVE, SHUTDOWN): every shard held while writing.
pub fn save_now(srv: &ServerState) -> Result<SaveStats, RdbError> {
    let dirty = srv.persist.dirty.load(Ordering::Acquire);
    let dest = rdb_path(srv);
    let tmp = save::temp_path(Path::new("."), "save");
    // A replica applies nothing while the file is written, so the offset
    // recorded is the dataset's.
    let _apply = crate::repl::apply_guard(srv);
    let (aux, mut opts) = (aux(srv), save_options(srv));
    opts.key_delay = None;
    let _rename = srv.persist.rename.lock();
    let stats = save::save_to(&dest, &tmp, |w| {
        save::write_locked(&srv.keyspace, w, &aux, &opts)
    })?;
    srv.persist.saved(dirty);
    tracing::info!("DB saved on disk");
    Ok(stats)
}

/// Starts a background save; false if a save or AOF rewrite is running.
pub fn bgsave_start(srv: &Arc<ServerState>) -> bool {
    let p = &srv.persist;
    if !p.try_begin_job() {
        return false;
    }
    p.bgsave_in_progress.store(true, Ordering::Release);
    let start = now_ms();
    p.cancel.store(false, Ordering::Release);
    p.bgsave_started_ms.store(start, Ordering::Relaxed);
    p.last_bgsave_try.store(start / 1000, Ordering::Relaxed);
    p.dirty_at_start
        .store(p.dirty.load(Ordering::Acquire), Ordering::Relaxed);
    let aux = {
        let _apply = crate::repl::apply_guard(srv);
        let _all = srv.keyspace.hold_all();
        srv.keyspace.snapshot_start();
        aux(srv)
    };
    let srv2 = srv.clone();
    let spawned = std::thread::Builder::new()
        .name("ferrodis-bgsave".into())
        .spawn(move || bgsave_run(&srv2, &aux));
    if spawned.is_err() {
        srv.keyspace.snapshot_abort();
        p.bgsave_in_progress.store(false, Ordering::Release);
        p.last_bgsave_ok.store(false, Ordering::Relaxed);
        p.end_job();
        return false;
    }
    tracing::info!("Background saving started");
    true
}

fn bgsave_run(srv: &ServerState, aux: &Aux) {
    let started = Instant::now();
    let dest = rdb_path(srv);
    let tmp = save::temp_path(Path::new("."), "bgsave");
    let opts = save_options(srv);
    let mut rename_guard = None;
    let result = save::save_to_if(
        &dest,
        &tmp,
        |w| save::write_snapshot(&srv.keyspace, w, aux, &opts),
        || {
            rename_guard = Some(srv.persist.rename.lock());
            !srv.persist.cancel.load(Ordering::Acquire)
        },
    );
    drop(rename_guard);
    let p = &srv.persist;
    let cancelled = p.cancel.swap(false, Ordering::AcqRel);
    match result {
        Ok(_) => {
            p.saved(p.dirty_at_start.load(Ordering::Relaxed));
            p.last_bgsave_ok.store(true, Ordering::Relaxed);
            tracing::info!("Background saving terminated with success");
        }
        Err(_) if cancelled => {
            tracing::warn!("Background saving terminated by request");
        }
        Err(e) => {
            p.last_bgsave_ok.store(false, Ordering::Relaxed);
            tracing::warn!("Background saving error: {e}");
        }
    }
    p.last_bgsave_time_sec
        .store(started.elapsed().as_secs() as i64, Ordering::Relaxed);
    p.bgsave_in_progress.store(false, Ordering::Release);
    p.end_job();
}

/// FLUSHALL: a running background save is stopped (its data is gone: it
/// must not land after this), and with save points the empty dataset is
/// saved at once, as Redis does. No waiting: FLUSHALL may hold every shard.
pub fn after_flushall(srv: &ServerState) {
    if srv.persist.bgsave_in_progress.load(Ordering::Acquire) {
        srv.persist.cancel.store(true, Ordering::Release);
    }
    if !srv.config.read().save.is_empty() {
        if let Err(e) = save_now(srv) {
            tracing::warn!("Error saving DB on disk after FLUSHALL: {e}");
        }
    }
}

/// Waits for a running background save to end (SHUTDOWN, tests).
pub fn wait_bgsave(srv: &ServerState) {
    while srv.persist.bgsave_in_progress.load(Ordering::Acquire) {
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Called by the cron thread: a background save when a `save` point is
/// reached (after a failure, at most every 5 seconds).
pub fn cron(srv: &Arc<ServerState>) {
    let p = &srv.persist;
    if p.bgsave_in_progress.load(Ordering::Acquire)
        || srv.aof.rewrite_in_progress.load(Ordering::Acquire)
    {
        return;
    }
    if p.bgsave_scheduled.swap(false, Ordering::AcqRel) {
        bgsave_start(srv);
        return;
    }
    let dirty = p.dirty.load(Ordering::Relaxed);
    if dirty == 0 {
        return;
    }
    let now = now_ms() / 1000;
    let since_save = now.saturating_sub(p.lastsave.load(Ordering::Relaxed));
    let since_try = now.saturating_sub(p.last_bgsave_try.load(Ordering::Relaxed));
    if !p.last_bgsave_ok.load(Ordering::Relaxed) && since_try < 5 {
        return;
    }
    let points = srv.config.read().save.clone();
    let words: Vec<u64> = points
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let due = words
        .chunks_exact(2)
        .any(|pair| dirty >= pair[1] && since_save >= pair[0]);
    if due {
        tracing::info!("{dirty} changes in {since_save} seconds. Saving...");
        bgsave_start(srv);
    }
}

/// Loads the snapshot at start-up, if there is one. A file that cannot be
/// read completely is refused whole: nothing of it stays loaded.
pub fn load_at_startup(srv: &ServerState) -> Result<Option<u64>, String> {
    let path = rdb_path(srv);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("Fatal error loading the DB: {e}. Exiting.")),
    };
    let started = Instant::now();
    srv.persist.loading.store(true, Ordering::Relaxed);
    let result = load_bytes_with_info(srv, &bytes);
    srv.persist.loading.store(false, Ordering::Relaxed);
    match result {
        Ok((n, info)) => {
            crate::repl::restore_from_snapshot(srv, &info.aux);
            tracing::info!(
                "DB loaded from disk: {:.3} seconds",
                started.elapsed().as_secs_f64()
            );
            Ok(Some(n))
        }
        Err(e) => {
            drop(srv.keyspace.take_all());
            Err(format!(
                "Error loading the DB from {}: {e}. Refusing to start with a partial dataset.",
                path.display()
            ))
        }
    }
}

fn load_limits(srv: &ServerState) -> LoadLimits {
    let cfg = srv.config.read();
    LoadLimits {
        hash: ferrodis_engine::HashLimits {
            max_entries: cfg.hash_max_listpack_entries as usize,
            max_value: cfg.hash_max_listpack_value as usize,
        },
        zset: ferrodis_engine::ZLimits {
            max_entries: cfg.zset_max_listpack_entries as usize,
            max_value: cfg.zset_max_listpack_value as usize,
        },
        max_intset: cfg.set_max_intset_entries as usize,
        list_fill: cfg.list_max_listpack_size,
    }
}

/// Loads an RDB image into the (empty) keyspace; returns the keys loaded.
/// Keys already expired are skipped, as a primary does.
pub fn load_bytes(srv: &ServerState, bytes: &[u8]) -> Result<u64, RdbError> {
    load_bytes_with_info(srv, bytes).map(|(n, _)| n)
}

/// `load_bytes`, also returning what the file said besides its keys.
pub fn load_bytes_with_info(
    srv: &ServerState,
    bytes: &[u8],
) -> Result<(u64, rdb::LoadInfo), RdbError> {
    let lim = load_limits(srv);
    let checksum = srv.config.read().rdbchecksum;
    let ks: &Keyspace = &srv.keyspace;
    let now = now_ms();
    let (mut loaded, mut expired) = (0u64, 0u64);
    let mut out_of_range = None;
    let info = rdb::load(bytes, &lim, checksum, |l| {
        if l.db >= ks.len() {
            out_of_range.get_or_insert(l.db);
            return;
        }
        if l.expire_at != 0 && l.expire_at <= now {
            expired += 1;
            return;
        }
        let mut entry = Entry::new(l.value);
        entry.access = ferrodis_engine::access::restored(l.idle_secs, l.freq, now);
        ks.db(l.db)
            .lock(&l.key)
            .insert_with_expire(&l.key, entry, l.expire_at);
        loaded += 1;
    })?;
    if let Some(db) = out_of_range {
        return Err(RdbError::At {
            what: format!(
                "the file has keys in database {db}, but only {} are configured",
                ks.len()
            ),
            offset: 0,
        });
    }
    // The file's function libraries replace the ones there were (the
    // keyspace was emptied for it too).
    crate::script::function::install_all(srv, &info.functions).map_err(|e| RdbError::At {
        what: format!("function library failed to load: {e}"),
        offset: 0,
    })?;
    srv.persist
        .last_load_keys_loaded
        .store(loaded, Ordering::Relaxed);
    srv.persist
        .last_load_keys_expired
        .store(expired, Ordering::Relaxed);
    Ok((loaded, info))
}

/// DEBUG RELOAD: save (unless `save` is false), empty the dataset (unless
/// `flush` is false: then loaded keys replace existing ones) and load the
/// RDB file again.
pub fn debug_reload(srv: &ServerState, save: bool, flush: bool) -> Result<(), CommandError> {
    if save {
        save_command(srv)?;
    }
    let bytes = std::fs::read(rdb_path(srv)).map_err(|e| {
        tracing::warn!("Error trying to load the RDB dump: {e}");
        CommandError::DebugReloadLoad
    })?;
    if flush {
        drop(srv.keyspace.take_all());
    }
    load_bytes(srv, &bytes).map_err(|e| {
        tracing::warn!("Error trying to load the RDB dump: {e}");
        CommandError::DebugReloadLoad
    })?;
    tracing::info!("DB reloaded by DEBUG RELOAD");
    Ok(())
}

/// A foreground save asked for by a client (SAVE, DEBUG RELOAD): refused
/// while a background save runs; a failure is logged and reported.
fn save_command(srv: &ServerState) -> Result<(), CommandError> {
    if srv.persist.bgsave_in_progress.load(Ordering::Acquire) {
        return Err(CommandError::BgsaveInProgress);
    }
    save_now(srv).map_err(|e| {
        tracing::warn!("Error saving DB on disk: {e}");
        CommandError::SaveFailed
    })?;
    Ok(())
}

fn save_cmd(ctx: &mut Ctx<'_>) -> CmdResult {
    save_command(ctx.srv)?;
    ctx.reply().ok();
    Ok(())
}

fn bgsave(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.argc() > 2 || (ctx.argc() == 2 && !eq_ic(&ctx.argv[1], "SCHEDULE")) {
        return Err(CommandError::Syntax);
    }
    let srv = ctx.srv.arc().ok_or(CommandError::SaveFailed)?;
    if srv.persist.bgsave_in_progress.load(Ordering::Acquire) {
        return Err(CommandError::BgsaveInProgress);
    }
    if srv.aof.rewrite_in_progress.load(Ordering::Acquire) {
        if ctx.argc() == 2 {
            srv.persist.bgsave_scheduled.store(true, Ordering::Release);
            ctx.reply().simple(b"Background saving scheduled");
            return Ok(());
        }
        return Err(CommandError::BgsaveAofRunning);
    }
    if !bgsave_start(&srv) {
        return Err(CommandError::BgsaveInProgress);
    }
    ctx.reply().simple(b"Background saving started");
    Ok(())
}

fn lastsave(ctx: &mut Ctx<'_>) -> CmdResult {
    let t = ctx.srv.persist.lastsave.load(Ordering::Relaxed);
    ctx.reply().integer(t as i64);
    Ok(())
}

fn dump(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let payload = {
        let mut shard = ctx.db().lock(key);
        shard
            .get(key, ctx.now_ms)
            .map(|e| rdb::dump_payload(&e.value))
    };
    match payload {
        Some(p) => ctx.reply().bulk(&p),
        None => ctx.reply().null(),
    }
    Ok(())
}

fn restore(ctx: &mut Ctx<'_>) -> CmdResult {
    let (mut replace, mut absttl) = (false, false);
    let (mut idle, mut freq): (Option<u64>, Option<u8>) = (None, None);
    let argv = ctx.argv;
    let mut i = 4;
    while i < argv.len() {
        let more = i + 1 < argv.len();
        if eq_ic(&argv[i], "REPLACE") {
            replace = true;
        } else if eq_ic(&argv[i], "ABSTTL") {
            absttl = true;
        } else if eq_ic(&argv[i], "IDLETIME") && more && freq.is_none() {
            let v = parse_int(&argv[i + 1])?;
            if v < 0 {
                return Err(CommandError::InvalidIdletime);
            }
            idle = Some(v as u64);
            i += 1;
        } else if eq_ic(&argv[i], "FREQ") && more && idle.is_none() {
            let v = parse_int(&argv[i + 1])?;
            if !(0..=255).contains(&v) {
                return Err(CommandError::InvalidFreq);
            }
            freq = Some(v as u8);
            i += 1;
        } else {
            return Err(CommandError::Syntax);
        }
        i += 1;
    }
    let ttl = parse_int(&argv[2])?;
    if ttl < 0 {
        return Err(CommandError::InvalidTtl);
    }
    let key = &argv[1];
    let now = ctx.now_ms;
    if !replace && ctx.db().lock(key).contains(key, now) {
        return Err(CommandError::BusyKey);
    }
    let value = rdb::restore_payload(&argv[3], &load_limits(ctx.srv)).map_err(|e| match e {
        RdbError::Envelope => CommandError::DumpPayload,
        _ => CommandError::BadDataFormat,
    })?;
    // Redis adds a relative TTL to the clock in signed 64 bits, where a sum
    // past i64::MAX wraps into the past: such a key is already expired (any
    // past instant will do; 0 would mean "no TTL").
    let expire_at = match ttl {
        0 => 0,
        t if absttl => t as u64,
        t => i64::try_from(now)
            .ok()
            .and_then(|n| n.checked_add(t))
            .map_or(1, |at| at as u64),
    };
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    if !replace && shard.contains(key, now) {
        return Err(CommandError::BusyKey);
    }
    if expire_at != 0 && expire_at <= now {
        // Already expired: nothing is created (and an old value goes).
        if shard.remove(key).is_some() {
            emit(ctx.srv, ctx.client, class::GENERIC, "del", key);
        }
    } else {
        let mut entry = Entry::new(value);
        entry.access = ferrodis_engine::access::restored(idle, freq, now);
        shard.insert_with_expire(key, entry, expire_at);
        // Redis deletes a replaced key first: the key is always new.
        emit(ctx.srv, ctx.client, class::NEW, "new", key);
        emit(ctx.srv, ctx.client, class::GENERIC, "restore", key);
    }
    drop(shard);
    ctx.reply().ok();
    Ok(())
}

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "save",
        handler: Some(save_cmd),
        arity: 1,
        flags: ADMIN | NOSCRIPT | NO_ASYNC_LOADING | NO_MULTI,
        acl: 0,
        key_range: (0, 0, 0),
        group: "server",
        since: "1.0.0",
        summary: "Writes a snapshot of the dataset to disk, blocking until done.",
        complexity: "O(N) where N is the total number of keys in all databases",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "bgsave",
        handler: Some(bgsave),
        arity: -1,
        flags: ADMIN | NOSCRIPT | NO_ASYNC_LOADING,
        acl: 0,
        key_range: (0, 0, 0),
        group: "server",
        since: "1.0.0",
        summary: "Writes a snapshot of the dataset to disk in the background.",
        complexity: "O(1)",
        args: &[
            Arg { name: "schedule", kind: ArgKind::PureToken, token: Some("SCHEDULE"), since: Some("3.2.2"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "lastsave",
        handler: Some(lastsave),
        arity: 1,
        flags: LOADING | STALE | FAST,
        acl: CAT_ADMIN | CAT_DANGEROUS,
        key_range: (0, 0, 0),
        tips: &["nondeterministic_output"],
        group: "server",
        since: "1.0.0",
        summary: "Returns the Unix time of the last successful snapshot.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "dump",
        handler: Some(dump),
        arity: 2,
        flags: READONLY,
        acl: CAT_KEYSPACE,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        tips: &["nondeterministic_output"],
        group: "generic",
        since: "2.6.0",
        summary: "Returns the serialized form of the value stored at a key.",
        complexity: "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "restore",
        handler: Some(restore),
        arity: -4,
        flags: WRITE | DENYOOM,
        acl: CAT_KEYSPACE | CAT_DANGEROUS,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["OW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "generic",
        since: "2.6.0",
        summary: "Creates a key from a DUMP payload.",
        complexity: "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "ttl", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "serialized-value", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "replace", kind: ArgKind::PureToken, token: Some("REPLACE"), since: Some("3.0.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "absttl", kind: ArgKind::PureToken, token: Some("ABSTTL"), since: Some("5.0.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "seconds", kind: ArgKind::Integer, token: Some("IDLETIME"), since: Some("5.0.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "frequency", kind: ArgKind::Integer, token: Some("FREQ"), since: Some("5.0.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
];
