//! The append-only file at run time: the writer that drains the
//! propagation stream into the current incremental file with the
//! configured fsync policy, BGREWRITEAOF (a copy-on-write snapshot written
//! as the new base while writes go on into a new incremental file),
//! loading at start-up, and INFO's AOF fields.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use ferrodis_engine::clock::now_ms;
use ferrodis_persist::aof::{self, AofFile, FileKind, Manifest, Next};
use parking_lot::Mutex;

use crate::context::{Client, ClientShared, Ctx, ServerState};
use crate::error::{CmdResult, CommandError};
use crate::spec::*;

/// appendfsync values.
pub const FSYNC_NO: u8 = 0;
pub const FSYNC_EVERYSEC: u8 = 1;
pub const FSYNC_ALWAYS: u8 = 2;

struct Files {
    dir: PathBuf,
    name: String,
    manifest: Manifest,
    /// The incremental file being appended to.
    incr: Option<File>,
    /// Stream bytes appended to `incr`'s predecessors and itself.
    last_fsync: Instant,
    /// Size of the AOF (base + incrementals) and of the base after the
    /// last rewrite (automatic rewrites compare the two).
    current_size: u64,
    base_size: u64,
    scratch: Vec<u8>,
}

pub struct AofState {
    pub enabled: AtomicBool,
    files: Mutex<Option<Files>>,
    /// Stream offset written to the file / made durable.
    pub written: AtomicU64,
    pub synced: AtomicU64,
    pub rewrite_in_progress: AtomicBool,
    pub rewrite_scheduled: AtomicBool,
    rewrite_started_ms: AtomicU64,
    pub last_rewrite_ok: AtomicBool,
    pub last_rewrite_time_sec: AtomicI64,
    pub rewrites: AtomicU64,
    pub consecutive_failures: AtomicU64,
    pub last_write_ok: AtomicBool,
}

impl Default for AofState {
    fn default() -> Self {
        AofState {
            enabled: AtomicBool::new(false),
            files: Mutex::new(None),
            written: AtomicU64::new(0),
            synced: AtomicU64::new(0),
            rewrite_in_progress: AtomicBool::new(false),
            rewrite_scheduled: AtomicBool::new(false),
            rewrite_started_ms: AtomicU64::new(0),
            last_rewrite_ok: AtomicBool::new(true),
            last_rewrite_time_sec: AtomicI64::new(-1),
            rewrites: AtomicU64::new(0),
            consecutive_failures: AtomicU64::new(0),
            last_write_ok: AtomicBool::new(true),
        }
    }
}

fn fsync_policy(srv: &ServerState) -> u8 {
    srv.config.read().appendfsync
}

fn io_err(e: std::io::Error) -> String {
    e.to_string()
}

fn file_name(base: &str, seq: u64, kind: FileKind, rdb: bool) -> String {
    match kind {
        FileKind::Base => format!("{base}.{seq}.base.{}", if rdb { "rdb" } else { "aof" }),
        _ => format!("{base}.{seq}.incr.aof"),
    }
}

fn manifest_name(base: &str) -> String {
    format!("{base}.manifest")
}

/// Writes the manifest atomically (temp file, fsync, rename).
fn write_manifest(dir: &Path, base: &str, m: &Manifest) -> Result<(), String> {
    let tmp = dir.join(format!("temp-{}", manifest_name(base)));
    let mut f = File::create(&tmp).map_err(io_err)?;
    f.write_all(m.render().as_bytes()).map_err(io_err)?;
    f.sync_all().map_err(io_err)?;
    std::fs::rename(&tmp, dir.join(manifest_name(base))).map_err(io_err)?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn open_append(path: &Path) -> Result<File, String> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io_err)
}

impl Files {
    /// The files as the manifest in `dir` lists them (none yet: empty);
    /// no incremental file is open.
    fn open(dir: PathBuf, name: String) -> Result<Files, String> {
        std::fs::create_dir_all(&dir).map_err(io_err)?;
        let manifest = match std::fs::read_to_string(dir.join(manifest_name(&name))) {
            Ok(t) => Manifest::parse(&t)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Manifest::default(),
            Err(e) => return Err(io_err(e)),
        };
        Ok(Files {
            dir,
            name,
            manifest,
            incr: None,
            last_fsync: Instant::now(),
            current_size: 0,
            base_size: 0,
            scratch: Vec::new(),
        })
    }

    /// Appends the stream's pending bytes; fsyncs when asked to.
    fn drain(&mut self, srv: &ServerState, fsync: bool) -> Result<(), String> {
        let mut buf = std::mem::take(&mut self.scratch);
        buf.clear();
        let offset = srv.propagator.take(&mut buf);
        let result = (|| {
            if let Some(f) = self.incr.as_mut() {
                if !buf.is_empty() {
                    f.write_all(&buf).map_err(io_err)?;
                    self.current_size += buf.len() as u64;
                }
                srv.aof.written.store(offset, Ordering::Release);
                if fsync {
                    f.sync_data().map_err(io_err)?;
                    self.last_fsync = Instant::now();
                    srv.aof.synced.store(offset, Ordering::Release);
                }
            }
            Ok(())
        })();
        buf.clear();
        self.scratch = buf;
        srv.aof
            .last_write_ok
            .store(result.is_ok(), Ordering::Relaxed);
        result
    }

    /// Starts a new incremental file (at a rewrite) and returns its entry.
    fn switch_incr(&mut self) -> Result<AofFile, String> {
        let seq = self.manifest.next_incr_seq();
        let f = AofFile {
            name: file_name(&self.name, seq, FileKind::Incr, false),
            seq,
            kind: FileKind::Incr,
        };
        if let Some(old) = self.incr.take() {
            let _ = old.sync_data();
        }
        self.incr = Some(open_append(&self.dir.join(&f.name))?);
        self.manifest.incr.push(f.clone());
        Ok(f)
    }
}

/// Makes sure everything up to `offset` is durable (appendfsync always):
/// whoever gets the file lock writes and fsyncs for everyone queued
/// behind it.
pub fn sync_to(srv: &ServerState, offset: u64) {
    if srv.aof.synced.load(Ordering::Acquire) >= offset {
        return;
    }
    let mut files = srv.aof.files.lock();
    if srv.aof.synced.load(Ordering::Acquire) >= offset {
        return;
    }
    if let Some(f) = files.as_mut() {
        if let Err(e) = f.drain(srv, true) {
            tracing::warn!("Can't write to the append only file: {e}");
        }
    }
}

/// Whether a reply must wait for `offset` to be durable first.
pub fn must_sync(srv: &ServerState, offset: u64) -> bool {
    offset != 0
        && srv.aof.enabled.load(Ordering::Relaxed)
        && srv.aof.synced.load(Ordering::Acquire) < offset
        && fsync_policy(srv) == FSYNC_ALWAYS
}

/// The writer thread: drains the stream every millisecond, fsyncs every
/// second under `everysec`.
fn writer_loop(srv: Arc<ServerState>) {
    let mut idle = 0u32;
    loop {
        if srv.shutting_down.load(Ordering::Acquire) {
            return;
        }
        if !srv.aof.enabled.load(Ordering::Acquire) {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        }
        let pending =
            srv.propagator.offset.load(Ordering::Acquire) > srv.aof.written.load(Ordering::Acquire);
        {
            let mut files = srv.aof.files.lock();
            if let Some(f) = files.as_mut() {
                let policy = fsync_policy(&srv);
                let busy = srv.aof.rewrite_in_progress.load(Ordering::Relaxed)
                    || srv.persist.bgsave_in_progress.load(Ordering::Relaxed);
                let skip_fsync = busy && srv.config.read().no_appendfsync_on_rewrite;
                let fsync = match policy {
                    FSYNC_EVERYSEC => {
                        !skip_fsync
                            && f.last_fsync.elapsed() >= Duration::from_secs(1)
                            && srv.aof.synced.load(Ordering::Relaxed)
                                < srv.propagator.offset.load(Ordering::Relaxed)
                    }
                    FSYNC_ALWAYS => !skip_fsync,
                    _ => false,
                };
                if pending || fsync {
                    if let Err(e) = f.drain(&srv, fsync) {
                        tracing::warn!("Can't write to the append only file: {e}");
                    }
                }
            }
        }
        idle = if pending { 0 } else { (idle + 1).min(20) };
        std::thread::sleep(Duration::from_millis(1 + idle as u64 / 4));
    }
}

/// Starts the writer thread (once, at start-up).
pub fn spawn_writer(srv: &Arc<ServerState>) {
    let srv = srv.clone();
    if let Err(e) = std::thread::Builder::new()
        .name("ferrodis-aof".into())
        .spawn(move || writer_loop(srv))
    {
        tracing::error!("cannot start the AOF writer thread: {e}");
    }
}

fn aof_dir(srv: &ServerState) -> (PathBuf, String) {
    let cfg = srv.config.read();
    (
        PathBuf::from(&cfg.appenddirname),
        cfg.appendfilename.clone(),
    )
}

/// A client that replays the AOF: no ACL, no replies kept.
fn loader_client() -> Client {
    let shared = Arc::new(ClientShared::new(
        u64::MAX,
        String::new(),
        String::new(),
        -1,
        Box::new(|| {}),
    ));
    let mut c = Client::new(shared);
    c.internal = true;
    c.no_block = true;
    c
}

/// Replays one file of commands; returns how many ran. A torn last
/// command is dropped (and the file truncated there) when
/// `aof-load-truncated` allows it and this is the last file.
fn replay(srv: &ServerState, client: &mut Client, path: &Path, last: bool) -> Result<u64, String> {
    let data = Bytes::from(std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?);
    let mut pos = 0;
    let mut n = 0;
    // Position before an unfinished MULTI, to cut there if the file ends
    // inside the transaction.
    let mut multi_start: Option<usize> = None;
    loop {
        match aof::next_command(&data, pos) {
            Next::Command(argv, next) => {
                if crate::args::eq_ic(&argv[0], "MULTI") {
                    multi_start = Some(pos);
                } else if crate::args::eq_ic(&argv[0], "EXEC") {
                    multi_start = None;
                }
                client.reply.clear();
                crate::dispatch::execute(srv, client, &argv);
                pos = next;
                n += 1;
            }
            Next::End => {
                if let Some(at) = multi_start {
                    return truncated(srv, client, path, at, last, n);
                }
                return Ok(n);
            }
            Next::Truncated => {
                return truncated(srv, client, path, multi_start.unwrap_or(pos), last, n);
            }
            Next::Bad(at) => {
                return Err(format!(
                    "Bad file format reading the append only file {} at offset {at}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>",
                    path.display()
                ));
            }
        }
    }
}

fn truncated(
    srv: &ServerState,
    client: &mut Client,
    path: &Path,
    at: usize,
    last: bool,
    n: u64,
) -> Result<u64, String> {
    if !last || !srv.config.read().aof_load_truncated {
        return Err(format!(
            "Unexpected end of file reading the append only file {} at offset {at}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.",
            path.display()
        ));
    }
    if client.multi.is_some() {
        crate::multi::discard_transaction(srv, client);
    }
    tracing::warn!(
        "!!! Warning: short read while loading the AOF file {}!!! AOF loaded anyway because aof-load-truncated is enabled; the file is truncated at offset {at}",
        path.display()
    );
    let f = OpenOptions::new().write(true).open(path).map_err(io_err)?;
    f.set_len(at as u64).map_err(io_err)?;
    f.sync_all().map_err(io_err)?;
    Ok(n)
}

/// At start-up with `appendonly yes`: loads the AOF (if any), then opens
/// the incremental file new writes go to and turns the stream on.
pub fn start(srv: &Arc<ServerState>) -> Result<Option<u64>, String> {
    let (dir, name) = aof_dir(srv);
    let mpath = dir.join(manifest_name(&name));
    let mut loaded = None;
    let manifest = match std::fs::read_to_string(&mpath) {
        Ok(text) => {
            let m = Manifest::parse(&text)?;
            let mut client = loader_client();
            let files: Vec<AofFile> = m.load_order().cloned().collect();
            let mut keys = 0u64;
            srv.persist.loading.store(true, Ordering::Relaxed);
            for (i, f) in files.iter().enumerate() {
                let path = dir.join(&f.name);
                let is_last = i + 1 == files.len();
                if f.kind == FileKind::Base && f.name.ends_with(".rdb") {
                    let bytes =
                        std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                    keys += crate::persistence::load_bytes(srv, &bytes).map_err(|e| {
                        format!("Error loading the AOF base {}: {e}", path.display())
                    })?;
                } else {
                    replay(srv, &mut client, &path, is_last)?;
                }
            }
            srv.persist.loading.store(false, Ordering::Relaxed);
            loaded = Some(keys);
            m
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Manifest::default(),
        Err(e) => return Err(format!("Can't read the AOF manifest: {e}")),
    };
    std::fs::create_dir_all(&dir).map_err(|e| format!("Can't create the AOF directory: {e}"))?;
    let current_size = manifest
        .load_order()
        .filter_map(|f| std::fs::metadata(dir.join(&f.name)).ok())
        .map(|m| m.len())
        .sum();
    let base_size = manifest
        .base
        .as_ref()
        .and_then(|f| std::fs::metadata(dir.join(&f.name)).ok())
        .map_or(0, |m| m.len());
    let mut files = Files {
        dir: dir.clone(),
        name: name.clone(),
        manifest,
        incr: None,
        last_fsync: Instant::now(),
        current_size,
        base_size,
        scratch: Vec::new(),
    };
    // Append to the last incremental file, or start one.
    match files.manifest.incr.last() {
        Some(f) => files.incr = Some(open_append(&dir.join(&f.name))?),
        None => {
            files.switch_incr()?;
            write_manifest(&dir, &name, &files.manifest)?;
        }
    }
    *srv.aof.files.lock() = Some(files);
    srv.aof.enabled.store(true, Ordering::Release);
    srv.propagator.set_aof(true);
    Ok(loaded)
}

/// Starts BGREWRITEAOF: snapshot and new incremental file at one instant.
/// Err with the reply when it cannot start now.
pub fn rewrite_start(srv: &Arc<ServerState>) -> Result<(), CommandError> {
    let p = &srv.persist;
    if srv.aof.rewrite_in_progress.load(Ordering::Acquire) {
        return Err(CommandError::RewriteInProgress);
    }
    if !p.try_begin_job() {
        srv.aof.rewrite_scheduled.store(true, Ordering::Release);
        return Err(CommandError::RewriteScheduled);
    }
    srv.aof.rewrite_in_progress.store(true, Ordering::Release);
    srv.aof
        .rewrite_started_ms
        .store(now_ms(), Ordering::Relaxed);
    // Turned on at run time: the files start now, and describe the data
    // only once the base is written. The stream to them starts before the
    // snapshot, not inside it: a write that saw no consumer of the stream
    // does not emit itself, so it must finish before the snapshot point
    // (like a replica's full sync). What is emitted before that point goes
    // to the first incremental file, which the new base supersedes.
    let fresh = {
        let mut files = srv.aof.files.lock();
        let fresh = files.is_none();
        if fresh {
            let (dir, name) = aof_dir(srv);
            match Files::open(dir, name) {
                Ok(mut f) => {
                    f.base_size = 0;
                    f.current_size = 0;
                    *files = Some(f);
                    srv.aof.enabled.store(true, Ordering::Release);
                    srv.propagator.set_aof(true);
                }
                Err(e) => {
                    drop(files);
                    rewrite_done(srv, false);
                    tracing::warn!("Can't open the append only file: {e}");
                    return Err(CommandError::RewriteFailed);
                }
            }
        }
        fresh
    };
    if fresh {
        crate::multi::wait_for_running_writes(srv);
    }
    // Hold every shard: no write is between its change and its emission,
    // so the snapshot and the switch of incremental file are one instant.
    let switched = {
        let _all = srv.keyspace.hold_all();
        srv.keyspace.snapshot_start();
        let mut files = srv.aof.files.lock();
        match files.as_mut() {
            Some(f) => {
                let r = f.drain(srv, true).and_then(|_| f.switch_incr());
                let had_base = f.manifest.base.is_some();
                let r = r.and_then(|_| {
                    // Until the base exists the manifest is only written
                    // when the old files already describe the data.
                    if !fresh && (had_base || f.manifest.incr.len() > 1) {
                        write_manifest(&f.dir, &f.name, &f.manifest)
                    } else {
                        Ok(())
                    }
                });
                r.map(|_| (f.dir.clone(), f.name.clone(), f.manifest.next_base_seq()))
            }
            None => Err("append only file is not open".into()),
        }
    };
    let (dir, name, base_seq) = match switched {
        Ok(v) => v,
        Err(e) => {
            srv.keyspace.snapshot_abort();
            if fresh {
                // Not on after all: the files never described the data.
                srv.aof.files.lock().take();
                srv.aof.enabled.store(false, Ordering::Release);
                srv.propagator.set_aof(false);
            }
            rewrite_done(srv, false);
            tracing::warn!("Can't rewrite the append only file: {e}");
            return Err(CommandError::RewriteFailed);
        }
    };
    let srv2 = srv.clone();
    let spawned = std::thread::Builder::new()
        .name("ferrodis-aofrw".into())
        .spawn(move || rewrite_run(&srv2, &dir, &name, base_seq));
    if spawned.is_err() {
        srv.keyspace.snapshot_abort();
        rewrite_done(srv, false);
        return Err(CommandError::RewriteFailed);
    }
    tracing::info!("Background append only file rewriting started");
    Ok(())
}

fn rewrite_done(srv: &ServerState, ok: bool) {
    let a = &srv.aof;
    let started = a.rewrite_started_ms.load(Ordering::Relaxed);
    a.last_rewrite_time_sec.store(
        (now_ms().saturating_sub(started) / 1000) as i64,
        Ordering::Relaxed,
    );
    a.last_rewrite_ok.store(ok, Ordering::Relaxed);
    if ok {
        a.rewrites.fetch_add(1, Ordering::Relaxed);
        a.consecutive_failures.store(0, Ordering::Relaxed);
    } else {
        a.consecutive_failures.fetch_add(1, Ordering::Relaxed);
    }
    a.rewrite_in_progress.store(false, Ordering::Release);
    srv.persist.end_job();
}

fn rewrite_run(srv: &ServerState, dir: &Path, name: &str, base_seq: u64) {
    let base = AofFile {
        name: file_name(name, base_seq, FileKind::Base, true),
        seq: base_seq,
        kind: FileKind::Base,
    };
    let dest = dir.join(&base.name);
    let tmp = dir.join(format!("temp-rewriteaof-{}.aof", std::process::id()));
    let opts = crate::persistence::save_options(srv);
    let mut aux = crate::persistence::aux(srv);
    aux.aof_base = true;
    let result = ferrodis_persist::save::save_to(&dest, &tmp, |w| {
        ferrodis_persist::save::write_snapshot(&srv.keyspace, w, &aux, &opts)
    });
    let ok = match result {
        Ok(stats) => {
            // The new base plus the incremental file opened at the
            // snapshot instant replace everything before them.
            let mut files = srv.aof.files.lock();
            match files.as_mut() {
                Some(f) => {
                    let old: Vec<AofFile> = f
                        .manifest
                        .base
                        .iter()
                        .chain(f.manifest.incr.iter())
                        .filter(|x| Some(&x.name) != f.manifest.incr.last().map(|l| &l.name))
                        .cloned()
                        .collect();
                    let mut m = f.manifest.clone();
                    m.base = Some(base);
                    m.incr = f.manifest.incr.last().cloned().into_iter().collect();
                    match write_manifest(&f.dir, &f.name, &m) {
                        Ok(()) => {
                            f.manifest = m;
                            for o in old {
                                let _ = std::fs::remove_file(f.dir.join(&o.name));
                            }
                            f.base_size = stats.bytes;
                            f.current_size = stats.bytes
                                + f.manifest
                                    .incr
                                    .iter()
                                    .filter_map(|x| std::fs::metadata(f.dir.join(&x.name)).ok())
                                    .map(|m| m.len())
                                    .sum::<u64>();
                            true
                        }
                        Err(e) => {
                            tracing::warn!("Can't write the AOF manifest: {e}");
                            let _ = std::fs::remove_file(&dest);
                            false
                        }
                    }
                }
                None => false,
            }
        }
        Err(e) => {
            tracing::warn!("Background AOF rewrite failed: {e}");
            false
        }
    };
    if ok {
        tracing::info!("Background AOF rewrite finished successfully");
    }
    rewrite_done(srv, ok);
}

/// Cron: a scheduled rewrite once no save runs; an automatic rewrite when
/// the file grew enough.
pub fn cron(srv: &Arc<ServerState>) {
    if srv.aof.rewrite_in_progress.load(Ordering::Acquire)
        || srv.persist.bgsave_in_progress.load(Ordering::Acquire)
    {
        return;
    }
    if srv.aof.rewrite_scheduled.swap(false, Ordering::AcqRel) {
        let _ = rewrite_start(srv);
        return;
    }
    if !srv.aof.enabled.load(Ordering::Acquire) {
        return;
    }
    let (pct, min) = {
        let c = srv.config.read();
        (c.auto_aof_rewrite_percentage, c.auto_aof_rewrite_min_size)
    };
    if pct <= 0 {
        return;
    }
    let (cur, base) = match srv.aof.files.lock().as_ref() {
        Some(f) => (f.current_size, f.base_size),
        None => return,
    };
    let base = base.max(1);
    if cur >= min && cur.saturating_sub(base) * 100 / base >= pct as u64 {
        tracing::info!(
            "Starting automatic rewriting of AOF on {}% growth",
            (cur - base) * 100 / base
        );
        let _ = rewrite_start(srv);
    }
}

/// CONFIG SET appendonly: turning it on writes a base of the current data
/// (a rewrite) with the stream captured from that instant; turning it off
/// flushes and closes the files.
pub fn sync_config(srv: &ServerState) {
    let want = srv.config.read().appendonly;
    let on = srv.aof.enabled.load(Ordering::Acquire);
    if want && !on {
        if srv.aof.rewrite_in_progress.load(Ordering::Acquire) {
            srv.aof.rewrite_scheduled.store(true, Ordering::Release);
        } else if let Some(arc) = srv.arc() {
            let _ = rewrite_start(&arc);
        }
    } else if !want && on {
        let mut files = srv.aof.files.lock();
        if let Some(mut f) = files.take() {
            let _ = f.drain(srv, true);
        }
        srv.aof.enabled.store(false, Ordering::Release);
        srv.propagator.set_aof(false);
        srv.aof.rewrite_scheduled.store(false, Ordering::Release);
    }
}

/// Flushes and fsyncs the AOF (SHUTDOWN).
pub fn flush(srv: &ServerState) {
    if let Some(f) = srv.aof.files.lock().as_mut() {
        let _ = f.drain(srv, true);
    }
}

/// INFO's AOF lines.
pub fn info(srv: &ServerState) -> String {
    let a = &srv.aof;
    let on = a.enabled.load(Ordering::Relaxed);
    let running = a.rewrite_in_progress.load(Ordering::Relaxed);
    let current = if running {
        (now_ms().saturating_sub(a.rewrite_started_ms.load(Ordering::Relaxed)) / 1000) as i64
    } else {
        -1
    };
    let mut s = format!(
        "aof_enabled:{}\r\naof_rewrite_in_progress:{}\r\naof_rewrite_scheduled:{}\r\naof_last_rewrite_time_sec:{}\r\naof_current_rewrite_time_sec:{}\r\naof_last_bgrewrite_status:{}\r\naof_rewrites:{}\r\naof_rewrites_consecutive_failures:{}\r\naof_last_write_status:{}\r\naof_last_cow_size:0\r\nmodule_fork_in_progress:0\r\nmodule_fork_last_cow_size:0\r\n",
        u8::from(on),
        u8::from(running),
        u8::from(a.rewrite_scheduled.load(Ordering::Relaxed)),
        a.last_rewrite_time_sec.load(Ordering::Relaxed),
        current,
        if a.last_rewrite_ok.load(Ordering::Relaxed) { "ok" } else { "err" },
        a.rewrites.load(Ordering::Relaxed),
        a.consecutive_failures.load(Ordering::Relaxed),
        if a.last_write_ok.load(Ordering::Relaxed) { "ok" } else { "err" },
    );
    if on {
        let (cur, base) = a
            .files
            .lock()
            .as_ref()
            .map_or((0, 0), |f| (f.current_size, f.base_size));
        let pending = srv
            .propagator
            .offset
            .load(Ordering::Relaxed)
            .saturating_sub(a.written.load(Ordering::Relaxed));
        s.push_str(&format!(
            "aof_current_size:{cur}\r\naof_base_size:{base}\r\naof_pending_rewrite:{}\r\naof_buffer_length:{pending}\r\naof_pending_bio_fsync:0\r\naof_delayed_fsync:0\r\n",
            u8::from(a.rewrite_scheduled.load(Ordering::Relaxed))
        ));
    }
    s
}

fn bgrewriteaof(ctx: &mut Ctx<'_>) -> CmdResult {
    let srv = ctx.srv.arc().ok_or(CommandError::RewriteFailed)?;
    if !srv.aof.enabled.load(Ordering::Acquire) {
        // Redis rewrites even with appendonly off (a one-off base); we
        // only rewrite a live AOF.
        return Err(CommandError::AofOff);
    }
    match rewrite_start(&srv) {
        Ok(()) => ctx
            .reply()
            .simple(b"Background append only file rewriting started"),
        Err(CommandError::RewriteScheduled) => ctx
            .reply()
            .simple(b"Background append only file rewriting scheduled"),
        Err(e) => return Err(e),
    }
    Ok(())
}

pub static COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "bgrewriteaof",
    handler: Some(bgrewriteaof),
    arity: 1,
    flags: ADMIN | NOSCRIPT | NO_ASYNC_LOADING,
    acl: 0,
    key_range: (0, 0, 0),
    group: "server",
    since: "1.0.0",
    summary: "Rewrites the append-only file in the background to its smallest form.",
    complexity: "O(1)",
    ..CommandSpec::BASE
}];
