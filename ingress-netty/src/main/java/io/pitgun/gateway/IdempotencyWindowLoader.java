package io.pitgun.gateway;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.journal.JournalEventStamp;
import io.pitgun.journal.JournalException;
import io.pitgun.journal.JournalGap;
import io.pitgun.journal.JournalGapLog;
import io.pitgun.journal.JournalNewerFormatException;
import io.pitgun.journal.JournalStampedEntryHandler;
import io.pitgun.journal.JournalTailer;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Refills an {@link IdempotencyWindow} from the journal's tail at gateway start, before any connection is
 * accepted, so that a retry of an envelope journaled before a restart or a {@code kill -9} is not ingested again.
 * <p>
 * Reads entries backwards from the end and keeps, per {@code event_id}, its most recent message: since an
 * envelope's frames are journaled in order and as a prefix ({@link JournalEntryDescriptor}, "Event identity"),
 * that message's ordinal + 1 is how many of its frames are durable, so a retry publishes exactly the rest. Stops
 * where the running gateway's window would have forgotten the rest too: after {@code capacity} distinct ids, or at
 * the first entry journaled longer than the window's age ago; and at a damaged entry (reported), or when the read
 * has taken {@link #READ_BUDGET_NS} (reported), then restores the ids oldest first.
 * <p>
 * Entries of record format 0 ({@link JournalEntryDescriptor#FORMAT_PLAIN}, journaled by a build from before event
 * identity was stored) hold no ids: nothing restores them, and retries of their envelopes are ingested again. The
 * restore counts and reports those it reads. An entry of a record format newer than this build knows (written by a
 * newer build, e.g. after a rollback) is not passed over as damage: its ids cannot be read either, and the gateway
 * refuses to start on it ({@link #restore}), as {@code Journal.open} refuses a tail it cannot read through.
 * <p>
 * The age is told by the entries' ingest times, which come from the monotonic clock of the process that journaled
 * them: on Linux one clock since boot, which never runs faster than real time, so an entry's age measured with it
 * is never more than its real age (after a reboot it is less, or negative: then unknown, and reading goes on). It
 * used to stop after 64 messages per window entry instead, and forgot ids the running gateway still remembered: an
 * envelope followed by two of 1,024 frames, or by binary WebSocket frames, was journaled again when retried after a
 * restart.
 * Cold path: allocates freely.
 */
final class IdempotencyWindowLoader
{
    /** What one load did. */
    record Result(int idsRestored, long messagesRead, boolean stoppedAtBudget, String problem,
        long plainEntries, long plainMessages, long gaps, JournalGap firstGap)
    {
    }

    /**
     * The longest the read may take: bounds the start-up time when the window's age holds more messages than can be
     * read in it (hundreds of millions of binary WebSocket frames); ids older than where it stopped are not
     * remembered, and the log says so.
     */
    static final long READ_BUDGET_NS = TimeUnit.SECONDS.toNanos(30);
    /** Entries read between two looks at the clock. */
    private static final int ENTRIES_PER_CLOCK_READ = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyWindowLoader.class);

    private IdempotencyWindowLoader()
    {
    }

    /**
     * The gateway's start: restores {@code window} from {@code journal} (reading for at most
     * {@link #READ_BUDGET_NS}), counts the ids restored and logs what it did.
     *
     * @throws GatewayConfigException if an entry read has a record format newer than this build knows.
     */
    static void restore(final Journal journal, final IdempotencyWindow window, final GatewayCounters counters)
    {
        final long startNs = System.nanoTime();
        final Result result;
        try
        {
            result = load(journal, window, READ_BUDGET_NS, startNs);
        }
        catch (final JournalNewerFormatException ex)
        {
            throw new GatewayConfigException(List.of(newerFormatRefusal(journal.config().directory(), ex)));
        }
        counters.idempotencyRestored.add(result.idsRestored());
        counters.idempotencyUnidentified.add(result.plainMessages());
        counters.idempotencyJournalGaps.add(result.gaps());
        if (result.gaps() > 0)
        {
            LOG.warn(JournalGapLog.describe("idempotency window", result.gaps(), result.firstGap(), "retries of " +
                "envelopes journaled in the missing entries will be ingested again (run pitgun journal verify " +
                journal.config().directory() + ")"));
        }
        if (result.problem() != null)
        {
            LOG.warn("idempotency window: stopped reading the journal at a damaged entry ({}); retries of envelopes " +
                "journaled before it may be ingested again", result.problem());
        }
        if (result.plainEntries() > 0)
        {
            LOG.warn("idempotency window: {} journal entries ({} messages) within the window carry no event_ids: " +
                "they have record format 0, journaled by a build from before event ids were stored, so retries of " +
                "the envelopes in them will be ingested again (journaled twice) until they are older than the " +
                "window (docs/gateway.md, Idempotency)", result.plainEntries(), result.plainMessages());
        }
        LOG.info("idempotency window: restored {} event_ids from the journal's last {} messages in {} ms{}",
            result.idsRestored(), result.messagesRead(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs),
            result.stoppedAtBudget() ? " (stopped after " + TimeUnit.NANOSECONDS.toSeconds(READ_BUDGET_NS) +
                " s of reading: older ids are not remembered, and their retries are ingested again)" : "");
    }

    /** The gateway's refusal to start on a journal holding an entry of a newer record format. */
    static String newerFormatRefusal(final Path journalDirectory, final JournalNewerFormatException ex)
    {
        return GatewaySetting.DATA_DIR.label() + ": " + journalDirectory + ": entry at " + ex.position() +
            " has record format " + ex.format() + ", which this build does not know (it reads " +
            JournalEntryDescriptor.FORMAT_PLAIN + " and " + JournalEntryDescriptor.FORMAT_EVENT_IDENTITY +
            "): it was written by a newer build of pitgun, and the event_ids in it cannot be read, so retries of " +
            "its envelopes would be ingested again. Run that newer build on this data directory, or move " +
            journalDirectory + " aside to start this one on an empty journal";
    }

    /**
     * Restores into {@code window} the most recent ids of {@code journal}.
     *
     * @param budgetNs how long the read may take.
     * @param nowNs    the monotonic time now, which the entries' ingest times are compared with.
     * @throws JournalNewerFormatException if an entry read has a record format newer than this build knows.
     */
    static Result load(final Journal journal, final IdempotencyWindow window, final long budgetNs, final long nowNs)
    {
        final int capacity = window.capacity();
        final long[] msbs = new long[capacity];
        final long[] lsbs = new long[capacity];
        final long[] digests = new long[capacity];
        final int[] frames = new int[capacity];
        final int[] journaled = new int[capacity];
        final long[] positions = new long[capacity];
        final Set<IdKey> seen = new HashSet<>();
        final EntryCollector entry = new EntryCollector();
        int found = 0;
        long read = 0;
        long entries = 0;
        long plainEntries = 0;
        long plainMessages = 0;
        boolean overBudget = false;
        String problem = null;
        long gaps = 0;
        JournalGap firstGap = null;
        try (JournalTailer tailer = journal.tailer())
        {
            tailer.readBackwardsFromEnd();
            while (found < capacity && tailer.readNext(entry.reset()))
            {
                // Counted even when this entry is older than the window: the missing ones after it may not be.
                gaps = tailer.gaps();
                firstGap = tailer.firstGap();
                read += entry.count;
                if (entry.count > 0 && nowNs - entry.newestIngestTimeNs > window.windowNs())
                {
                    break; // journaled longer ago than the window remembers: so is everything before it
                }
                if (++entries % ENTRIES_PER_CLOCK_READ == 0 && System.nanoTime() - nowNs > budgetNs)
                {
                    overBudget = true;
                    break;
                }
                if (entry.plain)
                {
                    plainEntries++;
                    plainMessages += entry.count;
                }
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
                        positions[found] = entry.positions[m];
                        found++;
                    }
                }
            }
        }
        catch (final JournalNewerFormatException ex)
        {
            throw ex; // not damage to pass over: the caller refuses the journal
        }
        catch (final JournalException ex)
        {
            // A damaged entry: keep what was restored from the entries after it, and say so. Refusing to start
            // would turn one bad entry into an outage; the journal tools locate it.
            problem = ex.getMessage();
        }
        for (int i = found - 1; i >= 0; i--)
        {
            window.restore(msbs[i], lsbs[i], digests[i], frames[i], journaled[i], positions[i], nowNs);
        }
        return new Result(found, read, overBudget, problem, plainEntries, plainMessages, gaps, firstGap);
    }

    private record IdKey(long msb, long lsb)
    {
    }

    /** The identities of one entry's messages, in order. */
    private static final class EntryCollector implements JournalStampedEntryHandler
    {
        /** Each message's journal position, what a journaled answer names as {@code journal_index}. */
        final long[] positions = new long[JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY];
        final long[] msbs = new long[JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY];
        final long[] lsbs = new long[JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY];
        final long[] digests = new long[JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY];
        final int[] ordinals = new int[JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY];
        final int[] frames = new int[JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY];
        int count;
        long newestIngestTimeNs;
        /** Record format 0: journaled before event identity was stored, so no message has an id. */
        boolean plain;

        EntryCollector reset()
        {
            count = 0;
            newestIngestTimeNs = Long.MIN_VALUE;
            plain = false;
            return this;
        }

        @Override
        public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
            final long ingestTimeNs, final JournalEventStamp stamp)
        {
            positions[count] = index;
            msbs[count] = stamp.eventIdMsb();
            lsbs[count] = stamp.eventIdLsb();
            digests[count] = stamp.contentDigest();
            ordinals[count] = stamp.frameOrdinal();
            frames[count] = stamp.frameCount();
            plain = stamp.recordFormat() == JournalEntryDescriptor.FORMAT_PLAIN;
            count++;
            // The largest, not the last: a difference, as monotonic times must be compared.
            if (count == 1 || ingestTimeNs - newestIngestTimeNs > 0)
            {
                newestIngestTimeNs = ingestTimeNs;
            }
        }
    }
}
