package io.pitgun.scaleout;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The hive's derive thread: one thread for all edges, polling each edge's {@link HiveEdgeDeriver} in turn, a bounded
 * number of journal entries each per duty cycle. It reads the journals the {@link HiveAgent} writes and never
 * signals it: the journal write path does not wait for the derived side, whatever a pipeline does.
 * <p>
 * <b>Edges:</b> at start, every edge directory holding a journal (so a restarted hive derives the edges it holds,
 * whether they ship again or not); then each edge the writer adds, once its journal holds a frame (a read-only
 * journal cannot be opened before its first entry). <b>Restart:</b> each edge's output is derived again from the
 * journal's first frame (the file is truncated): after a {@code kill -9} a partial file is never trusted or
 * patched, at the cost of re-reading every edge's journal at start (CPU time about that of
 * {@code pitgun journal replay} of each, during which the output lags the journal).
 * <p>
 * <b>Many edges:</b> this one thread reads all journals; each edge's pipeline has its own processing thread (an
 * engine pipeline is one ring and one consumer thread), so N edges run N + 1 threads. An edge whose pipeline is
 * slow fills its own ring and is skipped until it has room: the others are polled meanwhile.
 */
final class HiveDeriveAgent implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(HiveDeriveAgent.class);
    /** Journal entries (up to 64 frames each) taken per edge per duty cycle: a slow edge cannot hold up the rest. */
    private static final int ENTRIES_PER_EDGE = 16;

    private final HiveConfig config;
    private final HivePipeline spec;
    private final List<HiveEdgeWriter> writers;
    private final List<HiveEdgeDeriver> derivers = new ArrayList<>();
    /** The same derivers for other threads (status, metrics). */
    private final List<HiveEdgeDeriver> published = new CopyOnWriteArrayList<>();
    /** Edge ids being derived or given up on, so that each is opened once. */
    private final List<String> known = new ArrayList<>();
    /** Edges the writer added whose journal held no frame yet when last looked at. */
    private final List<HiveEdgeWriter> waiting = new ArrayList<>();
    private int writersSeen;

    /**
     * @param writers the hive writer's edges ({@link HiveAgent#edges()}), read for new edges.
     */
    HiveDeriveAgent(final HiveConfig config, final HivePipeline spec, final List<HiveEdgeWriter> writers)
    {
        this.config = config;
        this.spec = spec;
        this.writers = writers;
    }

    /** The edges whose output is derived, with their progress; safe from any thread. */
    List<HiveEdgeDeriver> derivers()
    {
        return published;
    }

    @Override
    public String roleName()
    {
        return "pitgun-hive-derive";
    }

    @Override
    public void onStart()
    {
        final Path edges = config.dataDirectory().resolve(HiveConfig.EDGES_DIRECTORY);
        if (!Files.isDirectory(edges))
        {
            return;
        }
        try (Stream<Path> list = Files.list(edges))
        {
            for (final Path edge : list.sorted().toList())
            {
                final Path journal = edge.resolve(HiveConfig.JOURNAL_DIRECTORY);
                if (Files.isDirectory(journal) && holdsEntries(journal))
                {
                    follow(edge.getFileName().toString());
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + edges + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public int doWork()
    {
        int work = 0;
        // New edges: the writer adds each once (a cold path); one waits here until its journal holds a frame.
        for (int n = writers.size(); writersSeen < n; writersSeen++)
        {
            waiting.add(writers.get(writersSeen));
        }
        for (int i = waiting.size() - 1; i >= 0; i--)
        {
            final HiveEdgeWriter writer = waiting.get(i);
            if (writer.heldIndex() != Journal.NO_INDEX)
            {
                waiting.remove(i);
                final String edgeId = writer.edgeId().toString();
                if (!known.contains(edgeId)) // not already derived since start
                {
                    follow(edgeId);
                }
                work++;
            }
        }
        for (int i = 0, n = derivers.size(); i < n; i++)
        {
            work += derivers.get(i).poll(ENTRIES_PER_EDGE);
        }
        return work;
    }

    private void follow(final String edgeId)
    {
        known.add(edgeId);
        try
        {
            final HiveEdgeDeriver deriver = HiveEdgeDeriver.open(edgeId, config.edgeJournal(edgeId),
                config.edgeDerivedFile(edgeId), spec);
            derivers.add(deriver);
            published.add(deriver);
        }
        catch (final RuntimeException ex)
        {
            // This edge's journal is still written; only its derived output is missing, and said so.
            LOG.error("edge {}: cannot derive its output: {}", edgeId, ex.toString());
        }
    }

    private static boolean holdsEntries(final Path journal)
    {
        try (Journal opened = Journal.open(JournalConfig.readOnly(journal)))
        {
            return opened.lastIndex() != Journal.NO_INDEX;
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("{}: not derived: {}", journal, ex.toString());
            return false;
        }
    }

    @Override
    public void onClose()
    {
        // The writer has stopped: what its journals hold now is final, so each output is completed, then closed.
        for (final HiveEdgeDeriver deriver : derivers)
        {
            try
            {
                deriver.drainAndClose();
            }
            catch (final RuntimeException ex)
            {
                LOG.error("edge {}: closing its derived output failed", deriver.edgeId(), ex);
            }
        }
    }
}
