package io.pitgun.testsupport;

import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.sbe.PipelineDrainedDecoder;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.journal.JournalEntryHandler;
import io.pitgun.journal.JournalTailer;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Journals as older builds wrote them. Entries as builds from before event identity was stored wrote them: record
 * format 0 ({@link JournalEntryDescriptor#FORMAT_PLAIN}, each message record an ingest time, a length and the SBE
 * message). The journal API writes format 1 only, so this writes the Chronicle document itself.
 */
public final class OlderJournal
{
    private OlderJournal()
    {
    }

    /**
     * Appends {@code messages} as one format-0 entry to the journal at {@code journalDirectory} (created, as with
     * the journal API, if there is none), each with {@code ingestTimeNs}.
     */
    public static void appendPlainEntry(final Path journalDirectory, final List<byte[]> messages,
        final long ingestTimeNs)
    {
        if (messages.isEmpty() || messages.size() > JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY)
        {
            throw new IllegalArgumentException("an entry holds 1 to " +
                JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY + " messages, not " + messages.size());
        }
        Journal.open(JournalConfig.of(journalDirectory)).close(); // the journal's files, as its API creates them
        int length = JournalEntryDescriptor.ENTRY_HEADER_LENGTH;
        for (final byte[] message : messages)
        {
            length += JournalEntryDescriptor.PLAIN_MESSAGE_OFFSET + message.length;
        }
        final ByteBuffer entry = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        entry.putInt(messages.size()).putInt(JournalEntryDescriptor.FORMAT_PLAIN);
        for (final byte[] message : messages)
        {
            entry.putLong(ingestTimeNs).putInt(message.length).put(message);
        }
        try (ChronicleQueue queue = ChronicleQueue.singleBuilder(journalDirectory)
                .rollCycle(RollCycles.valueOf(JournalConfig.DEFAULT_ROLL_CYCLE)).build();
             ExcerptAppender appender = queue.createAppender();
             DocumentContext document = appender.writingDocument())
        {
            document.wire().bytes().write(entry.array());
        }
    }

    /**
     * Copies the journal at {@code source} to {@code target} (a new directory) as a build from before the
     * {@code PipelineDrained} entry existed would have written it: every entry but those holding a
     * {@code PipelineDrained}. Entries are copied byte for byte, each into its own roll cycle (a run that crossed an
     * hour has two cycle files), so those before the first one left out keep their indexes.
     */
    public static void copyWithoutPipelineDrained(final Path source, final Path target)
    {
        final Set<Long> drained = new HashSet<>();
        try (Journal journal = Journal.open(JournalConfig.readOnly(source));
             JournalTailer tailer = journal.tailer())
        {
            final JournalEntryHandler collect = (index, buffer, offset, length, ingestTimeNs) ->
            {
                final long entry = JournalEntryDescriptor.entryIndex(index); // index is a message's position
                if (FrameDescriptor.templateId(buffer, offset) == PipelineDrainedDecoder.TEMPLATE_ID)
                {
                    drained.add(entry);
                }
            };
            while (tailer.readNext(collect))
            {
                // every entry
            }
        }
        Journal.open(JournalConfig.of(target)).close(); // the journal's files, as its API creates them
        final RollCycle rollCycle = RollCycles.valueOf(JournalConfig.DEFAULT_ROLL_CYCLE);
        try (ChronicleQueue from = ChronicleQueue.singleBuilder(source).rollCycle(rollCycle).readOnly(true).build();
             ExcerptTailer reader = from.createTailer())
        {
            final SetTimeProvider clock = new SetTimeProvider(0);
            try (ChronicleQueue to = ChronicleQueue.singleBuilder(target).rollCycle(rollCycle).timeProvider(clock)
                    .build();
                 ExcerptAppender appender = to.createAppender())
            {
                while (true)
                {
                    try (DocumentContext document = reader.readingDocument())
                    {
                        if (!document.isPresent())
                        {
                            return;
                        }
                        if (!drained.contains(document.index()))
                        {
                            // The start of the entry's own cycle: the appender writes into the cycle of its clock.
                            clock.currentTimeMillis((long)rollCycle.toCycle(document.index()) *
                                rollCycle.lengthInMillis());
                            final byte[] entry = document.wire().bytes().toByteArray();
                            try (DocumentContext copy = appender.writingDocument())
                            {
                                copy.wire().bytes().write(entry);
                            }
                        }
                    }
                }
            }
        }
    }
}
