package io.pitgun.journal;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Before a writable open appends: the journal's last cycle file must read through, in order, from its first entry to
 * the last index Chronicle claims. Chronicle appends at the write position its file header records, past any damaged
 * record header; a header zeroed or marked metadata by damage ends (or skips) every in-order read there, so frames
 * appended after it, and acknowledged as journaled, would never be read by a tailer, a replay or the journal tools.
 * Refusing to append is the one safe answer; the operator learns where from {@code pitgun journal verify}.
 * <p>
 * Only the last cycle file is read (at most one roll cycle, an hour by default): it is the one appends go to, and
 * reading it costs about as much as reading its records' headers and lengths. Damage in earlier cycle files does
 * not hide new frames, and is left to the journal tools. A fault reading a file cut short (an
 * {@link InternalError}, see {@link CutCycleFiles}) is refused the same way.
 */
final class ReadableTail
{
    private static final Logger LOG = LoggerFactory.getLogger(ReadableTail.class);

    private ReadableTail()
    {
    }

    /**
     * @return the Chronicle index of the journal's last entry, or {@link CycleMarker#NONE} when it has none.
     * @throws JournalException saying why the last cycle file cannot be read through, and to run
     *                          {@code pitgun journal verify}.
     */
    static long require(final SingleChronicleQueue queue, final Path directory)
    {
        final long started = System.nanoTime();
        final long last;
        long read = -1;
        long entries = 0;
        final RollCycle rollCycle = queue.rollCycle();
        try
        {
            last = queue.lastIndex();
            if (last < 0 || last == Long.MAX_VALUE)
            {
                return CycleMarker.NONE; // a new or empty journal
            }
            final long first = rollCycle.toIndex(rollCycle.toCycle(last), 0);
            try (ExcerptTailer tailer = queue.createTailer())
            {
                if (tailer.moveToIndex(first))
                {
                    while (read < last)
                    {
                        try (DocumentContext document = tailer.readingDocument())
                        {
                            if (!document.isPresent())
                            {
                                break;
                            }
                            read = document.index();
                            entries++;
                        }
                    }
                }
            }
        }
        catch (final InternalError ex)
        {
            throw new JournalDamagedException("DAMAGED: " + CutCycleFiles.describeFault(directory, ex) + "; frames " +
                "appended now could not be read: run `pitgun journal verify " + directory + "`", ex);
        }
        final double ms = (System.nanoTime() - started) / 1e6;
        if (read != last)
        {
            throw new JournalDamagedException("DAMAGED: its last cycle file does not read through: reading in order " +
                (read < 0 ? "finds no entry" : "stops after index " + JournalEntryDescriptor.position(read, 0)) +
                ", but the journal claims entries up to index " + JournalEntryDescriptor.position(last, 0) +
                ", so frames appended now could not be read: run `pitgun journal verify " + directory + "`");
        }
        LOG.debug("{}: read the last cycle file's {} entries through in {} ms", directory, entries, ms);
        return last;
    }
}
