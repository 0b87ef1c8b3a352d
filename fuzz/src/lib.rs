//! The checks behind the fuzz targets (`fuzz_targets/`), kept in a library
//! so each target is one line and the corpus generator shares the input
//! format of the command fuzzer.
//!
//! # Layout
//! - [`resp`]: the request parser: split invariance, round trip, limits,
//!   and an independent decoder (redis-protocol) as oracle.
//! - [`commands`]: decodes an input into argument vectors for commands of
//!   the table, runs them on one in-process server, checks every reply is
//!   well-formed RESP and the store's invariants after each input.
//! - [`rdb`]: RDB files and DUMP/RESTORE payloads: refused, or loaded into
//!   values whose invariants hold and which re-encode to the same bytes.

pub mod commands;
pub mod rdb;
pub mod resp;
pub mod seeds;

/// A tiny deterministic generator (xorshift64*), so the same input always
/// takes the same path.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
}

/// Start-up of every target: with `FERRODIS_FUZZ_SEEDS=DIR` in the
/// environment, writes the target's generated seeds to DIR and exits.
pub fn init(target: &str) {
    if let Some(dir) = std::env::var_os("FERRODIS_FUZZ_SEEDS") {
        let code = match seeds::write(target, std::path::Path::new(&dir)) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("writing seeds: {e}");
                1
            }
        };
        std::process::exit(code);
    }
}
