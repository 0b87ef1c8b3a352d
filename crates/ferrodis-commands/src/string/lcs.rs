//! LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest
//! common subsequence of two strings, by the classic dynamic-programming
//! table, walked back from the end to recover the string and its matching
//! ranges (reported from the last to the first, as Redis does).

use super::{max_string_len, str_ref};
use crate::args::{eq_ic, parse_int};
use crate::context::Ctx;
use crate::error::{CmdResult, CommandError};

/// A matching range: (start, end) in the first and in the second string.
type Range = ((u32, u32), (u32, u32));

pub(crate) fn lcs(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let max = max_string_len(ctx);
    // Copy both strings out so the DP runs without the shard locks.
    let (a, b) = {
        let now = ctx.now_ms;
        let db = ctx.srv.keyspace.db(ctx.client.db);
        let mut guard = db.lock_keys([&argv[1][..], &argv[2][..]]);
        let mut read = |k: &[u8]| -> Result<Vec<u8>, CommandError> {
            match guard.shard(k).get(k, now) {
                None => Ok(Vec::new()),
                Some(e) => str_ref(e)
                    .map(|s| s.to_vec())
                    .map_err(|_| CommandError::LcsNotString),
            }
        };
        let a = read(&argv[1]);
        let b = read(&argv[2]);
        (a?, b?)
    };
    let (mut getlen, mut getidx, mut withmatchlen) = (false, false, false);
    let mut minmatchlen: i64 = 0;
    let mut j = 3;
    while j < argv.len() {
        let opt = &argv[j];
        let more = argv.len() - 1 - j;
        if eq_ic(opt, "IDX") {
            getidx = true;
        } else if eq_ic(opt, "LEN") {
            getlen = true;
        } else if eq_ic(opt, "WITHMATCHLEN") {
            withmatchlen = true;
        } else if eq_ic(opt, "MINMATCHLEN") && more > 0 {
            minmatchlen = parse_int(&argv[j + 1])?.max(0);
            j += 1;
        } else {
            return Err(CommandError::Syntax);
        }
        j += 1;
    }
    if getidx && getlen {
        return Err(CommandError::LcsLenAndIdx);
    }
    if a.len() as u64 >= u32::MAX as u64 - 1 || b.len() as u64 >= u32::MAX as u64 - 1 {
        return Err(CommandError::LcsTooLong);
    }
    let (alen, blen) = (a.len(), b.len());
    let w = blen + 1;
    let cells = (alen as u64 + 1) * (blen as u64 + 1);
    if cells * 4 > max {
        return Err(CommandError::LcsMemory);
    }
    let mut t: Vec<u32> = Vec::new();
    t.try_reserve_exact(cells as usize)
        .map_err(|_| CommandError::LcsMemory)?;
    t.resize(cells as usize, 0);
    for i in 1..=alen {
        for jj in 1..=blen {
            t[i * w + jj] = if a[i - 1] == b[jj - 1] {
                t[(i - 1) * w + jj - 1] + 1
            } else {
                t[(i - 1) * w + jj].max(t[i * w + jj - 1])
            };
        }
    }
    let total = t[alen * w + blen];
    let r = &mut ctx.client.reply;
    if getlen {
        r.integer(total as i64);
        return Ok(());
    }
    // Walk back from the end, collecting the common string and the ranges.
    let mut out = vec![0u8; total as usize];
    let mut idx = total as usize;
    let mut ranges: Vec<Range> = Vec::new();
    let mut cur: Option<Range> = None;
    let (mut i, mut jj) = (alen, blen);
    while i > 0 && jj > 0 {
        let mut emit = false;
        if a[i - 1] == b[jj - 1] {
            out[idx - 1] = a[i - 1];
            let (ia, ib) = ((i - 1) as u32, (jj - 1) as u32);
            match &mut cur {
                None => cur = Some(((ia, ia), (ib, ib))),
                Some(((a0, _), (b0, _))) if *a0 == ia + 1 && *b0 == ib + 1 => {
                    *a0 = ia;
                    *b0 = ib;
                }
                Some(_) => emit = true,
            }
            if let Some(((a0, _), (b0, _))) = cur {
                if a0 == 0 || b0 == 0 {
                    emit = true;
                }
            }
            idx -= 1;
            i -= 1;
            jj -= 1;
        } else {
            if t[(i - 1) * w + jj] > t[i * w + jj - 1] {
                i -= 1;
            } else {
                jj -= 1;
            }
            if cur.is_some() {
                emit = true;
            }
        }
        if emit {
            if let Some(rg) = cur.take() {
                let len = (rg.0 .1 - rg.0 .0 + 1) as i64;
                if minmatchlen == 0 || len >= minmatchlen {
                    ranges.push(rg);
                }
            }
        }
    }
    if getidx {
        r.map(2);
        r.bulk(b"matches");
        r.array(ranges.len());
        for ((a0, a1), (b0, b1)) in &ranges {
            r.array(2 + withmatchlen as usize);
            r.array(2);
            r.integer(*a0 as i64);
            r.integer(*a1 as i64);
            r.array(2);
            r.integer(*b0 as i64);
            r.integer(*b1 as i64);
            if withmatchlen {
                r.integer((a1 - a0 + 1) as i64);
            }
        }
        r.bulk(b"len");
        r.integer(total as i64);
    } else {
        r.bulk(&out);
    }
    Ok(())
}
