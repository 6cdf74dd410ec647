//! The map projection and fitting the map to the page.

use crate::model::Coord;

/// Albers equal-area conic projection (falls back to an equirectangular projection
/// scaled at the central latitude when the standard parallels straddle the equator
/// symmetrically).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Albers {
    lon0: f64,
    n: f64,
    c: f64,
    rho0: f64,
    cos_lat0: f64,
    conic: bool,
}

fn normalize_lon(mut d: f64) -> f64 {
    while d > 180.0 {
        d -= 360.0;
    }
    while d < -180.0 {
        d += 360.0;
    }
    d
}

impl Albers {
    /// A projection fitted to the points: central meridian in the middle of their
    /// longitudes, standard parallels at 1/6 and 5/6 of their latitude range.
    pub(crate) fn fit(points: &[Coord]) -> Albers {
        let b = LonLatBox::of(points);
        let lon0 = (b.lon_min + b.lon_max) / 2.0;
        let (lat_min, lat_max) = (b.lat_min, b.lat_max.max(b.lat_min + 1.0));
        let range = lat_max - lat_min;
        let (p1, p2) = (
            (lat_min + range / 6.0).to_radians(),
            (lat_max - range / 6.0).to_radians(),
        );
        let lat0 = ((lat_min + lat_max) / 2.0).to_radians();
        let n = (p1.sin() + p2.sin()) / 2.0;
        let conic = n.abs() > 0.05;
        let c = p1.cos().powi(2) + 2.0 * n * p1.sin();
        let rho0 = if conic {
            (c - 2.0 * n * lat0.sin()).max(0.0).sqrt() / n
        } else {
            0.0
        };
        Albers {
            lon0,
            n,
            c,
            rho0,
            cos_lat0: lat0.cos(),
            conic,
        }
    }

    /// Projects to plane coordinates (x east, y north), in radians of the unit sphere.
    pub(crate) fn project(&self, p: Coord) -> (f64, f64) {
        let lambda = normalize_lon(p.lon - self.lon0).to_radians();
        let phi = p.lat.to_radians();
        if self.conic {
            let rho = (self.c - 2.0 * self.n * phi.sin()).max(0.0).sqrt() / self.n;
            let theta = self.n * lambda;
            (rho * theta.sin(), self.rho0 - rho * theta.cos())
        } else {
            (lambda * self.cos_lat0, phi)
        }
    }
}

/// A box in longitude and latitude.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LonLatBox {
    pub(crate) lon_min: f64,
    pub(crate) lon_max: f64,
    pub(crate) lat_min: f64,
    pub(crate) lat_max: f64,
}

impl LonLatBox {
    pub(crate) fn of(points: &[Coord]) -> LonLatBox {
        let mut b = LonLatBox {
            lon_min: f64::INFINITY,
            lon_max: f64::NEG_INFINITY,
            lat_min: f64::INFINITY,
            lat_max: f64::NEG_INFINITY,
        };
        for p in points {
            b.lon_min = b.lon_min.min(p.lon);
            b.lon_max = b.lon_max.max(p.lon);
            b.lat_min = b.lat_min.min(p.lat);
            b.lat_max = b.lat_max.max(p.lat);
        }
        b
    }

    pub(crate) fn expanded(self, lon: f64, lat: f64) -> LonLatBox {
        LonLatBox {
            lon_min: self.lon_min - lon,
            lon_max: self.lon_max + lon,
            lat_min: (self.lat_min - lat).max(-89.0),
            lat_max: (self.lat_max + lat).min(89.0),
        }
    }

    /// Whether any point of the ring lies in the box.
    pub(crate) fn touches(&self, ring: &[[f64; 2]]) -> bool {
        ring.iter().any(|&[lon, lat]| {
            (self.lon_min..=self.lon_max).contains(&lon)
                && (self.lat_min..=self.lat_max).contains(&lat)
        })
    }
}

/// A box in projected coordinates.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bounds {
    x_min: f64,
    x_max: f64,
    y_min: f64,
    y_max: f64,
}

/// The page: scale and offsets from projected to screen coordinates.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frame {
    scale: f64,
    x0: f64,
    y0: f64,
    left: f64,
    top: f64,
    pub(crate) height: f64,
}

impl Frame {
    /// Screen coordinates (y down) of a projected point.
    pub(crate) fn screen(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (
            self.left + (x - self.x0) * self.scale,
            self.top + (self.y0 - y) * self.scale,
        )
    }
}

impl Bounds {
    pub(crate) fn of(points: impl Iterator<Item = (f64, f64)>) -> Bounds {
        let mut b = Bounds {
            x_min: f64::INFINITY,
            x_max: f64::NEG_INFINITY,
            y_min: f64::INFINITY,
            y_max: f64::NEG_INFINITY,
        };
        for (x, y) in points {
            b.x_min = b.x_min.min(x);
            b.x_max = b.x_max.max(x);
            b.y_min = b.y_min.min(y);
            b.y_max = b.y_max.max(y);
        }
        b
    }

    /// Fits the box on a page `width` wide with a margin (and room for the title at the
    /// top and the legend at the bottom); the height follows, between 0.45 and 1.0 of
    /// the width.
    pub(crate) fn fit(self, width: f64, title: f64, margin: f64, legend: f64) -> Frame {
        // 8 % air around the routes.
        let (mut w, mut h) = (
            (self.x_max - self.x_min).max(1e-6) * 1.08,
            (self.y_max - self.y_min).max(1e-6) * 1.08,
        );
        // Keep a sensible aspect: widen a tall box, heighten a flat one.
        let inner_w = width - 2.0 * margin;
        let (min_h, max_h) = (0.45 * width, 1.0 * width);
        let want_h = |w: f64, h: f64| inner_w / w * h + title + legend + 2.0 * margin;
        let (cx, cy) = (
            (self.x_min + self.x_max) / 2.0,
            (self.y_min + self.y_max) / 2.0,
        );
        if want_h(w, h) < min_h {
            h = (min_h - title - legend - 2.0 * margin) * w / inner_w;
        }
        if want_h(w, h) > max_h {
            w = h * inner_w / (max_h - title - legend - 2.0 * margin);
        }
        let scale = inner_w / w;
        let height = (h * scale + title + legend + 2.0 * margin).round();
        // The top-left corner of the (possibly widened or heightened) box, centred.
        Frame {
            scale,
            x0: cx - w / 2.0,
            y0: cy + h / 2.0,
            left: margin,
            top: margin + title,
            height,
        }
    }
}
