package io.pitgun.engine;

import java.util.Arrays;

/**
 * The merge state of one session: its open windows in start order (a pool of at most {@code capacity}, created on
 * first use and reused), the newest timestamp of its merged frames, each listed source's progress and the boundary
 * below which windows were emitted.
 *
 * <p>Why {@code capacity = ceil(max_lateness_us / window_us) + 2} always suffices: after each frame the windows
 * that end at or before {@code newest - max_lateness_us} are emitted, and no frame newer than {@code newest} is
 * held, so open windows start in {@code (newest - max_lateness_us - window_us, newest]}: at most
 * {@code ceil(max_lateness_us / window_us) + 1} of them.
 */
final class MergeSession
{
    long sessionMsb;
    long sessionLsb;
    boolean inUse;
    /** When it was last seen and its newest time, by its merged frames, late ones too ({@link StreamClock}). */
    final StreamClock.Timing timing = new StreamClock.Timing();
    /** Newest timestamp of the session's merged (not late) frames; meaningless while no frame came. */
    long newestUs;
    /** Windows ending at or before this were emitted (or never opened): frames for them are late. */
    long closedBeforeUs;
    private final long[] progressUs;
    private final int frameCapacity;
    private final MergeWindow[] windows;
    private int allocated;
    private int openCount;

    /**
     * @param listedSources merged sources whose progress closes windows, 0 when only lateness closes them.
     */
    MergeSession(final int listedSources, final int capacity, final int frameCapacity)
    {
        this.progressUs = new long[listedSources];
        this.frameCapacity = frameCapacity;
        this.windows = new MergeWindow[capacity];
    }

    void start(final long msb, final long lsb)
    {
        inUse = true;
        sessionMsb = msb;
        sessionLsb = lsb;
        newestUs = Long.MIN_VALUE;
        closedBeforeUs = Long.MIN_VALUE;
        Arrays.fill(progressUs, Long.MIN_VALUE);
        openCount = 0;
    }

    boolean is(final long msb, final long lsb)
    {
        return inUse && sessionMsb == msb && sessionLsb == lsb;
    }

    /** Records a merged frame of listed source {@code ordinal} (or -1) at {@code timestampUs}. */
    void onProgress(final int ordinal, final long timestampUs)
    {
        newestUs = Math.max(newestUs, timestampUs);
        if (ordinal >= 0)
        {
            progressUs[ordinal] = Math.max(progressUs[ordinal], timestampUs);
        }
    }

    /**
     * The session's watermark: windows ending at or before it are complete. The later of the slowest listed
     * source's newest timestamp (every listed source passed it; none when no source is listed) and the newest
     * frame minus the lateness bound (so a silent source holds nothing longer than that).
     */
    long watermarkUs(final long maxLatenessUs)
    {
        long watermark = newestUs < Long.MIN_VALUE + maxLatenessUs ? Long.MIN_VALUE : newestUs - maxLatenessUs;
        if (progressUs.length > 0)
        {
            long slowest = Long.MAX_VALUE;
            for (final long progress : progressUs)
            {
                slowest = Math.min(slowest, progress);
            }
            watermark = Math.max(watermark, slowest);
        }
        return watermark;
    }

    int openCount()
    {
        return openCount;
    }

    /** The open window with the earliest start; only while {@link #openCount()} is positive. */
    MergeWindow oldest()
    {
        return windows[0];
    }

    /** Returns the oldest window to the pool. */
    void removeOldest()
    {
        final MergeWindow done = windows[0];
        System.arraycopy(windows, 1, windows, 0, openCount - 1);
        windows[--openCount] = done;
    }

    /** The open window starting at {@code startUs}, opened (in start order) if needed. */
    MergeWindow windowAt(final long startUs)
    {
        int position = openCount;
        for (int i = 0; i < openCount; i++)
        {
            final long start = windows[i].startUs;
            if (start == startUs)
            {
                return windows[i];
            }
            if (start > startUs)
            {
                position = i;
                break;
            }
        }
        if (openCount == windows.length)
        {
            throw new IllegalStateException("merge: more than " + windows.length + " windows open in a session, " +
                "which the lateness bound rules out");
        }
        if (openCount == allocated)
        {
            windows[allocated++] = new MergeWindow(frameCapacity);
        }
        final MergeWindow window = windows[openCount];
        System.arraycopy(windows, position, windows, position + 1, openCount - position);
        windows[position] = window;
        openCount++;
        window.open(startUs);
        return window;
    }
}
