package io.pitgun.solver;

/**
 * Steele, Lea and Flood's SplitMix64 generator: 64-bit integer arithmetic only, so the JVM and
 * WebAssembly produce the same sequence. Each scenario gets its own stream ({@link #forScenario}).
 */
public final class SplitMix64
{
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    private long state;

    public SplitMix64(final long seed)
    {
        this.state = seed;
    }

    /** The stream of scenario {@code index}: independent of how scenarios are split into chunks. */
    public static SplitMix64 forScenario(final long seed, final long index)
    {
        return new SplitMix64(mix(seed ^ mix(index * GOLDEN_GAMMA + GOLDEN_GAMMA)));
    }

    /** Re-seeds this generator in place as the stream of scenario {@code index} (no allocation). */
    public void resetForScenario(final long seed, final long index)
    {
        state = mix(seed ^ mix(index * GOLDEN_GAMMA + GOLDEN_GAMMA));
    }

    public long nextLong()
    {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform in [0, 1), a multiple of 2^-53 (exact: 53 bits converted, times a power of two). */
    public double nextDouble()
    {
        return (nextLong() >>> 11) * DOUBLE_UNIT;
    }

    /** Uniform in [0, bound), bound in [1, 2^31): the high 32 bits scaled (Lemire's multiply, no modulo). */
    public int nextInt(final int bound)
    {
        return (int)(((nextLong() >>> 32) * bound) >>> 32);
    }

    private static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
