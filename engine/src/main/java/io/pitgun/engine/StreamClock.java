package io.pitgun.engine;

/**
 * How a bounded set of streams ({@link StreamTable}'s (session, source) streams, {@link MergeStage}'s merge
 * sessions) tells that one is idle when a new stream needs its place, stated once for both. A live stream is idle
 * by either of two rules ({@link #isIdle(Timing, long)}):
 * <ol>
 *   <li><b>By the new frame's time</b>: the new stream's frame is at least {@code stream_idle_timeout} newer, in
 *       {@code timestamp_us}, than the stream's newest frame. Producers' clocks agree by the envelope contract
 *       (microseconds since the epoch), and then this ends a stream whose producer went away as soon as a frame
 *       that much later comes, whatever else the set saw in between.</li>
 *   <li><b>By the set's own clock</b>, G: it has advanced at least {@code stream_idle_timeout} since the stream's
 *       latest frame, where G advances only by each stream's own clock advancing, never by comparing one
 *       producer's clock with another's (below).</li>
 * </ol>
 * Rule 1 alone trusts every producer's clock: a set filled by streams stamped far in the future (2<sup>53</sup>−1,
 * one request of one-frame sessions, by fault or on purpose) never looks idle to an honest frame, and every later
 * stream was refused for the process's life. Rule 2 ends those once honest streams — refused ones included — have
 * sent {@code stream_idle_timeout} of their own time. Rule 2 alone would keep a set of silent streams full when
 * nothing else advances G (a producer's sessions that each sent a few frames and went away: the next session would
 * lose up to the timeout of its frames), which rule 1 ends at once. Rule 1's limit stays: a producer whose clock is
 * ahead of the others' by the timeout makes their streams look idle when the set is full (docs/embedding.md).
 *
 * <p>G (microseconds, monotonic, 0 at the first frame: only differences of G mean anything) measures elapsed time
 * only by each stream's own clock advancing:
 * <ul>
 *   <li>A stream, at its first frame at {@code t}, is anchored: its own time {@code t} maps to G now ({@link #join}).
 *       A later frame at {@code t'} may advance G to {@code max(G, G_anchor + (t' − t))}: the stream's own clock says
 *       that much time has passed since G read {@code G_anchor} ({@link #onFrame}). Its first frame, however far in
 *       the future, therefore costs nothing.</li>
 *   <li>A stream is last seen at G just after its latest frame, whatever that frame's own time (a frame whose own
 *       time went back still says the stream is alive now). It is <em>idle</em> when
 *       {@code G − last seen ≥ stream_idle_timeout} ({@link #isIdle}).</li>
 *   <li>One frame advances G by at most {@code stream_idle_timeout}; a stream whose own clock jumps further is
 *       re-anchored at that frame. A bigger step would make no further stream idle (every stream seen before is
 *       idle after a step of the timeout), but would leave every other stream's clock behind G by the excess (their
 *       frames would no longer advance G until their clocks caught up) and, repeated, run G to its end.</li>
 *   <li>Streams refused a place advance G too ({@link #onRefused}): otherwise a set filled by streams that never send
 *       again (one frame each, stamped far ahead) would stay full for good, nothing live left to advance G. The
 *       {@value #REFUSED} most recently refused streams, keyed by (session, source) and replaced in turn, each keep
 *       an anchor as a live stream does: an honest producer refused for {@code stream_idle_timeout} of its own clock
 *       makes the set's silent streams idle and gets in.</li>
 * </ul>
 * By rule 2, streams that keep sending, in bursts or at different rates and whatever their clocks' offsets, are
 * each last seen at their latest frame, so they never end each other. A stream whose own clock jumps far ahead
 * still advances G (by the timeout) and so makes the others look idle: it ends one only when the set is full and a
 * new stream needs a place, as a new stream stamped far ahead can by rule 1. Decisions are a pure function of the
 * frames in order (no wall clock, no arrival time), so a replay of the journal ends the same streams at the same
 * frames.
 *
 * <p>Used by one thread; allocates only at construction.
 */
final class StreamClock
{
    /** Refused streams that keep an anchor (a power of two). */
    static final int REFUSED = 16;

    /** One stream's timing: the anchor mapping its own clock onto G, and G when it was last seen. */
    static final class Timing
    {
        /** The stream's own {@code timestamp_us} at the anchor. */
        long ownUs;
        /** G at the anchor. */
        long clockUs;
        /** G just after the stream's latest frame. */
        long lastSeenUs;
        /** The newest of the stream's own {@code timestamp_us} (rule 1). */
        long newestUs;
    }

    /** Lower bounds of a set's live timings: while a new frame is idle by neither, no stream is idle. */
    static final class Bounds
    {
        /** At most every live stream's {@link Timing#lastSeenUs}: it only grows, and G only grows. */
        long lastSeenUs = Long.MAX_VALUE;
        /** At most every live stream's {@link Timing#newestUs}: it only grows; a new stream lowers the bound. */
        long newestUs = Long.MAX_VALUE;

        /** A stream joined the set. */
        void add(final Timing timing)
        {
            lastSeenUs = Math.min(lastSeenUs, timing.lastSeenUs);
            newestUs = Math.min(newestUs, timing.newestUs);
        }
    }

    private final long idleUs;
    /** G. */
    private long nowUs;
    private final long[] refusedMsb = new long[REFUSED];
    private final long[] refusedLsb = new long[REFUSED];
    private final int[] refusedSource = new int[REFUSED];
    private final boolean[] refusedUsed = new boolean[REFUSED];
    private final Timing[] refusedTiming = new Timing[REFUSED];
    private int nextRefused;

    /** @param idleUs {@code stream_idle_timeout}, of both rules. */
    StreamClock(final long idleUs)
    {
        if (idleUs < 0)
        {
            throw new IllegalArgumentException("idleUs: must not be negative, got " + idleUs);
        }
        this.idleUs = idleUs;
        for (int i = 0; i < REFUSED; i++)
        {
            refusedTiming[i] = new Timing();
        }
    }

    /** G. */
    long nowUs()
    {
        return nowUs;
    }

    /** Whether a stream last seen at {@code lastSeenUs} (a value of G) is idle by the set's clock (rule 2). */
    boolean isIdle(final long lastSeenUs)
    {
        return nowUs - lastSeenUs >= idleUs;
    }

    /** Whether a stream whose newest frame is at {@code newestUs} is idle by a new frame at {@code frameUs} (rule 1). */
    boolean isIdleByFrame(final long newestUs, final long frameUs)
    {
        return frameUs - newestUs >= idleUs; // timestamps are 0 .. 2^53 - 1: no overflow; MAX_VALUE bounds: never
    }

    /** Whether a stream is idle by either rule for a new stream's frame at {@code frameUs}. */
    boolean isIdle(final Timing timing, final long frameUs)
    {
        return isIdle(timing.lastSeenUs) || isIdleByFrame(timing.newestUs, frameUs);
    }

    /** Whether any stream of a set with these bounds may be idle for a new frame at {@code frameUs} (O(1)). */
    boolean mayBeIdle(final Bounds bounds, final long frameUs)
    {
        return isIdle(bounds.lastSeenUs) || isIdleByFrame(bounds.newestUs, frameUs);
    }

    /** A stream's first frame, at its own {@code timestampUs}: anchors its clock at G, and it is seen now. */
    void join(final Timing timing, final long timestampUs)
    {
        timing.ownUs = timestampUs;
        timing.clockUs = nowUs;
        timing.lastSeenUs = nowUs;
        timing.newestUs = timestampUs;
    }

    /** A later frame of a stream: advances G by the stream's own clock, and the stream is seen now. */
    void onFrame(final Timing timing, final long timestampUs)
    {
        advance(timing, timestampUs);
        timing.lastSeenUs = nowUs;
        if (timestampUs > timing.newestUs)
        {
            timing.newestUs = timestampUs;
        }
    }

    /**
     * A frame of a stream refused a place: advances G by that stream's own clock if it was refused before and is
     * still among the {@value #REFUSED} remembered, else remembers it (in place of the one remembered longest).
     */
    void onRefused(final long sessionMsb, final long sessionLsb, final int sourceId, final long timestampUs)
    {
        final int i = refusedIndex(sessionMsb, sessionLsb, sourceId);
        if (i >= 0)
        {
            advance(refusedTiming[i], timestampUs);
            return;
        }
        final int j = nextRefused;
        nextRefused = (j + 1) & (REFUSED - 1);
        refusedMsb[j] = sessionMsb;
        refusedLsb[j] = sessionLsb;
        refusedSource[j] = sourceId;
        refusedUsed[j] = true;
        join(refusedTiming[j], timestampUs);
    }

    /** Forgets a refused stream that got its place (its anchor then lives with the stream). */
    void admitted(final long sessionMsb, final long sessionLsb, final int sourceId)
    {
        final int i = refusedIndex(sessionMsb, sessionLsb, sourceId);
        if (i >= 0)
        {
            refusedUsed[i] = false;
        }
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

    /**
     * G becomes at least the anchor's G plus the stream's own time elapsed since the anchor, by at most the timeout
     * (then the stream is re-anchored at this frame). Saturating: no timestamps overflow it.
     */
    private void advance(final Timing timing, final long timestampUs)
    {
        if (timestampUs <= timing.ownUs)
        {
            return;
        }
        long elapsedUs = timestampUs - timing.ownUs;
        if (elapsedUs < 0)
        {
            elapsedUs = Long.MAX_VALUE; // more than Long.MAX_VALUE apart
        }
        final long behindUs = nowUs - timing.clockUs; // G only grows: at least 0
        if (elapsedUs <= behindUs)
        {
            return;
        }
        long stepUs = elapsedUs - behindUs;
        if (stepUs > idleUs)
        {
            stepUs = idleUs;
        }
        nowUs = nowUs > Long.MAX_VALUE - stepUs ? Long.MAX_VALUE : nowUs + stepUs;
        // Re-anchored at this frame: the same mapping when the step was not cut short, the cut one when it was.
        timing.ownUs = timestampUs;
        timing.clockUs = nowUs;
    }
}
