package io.pitgun.engine;

import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

import static io.pitgun.engine.FrameLayout.ORDER;

/**
 * The merge stage: frames of the merged sources of one session whose timestamps fall in one window (from the
 * window's first frame, {@code window_us} long) become one frame (see {@link MergeWindow} for the tie-break). A
 * window closes when a frame of the session falls outside it (later, or earlier: time went back), at the
 * session's end, or at the end of the stream; the merged frame then goes to the manifest stage in the slot that
 * closed it. Frames of other sources pass straight through. Decisions use only frame timestamps, so a replay
 * merges identically.
 */
final class MergeStage
{
    private final boolean[] merged = new boolean[65_536];
    private final boolean enabled;
    private final long windowUs;
    private final int maxWindows;
    private final int frameCapacity;
    private final ManifestStage next;
    private final PipelineCounters counters;
    private final List<MergeWindow> windows = new ArrayList<>();

    /**
     * @param sources  source ids to merge, or null for every source; ignored when {@code enabled} is false.
     */
    MergeStage(final boolean enabled, final List<Integer> sources, final long windowUs, final int maxWindows,
        final int frameCapacity, final ManifestStage next, final PipelineCounters counters)
    {
        this.enabled = enabled;
        this.windowUs = windowUs;
        this.maxWindows = maxWindows;
        this.frameCapacity = frameCapacity;
        this.next = next;
        this.counters = counters;
        for (int i = 0; i < merged.length; i++)
        {
            merged[i] = sources == null || sources.contains(i);
        }
    }

    void onFrame(final FrameSlot slot, final DirectBuffer frame, final int offset, final long index)
    {
        if (!enabled || !merged[frame.getShort(offset + FrameLayout.SOURCE_ID, ORDER) & 0xFFFF])
        {
            next.onFrame(slot, frame, offset, index, index);
            return;
        }
        final long msb = frame.getLong(offset + FrameLayout.SESSION_MSB, ORDER);
        final long lsb = frame.getLong(offset + FrameLayout.SESSION_LSB, ORDER);
        final MergeWindow window = windowOf(msb, lsb);
        if (window == null)
        {
            counters.increment(PipelineCounter.DROPPED_TOO_MANY_SOURCES);
            return;
        }
        final long timestampUs = frame.getLong(offset + FrameLayout.TIMESTAMP_US, ORDER);
        if (window.open && (timestampUs - window.startTimestampUs >= windowUs || timestampUs < window.startTimestampUs))
        {
            flush(slot, window);
        }
        final int overflow = window.add(frame, offset, index);
        if (overflow > 0)
        {
            counters.add(PipelineCounter.DROPPED_MERGE_OVERFLOW, overflow);
        }
        counters.increment(PipelineCounter.FRAMES_MERGED);
    }

    /** Flushes the session's window. */
    void onSessionEnd(final FrameSlot slot, final long sessionMsb, final long sessionLsb)
    {
        for (int i = 0; i < windows.size(); i++)
        {
            final MergeWindow window = windows.get(i);
            if (window.inUse && window.sessionMsb == sessionMsb && window.sessionLsb == sessionLsb)
            {
                if (window.open)
                {
                    flush(slot, window);
                }
                window.inUse = false;
            }
        }
    }

    /** Flushes every window, in creation order. */
    void onEndOfStream(final FrameSlot slot)
    {
        for (int i = 0; i < windows.size(); i++)
        {
            final MergeWindow window = windows.get(i);
            if (window.inUse && window.open)
            {
                flush(slot, window);
            }
            window.inUse = false;
        }
    }

    private void flush(final FrameSlot slot, final MergeWindow window)
    {
        window.finish();
        next.onFrame(slot, window.buffer, 0, window.firstIndex, window.lastIndex);
    }

    private MergeWindow windowOf(final long msb, final long lsb)
    {
        MergeWindow free = null;
        for (int i = 0; i < windows.size(); i++)
        {
            final MergeWindow window = windows.get(i);
            if (window.inUse)
            {
                if (window.sessionMsb == msb && window.sessionLsb == lsb)
                {
                    return window;
                }
            }
            else if (free == null)
            {
                free = window;
            }
        }
        if (free == null)
        {
            if (windows.size() >= maxWindows)
            {
                return null;
            }
            free = new MergeWindow(frameCapacity);
            windows.add(free);
        }
        free.inUse = true;
        free.open = false;
        free.sessionMsb = msb;
        free.sessionLsb = lsb;
        return free;
    }
}
