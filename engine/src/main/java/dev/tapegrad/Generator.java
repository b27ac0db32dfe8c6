package dev.tapegrad;

/**
 * A seedable pseudo-random number generator: the same seed gives the same numbers, on every machine and
 * every run. Every random tensor factory takes one explicitly; there is no hidden global generator.
 *
 * <p>The algorithm is xoshiro256** (Blackman and Vigna, "Scrambled linear pseudorandom number generators",
 * 2018): 256 bits of state, seeded from a 64-bit seed through SplitMix64. Normals come from the Box–Muller
 * transform. The state can be read and restored ({@link #stateDict()}, {@link #loadStateDict(long[])}) so a resumed
 * training run continues with the same numbers.
 */
public final class Generator {
    private long s0, s1, s2, s3;
    private double spareNormal;
    private boolean hasSpare;

    /** A generator seeded with {@code seed}. */
    public Generator(long seed) {
        long x = seed;
        s0 = splitMix(x += 0x9E3779B97F4A7C15L);
        s1 = splitMix(x += 0x9E3779B97F4A7C15L);
        s2 = splitMix(x += 0x9E3779B97F4A7C15L);
        s3 = splitMix(x + 0x9E3779B97F4A7C15L);
    }

    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The next 64 random bits. */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform in [0, 1), with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound), without modulo bias (Lemire's method with rejection). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("nextInt: bound must be positive, got " + bound);
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (0x1_0000_0000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /** A standard normal sample (Box–Muller; the second value of each pair is kept for the next call). */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareNormal;
        }
        double u1 = 1.0 - nextDouble(); // in (0, 1]: log(u1) is finite
        double u2 = nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(u1));
        spareNormal = r * Math.sin(2 * Math.PI * u2);
        hasSpare = true;
        return r * Math.cos(2 * Math.PI * u2);
    }

    /** The full state: four state words, the spare normal's bits, and whether it is present. */
    public long[] stateDict() {
        return new long[] {s0, s1, s2, s3, Double.doubleToRawLongBits(spareNormal), hasSpare ? 1 : 0};
    }

    /** Restores a state returned by {@link #stateDict()}. */
    public void loadStateDict(long[] state) {
        if (state.length != 6) {
            throw new IllegalArgumentException("Generator.loadStateDict: expected 6 words, got " + state.length);
        }
        if ((state[0] | state[1] | state[2] | state[3]) == 0) {
            throw new IllegalArgumentException("Generator.loadStateDict: the all-zero state is invalid for xoshiro256**");
        }
        if (state[5] != 0 && state[5] != 1) {
            throw new IllegalArgumentException("Generator.loadStateDict: word 5 (has a spare normal) must be 0 or 1, got " + state[5]);
        }
        s0 = state[0];
        s1 = state[1];
        s2 = state[2];
        s3 = state[3];
        spareNormal = Double.longBitsToDouble(state[4]);
        hasSpare = state[5] != 0;
    }
}
