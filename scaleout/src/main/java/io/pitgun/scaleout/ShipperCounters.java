package io.pitgun.scaleout;

import io.pitgun.journal.JournalGapLog;
import org.slf4j.LoggerFactory;

/**
 * An edge shipper's counters (seed 002's names, {@code pitgun_} prefixed in exports). Written only by the shipper's
 * thread; read from any thread (volatile fields: a reader sees each value as last written, not a consistent set).
 */
public final class ShipperCounters
{
    /** {@link #connectionState()}: the publication has no connected hive. */
    public static final int NOT_CONNECTED = 0;
    /** {@link #connectionState()}: connected, waiting for the hive to say what it holds. */
    public static final int AWAITING_ACK = 1;
    /** {@link #connectionState()}: connected and shipping. */
    public static final int SHIPPING = 2;

    private volatile long framesShipped;
    private volatile long batchesShipped;
    private volatile long bytesShipped;
    private volatile long ackedIndex = io.pitgun.journal.Journal.NO_INDEX;
    private volatile long lagFrames;
    private volatile long behindSinceNs;
    private volatile int connectionState;
    private volatile long rewinds;
    private volatile long clientReconnects;
    private volatile long journalGaps;
    private volatile int stalled;
    private volatile long acksMissingMac;
    private volatile long acksBadMac;
    private final JournalGapLog journalCycleGaps = new JournalGapLog(LoggerFactory.getLogger(EdgeShipperAgent.class),
        "shipper", "the frames those entries held that the hive did not hold already never reach it; it takes the " +
        "frame after the gap as the successor of the one before it (pitgun journal verify names every gap)");

    /** {@link #stalled()}: shipping goes on. */
    public static final int NOT_STALLED = 0;
    /** {@link #stalled()}: a frame is larger than a batch can carry; nothing after it is shipped. */
    public static final int STALLED_FRAME_TOO_LARGE = 1;
    /**
     * {@link #stalled()}: the hive holds positions of this edge id that this journal does not (a journal deleted or
     * reset under the same {@code edge-id}, or a tail lost with its machine): its frames would be taken for ones the
     * hive has. Nothing is shipped until the edge gets a new id.
     */
    public static final int STALLED_JOURNAL_DIVERGED = 2;
    /**
     * {@link #stalled()}: the hive refuses this edge because another live connection ships under the same edge id (a
     * copied data directory). Not for good: the hive takes this edge once the other has gone.
     */
    public static final int STALLED_DUPLICATE_EDGE_ID = 3;
    private volatile long unacknowledgedEntries;

    /**
     * Journal documents (Chronicle excerpts, each a batch of one or more messages) after the one holding the last
     * frame the hive acknowledged, counted about once a second from the journal's index
     * ({@code pitgun_ship_unacknowledged_journal_entries}): what only this edge's journal holds. Counting messages
     * would mean reading every unacknowledged document once a second.
     */
    public long unacknowledgedEntries()
    {
        return unacknowledgedEntries;
    }

    void unacknowledgedEntries(final long entries)
    {
        unacknowledgedEntries = entries;
    }

    /** Why shipping stopped for good ({@code pitgun_ship_stalled}), or {@link #NOT_STALLED}. */
    public int stalled()
    {
        return stalled;
    }

    void stall(final int reason)
    {
        stalled = reason;
    }

    /** Frames sent to the hive, resends after a rewind included ({@code pitgun_events_shipped_total}). */
    public long framesShipped()
    {
        return framesShipped;
    }

    /** Batches sent, hellos not counted ({@code pitgun_batches_shipped_total}). */
    public long batchesShipped()
    {
        return batchesShipped;
    }

    /** Bytes of batches sent ({@code pitgun_bytes_shipped_total}). */
    public long bytesShipped()
    {
        return bytesShipped;
    }

    /**
     * Frames lost to back-pressure ({@code pitgun_events_dropped_total}): always 0, since the shipper reads the
     * journal and waits instead of dropping; kept so the seed's dashboard shows it.
     */
    public long framesDropped()
    {
        return 0;
    }

    /** The last edge position the hive has acknowledged holding, or {@code Journal.NO_INDEX}. */
    public long ackedIndex()
    {
        return ackedIndex;
    }

    /** Frames shipped and not yet acknowledged ({@code pitgun_ship_lag_frames}); frames not yet read from the
     *  journal are not counted. */
    public long lagFrames()
    {
        return lagFrames;
    }

    /**
     * Seconds since the shipper last had nothing to ship and nothing unacknowledged ({@code pitgun_ship_lag_seconds}):
     * 0 while caught up.
     */
    public double lagSeconds(final long nowNs)
    {
        final long since = behindSinceNs;
        return since == 0 ? 0.0 : Math.max(0, nowNs - since) / 1e9;
    }

    /** {@link #NOT_CONNECTED}, {@link #AWAITING_ACK} or {@link #SHIPPING} ({@code pitgun_ship_connection_state}). */
    public int connectionState()
    {
        return connectionState;
    }

    /** Times the shipper went back to what the hive acknowledged (after a reconnect, a gap or a silent hive). */
    public long rewinds()
    {
        return rewinds;
    }

    void onBatchShipped(final int frames, final int bytes)
    {
        framesShipped += frames;
        batchesShipped++;
        bytesShipped += bytes;
    }

    void ackedIndex(final long index)
    {
        ackedIndex = index;
    }

    void lagFrames(final long frames)
    {
        lagFrames = frames;
    }

    /** Records whether the shipper is caught up; while it is not, keeps the time it fell behind. */
    void caughtUp(final boolean caughtUp, final long nowNs)
    {
        if (caughtUp)
        {
            if (behindSinceNs != 0)
            {
                behindSinceNs = 0;
            }
        }
        else if (behindSinceNs == 0)
        {
            behindSinceNs = nowNs | 1; // never 0, which means caught up
        }
    }

    void connectionState(final int state)
    {
        if (connectionState != state)
        {
            connectionState = state;
        }
    }

    void onRewind()
    {
        rewinds++;
    }

    /**
     * Times Aeron closed the shipper's client (the edge process stood still past its driver's client liveness
     * timeout) and the shipper connected a new one ({@code pitgun_ship_client_reconnects_total}).
     */
    public long clientReconnects()
    {
        return clientReconnects;
    }

    void onClientReconnect()
    {
        clientReconnects++;
    }

    /**
     * Times the hive's acknowledged position was not in the journal and the journal's first frame is later than it:
     * the cycle files that held it were deleted, and with them any frame after it the hive did not yet have
     * ({@code pitgun_ship_journal_gaps_total}). Shipping goes on from the journal's first frame.
     */
    public long journalGaps()
    {
        return journalGaps;
    }

    void onJournalGap()
    {
        journalGaps++;
    }

    /**
     * Gaps between cycle files the shipper read across in its journal (a cycle file deleted from the middle of it,
     * {@code pitgun_ship_journal_cycle_gaps_total}), each counted once however often a rewind reads across it again
     * and logged at WARN: the frames the missing entries held that the hive did not hold already never reach it.
     * Not {@link #journalGaps()}, which counts the hive's acknowledged position found deleted from the journal's
     * start.
     */
    public long journalCycleGaps()
    {
        return journalCycleGaps.gaps();
    }

    /** What counts {@link #journalCycleGaps()}: given to each tailer of the shipper ({@code onGap}). */
    JournalGapLog journalCycleGapLog()
    {
        return journalCycleGaps;
    }

    /** ACKs refused by a signed edge for {@code reason}; safe from any thread. */
    public long acksRefused(final AckRefusal reason)
    {
        return reason == AckRefusal.MISSING_MAC ? acksMissingMac : acksBadMac;
    }

    void onAckRefused(final AckRefusal reason)
    {
        if (reason == AckRefusal.MISSING_MAC)
        {
            acksMissingMac++;
        }
        else
        {
            acksBadMac++;
        }
    }

    /** Why a signed edge refused an ACK ({@code pitgun_ship_acks_refused_total{reason}}). */
    public enum AckRefusal
    {
        /** The ACK carries no MAC: a hive without this edge's secret, or a forgery. */
        MISSING_MAC,
        /** The ACK's MAC is not the one of its bytes under the edge's secret: forged or altered. */
        BAD_MAC;

        /** The metric label: the constant's name in lower case. */
        public String label()
        {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
