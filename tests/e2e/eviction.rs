//! maxmemory and the eight eviction policies: which keys survive, the OOM
//! reply, and that memory stays bounded under a sustained write load.

use crate::common::server::Flavor;
use crate::common::{encode_request, ferrodis_only, RawConn, Resp, Server};

fn info_num(c: &mut RawConn, section: &str, field: &str) -> u64 {
    let text = c.cmd(&["INFO", section]).text();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in INFO {section}"))
}

/// Pipelined SETs of `n` keys `prefix:i` with `size`-byte values, with an
/// optional TTL in seconds. Returns the replies that were errors.
fn fill(c: &mut RawConn, prefix: &str, n: usize, size: usize, ttl: Option<u64>) -> Vec<String> {
    let value = vec![b'x'; size];
    let mut errors = Vec::new();
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let mut buf = Vec::new();
        for i in chunk {
            let key = format!("{prefix}:{i}");
            match ttl {
                Some(t) => buf.extend(encode_request(&[
                    b"SET".as_slice(),
                    key.as_bytes(),
                    &value,
                    b"EX",
                    t.to_string().as_bytes(),
                ])),
                None => buf.extend(encode_request(&[b"SET".as_slice(), key.as_bytes(), &value])),
            }
        }
        c.send(&buf);
        for _ in chunk {
            let r = c.read();
            if r.is_error() {
                errors.push(r.text());
            }
        }
    }
    errors
}

fn count_prefix(c: &mut RawConn, prefix: &str) -> usize {
    c.cmd(&["KEYS", &format!("{prefix}:*")]).items().len()
}

#[test]
fn noeviction_refuses_writes_with_redis_text_and_keeps_reads() {
    for flavor in [Flavor::Ferrodis, Flavor::Reference] {
        let s = Server::spawn(
            flavor,
            &["--maxmemory", "2mb", "--maxmemory-policy", "noeviction"],
        );
        let mut c = s.raw();
        let errors = fill(&mut c, "k", 20_000, 200, None);
        assert!(!errors.is_empty(), "{flavor:?}: never hit the limit");
        assert_eq!(
            errors[0], "OOM command not allowed when used memory > 'maxmemory'.",
            "{flavor:?}"
        );
        // Reads still work; deletes (not denyoom) too.
        assert_eq!(c.cmd(&["GET", "k:0"]).bytes().map(|b| b.len()), Some(200));
        assert_eq!(c.cmd(&["DEL", "k:0"]).int(), 1);
        assert_eq!(info_num(&mut c, "stats", "evicted_keys"), 0);
    }
}

#[test]
fn allkeys_policies_evict_and_stay_under_the_limit() {
    for policy in ["allkeys-lru", "allkeys-lfu", "allkeys-random"] {
        let s = Server::start_with(&["--maxmemory", "3mb", "--maxmemory-policy", policy]);
        let mut c = s.raw();
        let errors = fill(&mut c, "k", 40_000, 200, None);
        assert!(
            errors.is_empty(),
            "{policy}: {:?}",
            &errors[..errors.len().min(3)]
        );
        let used = info_num(&mut c, "memory", "used_memory");
        // INFO's own reply buffers count too: allow a little slack.
        assert!(
            used <= 3 * 1024 * 1024 + 65536,
            "{policy}: used_memory {used}"
        );
        let evicted = info_num(&mut c, "stats", "evicted_keys");
        assert!(evicted > 10_000, "{policy}: evicted {evicted}");
        let left = c.cmd(&["DBSIZE"]).int() as u64;
        assert_eq!(left + evicted, 40_000, "{policy}");
    }
}

#[test]
fn volatile_policies_evict_only_keys_with_a_ttl() {
    for policy in [
        "volatile-lru",
        "volatile-lfu",
        "volatile-random",
        "volatile-ttl",
    ] {
        let s = Server::start_with(&["--maxmemory", "4mb", "--maxmemory-policy", policy]);
        let mut c = s.raw();
        assert!(fill(&mut c, "keep", 3_000, 200, None).is_empty());
        let errors = fill(&mut c, "ttl", 30_000, 200, Some(100_000));
        assert!(
            errors.is_empty(),
            "{policy}: {:?}",
            &errors[..errors.len().min(3)]
        );
        assert_eq!(
            count_prefix(&mut c, "keep"),
            3_000,
            "{policy} evicted a key without TTL"
        );
        assert!(info_num(&mut c, "stats", "evicted_keys") > 0, "{policy}");
    }
}

#[test]
fn volatile_policy_without_volatile_keys_behaves_as_noeviction() {
    let s = Server::start_with(&["--maxmemory", "2mb", "--maxmemory-policy", "volatile-lru"]);
    let mut c = s.raw();
    let errors = fill(&mut c, "k", 20_000, 200, None);
    assert_eq!(
        errors.first().map(String::as_str),
        Some("OOM command not allowed when used memory > 'maxmemory'.")
    );
}

#[test]
fn volatile_ttl_evicts_the_nearest_expiry_first() {
    let s = Server::start_with(&["--maxmemory", "4mb", "--maxmemory-policy", "volatile-ttl"]);
    let mut c = s.raw();
    assert!(fill(&mut c, "late", 2_000, 200, Some(1_000_000)).is_empty());
    assert!(fill(&mut c, "soon", 2_000, 200, Some(10_000)).is_empty());
    let before_late = count_prefix(&mut c, "late");
    assert!(fill(&mut c, "more", 20_000, 200, Some(100_000)).is_empty());
    let soon = count_prefix(&mut c, "soon");
    let late = count_prefix(&mut c, "late");
    // Sampling is approximate: nearly all short-TTL keys go before the
    // long-TTL ones.
    assert!(soon < 200, "soon keys left: {soon}");
    assert!(
        late * 10 >= before_late * 9,
        "late keys left: {late} of {before_late}"
    );
}

/// Hot keys read after the cold ones aged survive an LRU flood about as
/// well as in Redis (both approximate LRU by sampling).
#[test]
fn lru_keeps_the_recently_used_keys_like_redis() {
    let run = |flavor: Flavor| -> usize {
        let s = Server::spawn(
            flavor,
            &[
                "--maxmemory",
                "4mb",
                "--maxmemory-policy",
                "allkeys-lru",
                "--maxmemory-samples",
                "10",
            ],
        );
        let mut c = s.raw();
        assert!(fill(&mut c, "hot", 500, 200, None).is_empty());
        assert!(fill(&mut c, "cold", 6_000, 200, None).is_empty());
        // The LRU clock has one-second resolution: let the cold keys age.
        std::thread::sleep(std::time::Duration::from_millis(2100));
        // Keep the hot keys the most recently used while new keys flood in.
        for round in 0..30 {
            let mut gets = Vec::new();
            for i in 0..500 {
                gets.extend(encode_request(&["GET", &format!("hot:{i}")]));
            }
            c.send(&gets);
            for _ in 0..500 {
                c.read();
            }
            assert!(fill(&mut c, &format!("new{round}"), 500, 200, None).is_empty());
        }
        count_prefix(&mut c, "hot")
    };
    let ours = run(Flavor::Ferrodis);
    let redis = run(Flavor::Reference);
    println!("hot keys surviving: ferrodis {ours}/500, redis {redis}/500");
    assert!(ours + 50 >= redis, "ferrodis kept {ours}, redis {redis}");
}

#[test]
fn object_freq_and_idletime_follow_the_policy() {
    let mut d = crate::common::Diff::with_args(&["--maxmemory-policy", "allkeys-lfu"]);
    d.cmd(&["SET", "a", "1"]);
    d.cmd(&["OBJECT", "FREQ", "a"]);
    d.cmd(&["OBJECT", "IDLETIME", "a"]);
    d.cmd(&["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"]);
    d.cmd(&["OBJECT", "FREQ", "a"]);
    d.finish();
}

/// Sustained random-key SETs with eviction on: RSS stays within a bound of
/// maxmemory plus the empty server's baseline.
#[test]
fn rss_stays_bounded_under_sustained_writes() {
    if ferrodis_only("rss_stays_bounded_under_sustained_writes") {
        return;
    }
    let s = Server::start_with(&["--maxmemory", "20mb", "--maxmemory-policy", "allkeys-lru"]);
    let rss = |pid: u32| -> u64 {
        std::fs::read_to_string(format!("/proc/{pid}/statm"))
            .ok()
            .and_then(|t| t.split_whitespace().nth(1)?.parse::<u64>().ok())
            .unwrap_or(0)
            * 4096
    };
    let baseline = rss(s.pid());
    let mut c = s.raw();
    for round in 0..6 {
        assert!(fill(&mut c, &format!("r{round}"), 40_000, 200, None).is_empty());
    }
    let grown = rss(s.pid()).saturating_sub(baseline);
    let used = info_num(&mut c, "memory", "used_memory");
    println!(
        "rss growth {} MB, used_memory {} MB",
        grown / 1_000_000,
        used / 1_000_000
    );
    // INFO's own reply buffers count too: allow a little slack.
    assert!(used <= 20 * 1024 * 1024 + 65536, "used_memory {used}");
    // Allocator overhead and fragmentation on top of maxmemory; generous
    // bound, the figure is reported above.
    assert!(grown < 40 * 1024 * 1024, "RSS grew {grown} bytes");
    let _ = Resp::Null;
}

#[test]
fn client_no_evict_replies_like_redis() {
    crate::diff!(
        ["CLIENT", "NO-EVICT", "on"],
        ["CLIENT", "NO-EVICT", "OFF"],
        ["CLIENT", "NO-EVICT", "maybe"],
        ["CLIENT", "NO-EVICT"],
        ["CLIENT", "NO-EVICT", "on", "x"]
    );
}

/// MEMORY USAGE's errors and missing-key reply match Redis; the byte counts
/// themselves are ours (checked for shape: a positive integer that grows
/// with the value).
#[test]
fn memory_usage_errors_like_redis_and_sizes_grow() {
    crate::diff!(
        ["MEMORY", "USAGE", "nokey"],
        ["SET", "k", "v"],
        ["MEMORY", "USAGE", "k", "SAMPLES", "x"],
        ["MEMORY", "USAGE", "k", "FOO"],
        ["MEMORY", "USAGE", "k", "SAMPLES"],
        ["MEMORY", "USAGE"],
        ["MEMORY", "NOSUCH"]
    );
    if ferrodis_only("memory_usage_errors_like_redis_and_sizes_grow") {
        return;
    }
    let s = Server::start();
    let mut c = s.raw();
    c.cmd(&["SET", "small", "x"]);
    c.cmd(&["SET", "big", &"x".repeat(10_000)]);
    let small = c.cmd(&["MEMORY", "USAGE", "small"]).int();
    let big = c.cmd(&["MEMORY", "USAGE", "big", "SAMPLES", "0"]).int();
    assert!(small > 0 && big > small + 9_000, "small {small}, big {big}");
    let stats = c.cmd(&["MEMORY", "STATS"]);
    assert!(stats.get("total.allocated").is_some(), "{stats:?}");
    assert!(
        stats.get("keys.count").is_some_and(|v| v.int() == 2),
        "{stats:?}"
    );
}
