//! All databases of the server.

use crate::db::Db;
use crate::shard::Shard;

/// The numbered databases (16 by default, the `databases` directive).
pub struct Keyspace {
    dbs: Box<[Db]>,
}

impl Keyspace {
    pub fn new(databases: usize) -> Keyspace {
        Keyspace {
            dbs: (0..databases.max(1)).map(|_| Db::new()).collect(),
        }
    }

    pub fn db(&self, idx: usize) -> &Db {
        &self.dbs[idx]
    }

    /// Number of databases.
    pub fn len(&self) -> usize {
        self.dbs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dbs.is_empty()
    }

    /// Swaps the contents of two databases atomically: every shard of both is
    /// locked (in the global order) before anything moves, so no reader sees
    /// a half-swapped pair.
    pub fn swap_db(&self, a: usize, b: usize) {
        if a == b {
            return;
        }
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        let mut lo_guards = self.dbs[lo].lock_all();
        let mut hi_guards = self.dbs[hi].lock_all();
        for (x, y) in lo_guards.iter_mut().zip(hi_guards.iter_mut()) {
            x.swap_contents(y);
        }
    }

    /// Empties every database, returning the old contents for the caller to
    /// drop where it likes.
    pub fn take_all(&self) -> Vec<Shard> {
        self.dbs.iter().flat_map(|db| db.take_all()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    #[test]
    fn swap_moves_contents() {
        let ks = Keyspace::new(4);
        ks.db(0).lock(b"a").set(b"a", Value::string(b"1"));
        ks.swap_db(0, 3);
        assert_eq!(ks.db(0).len(), 0);
        assert_eq!(ks.db(3).len(), 1);
    }
}
