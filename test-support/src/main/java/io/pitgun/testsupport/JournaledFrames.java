package io.pitgun.testsupport;

import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalTailer;
import org.agrona.DirectBuffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * How many times each {@code (session, sequence)} frame is in a gateway's journal, read with the journal API after
 * the gateway stopped. The reference for "every acknowledged frame exactly once".
 */
public final class JournaledFrames
{
    /** One frame's name. */
    public record FrameKey(UUID sessionId, long sequence)
    {
    }

    /**
     * One journaled frame, copied out: its identity, time, lap and sector ({@code 65535} and {@code 255}: absent)
     * and each sample's value by channel id (floats and integers as doubles, booleans as 0 or 1).
     */
    public record Frame(UUID sessionId, int sourceId, long sequence, long timestampUs, int lapNumber, int sector,
        Map<Integer, Double> values)
    {
    }

    /** Every TelemetryFrame of the journal at {@code journalDir}, in journal order, copied out. */
    public static List<Frame> frames(final Path journalDir)
    {
        final List<Frame> frames = new ArrayList<>();
        forEachFrame(journalDir, frame ->
        {
            final UUID session = new UUID(frame.sessionId().mostSigBits(), frame.sessionId().leastSigBits());
            final int sourceId = frame.sourceId();
            final long sequence = frame.sequence();
            final long timestampUs = frame.timestampUs();
            final int lap = frame.lapNumber();
            final int sector = frame.sector();
            final Map<Integer, Double> values = new java.util.LinkedHashMap<>();
            for (final TelemetryFrameDecoder.SamplesDecoder sample : frame.samples())
            {
                final long bits = sample.value();
                final double value = switch (sample.valueType())
                {
                    case F32, F64 -> Double.longBitsToDouble(bits);
                    default -> (double)bits;
                };
                values.put(sample.parameterId(), value);
            }
            frames.add(new Frame(session, sourceId, sequence, timestampUs, lap, sector, values));
        });
        return frames;
    }

    private final Map<FrameKey, Integer> counts = new HashMap<>();
    private long frames;

    private JournaledFrames()
    {
    }

    /** Reads every TelemetryFrame of {@code dataDir/journal} (none when there is no journal yet). */
    public static JournaledFrames read(final Path dataDir)
    {
        final JournaledFrames result = new JournaledFrames();
        forEachFrame(dataDir.resolve("journal"), frame ->
        {
            final UUID session = new UUID(frame.sessionId().mostSigBits(), frame.sessionId().leastSigBits());
            result.counts.merge(new FrameKey(session, frame.sequence()), 1, Integer::sum);
            result.frames++;
        });
        return result;
    }

    /** The sequence numbers of every TelemetryFrame in the journal at {@code journalDir}, in journal order. */
    public static List<Long> sequences(final Path journalDir)
    {
        final List<Long> sequences = new ArrayList<>();
        forEachFrame(journalDir, frame -> sequences.add(frame.sequence()));
        return sequences;
    }

    /**
     * Hands every TelemetryFrame of the journal at {@code journalDir} to {@code visitor}, in journal order, with the
     * journal opened read-only (call it after the writer closed); nothing when there is no journal yet. The decoder
     * is re-wrapped for each frame: read what is needed during the call.
     */
    public static void forEachFrame(final Path journalDir, final Consumer<TelemetryFrameDecoder> visitor)
    {
        final TelemetryFrameDecoder frame = new TelemetryFrameDecoder();
        forEachMessage(journalDir, (header, buffer, bodyOffset) ->
        {
            if (header.templateId() == TelemetryFrameDecoder.TEMPLATE_ID)
            {
                visitor.accept(frame.wrap(buffer, bodyOffset, header.blockLength(), header.version()));
            }
        });
    }

    /**
     * Hands every SBE message of the journal at {@code journalDir} (frames and control messages alike) to
     * {@code visitor} with its header read, in journal order, the journal opened read-only; nothing when there is
     * no journal yet.
     */
    public static void forEachMessage(final Path journalDir, final MessageVisitor visitor)
    {
        if (!Files.isDirectory(journalDir))
        {
            return;
        }
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir));
             JournalTailer tailer = journal.tailer())
        {
            while (tailer.readNext((index, buffer, offset, length, ingestTimeNs) ->
            {
                header.wrap(buffer, offset);
                visitor.onMessage(header, buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH);
            }))
            {
                // reads every entry
            }
        }
    }

    /** One journaled SBE message: its header (wrapped) and where its body starts. */
    @FunctionalInterface
    public interface MessageVisitor
    {
        /** Called once per message, in journal order; {@code header} is re-wrapped for the next one. */
        void onMessage(MessageHeaderDecoder header, DirectBuffer buffer, int bodyOffset);
    }

    /** How many times this frame is in the journal. */
    public int count(final UUID sessionId, final long sequence)
    {
        return counts.getOrDefault(new FrameKey(sessionId, sequence), 0);
    }

    /** Every distinct frame with its count. */
    public Map<FrameKey, Integer> counts()
    {
        return counts;
    }

    /** Frames read, duplicates included. */
    public long frames()
    {
        return frames;
    }

    /** Frames that are in the journal more than once, and how often. */
    public Map<FrameKey, Integer> duplicates()
    {
        final Map<FrameKey, Integer> duplicates = new HashMap<>();
        counts.forEach((key, count) ->
        {
            if (count > 1)
            {
                duplicates.put(key, count);
            }
        });
        return duplicates;
    }
}
