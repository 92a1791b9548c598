package io.pitgun.testsupport;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalEntryDescriptor;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes journal entries as builds from before event identity was stored wrote them: record format 0
 * ({@link JournalEntryDescriptor#FORMAT_PLAIN}, each message record an ingest time, a length and the SBE message).
 * The journal API writes format 1 only, so this writes the Chronicle document itself.
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
}
