//! Kahan–Neumaier compensated summation, as Prometheus uses for `sum`, `avg` and the
//! `*_over_time` sums: a running sum plus a compensation term that is added at the end.

/// Adds `inc` to `sum` with compensation `c`; returns the new `(sum, c)`. Once the sum
/// overflows to ±Inf the compensation is meaningless and is reset to 0.
///
/// Always inlined: the engine module is built for size, and an out-of-line call returns
/// its pair through memory in WebAssembly, which made `deriv` and `predict_linear` (four
/// sums per sample) twice as slow in the browser as natively.
#[inline(always)]
pub fn inc(inc: f64, sum: f64, c: f64) -> (f64, f64) {
    let t = sum + inc;
    let c = if t.is_infinite() {
        0.0
    } else if sum.abs() >= inc.abs() {
        c + ((sum - t) + inc)
    } else {
        c + ((inc - t) + sum)
    };
    (t, c)
}

#[cfg(test)]
mod tests {
    use super::inc;

    #[test]
    fn compensates_lost_low_bits() {
        let (mut s, mut c) = (0.0, 0.0);
        for v in [1e100, 1.0, -1e100] {
            (s, c) = inc(v, s, c);
        }
        assert_eq!(s + c, 1.0);
        let (s, c) = inc(f64::INFINITY, 1.0, 0.5);
        assert!(s.is_infinite() && c == 0.0);
    }
}
