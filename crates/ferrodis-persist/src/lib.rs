//! Persistence in Redis's own formats: RDB snapshots (version 10, as Redis
//! 7.0 writes them, reading back to the older encodings Redis 7.0 still
//! loads) and DUMP/RESTORE payloads.
//!
//! Layout:
//! - [`rdb`]: the value and file encoders and the loader.
//! - [`stream`]: stream values (types 15 and 19).
//! - [`blobs`]: listpack, ziplist, zipmap and intset containers.
//! - [`lzf`], [`crc64`]: string compression and the checksum.
//!
//! No locking and no I/O policy here: callers hand entries to the writer
//! and take loaded entries from the reader.

pub mod aof;
pub mod blobs;
pub mod crc64;
pub mod lzf;
pub mod rdb;
pub mod save;
pub mod stream;

pub use rdb::{LoadLimits, RdbError};
