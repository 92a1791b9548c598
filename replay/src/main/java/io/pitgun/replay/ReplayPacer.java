package io.pitgun.replay;

/**
 * When each frame is due, as an offset from the start of the replay. In real time a frame is due when its capture
 * time, measured from the first frame's, has elapsed; with a fixed rate frame {@code n} is due at {@code n / rate}
 * seconds. A batch is sent when its last frame is due: a producer cannot send a sample before it exists.
 */
public final class ReplayPacer
{
    private final double framesPerSecond;
    private long firstTimestampUs = -1;

    /** @param framesPerSecond a fixed rate, or 0 for real time from the timestamps. */
    public ReplayPacer(final double framesPerSecond)
    {
        if (framesPerSecond < 0 || Double.isNaN(framesPerSecond) || Double.isInfinite(framesPerSecond))
        {
            throw new ReplayInputException("--rate must be a positive number of frames per second, got " +
                framesPerSecond);
        }
        this.framesPerSecond = framesPerSecond;
    }

    /** True when pacing follows the timestamps. */
    public boolean realTime()
    {
        return framesPerSecond == 0;
    }

    /**
     * Nanoseconds after the start at which a frame is due.
     *
     * @param frameIndex  0-based index of the frame in the whole replay (all loops).
     * @param timestampUs the frame's capture time as sent (shifted on later loops).
     */
    public long dueNanos(final long frameIndex, final long timestampUs)
    {
        if (firstTimestampUs < 0)
        {
            firstTimestampUs = timestampUs;
        }
        if (realTime())
        {
            return (timestampUs - firstTimestampUs) * 1_000L;
        }
        return (long)(frameIndex * (1e9 / framesPerSecond));
    }
}
