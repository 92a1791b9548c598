package io.pitgun.gateway;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.journal.JournalEventStamp;
import io.pitgun.journal.JournalException;
import io.pitgun.journal.JournalStampedEntryHandler;
import io.pitgun.journal.JournalTailer;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Refills an {@link IdempotencyWindow} from the journal's tail at gateway start, before any connection is
 * accepted, so that a retry of an envelope journaled before a restart or a {@code kill -9} is not ingested again.
 * <p>
 * Reads entries backwards from the end and keeps, per {@code event_id}, its most recent message: since an
 * envelope's frames are journaled in order and as a prefix ({@link JournalEntryDescriptor}, "Event identity"),
 * that message's ordinal + 1 is how many of its frames are durable, so a retry publishes exactly the rest. Stops
 * after {@code capacity} distinct ids (older ones would be forgotten anyway) or {@code maxMessages} messages (so a
 * journal full of messages without an event id cannot make start-up slow) or at a damaged entry (reported), then
 * restores the ids oldest first.
 * Cold path: allocates freely.
 */
final class IdempotencyWindowLoader
{
    /** What one load did. */
    record Result(int idsRestored, long messagesRead, boolean stoppedAtLimit, String problem)
    {
    }

    /**
     * Journal messages read at start per idempotency entry, at most: bounds the start-up time when the journal's
     * tail holds many messages without an event id (binary WebSocket frames, long envelopes).
     */
    static final int RESTORE_MESSAGES_PER_ID = 64;

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyWindowLoader.class);

    private IdempotencyWindowLoader()
    {
    }

    /**
     * The gateway's start: restores {@code window} from {@code journal} (at most {@link #RESTORE_MESSAGES_PER_ID}
     * messages per entry of the window), counts the ids restored and logs what it did.
     */
    static void restore(final Journal journal, final IdempotencyWindow window, final GatewayCounters counters)
    {
        final long startNs = System.nanoTime();
        final Result result = load(journal, window, (long)window.capacity() * RESTORE_MESSAGES_PER_ID, startNs);
        counters.idempotencyRestored.add(result.idsRestored());
        if (result.problem() != null)
        {
            LOG.warn("idempotency window: stopped reading the journal at a damaged entry ({}); retries of envelopes " +
                "journaled before it may be ingested again", result.problem());
        }
        LOG.info("idempotency window: restored {} event_ids from the journal's last {} messages in {} ms{}",
            result.idsRestored(), result.messagesRead(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs),
            result.stoppedAtLimit() ? " (stopped at the read limit: older ids are not remembered)" : "");
    }

    /**
     * Restores into {@code window} the most recent ids of {@code journal}.
     *
     * @param maxMessages the most messages to read.
     */
    static Result load(final Journal journal, final IdempotencyWindow window, final long maxMessages,
        final long nowNs)
    {
        final int capacity = window.capacity();
        final long[] msbs = new long[capacity];
        final long[] lsbs = new long[capacity];
        final long[] digests = new long[capacity];
        final int[] frames = new int[capacity];
        final int[] journaled = new int[capacity];
        final Set<IdKey> seen = new HashSet<>();
        final EntryCollector entry = new EntryCollector();
        int found = 0;
        long read = 0;
        String problem = null;
        try (JournalTailer tailer = journal.tailer())
        {
            tailer.readBackwardsFromEnd();
            while (found < capacity && read < maxMessages && tailer.readNext(entry.reset()))
            {
                read += entry.count;
                // Within the entry, newest message first, so the first one seen per id is its most recent.
                for (int m = entry.count - 1; m >= 0 && found < capacity; m--)
                {
                    if (entry.frames[m] > 0 && seen.add(new IdKey(entry.msbs[m], entry.lsbs[m])))
                    {
                        msbs[found] = entry.msbs[m];
                        lsbs[found] = entry.lsbs[m];
                        digests[found] = entry.digests[m];
                        frames[found] = entry.frames[m];
                        journaled[found] = entry.ordinals[m] + 1;
                        found++;
                    }
                }
            }
        }
        catch (final JournalException ex)
        {
            // A damaged entry: keep what was restored from the entries after it, and say so. Refusing to start
            // would turn one bad entry into an outage; the journal tools locate it.
            problem = ex.getMessage();
        }
        for (int i = found - 1; i >= 0; i--)
        {
            window.restore(msbs[i], lsbs[i], digests[i], frames[i], journaled[i], nowNs);
        }
        return new Result(found, read, found < capacity && read >= maxMessages, problem);
    }

    private record IdKey(long msb, long lsb)
    {
    }

    /** The identities of one entry's messages, in order. */
    private static final class EntryCollector implements JournalStampedEntryHandler
    {
        final long[] msbs = new long[JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY];
        final long[] lsbs = new long[JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY];
        final long[] digests = new long[JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY];
        final int[] ordinals = new int[JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY];
        final int[] frames = new int[JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY];
        int count;

        EntryCollector reset()
        {
            count = 0;
            return this;
        }

        @Override
        public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
            final long ingestTimeNs, final JournalEventStamp stamp)
        {
            msbs[count] = stamp.eventIdMsb();
            lsbs[count] = stamp.eventIdLsb();
            digests[count] = stamp.contentDigest();
            ordinals[count] = stamp.frameOrdinal();
            frames[count] = stamp.frameCount();
            count++;
        }
    }
}
