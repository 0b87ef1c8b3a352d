//! Bitmap commands over string values: SETBIT, GETBIT, BITCOUNT, BITPOS,
//! BITOP. Bit 0 is the most significant bit of the first byte, as in Redis.

use ferrodis_engine::{Entry, Shard, StrValue, Value};

use super::{lookup_str, max_string_len, str_mut, str_ref};
use crate::args::{eq_ic, parse_i64_strict, parse_int};
use crate::context::Ctx;
use crate::error::{CmdResult, CommandError};
use crate::notify::{class, emit};

/// Parses a bit offset. With `hash`, `#N` means N fields of `bits` bits.
/// Offsets whose byte would lie beyond `proto-max-bulk-len` are refused.
pub(crate) fn parse_bit_offset(
    arg: &[u8],
    hash: bool,
    bits: u32,
    max_len: u64,
) -> Result<u64, CommandError> {
    let positional = hash && arg.first() == Some(&b'#');
    let digits = if positional { &arg[1..] } else { arg };
    let mut v = parse_i64_strict(digits).ok_or(CommandError::BitOffset)?;
    if positional {
        // Redis multiplies in C's wrapping arithmetic; a wrapped negative
        // result is refused below.
        v = v.wrapping_mul(bits as i64);
    }
    if v < 0 || (v as u64 >> 3) >= max_len {
        return Err(CommandError::BitOffset);
    }
    Ok(v as u64)
}

/// The string under `key` made raw and at least `maxbit / 8 + 1` bytes
/// long, created (zero-filled) when absent; WRONGTYPE for other types.
/// Also says whether the key was created or lengthened.
pub(crate) fn lookup_for_bit_write<'s>(
    shard: &'s mut Shard,
    key: &[u8],
    now: u64,
    maxbit: u64,
) -> Result<(&'s mut Vec<u8>, bool), CommandError> {
    let need = (maxbit >> 3) as usize + 1;
    let mut grown = false;
    if shard.get(key, now).is_none() {
        shard.insert(key, Entry::new(Value::Str(StrValue::raw(vec![0; need]))));
        grown = true;
    }
    let e = shard.get_mut(key, now).ok_or(CommandError::WrongType)?; // present: inserted above
    let v = str_mut(e)?.make_raw();
    if v.len() < need {
        v.resize(need, 0);
        grown = true;
    }
    Ok((v, grown))
}

/// SETBIT key offset value: the bit's previous value.
pub(crate) fn setbit(ctx: &mut Ctx<'_>) -> CmdResult {
    let max = max_string_len(ctx);
    let offset = parse_bit_offset(&ctx.argv[2], false, 0, max)?;
    let on = parse_i64_strict(&ctx.argv[3]).ok_or(CommandError::BitValue)?;
    if on & !1 != 0 {
        return Err(CommandError::BitValue);
    }
    let key = &ctx.argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let created = crate::notify::enabled(class::NEW) && !shard.contains(key, ctx.now_ms);
    let (v, grown) = lookup_for_bit_write(&mut shard, key, ctx.now_ms, offset)?;
    let byte = (offset >> 3) as usize;
    let mask = 0x80u8 >> (offset & 7);
    let old = v[byte] & mask != 0;
    if on == 1 {
        v[byte] |= mask;
    } else {
        v[byte] &= !mask;
    }
    if created {
        emit(ctx.srv, ctx.client, class::NEW, "new", key);
    }
    // As Redis: an event only when the key was created or grew, or the bit
    // changed.
    if grown || old != (on == 1) {
        emit(ctx.srv, ctx.client, class::STRING, "setbit", key);
    }
    ctx.client.reply.integer(old as i64);
    Ok(())
}

/// The bit at `offset` of `b` (0 beyond the end).
fn bit_at(b: &[u8], offset: u64) -> bool {
    let byte = offset >> 3;
    byte < b.len() as u64 && b[byte as usize] & (0x80 >> (offset & 7)) != 0
}

/// GETBIT key offset.
pub(crate) fn getbit(ctx: &mut Ctx<'_>) -> CmdResult {
    let max = max_string_len(ctx);
    let offset = parse_bit_offset(&ctx.argv[2], false, 0, max)?;
    let key = &ctx.argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let bit = match lookup_str(&mut shard, key, ctx.now_ms)? {
        None => false,
        Some(s) => s.with_bytes(|b| bit_at(b, offset)),
    };
    ctx.client.reply.integer(bit as i64);
    Ok(())
}

/// A resolved range of a bit command, in bits (inclusive).
struct BitRange {
    first: u64,
    last: u64,
}

/// Resolves `start end` (negative from the end) in bytes or, with `isbit`,
/// bits, over a string of `len` bytes, as BITCOUNT and BITPOS do; `None`
/// when the range is empty.
fn resolve_range(mut start: i64, mut end: i64, isbit: bool, len: usize) -> Option<BitRange> {
    let total = if isbit { len as i64 * 8 } else { len as i64 };
    if start < 0 {
        start = start.saturating_add(total);
    }
    if end < 0 {
        end = end.saturating_add(total);
    }
    start = start.max(0);
    end = end.max(0);
    if end >= total {
        end = total - 1;
    }
    if start > end {
        return None;
    }
    let (start, end) = (start as u64, end as u64);
    Some(if isbit {
        BitRange {
            first: start,
            last: end,
        }
    } else {
        BitRange {
            first: start * 8,
            last: end * 8 + 7,
        }
    })
}

/// The bits of byte `i` that lie within `r`.
fn byte_mask(i: usize, r: &BitRange) -> u8 {
    let lo = i as u64 * 8;
    let mut m = 0xffu8;
    if r.first > lo {
        m &= 0xffu8 >> (r.first - lo);
    }
    if r.last < lo + 7 {
        m &= 0xffu8 << (lo + 7 - r.last);
    }
    m
}

/// The byte at `i` keeping only the bits of `r` (others cleared).
fn masked_byte(b: &[u8], i: usize, r: &BitRange) -> u8 {
    b[i] & byte_mask(i, r)
}

fn popcount(b: &[u8]) -> u64 {
    let mut chunks = b.chunks_exact(8);
    let mut n: u64 = chunks
        .by_ref()
        .map(|c| {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            u64::from_ne_bytes(w).count_ones() as u64
        })
        .sum();
    n += chunks
        .remainder()
        .iter()
        .map(|x| x.count_ones() as u64)
        .sum::<u64>();
    n
}

fn count_bits(b: &[u8], r: &BitRange) -> u64 {
    let (fb, lb) = ((r.first >> 3) as usize, (r.last >> 3) as usize);
    if fb == lb {
        return masked_byte(b, fb, r).count_ones() as u64;
    }
    masked_byte(b, fb, r).count_ones() as u64
        + popcount(&b[fb + 1..lb])
        + masked_byte(b, lb, r).count_ones() as u64
}

fn parse_unit(arg: &[u8]) -> Result<bool, CommandError> {
    if eq_ic(arg, "bit") {
        Ok(true)
    } else if eq_ic(arg, "byte") {
        Ok(false)
    } else {
        Err(CommandError::Syntax)
    }
}

/// BITCOUNT key [start end [BYTE|BIT]].
pub(crate) fn bitcount(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let key = &argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let Some(s) = lookup_str(&mut shard, key, ctx.now_ms)? else {
        ctx.client.reply.integer(0);
        return Ok(());
    };
    let n = s.with_bytes(|b| -> Result<u64, CommandError> {
        let range = match argv.len() {
            2 => resolve_range(0, -1, false, b.len()),
            4 | 5 => {
                let start = parse_int(&argv[2])?;
                let end = parse_int(&argv[3])?;
                if start < 0 && end < 0 && start > end {
                    return Ok(0);
                }
                let isbit = match argv.get(4) {
                    Some(u) => parse_unit(u)?,
                    None => false,
                };
                resolve_range(start, end, isbit, b.len())
            }
            _ => return Err(CommandError::Syntax),
        };
        Ok(range.map_or(0, |r| count_bits(b, &r)))
    })?;
    ctx.client.reply.integer(n as i64);
    Ok(())
}

/// The first bit equal to `bit` within `r`, if any.
fn find_bit(b: &[u8], r: &BitRange, bit: bool) -> Option<u64> {
    let (fb, lb) = ((r.first >> 3) as usize, (r.last >> 3) as usize);
    (fb..=lb).find_map(|i| {
        let v = if bit { b[i] } else { !b[i] };
        let hit = v & byte_mask(i, r);
        (hit != 0).then(|| i as u64 * 8 + hit.leading_zeros() as u64)
    })
}

/// BITPOS key bit [start [end [BYTE|BIT]]].
pub(crate) fn bitpos(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let bit = parse_int(&argv[2])?;
    if bit != 0 && bit != 1 {
        return Err(CommandError::BitArgument);
    }
    let bit = bit == 1;
    let key = &argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let Some(s) = lookup_str(&mut shard, key, ctx.now_ms)? else {
        ctx.client.reply.integer(if bit { -1 } else { 0 });
        return Ok(());
    };
    let pos = s.with_bytes(|b| -> Result<i64, CommandError> {
        let mut end_given = false;
        let range = match argv.len() {
            3 => resolve_range(0, -1, false, b.len()),
            4..=6 => {
                let start = parse_int(&argv[3])?;
                let isbit = match argv.get(5) {
                    Some(u) => parse_unit(u)?,
                    None => false,
                };
                let end = match argv.get(4) {
                    Some(e) => {
                        end_given = true;
                        parse_int(e)?
                    }
                    None => -1,
                };
                resolve_range(start, end, isbit, b.len())
            }
            _ => return Err(CommandError::Syntax),
        };
        let Some(r) = range else {
            return Ok(-1);
        };
        Ok(match find_bit(b, &r, bit) {
            Some(p) => p as i64,
            // Looking for a clear bit without an explicit end: the string
            // continues with zeros after its last byte of the range.
            None if !bit && !end_given => ((r.last >> 3) + 1) as i64 * 8,
            None => -1,
        })
    })?;
    ctx.client.reply.integer(pos);
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum BitOp {
    And,
    Or,
    Xor,
    Not,
}

/// BITOP AND|OR|XOR|NOT destkey key [key ...]: the result's length.
pub(crate) fn bitop(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let opname = &argv[1];
    let op = if eq_ic(opname, "and") {
        BitOp::And
    } else if eq_ic(opname, "or") {
        BitOp::Or
    } else if eq_ic(opname, "xor") {
        BitOp::Xor
    } else if eq_ic(opname, "not") {
        BitOp::Not
    } else {
        return Err(CommandError::Syntax);
    };
    if op == BitOp::Not && argv.len() != 4 {
        return Err(CommandError::BitopNotArity);
    }
    let dest = &argv[2];
    let srcs = &argv[3..];
    let now = ctx.now_ms;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut guard = db.lock_keys(argv[2..].iter().map(|k| &k[..]));
    // First pass: types and the longest length.
    let mut maxlen = 0;
    for k in srcs {
        if let Some(e) = guard.shard(k).get(k, now) {
            maxlen = maxlen.max(str_ref(e)?.len());
        }
    }
    let mut res = vec![0u8; maxlen];
    if maxlen > 0 {
        for (n, k) in srcs.iter().enumerate() {
            let mut combine = |b: &[u8]| {
                if n == 0 {
                    res[..b.len()].copy_from_slice(b);
                    if op == BitOp::Not {
                        res.iter_mut().for_each(|x| *x = !*x);
                    }
                    return;
                }
                match op {
                    BitOp::And => {
                        res.iter_mut()
                            .enumerate()
                            .for_each(|(j, x)| *x &= b.get(j).copied().unwrap_or(0));
                    }
                    BitOp::Or => res.iter_mut().zip(b).for_each(|(x, y)| *x |= y),
                    BitOp::Xor => res.iter_mut().zip(b).for_each(|(x, y)| *x ^= y),
                    BitOp::Not => {}
                }
            };
            match guard.shard(k).get(k, now) {
                Some(e) => str_ref(e)?.with_bytes(combine),
                None => combine(&[]),
            }
        }
    }
    let shard = guard.shard(dest);
    if maxlen > 0 {
        let old = shard.insert(dest, Entry::new(Value::Str(StrValue::raw(res))));
        if old.is_none() {
            emit(ctx.srv, ctx.client, class::NEW, "new", dest);
        }
        emit(ctx.srv, ctx.client, class::STRING, "set", dest);
    } else if shard.remove(dest).is_some() {
        emit(ctx.srv, ctx.client, class::GENERIC, "del", dest);
    }
    ctx.client.reply.integer(maxlen as i64);
    Ok(())
}
