//! LATENCY: the latency monitor (events that lasted at least
//! `latency-monitor-threshold` milliseconds, per event name) and LATENCY
//! HISTOGRAM over the per-command histograms of `stats`.
//!
//! The threshold lives in an atomic: commands pay one relaxed load when the
//! monitor is off. Samples go into a small map behind a mutex that only
//! slow events touch.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

use crate::context::Ctx;
use crate::error::{CmdResult, CommandError, Lossy};
use crate::spec::*;
use crate::table::table;

/// Samples kept per event, as Redis keeps.
const HISTORY: usize = 160;

/// One event's recent samples (oldest first, at most one per second, the
/// highest of that second) and its all-time maximum.
#[derive(Default)]
struct Series {
    samples: std::collections::VecDeque<(u64, u64)>,
    max: u64,
}

static EVENTS: Mutex<BTreeMap<&'static str, Series>> = Mutex::new(BTreeMap::new());
/// Milliseconds; 0 is off.
static THRESHOLD: AtomicU64 = AtomicU64::new(0);

pub fn configure(cfg: &ferrodis_config::Config) {
    THRESHOLD.store(
        cfg.latency_monitor_threshold.max(0) as u64,
        Ordering::Relaxed,
    );
}

/// Records `ms` for `event` if the monitor is on and it reaches the
/// threshold.
#[inline]
pub fn sample(event: &'static str, ms: u64) {
    let t = THRESHOLD.load(Ordering::Relaxed);
    if t == 0 || ms < t {
        return;
    }
    let now = ferrodis_engine::clock::now_ms() / 1000;
    let mut events = EVENTS.lock();
    let s = events.entry(event).or_default();
    s.max = s.max.max(ms);
    match s.samples.back_mut() {
        Some(last) if last.0 == now => last.1 = last.1.max(ms),
        _ => {
            s.samples.push_back((now, ms));
            if s.samples.len() > HISTORY {
                s.samples.pop_front();
            }
        }
    }
}

fn latency_latest(ctx: &mut Ctx<'_>) -> CmdResult {
    let events = EVENTS.lock();
    let rows: Vec<_> = events
        .iter()
        .filter_map(|(name, s)| s.samples.back().map(|l| (*name, *l, s.max)))
        .collect();
    drop(events);
    let r = ctx.reply();
    r.array(rows.len());
    for (name, (time, ms), max) in rows {
        r.array(4);
        r.bulk(name.as_bytes());
        r.integer(time as i64);
        r.integer(ms as i64);
        r.integer(max as i64);
    }
    Ok(())
}

fn samples_of(name: &[u8]) -> Vec<(u64, u64)> {
    EVENTS
        .lock()
        .iter()
        .find(|(n, _)| n.as_bytes() == name)
        .map(|(_, s)| s.samples.iter().copied().collect())
        .unwrap_or_default()
}

fn latency_history(ctx: &mut Ctx<'_>) -> CmdResult {
    let samples = samples_of(&ctx.argv[2]);
    let r = ctx.reply();
    r.array(samples.len());
    for (time, ms) in samples {
        r.array(2);
        r.integer(time as i64);
        r.integer(ms as i64);
    }
    Ok(())
}

fn latency_reset(ctx: &mut Ctx<'_>) -> CmdResult {
    let mut events = EVENTS.lock();
    let n = if ctx.argc() == 2 {
        let n = events.len();
        events.clear();
        n
    } else {
        let mut n = 0;
        for a in &ctx.argv[2..] {
            let key = events.keys().find(|k| k.as_bytes() == &a[..]).copied();
            if let Some(k) = key {
                events.remove(k);
                n += 1;
            }
        }
        n
    };
    drop(events);
    ctx.reply().integer(n as i64);
    Ok(())
}

/// A plain chart of an event's samples: one column per sample, scaled
/// between the lowest and the highest, with the age of each below.
fn latency_graph(ctx: &mut Ctx<'_>) -> CmdResult {
    let name = &ctx.argv[2];
    let samples = samples_of(name);
    if samples.is_empty() {
        return Err(CommandError::LatencyNoSamples(Lossy::new(name, 128)));
    }
    let max_all = EVENTS
        .lock()
        .iter()
        .find(|(n, _)| n.as_bytes() == &name[..])
        .map_or(0, |(_, s)| s.max);
    let (lo, hi) = samples
        .iter()
        .fold((u64::MAX, 0), |(lo, hi), &(_, v)| (lo.min(v), hi.max(v)));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} - high {hi} ms, low {lo} ms (all time high {max_all} ms)",
        String::from_utf8_lossy(name)
    );
    out.push_str(&"-".repeat(80));
    out.push('\n');
    const ROWS: u64 = 4;
    for row in (1..=ROWS).rev() {
        for &(_, v) in &samples {
            let level = if hi == lo {
                ROWS
            } else {
                1 + (v - lo) * (ROWS - 1) / (hi - lo)
            };
            out.push(if level >= row { '#' } else { ' ' });
        }
        out.push('\n');
    }
    let now = ferrodis_engine::clock::now_ms() / 1000;
    for &(t, _) in &samples {
        let age = now.saturating_sub(t);
        out.push(match age {
            0..=59 => 's',
            60..=3599 => 'm',
            _ => 'h',
        });
    }
    out.push('\n');
    ctx.reply().verbatim("txt", out.as_bytes());
    Ok(())
}

/// A short report in our own words: per event, the spike count, average
/// and worst, and a hint when the slow log would not show them.
fn latency_doctor(ctx: &mut Ctx<'_>) -> CmdResult {
    let events = EVENTS.lock();
    let mut out = String::new();
    if events.is_empty() {
        out.push_str("No latency spikes have been recorded");
        if THRESHOLD.load(Ordering::Relaxed) == 0 {
            out.push_str(
                " (the latency monitor is off: set latency-monitor-threshold to the number of milliseconds worth recording)",
            );
        }
        out.push_str(".\n");
    } else {
        out.push_str("Latency spikes recorded:\n\n");
        for (i, (name, s)) in events.iter().enumerate() {
            let n = s.samples.len().max(1) as u64;
            let avg = s.samples.iter().map(|x| x.1).sum::<u64>() / n;
            let _ = writeln!(
                out,
                "{}. {name}: {} spikes, average {avg} ms, worst ever {} ms.",
                i + 1,
                s.samples.len(),
                s.max
            );
        }
        let slow = crate::slowlog::threshold_us();
        let t = THRESHOLD.load(Ordering::Relaxed) * 1000;
        if slow < 0 || slow as u64 > t {
            out.push_str(
                "\nThe slow log records only commands slower than slowlog-log-slower-than; lower it to see the commands behind these spikes.\n",
            );
        } else {
            out.push_str("\nSLOWLOG GET shows the commands behind these spikes.\n");
        }
    }
    drop(events);
    ctx.reply().verbatim("txt", out.as_bytes());
    Ok(())
}

/// The cumulative distribution of one command, in power-of-two
/// microsecond steps from 1 µs (about 1024 ns): only steps where the count
/// grew are listed.
fn write_histogram(r: &mut ferrodis_protocol::ReplyBuf, h: &[u64]) {
    let total: u64 = h.iter().sum();
    let mut steps: Vec<(u64, u64)> = Vec::new();
    let mut bound: u64 = 1024;
    let mut cumulative = 0;
    let mut i = 0;
    let mut prev = 0;
    while cumulative < total {
        while i < h.len() && crate::stats::bucket_high(i) < bound {
            cumulative += h[i];
            i += 1;
        }
        if cumulative > prev {
            steps.push((bound / 1000, cumulative));
            prev = cumulative;
        }
        bound = bound.saturating_mul(2);
        if bound == u64::MAX {
            break;
        }
    }
    r.map(2);
    r.bulk(b"calls");
    r.integer(total as i64);
    r.bulk(b"histogram_usec");
    r.map(steps.len());
    for (us, c) in steps {
        r.integer(us as i64);
        r.integer(c as i64);
    }
}

fn latency_histogram(ctx: &mut Ctx<'_>) -> CmdResult {
    let t = table();
    let mut ids: Vec<u32> = Vec::new();
    if ctx.argc() == 2 {
        ids.extend((0..t.len() as u32).filter(|&id| crate::stats::histogram(id).is_some()));
    } else {
        for a in &ctx.argv[2..] {
            // A container name means all of its subcommands, as in Redis.
            let name = String::from_utf8_lossy(a).to_ascii_lowercase();
            let found = (0..t.len() as u32)
                .filter_map(|id| t.get(id))
                .find(|e| e.full_name == name);
            if let Some(e) = found {
                if crate::table::Table::is_container(e) {
                    ids.extend(t.subcommands_of(e).map(|s| s.id));
                } else {
                    ids.push(e.id);
                }
            }
        }
        ids.dedup();
    }
    let hists: Vec<(u32, Vec<u64>)> = ids
        .into_iter()
        .filter_map(|id| crate::stats::histogram(id).map(|h| (id, h)))
        .collect();
    let r = ctx.reply();
    r.map(hists.len());
    for (id, h) in hists {
        let name = t.get(id).map_or("", |e| e.full_name.as_str());
        r.bulk(name.as_bytes());
        write_histogram(r, &h);
    }
    Ok(())
}

fn latency_help(ctx: &mut Ctx<'_>) -> CmdResult {
    crate::connection::help_reply(
        ctx,
        "LATENCY",
        &[
            "DOCTOR",
            "    A readable report on the recorded latency spikes.",
            "GRAPH <event>",
            "    A text chart of an event's recent samples.",
            "HISTORY <event>",
            "    An event's recent samples as (unix time, milliseconds) pairs.",
            "LATEST",
            "    Per event: its latest sample's time and milliseconds, and its all-time highest.",
            "RESET [<event> ...]",
            "    Forget the samples of the named events (of every event without names).",
            "HISTOGRAM [<command> ...]",
            "    Per command: its calls and their cumulative latency distribution (every",
            "    command with data when none is named).",
        ],
    );
    Ok(())
}

const ADMIN_TIPS: &[&str] = &[
    "nondeterministic_output",
    "request_policy:all_nodes",
    "response_policy:special",
];

const LATENCY_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "latest",
        handler: Some(latency_latest),
        arity: 2,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        acl: 0,
        key_range: (0, 0, 0),
        tips: ADMIN_TIPS,
        group: "server",
        since: "2.8.13",
        summary: "Returns the latest latency sample of every event.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "graph",
        handler: Some(latency_graph),
        arity: 3,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        acl: 0,
        key_range: (0, 0, 0),
        tips: ADMIN_TIPS,
        group: "server",
        since: "2.8.13",
        summary: "Returns a text chart of an event's latency samples.",
        complexity: "O(1)",
        args: &[Arg {
            name: "event",
            kind: ArgKind::String,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "help",
        handler: Some(latency_help),
        arity: 2,
        flags: LOADING | STALE,
        acl: 0,
        key_range: (0, 0, 0),
        group: "server",
        since: "2.8.13",
        summary: "Lists the LATENCY subcommands.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "doctor",
        handler: Some(latency_doctor),
        arity: 2,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        acl: 0,
        key_range: (0, 0, 0),
        tips: ADMIN_TIPS,
        group: "server",
        since: "2.8.13",
        summary: "Returns a readable report on recorded latency spikes.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "histogram",
        handler: Some(latency_histogram),
        arity: -2,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        acl: 0,
        key_range: (0, 0, 0),
        tips: ADMIN_TIPS,
        group: "server",
        since: "7.0.0",
        summary: "Returns the latency distribution of commands.",
        complexity:
            "O(N) where N is the number of commands with latency information being retrieved.",
        args: &[Arg {
            name: "command",
            kind: ArgKind::String,
            flags: ARG_OPTIONAL | ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "history",
        handler: Some(latency_history),
        arity: 3,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        acl: 0,
        key_range: (0, 0, 0),
        tips: ADMIN_TIPS,
        group: "server",
        since: "2.8.13",
        summary: "Returns an event's recent latency samples.",
        complexity: "O(1)",
        args: &[Arg {
            name: "event",
            kind: ArgKind::String,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "reset",
        handler: Some(latency_reset),
        arity: -2,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        acl: 0,
        key_range: (0, 0, 0),
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        group: "server",
        since: "2.8.13",
        summary: "Forgets the latency samples of events.",
        complexity: "O(1)",
        args: &[Arg {
            name: "event",
            kind: ArgKind::String,
            flags: ARG_OPTIONAL | ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
];

pub static COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "latency",
    arity: -2,
    group: "server",
    since: "2.8.13",
    summary: "A container for latency diagnostics commands.",
    complexity: "Depends on subcommand.",
    subcommands: LATENCY_SUBCOMMANDS,
    ..CommandSpec::BASE
}];
