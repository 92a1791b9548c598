package io.pitgun.engine;

import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.frame.FrameStructure;
import io.pitgun.codecs.frame.RecordedDictionary;
import io.pitgun.codecs.sbe.ManifestLoadedDecoder;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.journal.JournalEntryHandler;
import io.pitgun.journal.JournalGap;
import io.pitgun.journal.JournalGapLog;
import io.pitgun.journal.JournalTailer;
import org.agrona.DirectBuffer;

/**
 * {@link JournalReplayer}'s reading side, step by step: tails a journal, possibly while another thread or process
 * appends to it, and publishes each message, in order, with its position into a pipeline without a journal of its
 * own. A live follower of a journal (a hive's derived output per edge) and a one-shot replay are the same reader, so
 * their output is the same bytes.
 *
 * <pre>{@code
 * JournalFollower follower = new JournalFollower(journal, pipeline, false);
 * while (running) {
 *     int entries = follower.poll(16);   // never waits: stops when the pipeline's ring is short of room
 *     idle.idle(entries);
 * }
 * follower.close();                      // then pipeline.close() drains the rest of the output
 * }</pre>
 *
 * <p><b>Threading:</b> one thread (the journal tailer's); that thread must be the pipeline's only producer, so that
 * the room {@link #poll} sees in the ring is still there when it publishes. {@link #messages()} and
 * {@link #lastPosition()} may be read from any thread.
 */
public final class JournalFollower implements AutoCloseable
{
    /** What {@link #lastPosition()} returns before the first message. */
    public static final long NO_POSITION = Journal.NO_INDEX;

    private final TelemetryPipeline pipeline;
    private final JournalTailer tailer;
    private final Publisher publisher;
    /** The free slots poll needs before it reads an entry: a whole entry's worth. */
    private final int entryRoom;

    /**
     * @param journal           the journal to read from its first message; left open by {@link #close()}.
     * @param pipeline          the pipeline to publish into: built without a journal, left open by {@link #close()}.
     * @param recordedPositions publish each message with the position its record's ingest-time field holds instead
     *                          of its own (a hive's journal of an edge: see {@link JournalReplayer}).
     */
    public JournalFollower(final Journal journal, final TelemetryPipeline pipeline, final boolean recordedPositions)
    {
        this(journal, pipeline, recordedPositions, false);
    }

    /**
     * As {@link #JournalFollower(Journal, TelemetryPipeline, boolean)}; with {@code skipRefused}, a message the
     * pipeline refuses is counted ({@link #malformed()}, {@link #overSlots()}) and passed over instead of thrown,
     * so the rest of its entry and of the journal are still published (a one-shot replay).
     */
    JournalFollower(final Journal journal, final TelemetryPipeline pipeline, final boolean recordedPositions,
        final boolean skipRefused)
    {
        this(journal, pipeline, recordedPositions, skipRefused, false);
    }

    /**
     * As {@link #JournalFollower(Journal, TelemetryPipeline, boolean, boolean)}; with {@code ownDictionaryOnly}, the
     * parts of the journal written with another dictionary than the pipeline's (from a {@code ManifestLoaded}
     * recording it up to the next {@code ManifestLoaded}) are read but not published, where the pipeline would refuse
     * them ({@code ReplayedDictionaryCheck}): for replaying what one live pipeline derived, which ran one dictionary
     * from its own {@code ManifestLoaded} on, so never read a frame of such a part.
     */
    JournalFollower(final Journal journal, final TelemetryPipeline pipeline, final boolean recordedPositions,
        final boolean skipRefused, final boolean ownDictionaryOnly)
    {
        this.pipeline = pipeline;
        // A ring smaller than an entry never has that much room: there poll waits for the rest of a large entry.
        this.entryRoom = Math.min(JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY, pipeline.config().channelCapacity());
        this.publisher = new Publisher(pipeline, recordedPositions, skipRefused, ownDictionaryOnly);
        this.tailer = journal.tailer();
    }

    /**
     * Publishes the messages of up to {@code entryLimit} journal entries, stopping early at the journal's end or
     * when the pipeline's ring has less room than a whole entry, so it never waits for the pipeline (unless its
     * {@code channel_capacity} is below the 64 messages an entry can hold).
     *
     * @return the entries read (0: caught up with the journal, or the pipeline is behind).
     * @throws FrameRejectedException if a message is larger than the pipeline's slots or is not a Pitgun message
     *                                (the message names the journal position); the follower has moved past it.
     */
    public int poll(final int entryLimit)
    {
        int entries = 0;
        while (entries < entryLimit &&
            pipeline.remainingCapacity() >= entryRoom &&
            tailer.readNext(publisher))
        {
            entries++;
        }
        return entries;
    }

    /**
     * Moves to the message at {@code position} (a journal position, as {@code journal dump} prints it): the next
     * read publishes it and what follows, not what came before. For replaying what a pipeline started later (a
     * restarted gateway) derived, from the state it started with.
     *
     * @return false if the journal holds no such message.
     */
    public boolean moveTo(final long position)
    {
        return tailer.moveToIndex(position);
    }

    /**
     * Publishes the messages of the next journal entry, waiting while the pipeline's ring is full.
     *
     * @return false at the journal's end (no complete entry yet).
     * @throws FrameRejectedException as {@link #poll}.
     */
    public boolean readNext()
    {
        return tailer.readNext(publisher);
    }

    /** Messages published so far. */
    public long messages()
    {
        return publisher.count;
    }

    /**
     * The journal position of the last message read (published or not), or {@link #NO_POSITION}: where an in-order
     * read of the journal got to, whatever positions the messages were published with.
     */
    public long lastReadPosition()
    {
        return publisher.lastRead;
    }

    /** The position the last published message was published with, or {@link #NO_POSITION}. */
    public long lastPosition()
    {
        return publisher.lastPosition;
    }

    /**
     * Messages passed over as not well-formed (a follower made to skip them): damage in the journal, since the
     * journal's writer took only whole messages.
     */
    PassedOver malformed()
    {
        return publisher.malformed;
    }

    /**
     * Messages passed over as larger than the pipeline's slots (a follower made to skip them): not damage, the
     * pipeline's {@code max_frame_bytes} is below the writer's.
     */
    PassedOver overSlots()
    {
        return publisher.overSlots;
    }

    /**
     * Publishes only the messages before {@code position} from now on: the later ones are read, not published (the
     * end of a range replayed).
     */
    void publishBefore(final long position)
    {
        publisher.publishBefore = position;
    }

    /** The position from which messages are not published ({@link #publishBefore(long)}; none by default). */
    long publishBefore()
    {
        return publisher.publishBefore;
    }

    /** Messages read but not published as written with another dictionary (a follower made to keep to its own). */
    PassedOver otherDictionary()
    {
        return publisher.otherDictionary;
    }

    /** Messages a follower made to skip refusals passed over for one kind of reason: how many, the first named. */
    static final class PassedOver
    {
        private long count;
        private String first;

        private void add(final String why)
        {
            if (count++ == 0)
            {
                first = why;
            }
        }

        /** As {@link #add(String)} for the message at {@code index}, naming it only when it is the first. */
        private void add(final long index, final String why)
        {
            if (count++ == 0)
            {
                first = "journal entry " + index + ": " + why;
            }
        }

        /** How many, and the first, as {@code "N message(s) WHAT, the first: ..."}; null when there were none. */
        String describe(final String what)
        {
            return count == 0 ? null :
                String.format("%,d message%s %s, the first: %s", count, count == 1 ? "" : "s", what, first);
        }
    }

    /** Entries found missing between two cycle files read so far ({@link JournalTailer#gaps()}). */
    long gaps()
    {
        return tailer.gaps();
    }

    /** The first of {@link #gaps()}, or null. */
    JournalGap firstGap()
    {
        return tailer.firstGap();
    }

    /**
     * Tells {@code gapLog} of each gap between cycle files the follower reads across ({@link JournalTailer#onGap}):
     * a live follower's count and log of them.
     */
    public void onGap(final JournalGapLog gapLog)
    {
        tailer.onGap(gapLog);
    }

    /** Closes the tailer (on the reading thread); the journal and the pipeline stay open. */
    @Override
    public void close()
    {
        tailer.close();
    }

    private static final class Publisher implements JournalEntryHandler
    {
        private final TelemetryPipeline pipeline;
        private final boolean recordedPositions;
        private final boolean skipRefused;
        private final boolean ownDictionaryOnly;
        /** How the dictionary the last ManifestLoaded read recorded is not the pipeline's, or null when it is. */
        private String otherDictionaryPart;
        private long publishBefore = Long.MAX_VALUE;
        // Written by the reading thread only; volatile so that other threads read them whole.
        private volatile long count;
        private volatile long lastPosition = NO_POSITION;
        private volatile long lastRead = NO_POSITION;
        private final PassedOver malformed = new PassedOver();
        private final PassedOver overSlots = new PassedOver();
        private final PassedOver otherDictionary = new PassedOver();

        Publisher(final TelemetryPipeline pipeline, final boolean recordedPositions, final boolean skipRefused,
            final boolean ownDictionaryOnly)
        {
            this.pipeline = pipeline;
            this.recordedPositions = recordedPositions;
            this.skipRefused = skipRefused;
            this.ownDictionaryOnly = ownDictionaryOnly;
        }

        @Override
        public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
            final long ingestTimeNs)
        {
            lastRead = index;
            final long position = recordedPositions ? ingestTimeNs : index;
            if (index >= publishBefore)
            {
                return;
            }
            if (ownDictionaryOnly && isOtherDictionary(buffer, offset, length))
            {
                otherDictionary.add(index, otherDictionaryPart);
                return;
            }
            try
            {
                pipeline.publishReplayed(buffer, offset, length, position);
            }
            catch (final FrameRejectedException ex)
            {
                final String refusal = "journal entry " + index + ": " + ex.getMessage();
                if (!skipRefused)
                {
                    throw new FrameRejectedException(ex.reason(), refusal);
                }
                // Refused before it took a slot, so the pipeline is as if the message were not there.
                (ex.reason() == PipelineCounter.DROPPED_FRAME_TOO_LARGE ? overSlots : malformed).add(refusal);
                return;
            }
            count++;
            lastPosition = position;
        }

        /** Whether the message is of a part written with another dictionary, as the last ManifestLoaded says. */
        private boolean isOtherDictionary(final DirectBuffer buffer, final int offset, final int length)
        {
            // One that is not well-formed is left to publishReplayed, which refuses it as such.
            if (length >= MessageHeaderDecoder.ENCODED_LENGTH &&
                FrameDescriptor.templateId(buffer, offset) == ManifestLoadedDecoder.TEMPLATE_ID &&
                FrameStructure.isReadable(FrameStructure.checkExactly(buffer, offset, length)))
            {
                otherDictionaryPart = RecordedDictionary.of(buffer, offset)
                    .disagreement(pipeline.dictionary(), "this pipeline's");
            }
            return otherDictionaryPart != null;
        }
    }
}
