package io.pitgun.journal;

import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.frame.FrameValidator;
import io.pitgun.codecs.sbe.ManifestLoadedDecoder;
import io.pitgun.codecs.sbe.PipelineDrainedDecoder;
import io.pitgun.codecs.sbe.PolicyLoadedDecoder;
import io.pitgun.codecs.sbe.SessionEndDecoder;
import io.pitgun.codecs.sbe.SessionStartDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/** Reads a whole journal once and counts what it holds ({@link JournalStats}). */
public final class JournalStatsCollector implements JournalScanHandler
{
    private final FrameValidator checker = new FrameValidator();
    private final Set<UUID> sessions = new HashSet<>();
    private final BitSet sources = new BitSet(65_536);
    private long lastSessionMsb;
    private long lastSessionLsb;
    private boolean anySession;
    private long frames;
    private long sessionStarts;
    private long sessionEnds;
    private long manifestsLoaded;
    private long policiesLoaded;
    private long pipelinesDrained;
    private long firstTimestampUs = Long.MAX_VALUE;
    private long lastTimestampUs = Long.MIN_VALUE;
    private long messageBytes;
    private final BadEntryTally bad = new BadEntryTally();

    private JournalStatsCollector()
    {
    }

    /**
     * Counts everything in {@code journal}; an unreadable entry, or an in-order read that ends before the journal's
     * last index ({@link JournalScan}), ends the count there and is reported as bad.
     */
    public static JournalStats collect(final Journal journal, final ProgressListener progress)
    {
        final JournalStatsCollector collector = new JournalStatsCollector();
        final JournalScan.Outcome outcome =
            JournalScan.run(journal, Journal.NO_INDEX, Journal.NO_INDEX, collector, progress);
        if (outcome.failed())
        {
            collector.bad.add(outcome.failedIndex(), outcome.failure());
        }
        final Path directory = journal.config().directory();
        int files = 0;
        long fileBytes = 0;
        try (Stream<Path> list = Files.list(directory))
        {
            for (final Path file : (Iterable<Path>)list::iterator)
            {
                if (file.getFileName().toString().endsWith(".cq4"))
                {
                    files++;
                    fileBytes += Files.size(file);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(directory + ": cannot list the journal files", ex);
        }
        return new JournalStats(outcome.entries(), collector.frames, collector.sessionStarts, collector.sessionEnds,
            collector.manifestsLoaded, collector.policiesLoaded, collector.pipelinesDrained, collector.sessions.size(),
            collector.sources.cardinality(),
            collector.firstTimestampUs, collector.lastTimestampUs, outcome.firstIndex(), outcome.lastIndex(), files,
            fileBytes, collector.messageBytes, collector.bad.count(), collector.bad.firstIndex(),
            collector.bad.firstProblem());
    }

    @Override
    public void onEntry(
        final long index, final DirectBuffer buffer, final int offset, final int length, final long ingestTimeNs)
    {
        messageBytes += length;
        if (!checker.validateExactly(buffer, offset, length, FrameValidator.Level.STRUCTURE))
        {
            bad.add(index, checker.describe());
            return;
        }
        switch (checker.templateId())
        {
            case TelemetryFrameDecoder.TEMPLATE_ID:
            {
                frames++;
                final long timestampUs = buffer.getLong(offset + FrameDescriptor.TIMESTAMP_US, FrameDescriptor.ORDER);
                firstTimestampUs = Math.min(firstTimestampUs, timestampUs);
                lastTimestampUs = Math.max(lastTimestampUs, timestampUs);
                sources.set(buffer.getShort(offset + FrameDescriptor.SOURCE_ID, FrameDescriptor.ORDER) & 0xFFFF);
                session(buffer, offset + FrameDescriptor.SESSION_MSB);
                break;
            }
            case SessionStartDecoder.TEMPLATE_ID:
                sessionStarts++;
                session(buffer, offset + FrameDescriptor.MARKER_SESSION_MSB);
                break;
            case SessionEndDecoder.TEMPLATE_ID:
                sessionEnds++;
                session(buffer, offset + FrameDescriptor.MARKER_SESSION_MSB);
                break;
            case ManifestLoadedDecoder.TEMPLATE_ID:
                manifestsLoaded++;
                break;
            case PolicyLoadedDecoder.TEMPLATE_ID:
                policiesLoaded++;
                break;
            case PipelineDrainedDecoder.TEMPLATE_ID:
                pipelinesDrained++;
                break;
            default:
                break;
        }
    }

    @Override
    public void onBadMessage(final long index, final String problem)
    {
        bad.add(index, problem);
    }

    // Frames of one session arrive in runs: only a change of session costs a set lookup and a UUID.
    private void session(final DirectBuffer buffer, final int at)
    {
        final long msb = buffer.getLong(at, FrameDescriptor.ORDER);
        final long lsb = buffer.getLong(at + Long.BYTES, FrameDescriptor.ORDER);
        if (!anySession || msb != lastSessionMsb || lsb != lastSessionLsb)
        {
            anySession = true;
            lastSessionMsb = msb;
            lastSessionLsb = lsb;
            sessions.add(new UUID(msb, lsb));
        }
    }

}
