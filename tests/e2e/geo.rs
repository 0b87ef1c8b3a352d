//! Geo commands, differential against redis-server 7.0: every command,
//! option and error in RESP2 and RESP3, and random searches (radius and
//! box, every unit, sorting, COUNT and ANY, the STORE forms) over points
//! spread from the equator to the poles and across the antimeridian.

use rand::Rng;

use crate::common::Diff;

#[test]
fn commands_and_errors() {
    let mut d = Diff::new();
    for proto in ["2", "3"] {
        d.cmd(&["HELLO", proto]);
        d.cmd(&["FLUSHALL"]);
        d.script(&[
            &[
                "GEOADD",
                "Sicily",
                "13.361389",
                "38.115556",
                "Palermo",
                "15.087269",
                "37.502669",
                "Catania",
            ],
            &["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo"],
            &[
                "GEOADD", "Sicily", "CH", "13.4", "38.1", "Palermo", "12", "37", "New",
            ],
            &["GEOADD", "Sicily", "NX", "1", "1", "Palermo"],
            &[
                "GEOADD",
                "Sicily",
                "XX",
                "CH",
                "13.361389",
                "38.115556",
                "Palermo",
            ],
            &["GEOADD", "Sicily", "XX", "NX", "1", "1", "a"],
            &["GEOADD", "Sicily", "1", "1"],
            &["GEOADD", "Sicily", "NX", "CH", "CH"],
            &["GEOADD", "Sicily", "200", "10", "bad"],
            &["GEOADD", "Sicily", "10", "86", "bad"],
            &["GEOADD", "Sicily", "x", "10", "bad"],
            &[
                "GEOADD",
                "Sicily",
                "180",
                "85.05112878",
                "edge",
                "-180",
                "-85.05112878",
                "edge2",
            ],
            &["ZRANGE", "Sicily", "0", "-1", "WITHSCORES"],
            &["GEOPOS", "Sicily", "Palermo", "nope", "edge", "edge2"],
            &["GEOPOS", "nokey", "a", "b"],
            &["GEOHASH", "Sicily", "Palermo", "Catania", "nope", "edge"],
            &["GEOHASH", "nokey", "a"],
            &["GEODIST", "Sicily", "Palermo", "Catania"],
            &["GEODIST", "Sicily", "Palermo", "Catania", "km"],
            &["GEODIST", "Sicily", "Palermo", "Catania", "MI"],
            &["GEODIST", "Sicily", "Palermo", "Catania", "ft"],
            &["GEODIST", "Sicily", "Palermo", "Palermo"],
            &["GEODIST", "Sicily", "Palermo", "nope"],
            &["GEODIST", "nokey", "a", "b"],
            &["GEODIST", "nokey", "a", "b", "parsec"],
            &["GEODIST", "Sicily", "Palermo", "Catania", "km", "extra"],
            &["GEORADIUS", "Sicily", "15", "37", "200", "km"],
            &[
                "GEORADIUS",
                "Sicily",
                "15",
                "37",
                "200",
                "km",
                "WITHDIST",
                "WITHCOORD",
                "WITHHASH",
                "ASC",
            ],
            &[
                "GEORADIUS",
                "Sicily",
                "15",
                "37",
                "200",
                "km",
                "DESC",
                "COUNT",
                "1",
            ],
            &[
                "GEORADIUS",
                "Sicily",
                "15",
                "37",
                "200",
                "km",
                "COUNT",
                "2",
                "ANY",
            ],
            &["GEORADIUS", "Sicily", "15", "37", "-1", "km"],
            &["GEORADIUS", "Sicily", "15", "37", "x", "km"],
            &["GEORADIUS", "Sicily", "15", "37", "1", "yd"],
            &["GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "0"],
            &["GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "x"],
            &["GEORADIUS", "Sicily", "15", "37", "1", "km", "ANY"],
            &["GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT"],
            &["GEORADIUS", "Sicily", "15", "37", "1", "km", "BOGUS"],
            &[
                "GEORADIUS",
                "Sicily",
                "15",
                "37",
                "200",
                "km",
                "STORE",
                "dst",
                "WITHDIST",
            ],
            &[
                "GEORADIUS",
                "Sicily",
                "15",
                "37",
                "200",
                "km",
                "STORE",
                "dst",
            ],
            &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
            &[
                "GEORADIUS",
                "Sicily",
                "15",
                "37",
                "200",
                "km",
                "STOREDIST",
                "dst",
            ],
            &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
            &["GEORADIUS", "Sicily", "0", "0", "1", "km", "STORE", "dst"],
            &["EXISTS", "dst"],
            &["GEORADIUS", "nokey", "0", "0", "1", "km"],
            &["GEORADIUS", "nokey", "0", "0", "1", "km", "STORE", "dst"],
            &[
                "GEORADIUS_RO",
                "Sicily",
                "15",
                "37",
                "200",
                "km",
                "WITHDIST",
            ],
            &[
                "GEORADIUS_RO",
                "Sicily",
                "15",
                "37",
                "200",
                "km",
                "STORE",
                "dst",
            ],
            &[
                "GEORADIUSBYMEMBER",
                "Sicily",
                "Palermo",
                "200",
                "km",
                "WITHDIST",
                "ASC",
            ],
            &["GEORADIUSBYMEMBER", "Sicily", "nope", "200", "km"],
            &["GEORADIUSBYMEMBER", "Sicily", "nope", "x", "km"],
            &["GEORADIUSBYMEMBER", "nokey", "nope", "x", "km"],
            &[
                "GEORADIUSBYMEMBER_RO",
                "Sicily",
                "Catania",
                "100",
                "mi",
                "WITHCOORD",
            ],
            &[
                "GEOSEARCH",
                "Sicily",
                "FROMLONLAT",
                "15",
                "37",
                "BYRADIUS",
                "200",
                "km",
                "ASC",
                "WITHDIST",
            ],
            &[
                "GEOSEARCH",
                "Sicily",
                "FROMMEMBER",
                "Palermo",
                "BYBOX",
                "400",
                "400",
                "km",
                "DESC",
                "WITHHASH",
            ],
            &[
                "GEOSEARCH",
                "Sicily",
                "FROMMEMBER",
                "nope",
                "BYBOX",
                "400",
                "400",
                "km",
            ],
            &["GEOSEARCH", "Sicily", "BYBOX", "400", "400", "km"],
            &["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37"],
            &[
                "GEOSEARCH",
                "Sicily",
                "FROMLONLAT",
                "15",
                "37",
                "FROMMEMBER",
                "Palermo",
                "BYRADIUS",
                "1",
                "km",
            ],
            &[
                "GEOSEARCH",
                "Sicily",
                "FROMLONLAT",
                "15",
                "37",
                "BYRADIUS",
                "1",
                "km",
                "BYBOX",
                "1",
                "1",
                "km",
            ],
            &[
                "GEOSEARCH",
                "Sicily",
                "FROMLONLAT",
                "15",
                "37",
                "BYBOX",
                "-1",
                "1",
                "km",
            ],
            &[
                "GEOSEARCH",
                "Sicily",
                "FROMLONLAT",
                "15",
                "37",
                "BYBOX",
                "x",
                "1",
                "km",
            ],
            &[
                "GEOSEARCH",
                "Sicily",
                "FROMLONLAT",
                "15",
                "37",
                "BYBOX",
                "1",
                "x",
                "km",
            ],
            &[
                "GEOSEARCH",
                "Sicily",
                "FROMLONLAT",
                "15",
                "37",
                "BYRADIUS",
                "1",
                "km",
                "STORE",
                "x",
            ],
            &[
                "geosearch",
                "nokey",
                "FROMMEMBER",
                "x",
                "BYRADIUS",
                "1",
                "km",
            ],
            &["GEOSEARCH", "nokey", "FROMMEMBER", "x"],
            &[
                "GEOSEARCHSTORE",
                "dst",
                "Sicily",
                "FROMLONLAT",
                "15",
                "37",
                "BYRADIUS",
                "200",
                "km",
                "STOREDIST",
            ],
            &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
            &[
                "GEOSEARCHSTORE",
                "dst",
                "Sicily",
                "FROMLONLAT",
                "15",
                "37",
                "BYRADIUS",
                "200",
                "km",
                "WITHDIST",
            ],
            &[
                "GEOSEARCHSTORE",
                "dst",
                "nokey",
                "FROMLONLAT",
                "15",
                "37",
                "BYRADIUS",
                "200",
                "km",
            ],
            &["EXISTS", "dst"],
            &["SET", "str", "x"],
            &["GEOADD", "str", "1", "1", "a"],
            &["GEOPOS", "str", "a"],
            &["GEOHASH", "str", "a"],
            &["GEODIST", "str", "a", "b"],
            &["GEORADIUS", "str", "1", "1", "1", "km"],
            &[
                "GEOSEARCH",
                "str",
                "FROMLONLAT",
                "1",
                "1",
                "BYRADIUS",
                "1",
                "km",
            ],
            &[
                "GEOSEARCHSTORE",
                "dst",
                "str",
                "FROMLONLAT",
                "1",
                "1",
                "BYRADIUS",
                "1",
                "km",
            ],
        ]);
    }
    d.finish();
}

fn units(rng: &mut impl Rng) -> (&'static str, f64) {
    [("m", 1.0), ("km", 1000.0), ("mi", 1609.34), ("ft", 0.3048)][rng.gen_range(0..4)]
}

/// Random searches over the same random points on both servers.
#[test]
fn random_searches_agree() {
    let mut d = Diff::new();
    let mut rng = rand::thread_rng();
    // Clusters: the equator, mid-latitudes, near the poles, and both
    // sides of the antimeridian.
    let centres: [(f64, f64); 7] = [
        (0.0, 0.0),
        (13.0, 38.0),
        (-73.9, 40.7),
        (25.0, 78.0),
        (179.5, -10.0),
        (-179.5, -10.0),
        (0.0, -84.0),
    ];
    for (i, &(clong, clat)) in centres.iter().enumerate() {
        let mut argv = vec!["GEOADD".to_string(), "pts".to_string()];
        for j in 0..60 {
            let long: f64 = (clong + rng.gen_range(-3.0..3.0_f64)).clamp(-180.0, 180.0);
            let lat: f64 = (clat + rng.gen_range(-2.0..2.0_f64)).clamp(-85.0, 85.0);
            argv.push(format!("{long:.6}"));
            argv.push(format!("{lat:.6}"));
            argv.push(format!("p{i}-{j}"));
        }
        d.cmd(&argv);
    }
    d.random(400, move |rng| {
        let s = |x: String| x.into_bytes();
        let &(clong, clat) = &centres[rng.gen_range(0..centres.len())];
        let long = (clong + rng.gen_range(-2.0..2.0_f64)).clamp(-180.0, 180.0);
        let lat = (clat + rng.gen_range(-1.5..1.5_f64)).clamp(-85.0, 85.0);
        let (unit, per) = units(rng);
        let reach = [5_000.0, 50_000.0, 300_000.0, 3_000_000.0][rng.gen_range(0..4)] / per;
        let mut argv: Vec<Vec<u8>> = Vec::new();
        let store = rng.gen_bool(0.2);
        if store {
            argv.push(s("GEOSEARCHSTORE".into()));
            argv.push(s("dst".into()));
        } else {
            argv.push(s("GEOSEARCH".into()));
        }
        argv.push(s("pts".into()));
        if rng.gen_bool(0.3) {
            argv.push(s("FROMMEMBER".into()));
            argv.push(s(format!(
                "p{}-{}",
                rng.gen_range(0..centres.len()),
                rng.gen_range(0..60)
            )));
        } else {
            argv.push(s("FROMLONLAT".into()));
            argv.push(s(format!("{long:.5}")));
            argv.push(s(format!("{lat:.5}")));
        }
        if rng.gen_bool(0.5) {
            argv.push(s("BYRADIUS".into()));
            argv.push(s(format!("{reach:.3}")));
        } else {
            argv.push(s("BYBOX".into()));
            argv.push(s(format!("{:.3}", reach * rng.gen_range(0.5..2.0))));
            argv.push(s(format!("{:.3}", reach * rng.gen_range(0.5..2.0))));
        }
        argv.push(s(unit.into()));
        match rng.gen_range(0..3) {
            0 => argv.push(s("ASC".into())),
            1 => argv.push(s("DESC".into())),
            _ => {}
        }
        if rng.gen_bool(0.3) {
            argv.push(s("COUNT".into()));
            argv.push(s(rng.gen_range(1..20).to_string()));
            if rng.gen_bool(0.3) {
                argv.push(s("ANY".into()));
            }
        }
        if store {
            if rng.gen_bool(0.5) {
                argv.push(s("STOREDIST".into()));
            }
        } else {
            for opt in ["WITHDIST", "WITHCOORD", "WITHHASH"] {
                if rng.gen_bool(0.4) {
                    argv.push(s(opt.into()));
                }
            }
        }
        argv
    });
    d.cmd(&["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
    // The older forms over the same points.
    d.random(100, move |rng| {
        let s = |x: String| x.into_bytes();
        let &(clong, clat) = &centres[rng.gen_range(0..centres.len())];
        let (unit, per) = units(rng);
        let reach = [20_000.0, 200_000.0, 2_000_000.0][rng.gen_range(0..3)] / per;
        let mut argv = if rng.gen_bool(0.5) {
            vec![
                s("GEORADIUS".into()),
                s("pts".into()),
                s(format!("{:.4}", clong + rng.gen_range(-1.0..1.0_f64))),
                s(format!("{clat:.4}")),
            ]
        } else {
            vec![
                s("GEORADIUSBYMEMBER_RO".into()),
                s("pts".into()),
                s(format!(
                    "p{}-{}",
                    rng.gen_range(0..centres.len()),
                    rng.gen_range(0..60)
                )),
            ]
        };
        argv.push(s(format!("{reach:.2}")));
        argv.push(s(unit.into()));
        argv.push(s("WITHDIST".into()));
        argv.push(s(if rng.gen_bool(0.5) { "ASC" } else { "DESC" }.into()));
        argv
    });
    for m in ["p0-1", "p3-7", "p4-9", "p5-2", "p6-3"] {
        d.cmd(&["GEOPOS", "pts", m]);
        d.cmd(&["GEOHASH", "pts", m]);
        d.cmd(&["GEODIST", "pts", m, "p4-1", "km"]);
    }
    d.finish();
}

/// GEOADD reaches replicas as a ZADD and the STORE searches as
/// themselves; replicas of both kinds end with the same sets.
#[test]
fn replicas_get_the_same_sets() {
    crate::replication::replicas_agree(
        |m| {
            m.cmd(&[
                "GEOADD",
                "g",
                "13.361389",
                "38.115556",
                "Palermo",
                "15.087269",
                "37.502669",
                "Catania",
            ]);
            m.cmd(&["GEOADD", "g", "CH", "12.5", "41.9", "Rome"]);
            m.cmd(&[
                "GEOSEARCHSTORE",
                "near",
                "g",
                "FROMMEMBER",
                "Palermo",
                "BYRADIUS",
                "300",
                "km",
                "STOREDIST",
            ]);
            m.cmd(&["GEORADIUS", "g", "14", "40", "1000", "km", "STORE", "all"]);
            m.cmd(&["GEORADIUS", "g", "14", "40", "1000", "km", "WITHDIST"]);
        },
        &[
            &["ZRANGE", "g", "0", "-1", "WITHSCORES"],
            &["ZRANGE", "near", "0", "-1", "WITHSCORES"],
            &["ZRANGE", "all", "0", "-1", "WITHSCORES"],
        ],
    );
}
