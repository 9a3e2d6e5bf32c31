//! The fuzzer's seeded random numbers: reproducible runs from a `--seed`, on the dataset
//! generators' SplitMix64 (`content::generator::prng`), with the picks mutations need.

use crate::content::generator::prng;

/// A seeded generator: the same sequence on every platform.
#[derive(Clone, Debug)]
pub struct Rng(prng::Rng);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(prng::Rng::new(seed ^ 0x9E37_79B9_7F4A_7C15))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True with probability `1/n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_sequence() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert!((0..100).all(|_| a.next_u64() == b.next_u64()));
        assert_eq!(Rng::new(1).below(0), 0);
        assert!((0..1000).all(|_| Rng::new(3).below(5) < 5));
    }
}
