//! Geohash arithmetic as Redis's geo commands use it: a point is the
//! 52-bit interleaving of its latitude and longitude cells (26 steps over
//! Web Mercator's latitude range), stored as a sorted-set score. A radius
//! or box search covers its area with the cell of the centre and its eight
//! neighbours at a step chosen from the radius, then filters by distance.
//! The arithmetic, the order of the cells and the float expressions follow
//! Redis's, so searches find, order and measure what Redis does.

pub const STEP_MAX: u8 = 26;
pub const LAT_MIN: f64 = -85.051_128_78;
pub const LAT_MAX: f64 = 85.051_128_78;
pub const LONG_MIN: f64 = -180.0;
pub const LONG_MAX: f64 = 180.0;
const EARTH_RADIUS_IN_METERS: f64 = 6_372_797.560_856;
const MERCATOR_MAX: f64 = 20_037_726.37;

/// A cell: `bits` (latitude on even bits, longitude on odd) at `step`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Hash {
    pub bits: u64,
    pub step: u8,
}

impl Hash {
    fn is_zero(&self) -> bool {
        self.bits == 0 && self.step == 0
    }

    /// The cell's range of 52-bit scores, `[min, max)`.
    pub fn score_range(&self) -> (u64, u64) {
        let shift = 52 - u32::from(self.step) * 2;
        (self.bits << shift, (self.bits + 1) << shift)
    }
}

#[derive(Clone, Copy, Debug)]
struct Range {
    min: f64,
    max: f64,
}

#[derive(Clone, Copy, Debug)]
pub struct Area {
    lat: Range,
    long: Range,
}

const LONG_RANGE: Range = Range {
    min: LONG_MIN,
    max: LONG_MAX,
};
const LAT_RANGE: Range = Range {
    min: LAT_MIN,
    max: LAT_MAX,
};

fn spread(v: u32) -> u64 {
    let mut x = u64::from(v);
    x = (x | (x << 16)) & 0x0000_ffff_0000_ffff;
    x = (x | (x << 8)) & 0x00ff_00ff_00ff_00ff;
    x = (x | (x << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
    x = (x | (x << 2)) & 0x3333_3333_3333_3333;
    (x | (x << 1)) & 0x5555_5555_5555_5555
}

fn squash(v: u64) -> u32 {
    let mut x = v & 0x5555_5555_5555_5555;
    x = (x | (x >> 1)) & 0x3333_3333_3333_3333;
    x = (x | (x >> 2)) & 0x0f0f_0f0f_0f0f_0f0f;
    x = (x | (x >> 4)) & 0x00ff_00ff_00ff_00ff;
    x = (x | (x >> 8)) & 0x0000_ffff_0000_ffff;
    x = (x | (x >> 16)) & 0x0000_0000_ffff_ffff;
    x as u32
}

/// Whether the pair is one GEOADD accepts.
pub fn valid(long: f64, lat: f64) -> bool {
    (LONG_MIN..=LONG_MAX).contains(&long) && (LAT_MIN..=LAT_MAX).contains(&lat)
}

fn encode_in(long_r: Range, lat_r: Range, long: f64, lat: f64, step: u8) -> Option<Hash> {
    if !valid(long, lat) {
        return None;
    }
    let scale = (1u64 << step) as f64;
    let lat_off = (lat - lat_r.min) / (lat_r.max - lat_r.min) * scale;
    let long_off = (long - long_r.min) / (long_r.max - long_r.min) * scale;
    Some(Hash {
        bits: spread(lat_off as u32) | (spread(long_off as u32) << 1),
        step,
    })
}

/// The cell holding a point at `step`.
pub fn encode(long: f64, lat: f64, step: u8) -> Option<Hash> {
    encode_in(LONG_RANGE, LAT_RANGE, long, lat, step)
}

/// A point's score: its cell at the finest step.
pub fn score(long: f64, lat: f64) -> Option<u64> {
    encode(long, lat, STEP_MAX).map(|h| h.bits)
}

fn decode_in(long_r: Range, lat_r: Range, h: Hash) -> Area {
    let ilat = squash(h.bits);
    let ilong = squash(h.bits >> 1);
    let div = (1u64 << h.step) as f64;
    let lat_scale = lat_r.max - lat_r.min;
    let long_scale = long_r.max - long_r.min;
    Area {
        lat: Range {
            min: lat_r.min + (f64::from(ilat) * 1.0 / div) * lat_scale,
            max: lat_r.min + ((f64::from(ilat) + 1.0) * 1.0 / div) * lat_scale,
        },
        long: Range {
            min: long_r.min + (f64::from(ilong) * 1.0 / div) * long_scale,
            max: long_r.min + ((f64::from(ilong) + 1.0) * 1.0 / div) * long_scale,
        },
    }
}

fn decode(h: Hash) -> Area {
    decode_in(LONG_RANGE, LAT_RANGE, h)
}

/// The centre of a score's cell: (longitude, latitude).
pub fn position(score: f64) -> (f64, f64) {
    let a = decode(Hash {
        bits: score as u64,
        step: STEP_MAX,
    });
    let long = ((a.long.min + a.long.max) / 2.0).clamp(LONG_MIN, LONG_MAX);
    let lat = ((a.lat.min + a.lat.max) / 2.0).clamp(LAT_MIN, LAT_MAX);
    (long, lat)
}

/// The standard 11-character geohash of a score (GEOHASH): the point
/// re-encoded over latitudes -90..90.
pub fn standard_geohash(score: f64) -> [u8; 11] {
    const ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";
    let (long, lat) = position(score);
    let world = Range {
        min: -90.0,
        max: 90.0,
    };
    let bits = encode_in(LONG_RANGE, world, long, lat, STEP_MAX).map_or(0, |h| h.bits);
    let mut out = [b'0'; 11];
    // 52 bits make ten characters; the eleventh is always '0'.
    for (i, c) in out.iter_mut().take(10).enumerate() {
        *c = ALPHABET[((bits >> (52 - (i + 1) * 5)) & 0x1f) as usize];
    }
    out
}

fn deg_rad(d: f64) -> f64 {
    d * (std::f64::consts::PI / 180.0)
}

fn rad_deg(r: f64) -> f64 {
    r / (std::f64::consts::PI / 180.0)
}

fn lat_distance(lat1: f64, lat2: f64) -> f64 {
    EARTH_RADIUS_IN_METERS * (deg_rad(lat2) - deg_rad(lat1)).abs()
}

/// Great-circle distance in meters (haversine, Redis's earth radius).
pub fn distance(long1: f64, lat1: f64, long2: f64, lat2: f64) -> f64 {
    let v = ((deg_rad(long2) - deg_rad(long1)) / 2.0).sin();
    if v == 0.0 {
        return lat_distance(lat1, lat2);
    }
    let (lat1r, lat2r) = (deg_rad(lat1), deg_rad(lat2));
    let u = ((lat2r - lat1r) / 2.0).sin();
    let a = u * u + lat1r.cos() * lat2r.cos() * v * v;
    2.0 * EARTH_RADIUS_IN_METERS * a.sqrt().asin()
}

/// What a search covers, in meters.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    Radius(f64),
    Box { width: f64, height: f64 },
}

/// A search: its centre, shape and unit (meters per unit).
#[derive(Clone, Copy, Debug)]
pub struct Search {
    pub long: f64,
    pub lat: f64,
    pub shape: Shape,
    pub unit: f64,
}

impl Search {
    /// The distance from the centre to a point if the point is inside.
    pub fn contains(&self, long: f64, lat: f64) -> Option<f64> {
        match self.shape {
            Shape::Radius(r) => {
                let d = distance(self.long, self.lat, long, lat);
                (d <= r * self.unit).then_some(d)
            }
            Shape::Box { width, height } => {
                let (w, h) = (width * self.unit, height * self.unit);
                if lat_distance(lat, self.lat) > h / 2.0 {
                    return None;
                }
                if distance(long, lat, self.long, lat) > w / 2.0 {
                    return None;
                }
                Some(distance(self.long, self.lat, long, lat))
            }
        }
    }

    fn bounding_box(&self) -> [f64; 4] {
        let (w, h) = match self.shape {
            Shape::Radius(r) => (r, r),
            Shape::Box { width, height } => (width / 2.0, height / 2.0),
        };
        let height = self.unit * h;
        let width = self.unit * w;
        let lat_delta = rad_deg(height / EARTH_RADIUS_IN_METERS);
        let long_delta_top =
            rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(self.lat + lat_delta).cos());
        let long_delta_bottom =
            rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(self.lat - lat_delta).cos());
        let delta = if self.lat < 0.0 {
            long_delta_bottom
        } else {
            long_delta_top
        };
        [
            self.long - delta,
            self.lat - lat_delta,
            self.long + delta,
            self.lat + lat_delta,
        ]
    }

    /// The cells to scan, in Redis's order: the centre's, then north,
    /// south, east, west, north-east, north-west, south-east, south-west;
    /// a zero cell is one excluded as useless.
    pub fn cells(&self) -> [Hash; 9] {
        let [min_lon, min_lat, max_lon, max_lat] = self.bounding_box();
        let radius = match self.shape {
            Shape::Radius(r) => r,
            Shape::Box { width, height } => {
                ((width / 2.0) * (width / 2.0) + (height / 2.0) * (height / 2.0)).sqrt()
            }
        } * self.unit;
        let mut steps = steps_for_radius(radius, self.lat);
        let mut hash = encode(self.long, self.lat, steps).unwrap_or_default();
        let mut n = neighbours(hash);
        let mut area = decode(hash);
        let decrease = decode(n[0]).lat.max < max_lat
            || decode(n[1]).lat.min > min_lat
            || decode(n[2]).long.max < max_lon
            || decode(n[3]).long.min > min_lon;
        if steps > 1 && decrease {
            steps -= 1;
            hash = encode(self.long, self.lat, steps).unwrap_or_default();
            n = neighbours(hash);
            area = decode(hash);
        }
        // n: north, south, east, west, north-east, north-west, south-east,
        // south-west.
        if steps >= 2 {
            // A side of the cell already past the box: the three cells
            // beyond it are useless.
            let useless = [
                (area.lat.min < min_lat, [1, 7, 6]),
                (area.lat.max > max_lat, [0, 4, 5]),
                (area.long.min < min_lon, [3, 7, 5]),
                (area.long.max > max_lon, [2, 6, 4]),
            ];
            for (past, sides) in useless {
                if past {
                    for i in sides {
                        n[i] = Hash::default();
                    }
                }
            }
        }
        [hash, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7]]
    }
}

/// The cells to scan for a search, without zero cells and without a cell
/// equal to the last one scanned (Redis's rule, which never compares with
/// the centre cell).
pub fn scan_cells(cells: &[Hash; 9]) -> Vec<Hash> {
    let mut out = Vec::with_capacity(9);
    let mut last = 0;
    for (i, c) in cells.iter().enumerate() {
        if c.is_zero() {
            continue;
        }
        if last != 0 && *c == cells[last] {
            continue;
        }
        out.push(*c);
        last = i;
    }
    out
}

fn steps_for_radius(mut range: f64, lat: f64) -> u8 {
    if range == 0.0 {
        return 26;
    }
    let mut step: i32 = 1;
    while range < MERCATOR_MAX {
        range *= 2.0;
        step += 1;
    }
    step -= 2;
    if !(-66.0..=66.0).contains(&lat) {
        step -= 1;
        if !(-80.0..=80.0).contains(&lat) {
            step -= 1;
        }
    }
    step.clamp(1, 26) as u8
}

/// Longitude bits (odd) and latitude bits (even).
const X_BITS: u64 = 0xaaaa_aaaa_aaaa_aaaa;
const Y_BITS: u64 = 0x5555_5555_5555_5555;

/// Moves a cell one step along the axis whose bits are `axis` (X_BITS:
/// east/west, Y_BITS: north/south), wrapping around.
fn move_along(h: &mut Hash, d: i8, axis: u64) {
    if d == 0 {
        return;
    }
    let s = 64 - u32::from(h.step) * 2;
    let mut a = h.bits & axis;
    let other = h.bits & !axis;
    let zz = (!axis).checked_shr(s).unwrap_or(0);
    if d > 0 {
        a = a.wrapping_add(zz + 1);
    } else {
        a |= zz;
        a = a.wrapping_sub(zz + 1);
    }
    a &= axis.checked_shr(s).unwrap_or(0);
    h.bits = a | other;
}

/// north, south, east, west, north-east, north-west, south-east,
/// south-west.
fn neighbours(h: Hash) -> [Hash; 8] {
    let at = |dx: i8, dy: i8| {
        let mut n = h;
        move_along(&mut n, dx, X_BITS);
        move_along(&mut n, dy, Y_BITS);
        n
    };
    [
        at(0, 1),
        at(0, -1),
        at(1, 0),
        at(-1, 0),
        at(1, 1),
        at(-1, 1),
        at(1, -1),
        at(-1, -1),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip_within_a_cell() {
        // Palermo, as in Redis's documentation.
        let s = score(13.361389, 38.115556).unwrap();
        assert_eq!(s, 3_479_099_956_230_698);
        let (long, lat) = position(s as f64);
        assert!((long - 13.361389).abs() < 1e-5 && (lat - 38.115556).abs() < 1e-5);
        assert_eq!(&standard_geohash(s as f64), b"sqc8b49rny0");
    }

    #[test]
    fn distance_matches_redis_example() {
        let d = distance(13.361389, 38.115556, 15.087269, 37.502669);
        assert!((d - 166_274.15).abs() < 1.0, "{d}");
    }

    #[test]
    fn invalid_pairs() {
        assert!(score(181.0, 0.0).is_none());
        assert!(score(0.0, 86.0).is_none());
    }
}
