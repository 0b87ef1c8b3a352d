//! Writing a whole keyspace as an RDB file: in the foreground with every
//! shard held (SAVE), or from a copy-on-write snapshot while clients keep
//! writing (BGSAVE). Both go through a temporary file, fsync and rename, so
//! a crash mid-save never leaves a broken dump in place.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use ferrodis_engine::Keyspace;

use crate::rdb::{Aux, FileWriter, RdbError};

/// Options of one save.
#[derive(Debug, Clone, Default)]
pub struct SaveOptions {
    pub compress: bool,
    pub checksum: bool,
    /// Sleep per key written (testing aid, `rdb-key-save-delay`).
    pub key_delay: Option<Duration>,
    /// Set to stop a background save early (FLUSHALL kills it, as Redis
    /// kills its child).
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

/// What a save produced.
#[derive(Debug, Clone, Copy, Default)]
pub struct SaveStats {
    pub keys: u64,
    pub bytes: u64,
}

/// Keys written per shard lock in a snapshot walk: small, so a writer
/// waiting for the shard waits little.
const STEP: usize = 64;

/// Writes to `tmp`, fsyncs, renames over `dest`, and fsyncs the directory.
pub fn save_to(
    dest: &Path,
    tmp: &Path,
    write: impl FnOnce(BufWriter<File>) -> Result<(BufWriter<File>, SaveStats), RdbError>,
) -> Result<SaveStats, RdbError> {
    save_to_if(dest, tmp, write, || true)
}

/// As `save_to`, but the rename happens only if `commit` (called at that
/// moment, e.g. under the caller's lock) still says yes.
pub fn save_to_if(
    dest: &Path,
    tmp: &Path,
    write: impl FnOnce(BufWriter<File>) -> Result<(BufWriter<File>, SaveStats), RdbError>,
    commit: impl FnOnce() -> bool,
) -> Result<SaveStats, RdbError> {
    let result = (|| {
        let f = File::create(tmp)?;
        let (w, stats) = write(BufWriter::with_capacity(1 << 20, f))?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        drop(f);
        if !commit() {
            return Err(RdbError::Corrupt("cancelled"));
        }
        std::fs::rename(tmp, dest)?;
        if let Some(dir) = dest.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(stats)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    result
}

/// Writes every database with all shards held for the duration: the
/// foreground SAVE, which blocks every other client as Redis's does.
pub fn write_locked<W: Write>(
    ks: &Keyspace,
    out: W,
    aux: &Aux,
    opts: &SaveOptions,
) -> Result<(W, SaveStats), RdbError> {
    let _all = ks.hold_all();
    let mut w = FileWriter::new(out, aux, opts.compress, opts.checksum)?;
    let mut keys = 0;
    for i in 0..ks.len() {
        let db = ks.db(i);
        let (n, expires) = (db.len(), db.expires());
        if n == 0 {
            continue;
        }
        w.select_db(i, n, expires)?;
        for s in 0..db.shard_count() {
            let shard = db.lock_shard(s);
            for (k, e) in shard.iter() {
                w.key(k, &e.value, shard.expire_at(k))?;
                keys += 1;
                if w.pending() >= 64 * 1024 {
                    w.flush_buf()?;
                }
            }
        }
    }
    let (out, bytes) = w.finish()?;
    Ok((out, SaveStats { keys, bytes }))
}

/// Writes the snapshot started by `Keyspace::snapshot_start`, one small
/// step per shard lock, so writers are delayed by at most one step. On
/// error the snapshot is abandoned.
pub fn write_snapshot<W: Write>(
    ks: &Keyspace,
    out: W,
    aux: &Aux,
    opts: &SaveOptions,
) -> Result<(W, SaveStats), RdbError> {
    let result = write_snapshot_inner(ks, out, aux, opts);
    if result.is_err() {
        ks.snapshot_abort();
    }
    result
}

fn write_snapshot_inner<W: Write>(
    ks: &Keyspace,
    out: W,
    aux: &Aux,
    opts: &SaveOptions,
) -> Result<(W, SaveStats), RdbError> {
    let mut w = FileWriter::new(out, aux, opts.compress, opts.checksum)?;
    let mut keys = 0u64;
    for i in 0..ks.len() {
        let db = ks.db(i);
        let mut selected = false;
        for s in 0..db.shard_count() {
            loop {
                let mut err = None;
                let mut batch = 0;
                let (preserved, done) = {
                    let mut shard = db.lock_shard(s);
                    if !selected && (shard.snapshot_active() && !shard.is_empty()) {
                        // Size hints only: the database as it is now.
                        let (n, x) = (shard.len(), shard.expires());
                        drop(shard);
                        w.select_db(i, n, x)?;
                        selected = true;
                        shard = db.lock_shard(s);
                    }
                    let step = shard.snapshot_step(STEP, |k, v, at| {
                        if err.is_none() {
                            if let Err(e) = w.key(k, v, at) {
                                err = Some(e);
                            }
                            batch += 1;
                        }
                    });
                    shard.unlock_fair();
                    step
                };
                if let Some(e) = err {
                    return Err(e);
                }
                if !preserved.is_empty() && !selected {
                    w.select_db(i, preserved.len(), 0)?;
                    selected = true;
                }
                for (k, v, at) in &preserved {
                    w.key(k, v, *at)?;
                    batch += 1;
                }
                // Out of the shard lock: now the bytes may wait on I/O.
                if w.pending() >= 64 * 1024 {
                    w.flush_buf()?;
                }
                keys += batch;
                if let Some(d) = opts.key_delay {
                    std::thread::sleep(d * batch as u32);
                }
                if opts
                    .cancel
                    .as_ref()
                    .is_some_and(|c| c.load(std::sync::atomic::Ordering::Acquire))
                {
                    return Err(RdbError::Corrupt("cancelled"));
                }
                if done {
                    break;
                }
            }
        }
    }
    let (out, bytes) = w.finish()?;
    Ok((out, SaveStats { keys, bytes }))
}

/// The temporary file a save writes first.
pub fn temp_path(dir: &Path, tag: &str) -> PathBuf {
    dir.join(format!("temp-{}-{tag}.rdb", std::process::id()))
}
