//! BITFIELD and BITFIELD_RO: signed (i1..i64) and unsigned (u1..u63)
//! integers at arbitrary bit offsets of a string, with WRAP, SAT and FAIL
//! overflow handling.

use super::bits::{lookup_for_bit_write, parse_bit_offset};
use super::{lookup_str, max_string_len};
use crate::args::{eq_ic, parse_i64_strict, parse_int};
use crate::context::Ctx;
use crate::error::{CmdResult, CommandError};
use crate::notify::{class, emit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpKind {
    Get,
    Set,
    IncrBy,
}

/// One parsed sub-operation.
#[derive(Debug, Clone, Copy)]
struct Op {
    kind: OpKind,
    offset: u64,
    value: i64,
    signed: bool,
    bits: u32,
    overflow: Overflow,
}

/// Parses a field type: `i1`..`i64` or `u1`..`u63` (lowercase prefix).
fn parse_type(arg: &[u8]) -> Result<(bool, u32), CommandError> {
    let signed = match arg.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return Err(CommandError::BitfieldType),
    };
    // Redis reads the width as a C string: it stops at a NUL byte.
    let rest = &arg[1..];
    let rest = &rest[..rest.iter().position(|&c| c == 0).unwrap_or(rest.len())];
    let bits = parse_i64_strict(rest).ok_or(CommandError::BitfieldType)?;
    if bits < 1 || (signed && bits > 64) || (!signed && bits > 63) {
        return Err(CommandError::BitfieldType);
    }
    Ok((signed, bits as u32))
}

/// Reads `bits` bits at `offset` (big-endian bit order), zero beyond the end.
fn get_bits(b: &[u8], offset: u64, bits: u32) -> u64 {
    let mut v = 0u64;
    for i in 0..bits as u64 {
        let o = offset + i;
        let byte = (o >> 3) as usize;
        let bit = byte < b.len() && b[byte] & (0x80 >> (o & 7)) != 0;
        v = (v << 1) | bit as u64;
    }
    v
}

/// Writes the low `bits` bits of `v` at `offset`; `b` is long enough.
fn set_bits(b: &mut [u8], offset: u64, bits: u32, v: u64) {
    for i in 0..bits as u64 {
        let o = offset + i;
        let byte = (o >> 3) as usize;
        let mask = 0x80u8 >> (o & 7);
        if (v >> (bits as u64 - 1 - i)) & 1 == 1 {
            b[byte] |= mask;
        } else {
            b[byte] &= !mask;
        }
    }
}

fn sign_extend(v: u64, bits: u32) -> i64 {
    if bits == 64 {
        v as i64
    } else if v & (1 << (bits - 1)) != 0 {
        (v | (u64::MAX << bits)) as i64
    } else {
        v as i64
    }
}

fn unsigned_max(bits: u32) -> u64 {
    (1u64 << bits) - 1
}

/// `value + incr` in a field of `bits` bits: the value to store, or `None`
/// when it overflows and the policy is FAIL.
///
/// The range checks follow Redis's 64-bit arithmetic exactly, including
/// its wrapping intermediate differences: SET of a huge negative number
/// into a narrow signed field counts as an overflow upwards, so SAT
/// stores the maximum (as Redis does).
fn add_checked(value: u64, incr: i64, signed: bool, bits: u32, ow: Overflow) -> Option<u64> {
    let wrapped = value.wrapping_add(incr as u64);
    if signed {
        let v = value as i64;
        let max: i64 = if bits == 64 {
            i64::MAX
        } else {
            (1i64 << (bits - 1)) - 1
        };
        let min = -max - 1;
        let maxincr = (max as u64).wrapping_sub(v as u64) as i64;
        let minincr = min.wrapping_sub(v);
        let limit = if v > max
            || (bits != 64 && incr > maxincr)
            || (v >= 0 && incr > 0 && incr > maxincr)
        {
            max
        } else if v < min || (bits != 64 && incr < minincr) || (v < 0 && incr < 0 && incr < minincr)
        {
            min
        } else {
            return Some(wrapped);
        };
        match ow {
            Overflow::Wrap => Some(wrapped & mask(bits)),
            Overflow::Sat => Some(limit as u64),
            Overflow::Fail => None,
        }
    } else {
        let max = unsigned_max(bits);
        let maxincr = max.wrapping_sub(value) as i64;
        let minincr = value.wrapping_neg() as i64;
        let limit = if value > max || (incr > 0 && incr > maxincr) {
            max
        } else if incr < 0 && incr < minincr {
            0
        } else {
            return Some(wrapped);
        };
        match ow {
            Overflow::Wrap => Some(wrapped & max),
            Overflow::Sat => Some(limit),
            Overflow::Fail => None,
        }
    }
}

/// The field's value as the reply integer.
fn field_value(raw: u64, signed: bool, bits: u32) -> i64 {
    if signed {
        sign_extend(raw, bits)
    } else {
        raw as i64
    }
}

fn parse_ops(argv: &[bytes::Bytes], max_len: u64) -> Result<Vec<Op>, CommandError> {
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut j = 2;
    while j < argv.len() {
        let rem = argv.len() - j - 1;
        let sub = &argv[j];
        let kind = if eq_ic(sub, "get") && rem >= 2 {
            OpKind::Get
        } else if eq_ic(sub, "set") && rem >= 3 {
            OpKind::Set
        } else if eq_ic(sub, "incrby") && rem >= 3 {
            OpKind::IncrBy
        } else if eq_ic(sub, "overflow") && rem >= 1 {
            let t = &argv[j + 1];
            overflow = if eq_ic(t, "wrap") {
                Overflow::Wrap
            } else if eq_ic(t, "sat") {
                Overflow::Sat
            } else if eq_ic(t, "fail") {
                Overflow::Fail
            } else {
                return Err(CommandError::BitfieldOverflowType);
            };
            j += 2;
            continue;
        } else {
            return Err(CommandError::Syntax);
        };
        let (signed, bits) = parse_type(&argv[j + 1])?;
        let offset = parse_bit_offset(&argv[j + 2], true, bits, max_len)?;
        let value = if kind == OpKind::Get {
            0
        } else {
            parse_int(&argv[j + 3])?
        };
        ops.push(Op {
            kind,
            offset,
            value,
            signed,
            bits,
            overflow,
        });
        j += if kind == OpKind::Get { 3 } else { 4 };
    }
    Ok(ops)
}

fn bitfield_generic(ctx: &mut Ctx<'_>, read_only_cmd: bool) -> CmdResult {
    let max = max_string_len(ctx);
    let ops = parse_ops(ctx.argv, max)?;
    let writes = ops.iter().any(|o| o.kind != OpKind::Get);
    let key = &ctx.argv[1];
    let now = ctx.now_ms;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    if !writes {
        let r = &mut ctx.client.reply;
        let s = lookup_str(&mut shard, key, now)?;
        r.array(ops.len());
        let mut read = |b: &[u8]| {
            for op in &ops {
                r.integer(field_value(
                    get_bits(b, op.offset, op.bits),
                    op.signed,
                    op.bits,
                ));
            }
        };
        match s {
            Some(s) => s.with_bytes(read),
            None => read(&[]),
        }
        return Ok(());
    }
    if read_only_cmd {
        return Err(CommandError::BitfieldRoWrite);
    }
    let highest = ops
        .iter()
        .filter(|o| o.kind != OpKind::Get)
        .map(|o| o.offset + o.bits as u64 - 1)
        .max()
        .unwrap_or(0);
    let created = crate::notify::enabled(class::NEW) && !shard.contains(key, now);
    let (buf, _) = lookup_for_bit_write(&mut shard, key, now, highest)?;
    if created {
        emit(ctx.srv, ctx.client, class::NEW, "new", key);
    }
    let r = &mut ctx.client.reply;
    let mut changes = 0;
    r.array(ops.len());
    for op in &ops {
        let old = get_bits(buf, op.offset, op.bits);
        match op.kind {
            OpKind::Get => r.integer(field_value(old, op.signed, op.bits)),
            OpKind::Set => match add_checked(op.value as u64, 0, op.signed, op.bits, op.overflow) {
                Some(new) => {
                    r.integer(field_value(old, op.signed, op.bits));
                    set_bits(buf, op.offset, op.bits, new);
                    changes += 1;
                }
                None => r.null(),
            },
            OpKind::IncrBy => {
                let cur = if op.signed {
                    sign_extend(old, op.bits) as u64
                } else {
                    old
                };
                match add_checked(cur, op.value, op.signed, op.bits, op.overflow) {
                    Some(new) => {
                        r.integer(field_value(new & mask(op.bits), op.signed, op.bits));
                        set_bits(buf, op.offset, op.bits, new);
                        changes += 1;
                    }
                    None => r.null(),
                }
            }
        }
    }
    if changes > 0 {
        emit(ctx.srv, ctx.client, class::STRING, "setbit", key);
    }
    Ok(())
}

fn mask(bits: u32) -> u64 {
    if bits == 64 {
        u64::MAX
    } else {
        unsigned_max(bits)
    }
}

/// BITFIELD key [GET type offset | [OVERFLOW WRAP|SAT|FAIL] SET type offset
/// value | INCRBY type offset increment ...].
pub(crate) fn bitfield(ctx: &mut Ctx<'_>) -> CmdResult {
    bitfield_generic(ctx, false)
}

/// BITFIELD_RO key [GET type offset ...].
pub(crate) fn bitfield_ro(ctx: &mut Ctx<'_>) -> CmdResult {
    bitfield_generic(ctx, true)
}

/// BITFIELD's key is read-only when every operation is a GET (the same
/// scan Redis does for COMMAND GETKEYSANDFLAGS).
pub(crate) fn bitfield_key_flags(argv: &[bytes::Bytes], _spec: usize) -> &'static [&'static str] {
    let mut i = 2;
    let mut readonly = true;
    while i < argv.len() {
        let rem = argv.len() - i - 1;
        let a = &argv[i];
        if eq_ic(a, "get") && rem >= 2 {
            i += 3;
        } else if eq_ic(a, "overflow") && rem >= 1 {
            i += 2;
        } else {
            readonly = false;
            break;
        }
    }
    if readonly {
        &["RO", "access"]
    } else {
        &["RW", "access", "update"]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_policies() {
        assert_eq!(add_checked(250, 10, false, 8, Overflow::Wrap), Some(4));
        assert_eq!(add_checked(250, 10, false, 8, Overflow::Sat), Some(255));
        assert_eq!(add_checked(250, 10, false, 8, Overflow::Fail), None);
        assert_eq!(
            add_checked((-5i64) as u64, 0, false, 8, Overflow::Wrap),
            Some(251)
        );
        assert_eq!(
            add_checked((-5i64) as u64, 0, false, 8, Overflow::Sat),
            Some(255)
        );
        assert_eq!(
            add_checked(127, 1, true, 8, Overflow::Wrap).map(|v| sign_extend(v & 0xff, 8)),
            Some(-128)
        );
        assert_eq!(add_checked(127, 1, true, 8, Overflow::Sat), Some(127));
        assert_eq!(
            add_checked(i64::MAX as u64, 1, true, 64, Overflow::Wrap),
            Some(i64::MIN as u64)
        );
        // Redis's wrapping range check: a huge negative SET saturates up.
        assert_eq!(
            add_checked(i64::MIN as u64, 0, true, 1, Overflow::Sat),
            Some(0)
        );
    }
}
