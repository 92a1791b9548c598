package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterTable;
import org.agrona.DirectBuffer;

import java.util.List;

import static io.pitgun.codecs.frame.FrameDescriptor.ORDER;
import static io.pitgun.codecs.frame.FrameDescriptor.SESSION_LSB;
import static io.pitgun.codecs.frame.FrameDescriptor.SESSION_MSB;
import static io.pitgun.codecs.frame.FrameDescriptor.SOURCE_ID;
import static io.pitgun.codecs.frame.FrameDescriptor.TIMESTAMP_US;

/**
 * The merge stage: frames of the merged sources of one session whose timestamps fall in one tumbling event-time
 * window {@code [k·window_us, (k+1)·window_us)} become one frame ({@link MergeWindow} says how). Windows are aligned
 * to event time, so which window a frame joins never depends on when it arrived.
 *
 * <p>A window is emitted, in start order, once the session's watermark reaches its end ({@link MergeSession}): when
 * every listed source of the session has sent a frame at or past the end, or when the session's newest merged frame
 * is {@code max_lateness_us} past the end (so a silent source delays output by at most that), at the session's end,
 * when the stream table ends a merged stream of the session as idle ({@link #onStreamEndedIdle}), and at the end of
 * the stream. A frame whose window was already emitted is late: counted as
 * {@link PipelineCounter#FRAMES_LATE} and passed through unmerged, as its own frame. A frame at most
 * {@code max_lateness_us} behind the newest frame of its session is never late, so within that bound the merged
 * output does not depend on how the sources' frames interleave or are batched, only on each source's own order.
 * Decisions use only timestamps and that order, so a replay of the journal merges identically.
 *
 * <p>Frames of other sources pass straight through. Emitted windows go to the manifest stage in the slot of the
 * frame that completed them (a slot may carry several). Bounded: at most {@code maxSessions} sessions (a further
 * session ends the idlest, its windows emitted, if that one is idle by the stream table's rule, counted as
 * {@link PipelineCounter#STREAMS_ENDED_IDLE}; otherwise its frames are dropped as
 * {@link PipelineCounter#DROPPED_TOO_MANY_SOURCES}), each with at most
 * {@code ceil(max_lateness_us / window_us) + 2} windows, created on first use and then reused. The rule is
 * {@link StreamClock}'s, as for streams: a session is idle when the new session's frame is {@code stream_idle_timeout}
 * newer than its newest merged frame, or when the new session has been refused for that long by its own clock and
 * the session has merged nothing since the new one's first refused frame. A refused frame costs O(1) while no
 * session can be idle (lower bounds of the sessions' timings, as {@link StreamTable}'s).
 */
final class MergeStage
{
    private static final int NOT_MERGED = -2;
    private static final int MERGED_UNLISTED = -1;

    /** Per source id: its ordinal in the listed sources as the slot ({@link ParameterTable#NO_SLOT}: not listed). */
    private final ParameterTable listedSourceTable;
    private final boolean mergesEverySource;
    private final boolean enabled;
    private final int listedSources;
    private final long windowUs;
    private final long maxLatenessUs;
    private final int windowsPerSession;
    private final int frameCapacity;
    private final ManifestStage next;
    private final PipelineCounters counters;
    private final MergeSession[] sessions;
    private int sessionsCreated;
    private final StreamClock clock;
    /** Lower bounds of the sessions' timings in use (as {@link StreamTable}'s). */
    private final StreamClock.Bounds bounds = new StreamClock.Bounds();
    /** The slot being processed: windows emitted for a stream the stream table ends go out in it. */
    private FrameSlot slotInHand;
    /** The session whose frame is being merged, else null: it is not idle, so its stream's end does not flush it. */
    private MergeSession merging;

    /**
     * @param sources       source ids to merge, or null for every source (then only the lateness bound closes
     *                      windows: which sources a session has is not known in advance); ignored when
     *                      {@code enabled} is false.
     * @param maxSessions   sessions merged at once.
     * @param idleUs        {@code stream_idle_timeout}: when a session is idle, by either of {@link StreamClock}'s
     *                      rules.
     */
    MergeStage(final boolean enabled, final List<Integer> sources, final long windowUs, final long maxLatenessUs,
        final int maxSessions, final long idleUs, final int frameCapacity, final ManifestStage next,
        final PipelineCounters counters)
    {
        if (enabled && (windowUs < 1 || maxLatenessUs < 0))
        {
            throw new IllegalArgumentException("merge window " + windowUs + " us, lateness " + maxLatenessUs + " us");
        }
        this.enabled = enabled;
        this.windowUs = Math.max(1, windowUs);
        this.maxLatenessUs = Math.max(0, maxLatenessUs);
        this.windowsPerSession = (int)Math.min(Integer.MAX_VALUE - 2,
            (this.maxLatenessUs + this.windowUs - 1) / this.windowUs) + 2;
        this.frameCapacity = frameCapacity;
        this.clock = new StreamClock(idleUs);
        this.next = next;
        this.counters = counters;
        this.sessions = new MergeSession[enabled ? maxSessions : 0];
        this.mergesEverySource = sources == null;
        this.listedSources = sources == null ? 0 : sources.size();
        final ParameterTable.Builder table = ParameterTable.builder();
        if (sources != null)
        {
            for (int i = 0; i < sources.size(); i++)
            {
                table.slot(sources.get(i), i, 0);
            }
        }
        this.listedSourceTable = table.build();
    }

    /** NOT_MERGED, MERGED_UNLISTED (every source merges) or the source's ordinal in the listed sources. */
    private int ordinalOf(final int sourceId)
    {
        if (!enabled)
        {
            return NOT_MERGED;
        }
        if (mergesEverySource)
        {
            return MERGED_UNLISTED;
        }
        final int listed = listedSourceTable.slot(sourceId);
        return listed == ParameterTable.NO_SLOT ? NOT_MERGED : listed;
    }

    void onFrame(final FrameSlot slot, final DirectBuffer frame, final int offset, final long index)
    {
        slotInHand = slot;
        merging = null;
        final int ordinal = ordinalOf(frame.getShort(offset + SOURCE_ID, ORDER) & 0xFFFF);
        if (ordinal == NOT_MERGED)
        {
            next.onFrame(slot, frame, offset, index, index);
            return;
        }
        final long timestampUs = frame.getLong(offset + TIMESTAMP_US, ORDER);
        final MergeSession session = sessionOf(slot, frame.getLong(offset + SESSION_MSB, ORDER),
            frame.getLong(offset + SESSION_LSB, ORDER), timestampUs);
        if (session == null)
        {
            counters.increment(PipelineCounter.DROPPED_TOO_MANY_SOURCES);
            return;
        }
        merging = session;
        final long startUs = Math.floorDiv(timestampUs, windowUs) * windowUs;
        if (startUs + windowUs <= session.closedBeforeUs)
        {
            counters.increment(PipelineCounter.FRAMES_LATE);
            next.onFrame(slot, frame, offset, index, index);
            merging = null;
            return;
        }
        // Advance the watermark first: the frame's own window always stays open (it ends after the frame, and so
        // after newest - lateness and after its source's progress), and emitting first keeps the open windows
        // within the session's bound.
        session.onProgress(ordinal, timestampUs);
        emitUpTo(slot, session, session.watermarkUs(maxLatenessUs));
        final int overflow = session.windowAt(startUs).add(frame, offset, index);
        if (overflow > 0)
        {
            counters.add(PipelineCounter.DROPPED_MERGE_OVERFLOW, overflow);
        }
        merging = null;
    }

    /** Emits the session's windows, in start order, and forgets the session. */
    void onSessionEnd(final FrameSlot slot, final long sessionMsb, final long sessionLsb)
    {
        slotInHand = slot;
        merging = null;
        for (int i = 0; i < sessionsCreated; i++)
        {
            final MergeSession session = sessions[i];
            if (session.is(sessionMsb, sessionLsb))
            {
                emitAll(slot, session);
            }
        }
    }

    /** Emits every session's windows (sessions in pool order, each in start order) and forgets the sessions. */
    void onEndOfStream(final FrameSlot slot)
    {
        slotInHand = slot;
        merging = null;
        for (int i = 0; i < sessionsCreated; i++)
        {
            final MergeSession session = sessions[i];
            if (session.inUse)
            {
                emitAll(slot, session);
            }
        }
    }

    /**
     * The stream table is about to end the stream of {@code sourceId} in the session as idle, to make room for a
     * new stream: when the source is merged, the session's open windows are emitted first, in start order, and the
     * session forgotten, as at its {@code SessionEnd}, so that the stream still in the table derives them (emitted
     * later, they would find it gone and the table full). Not the session whose frame is being merged now (a
     * window it emits made the table end the stream): it is not idle, and its windows go on as its frames come.
     * The windows go out in the slot being processed, ahead of the frame that needed the place.
     */
    void onStreamEndedIdle(final long sessionMsb, final long sessionLsb, final int sourceId)
    {
        if (ordinalOf(sourceId) == NOT_MERGED)
        {
            return;
        }
        for (int i = 0; i < sessionsCreated; i++)
        {
            final MergeSession session = sessions[i];
            if (session.is(sessionMsb, sessionLsb) && session != merging)
            {
                emitAll(slotInHand, session);
            }
        }
    }

    /**
     * Forgets every session, its open windows unemitted, and the clock's memory: the stage is as a new one (its
     * sessions are reused lowest place first, as a new stage creates them). What a replay does where the pipeline
     * that wrote the journal started again ({@link ProcessingStage}).
     */
    void discardAll()
    {
        for (int i = 0; i < sessionsCreated; i++)
        {
            sessions[i].inUse = false;
        }
        clock.reset();
        bounds.clear();
    }

    private void emitAll(final FrameSlot slot, final MergeSession session)
    {
        while (session.openCount() > 0)
        {
            emitOldest(slot, session);
        }
        session.inUse = false;
    }

    private void emitUpTo(final FrameSlot slot, final MergeSession session, final long watermarkUs)
    {
        while (session.openCount() > 0 && session.oldest().startUs + windowUs <= watermarkUs)
        {
            emitOldest(slot, session);
        }
        session.closedBeforeUs = Math.max(session.closedBeforeUs, watermarkUs);
    }

    private void emitOldest(final FrameSlot slot, final MergeSession session)
    {
        final MergeWindow window = session.oldest();
        window.finish();
        if (window.hasSeveralSources())
        {
            counters.add(PipelineCounter.FRAMES_MERGED, window.frameCount());
        }
        // Out of the session before the call: a failing later stage must not leave the window to be emitted again.
        session.removeOldest();
        next.onFrame(slot, window.buffer, 0, window.firstIndex, window.lastIndex);
    }

    private MergeSession sessionOf(final FrameSlot slot, final long msb, final long lsb, final long timestampUs)
    {
        MergeSession free = null;
        for (int i = 0; i < sessionsCreated; i++)
        {
            final MergeSession session = sessions[i];
            if (session.is(msb, lsb))
            {
                clock.onFrame(session.timing, timestampUs);
                return session;
            }
            if (free == null && !session.inUse)
            {
                free = session;
            }
        }
        if (free == null)
        {
            if (sessionsCreated < sessions.length)
            {
                free = new MergeSession(listedSources, windowsPerSession, frameCapacity);
                sessions[sessionsCreated++] = free;
            }
            else
            {
                clock.onRefused(msb, lsb, 0, timestampUs);
                if (!clock.mayBeIdle(bounds, timestampUs) || (free = endIdlest(slot, timestampUs)) == null)
                {
                    clock.stillRefused();
                    return null;
                }
                clock.admitted(msb, lsb, 0);
            }
        }
        free.start(msb, lsb);
        clock.join(free.timing, timestampUs);
        bounds.add(free.timing);
        return free;
    }

    /**
     * Every session is in use: ends an idle one for a new session's frame at {@code frameUs} (its windows emitted) and
     * returns it, or null (the choice is {@link StreamClock#idlest}'s).
     */
    private MergeSession endIdlest(final FrameSlot slot, final long frameUs)
    {
        clock.beginIdleSearch();
        for (int i = 0; i < sessionsCreated; i++)
        {
            clock.offer(i, sessions[i].timing);
        }
        final int idlest = clock.idlest(bounds, frameUs);
        if (idlest < 0)
        {
            return null;
        }
        emitAll(slot, sessions[idlest]);
        counters.increment(PipelineCounter.STREAMS_ENDED_IDLE);
        return sessions[idlest];
    }
}
