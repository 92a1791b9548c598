package io.pitgun.engine;

import java.util.Arrays;

/**
 * How a bounded set of streams ({@link StreamTable}'s (session, source) streams, {@link MergeStage}'s merge
 * sessions) tells that a live stream is idle when a new stream needs its place, stated once for both. A live stream
 * is idle by either of two rules:
 * <ol>
 *   <li><b>By the new frame's time</b> ({@link #isIdleByFrame}): the new stream's frame is at least
 *       {@code stream_idle_timeout} newer, in {@code timestamp_us}, than the live stream's newest frame. Producers'
 *       clocks agree by the envelope contract (microseconds since the epoch); then a stream whose producer went away
 *       ends as soon as a frame that much later comes, whatever the set saw in between.</li>
 *   <li><b>By the new stream's own waiting</b> ({@link #isIdle}): the new stream has been refused for at least
 *       {@code stream_idle_timeout} of its own clock (from its first refused frame to this one), and the live stream
 *       has sent no frame since that first refused frame. No producer's clock is compared with another's.</li>
 * </ol>
 * Rule 1 alone trusts every producer's clock: a set filled by streams stamped far in the future (2<sup>53</sup>−1,
 * one request of one-frame sessions, by fault or on purpose) never looks idle to an honest frame, and every later
 * stream was refused for the process's life. Rule 2 lets an honest stream in past such silent streams once it has
 * waited the timeout by its own clock. A measure of elapsed time shared by the whole set (each stream's own clock
 * advancing a common clock) was tried and dropped: one stream whose clock jumped (a pause in a recording, a replay
 * faster than real time) made every other stream look idle at once, and a new stream then ended a live one. By rule
 * 2 a stream that keeps sending, at whatever rate and with whatever clock, is never idle to a new stream that came
 * after its latest frame. Its limits (docs/embedding.md says them and what to do): "meanwhile" is counted in frames,
 * so one envelope whose frames span the timeout of the new stream's clock is a waiting with nothing else sent, and
 * ends the stream silent longest however actively it sends between envelopes; and an attacker who keeps the
 * remembered places busy and sends a new refused stream after each of an honest one's frames keeps that one from
 * waiting. Rule 1's limit stays: a new stream whose clock is ahead of the others' by the timeout makes their streams
 * look idle when the set is full.
 *
 * <p>"Since" is told by the set's own count of the frames it has seen ({@link #frames}, live and refused alike): a
 * stream is last seen at the count of its latest frame. Refused streams are remembered, up to {@value #REFUSED}
 * of them (pre-allocated; their first refused frame's own time and count, and their latest refusal's count): a new
 * one takes a free place, else the place of one not refused for {@value #STALE_FRAMES} frames, else the place of the
 * one remembered last, so that streams already waiting keep their waiting however many others come and go (17
 * refused streams taking turns in 16 places, each replaced before its next frame, would otherwise never wait at all).
 * Decisions are a pure function of the frames in order (no wall clock, no arrival time), so a replay of the journal
 * ends the same streams at the same frames.
 *
 * <p>Used by one thread; allocates only at construction.
 */
final class StreamClock
{
    /** Refused streams remembered. */
    static final int REFUSED = 16;
    /** Frames after which a remembered refused stream that was not refused again gives its place up first. */
    static final long STALE_FRAMES = 1L << 16;

    /** One live stream's timing. */
    static final class Timing
    {
        /** The set's frame count at the stream's latest frame (rule 2). */
        long lastSeen;
        /** The newest of the stream's own {@code timestamp_us} (rule 1). */
        long newestUs;
    }

    /** Lower bounds of a set's live timings: while a new frame is idle by neither, no stream is idle. */
    static final class Bounds
    {
        /** At most every live stream's {@link Timing#lastSeen}: it only grows; a new stream's is the largest. */
        long lastSeen = Long.MAX_VALUE;
        /** At most every live stream's {@link Timing#newestUs}: it only grows; a new stream lowers the bound. */
        long newestUs = Long.MAX_VALUE;

        /** The set is empty again: the bounds of a new set. */
        void clear()
        {
            lastSeen = Long.MAX_VALUE;
            newestUs = Long.MAX_VALUE;
        }

        /** A stream joined the set. */
        void add(final Timing timing)
        {
            lastSeen = Math.min(lastSeen, timing.lastSeen);
            newestUs = Math.min(newestUs, timing.newestUs);
        }
    }

    private final long idleUs;
    private long frames;
    private long remembered;
    private final long[] refusedMsb = new long[REFUSED];
    private final long[] refusedLsb = new long[REFUSED];
    private final int[] refusedSource = new int[REFUSED];
    private final boolean[] refusedUsed = new boolean[REFUSED];
    private final long[] firstUs = new long[REFUSED];
    private final long[] firstSeen = new long[REFUSED];
    private final long[] lastRefused = new long[REFUSED];
    private final long[] rememberedAt = new long[REFUSED];
    /** The refused stream of the frame being decided, if it has waited the timeout by its own clock; else -1. */
    private int waited = -1;
    /** The own time of the frame being decided. */
    private long decidingUs;
    /** An idle search's candidates ({@link #beginIdleSearch}): by rule 2, by rule 1, and their timings. */
    private int bySilence;
    private int byFrame;
    private long oldestSeen;
    private long oldestNewest;

    /** @param idleUs {@code stream_idle_timeout}, of both rules. */
    StreamClock(final long idleUs)
    {
        if (idleUs < 0)
        {
            throw new IllegalArgumentException("idleUs: must not be negative, got " + idleUs);
        }
        this.idleUs = idleUs;
    }

    /**
     * As new: no frame seen, no refused stream remembered. For a set whose streams were all forgotten at once (a
     * replay at a restart of the pipeline that wrote the journal, {@link ProcessingStage}).
     */
    void reset()
    {
        frames = 0;
        remembered = 0;
        Arrays.fill(refusedUsed, false);
        Arrays.fill(lastRefused, 0);
        Arrays.fill(rememberedAt, 0);
        waited = -1;
    }

    /** A stream's first frame: it is seen now, its newest is this frame's time. */
    void join(final Timing timing, final long timestampUs)
    {
        timing.lastSeen = ++frames;
        timing.newestUs = timestampUs;
    }

    /** A later frame of a live stream: it is seen now. */
    void onFrame(final Timing timing, final long timestampUs)
    {
        timing.lastSeen = ++frames;
        if (timestampUs > timing.newestUs)
        {
            timing.newestUs = timestampUs;
        }
    }

    /**
     * A frame of a stream the full set has no place for, before the set looks for an idle stream ({@link #isIdle}
     * then judges for this stream): remembers the stream at its first refused frame, and tells whether it has waited
     * {@code stream_idle_timeout} of its own clock since.
     */
    void onRefused(final long sessionMsb, final long sessionLsb, final int sourceId, final long timestampUs)
    {
        frames++;
        waited = -1;
        decidingUs = timestampUs;
        final int i = refusedIndex(sessionMsb, sessionLsb, sourceId);
        if (i >= 0)
        {
            lastRefused[i] = frames;
            final long elapsedUs = timestampUs - firstUs[i];
            // Saturating: timestamps far apart (tests use the extremes of long) wait the longest, not a negative.
            if (timestampUs > firstUs[i] && (elapsedUs < 0 || elapsedUs >= idleUs))
            {
                waited = i;
            }
            return;
        }
        final int j = placeForRefused();
        refusedMsb[j] = sessionMsb;
        refusedLsb[j] = sessionLsb;
        refusedSource[j] = sourceId;
        refusedUsed[j] = true;
        firstUs[j] = timestampUs;
        firstSeen[j] = frames;
        lastRefused[j] = frames;
        rememberedAt[j] = ++remembered;
        if (idleUs == 0)
        {
            waited = j;
        }
    }

    /**
     * The frame {@link #onRefused} judged found no idle stream: if its stream had waited the timeout, its waiting
     * starts again at this frame, so that a stream that falls silent later (after the waiting stream's first refused
     * frame) is idle to it once it has waited the timeout again, rather than never.
     */
    void stillRefused()
    {
        if (waited >= 0)
        {
            firstUs[waited] = decidingUs;
            firstSeen[waited] = frames;
            waited = -1;
        }
    }

    /** The refused stream got its place: forgotten (it is live now). */
    void admitted(final long sessionMsb, final long sessionLsb, final int sourceId)
    {
        final int i = refusedIndex(sessionMsb, sessionLsb, sourceId);
        if (i >= 0)
        {
            refusedUsed[i] = false;
        }
        waited = -1;
    }

    /**
     * Rule 2 for the frame {@link #onRefused} just judged: a live stream last seen at {@code lastSeen} is idle if
     * that frame's stream has waited the timeout by its own clock and the live stream sent nothing since the
     * waiting stream's first refused frame.
     */
    boolean isIdle(final long lastSeen)
    {
        return waited >= 0 && lastSeen < firstSeen[waited];
    }

    /** Rule 1: a stream whose newest frame is at {@code newestUs} is idle by a new frame at {@code frameUs}. */
    boolean isIdleByFrame(final long newestUs, final long frameUs)
    {
        return frameUs - newestUs >= idleUs; // timestamps are 0 .. 2^53 - 1: no overflow; MAX_VALUE bounds: never
    }

    /** Whether any stream of a set with these bounds may be idle for the frame just refused at {@code frameUs}. */
    boolean mayBeIdle(final Bounds bounds, final long frameUs)
    {
        return isIdle(bounds.lastSeen) || isIdleByFrame(bounds.newestUs, frameUs);
    }

    /**
     * Starts a search of a full set for the stream to end for the frame just refused: {@link #offer} each live
     * stream, then {@link #idlest}. The set scans its own structure; the choice is made here, once for both sets.
     */
    void beginIdleSearch()
    {
        bySilence = -1;
        byFrame = -1;
        oldestSeen = Long.MAX_VALUE;
        oldestNewest = Long.MAX_VALUE;
    }

    /** A live stream at the set's {@code position}: a candidate if it was last seen, or its newest frame is, oldest. */
    void offer(final int position, final Timing timing)
    {
        if (timing.lastSeen < oldestSeen)
        {
            oldestSeen = timing.lastSeen;
            bySilence = position;
        }
        if (timing.newestUs < oldestNewest)
        {
            oldestNewest = timing.newestUs;
            byFrame = position;
        }
    }

    /**
     * The position of the stream to end for a new stream's frame at {@code frameUs}, or -1: the one last seen longest
     * ago if it is idle to the new stream by its waiting (rule 2), else the one whose newest frame is oldest if the
     * frame's time makes it idle (rule 1). Either way {@code bounds} become the oldest offered.
     */
    int idlest(final Bounds bounds, final long frameUs)
    {
        bounds.lastSeen = oldestSeen;
        bounds.newestUs = oldestNewest;
        return bySilence >= 0 && isIdle(oldestSeen) ? bySilence :
            byFrame >= 0 && isIdleByFrame(oldestNewest, frameUs) ? byFrame : -1;
    }

    /** A free place, else the one given up longest ago (stale), else the one remembered last. */
    private int placeForRefused()
    {
        int stale = -1;
        int last = 0;
        for (int i = 0; i < REFUSED; i++)
        {
            if (!refusedUsed[i])
            {
                return i;
            }
            if (frames - lastRefused[i] > STALE_FRAMES && (stale < 0 || lastRefused[i] < lastRefused[stale]))
            {
                stale = i;
            }
            if (rememberedAt[i] > rememberedAt[last])
            {
                last = i;
            }
        }
        return stale >= 0 ? stale : last;
    }

    private int refusedIndex(final long sessionMsb, final long sessionLsb, final int sourceId)
    {
        for (int i = 0; i < REFUSED; i++)
        {
            if (refusedUsed[i] && refusedSource[i] == sourceId && refusedMsb[i] == sessionMsb &&
                refusedLsb[i] == sessionLsb)
            {
                return i;
            }
        }
        return -1;
    }
}
