//! Colour arithmetic for the pages and the chart: WCAG contrast ratios (to hold every text
//! and line colour to AA), perceptual distance in OKLab (to keep series colours apart), and
//! the series palettes of the light and dark themes, chosen with both measures.

/// An sRGB colour.
pub type Rgb = (u8, u8, u8);

/// Series colours on the light chart background (white): each at least 3:1 against it (WCAG
/// 1.4.11 for graphical objects), picked one by one as far as possible, in OKLab, from those
/// before it, so the first few (most charts) are the most distinct.
pub const LIGHT_PALETTE: &[Rgb] = &[
    (0x1c, 0x69, 0xe3),
    (0x85, 0x91, 0x00),
    (0xc8, 0x29, 0x00),
    (0x00, 0x5f, 0x55),
    (0x87, 0x0c, 0x62),
    (0x64, 0x48, 0x00),
    (0x00, 0x9b, 0xb4),
    (0x00, 0xa0, 0x71),
    (0xbd, 0x68, 0x7d),
    (0xbc, 0x76, 0x00),
    (0xab, 0x5a, 0xde),
    (0x37, 0x60, 0x00),
    (0x4a, 0x29, 0xb2),
    (0x85, 0x35, 0x38),
    (0x00, 0x6a, 0x86),
    (0x13, 0x8e, 0x00),
    (0xbe, 0x6e, 0x52),
    (0x00, 0x90, 0xdf),
    (0x7f, 0x35, 0x00),
    (0x76, 0x50, 0x92),
];

/// The same for the dark chart background ([`DARK_CHART_BACKGROUND`]).
pub const DARK_PALETTE: &[Rgb] = &[
    (0x65, 0xad, 0xff),
    (0xe7, 0xe8, 0x00),
    (0xf9, 0x60, 0x1f),
    (0xdf, 0x5f, 0xc8),
    (0x00, 0xff, 0xe3),
    (0xff, 0xc1, 0xc0),
    (0x26, 0xb6, 0x3d),
    (0xce, 0x93, 0x00),
    (0xd0, 0xbc, 0xff),
    (0x20, 0xac, 0xb3),
    (0xff, 0x5c, 0x75),
    (0xbf, 0xef, 0xa5),
    (0xff, 0xcb, 0x97),
    (0x98, 0xe8, 0xff),
    (0x8f, 0x7f, 0xff),
    (0x97, 0xa4, 0x00),
    (0x00, 0xbf, 0x98),
    (0xff, 0xa5, 0xdd),
    (0xff, 0xc8, 0x00),
    (0xed, 0x99, 0x7b),
];

/// The chart's background in the light theme (the cards' `--card`).
pub const LIGHT_CHART_BACKGROUND: Rgb = (255, 255, 255);
/// The chart's background in the dark theme (the cards' `--card`).
pub const DARK_CHART_BACKGROUND: Rgb = (17, 24, 39);

/// The palette of a theme.
pub fn palette(dark: bool) -> &'static [Rgb] {
    if dark {
        DARK_PALETTE
    } else {
        LIGHT_PALETTE
    }
}

/// Reads `#rgb` or `#rrggbb`.
pub fn parse_hex(s: &str) -> Option<Rgb> {
    let hex = s.trim().strip_prefix('#')?;
    let digit = |i: usize| u8::from_str_radix(hex.get(i..=i)?, 16).ok();
    match hex.len() {
        3 => Some((digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
        6 => {
            let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
            Some((byte(0)?, byte(2)?, byte(4)?))
        }
        _ => None,
    }
}

/// An sRGB channel as linear light.
fn linear(c: u8) -> f64 {
    let c = f64::from(c) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// WCAG 2 relative luminance.
pub fn luminance((r, g, b): Rgb) -> f64 {
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// WCAG 2 contrast ratio, from 1 (same) to 21 (black on white).
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `fg` drawn with `alpha` over `bg` (how a translucent colour is seen).
pub fn blend(fg: Rgb, alpha: f64, bg: Rgb) -> Rgb {
    let mix = |f: u8, b: u8| (f64::from(f) * alpha + f64::from(b) * (1.0 - alpha)).round() as u8;
    (mix(fg.0, bg.0), mix(fg.1, bg.1), mix(fg.2, bg.2))
}

/// Perceptual distance between two colours: Euclidean distance in OKLab (0: the same; about
/// 0.05 is clearly different side by side, 0.1 different at a glance).
pub fn distance(a: Rgb, b: Rgb) -> f64 {
    let (x, y) = (oklab(a), oklab(b));
    ((x.0 - y.0).powi(2) + (x.1 - y.1).powi(2) + (x.2 - y.2).powi(2)).sqrt()
}

/// Björn Ottosson's OKLab coordinates of an sRGB colour.
fn oklab((r, g, b): Rgb) -> (f64, f64, f64) {
    let (r, g, b) = (linear(r), linear(g), linear(b));
    let l = (0.412_221_470_8 * r + 0.536_332_536_3 * g + 0.051_445_992_9 * b).cbrt();
    let m = (0.211_903_498_2 * r + 0.680_699_545_1 * g + 0.107_396_956_6 * b).cbrt();
    let s = (0.088_302_461_9 * r + 0.281_718_837_6 * g + 0.629_978_700_5 * b).cbrt();
    (
        0.210_454_255_3 * l + 0.793_617_785 * m - 0.004_072_046_8 * s,
        1.977_998_495_1 * l - 2.428_592_205 * m + 0.450_593_709_9 * s,
        0.025_904_037_1 * l + 0.782_771_766_2 * m - 0.808_675_766 * s,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_the_wcag_examples() {
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 1e-9);
        assert!((contrast((255, 255, 255), (255, 255, 255)) - 1.0).abs() < 1e-9);
        // The measurements: white on the brand orange, grey secondary text.
        let orange = parse_hex("#e6522c").unwrap();
        assert!((contrast((255, 255, 255), orange) - 3.74).abs() < 0.01);
        let grey = parse_hex("#6b7280").unwrap();
        assert!((contrast(grey, parse_hex("#f5f6fa").unwrap()) - 4.48).abs() < 0.01);
        assert_eq!(parse_hex("#fff"), Some((255, 255, 255)));
        assert_eq!(parse_hex("#12345"), None);
        assert_eq!(parse_hex("1c69e3"), None);
    }

    #[test]
    fn series_colours_stand_out_from_the_background_and_from_each_other() {
        for (dark, bg) in [(false, LIGHT_CHART_BACKGROUND), (true, DARK_CHART_BACKGROUND)] {
            let p = palette(dark);
            assert_eq!(p.len(), 20);
            for &c in p {
                assert!(contrast(c, bg) >= 3.0, "{c:?} on {bg:?}: {:.2}", contrast(c, bg));
            }
            let closest = |n: usize| {
                let mut min = f64::INFINITY;
                for (i, &a) in p[..n].iter().enumerate() {
                    for &b in &p[i + 1..n] {
                        min = min.min(distance(a, b));
                    }
                }
                min
            };
            // The twelve colours the chart used before were at least 0.057 apart.
            assert!(closest(8) >= 0.1, "dark {dark}: {:.3}", closest(8));
            assert!(closest(12) >= 0.085, "dark {dark}: {:.3}", closest(12));
            assert!(closest(20) >= 0.055, "dark {dark}: {:.3}", closest(20));
        }
    }

    #[test]
    fn blending_mixes_channels() {
        assert_eq!(blend((255, 255, 255), 0.5, (0, 0, 0)), (128, 128, 128));
        assert_eq!(blend((10, 20, 30), 1.0, (0, 0, 0)), (10, 20, 30));
    }
}
