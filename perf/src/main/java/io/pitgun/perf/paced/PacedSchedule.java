package io.pitgun.perf.paced;

/**
 * An open-loop schedule: frame {@code i} is intended at {@code start + i / rate}, whatever happened to frame
 * {@code i - 1}. Latency is measured from the intended time, so a producer that stalls is charged for every frame the
 * stall delayed (coordinated omission corrected), not only for the one it was sending.
 *
 * @param framesPerSecond the rate, at least 1.
 */
public record PacedSchedule(long framesPerSecond)
{
    /** A run keeps up with its schedule when it achieved at least this share of the rate it was given. */
    public static final double KEPT_UP_SHARE = 0.95;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** @throws IllegalArgumentException for a rate below 1. */
    public PacedSchedule
    {
        if (framesPerSecond < 1)
        {
            throw new IllegalArgumentException("rate: must be at least 1 frame/s, got " + framesPerSecond);
        }
    }

    /** The {@link System#nanoTime()} at which frame {@code i} (from 0) is intended; exact, without drift. */
    public long intendedNs(final long startNs, final long i)
    {
        // i * 1e9 stays below 2^63 for any run shorter than ~290 years at 1 frame/s, and ~2.9 h at 1 G frames/s.
        return startNs + i * NANOS_PER_SECOND / framesPerSecond;
    }

    /** Frames in a run of {@code durationNs}, at least one. */
    public long frames(final long durationNs)
    {
        return Math.max(1, durationNs * framesPerSecond / NANOS_PER_SECOND);
    }

    /**
     * Frames per second achieved by a run of {@code frames} whose first frame was intended at {@code startNs} and
     * whose last send ended at {@code endNs}: {@code frames - 1} intervals, so a run on schedule achieves its rate
     * (a hair less: the last send's own time is in the span).
     */
    public static double achieved(final long frames, final long startNs, final long endNs)
    {
        final long spanNs = Math.max(1, endNs - startNs);
        return Math.max(1, frames - 1) * (double)NANOS_PER_SECOND / spanNs;
    }

    /** Whether {@code achievedPerSecond} keeps up with this schedule ({@value #KEPT_UP_SHARE} of its rate). */
    public boolean keptUp(final double achievedPerSecond)
    {
        return achievedPerSecond >= KEPT_UP_SHARE * framesPerSecond;
    }

    /**
     * The next rate of the search for the highest sustainable one: {@code factor} times this, rounded to a thousand
     * frames/s.
     */
    public long next(final double factor)
    {
        return Math.max(framesPerSecond + 1, Math.round(framesPerSecond * factor / 1_000.0) * 1_000L);
    }
}
