package io.pitgun.scaleout;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The hive's derive thread: one thread for all edges, polling each edge's {@link HiveEdgeDeriver} in turn, a bounded
 * number of journal entries each per duty cycle. It reads the journals the {@link HiveAgent} writes and never
 * signals it: the journal write path does not wait for the derived side, whatever a pipeline does.
 * <p>
 * <b>Edges:</b> each edge the writer adds, once its journal holds a frame (a read-only journal cannot be opened
 * before its first entry), is followed until the hive stops or the writer releases it (its connection gone, for a
 * new edge at {@code --max-edges}), then completed and closed as an edge on disk is. The edge directories on disk
 * holding a journal (so a restarted hive derives the edges it holds, whether they ship again or not) wait their
 * turn: at most {@value #CATCH_UP_PIPELINES} of them are derived at once, and one whose journal has been read whole
 * while the writer has not taken it is completed and closed (its output is then what a stop would leave: the
 * replay's), freeing its pipeline and thread for the next. A waiting edge that ships again is followed at once. So
 * the pipelines open are at most the writer's edges ({@code --max-edges}) plus {@value #CATCH_UP_PIPELINES} (and
 * released edges' while they are completed), however many edges the data directory has held.
 * <b>Restart:</b> an output derived whole (a stop, or an edge on disk or released read to its end) is marked so
 * ({@link HiveDerivedMark}: the journal index, output length and SHA-256 it covers, the pipeline that derived it).
 * An edge whose mark matches what is on disk is not derived again: not at start, nor when it ships again until its
 * journal grows; nor is one whose derivation failed for good (marked failed: the same journal and pipeline fail
 * alike). Any other edge's output is derived again from the journal's first frame (the file is truncated, its mark
 * deleted first): after a {@code kill -9} a partial file is never trusted or patched, at the cost of re-reading that
 * journal (CPU time about that of {@code pitgun journal replay} of it, during which the output lags the journal); a
 * stop completes the edges still waiting, one at a time, so every output it leaves is whole.
 * <p>
 * <b>Many edges:</b> this one thread reads all journals; each edge's pipeline has its own processing thread (an
 * engine pipeline is one ring and one consumer thread). An edge whose pipeline is slow fills its own ring and is
 * skipped until it has room: the others are polled meanwhile.
 */
final class HiveDeriveAgent implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(HiveDeriveAgent.class);
    /** Journal entries (up to 64 frames each) taken per edge per duty cycle: a slow edge cannot hold up the rest. */
    private static final int ENTRIES_PER_EDGE = 16;
    /** Edges on disk the writer has not taken derived at once (each a pipeline and its thread). */
    static final int CATCH_UP_PIPELINES = 2;

    private final HiveConfig config;
    private final HivePipeline spec;
    private final List<HiveEdgeWriter> writers;
    /** The writer's {@link HiveAgent#nextReleasedEdge()}. */
    private final Supplier<String> releasedEdges;
    private final List<HiveEdgeDeriver> derivers = new ArrayList<>();
    /** The same derivers for other threads (status, metrics). */
    private final List<HiveEdgeDeriver> published = new CopyOnWriteArrayList<>();
    /** Edge ids being derived or given up on, so that each is opened once. */
    private final List<String> known = new ArrayList<>();
    /** Edges the writer added whose journal held no frame yet when last looked at. */
    private final List<HiveEdgeWriter> waiting = new ArrayList<>();
    /** {@link #writers} as last looked at. */
    private List<HiveEdgeWriter> writersSeen = List.of();
    /** Edges on disk holding a journal, not yet derived and not taken by the writer: derived in this order. */
    private final ArrayDeque<String> onDisk = new ArrayDeque<>();
    /** Derivers closed once their journal is read to its end: edges on disk the writer has not taken (at most
     *  {@link #CATCH_UP_PIPELINES} opened at once) and edges the writer released. */
    private final List<HiveEdgeDeriver> catchingUp = new ArrayList<>();
    private volatile int edgesWaiting;
    private volatile int pipelinesOpen;
    private volatile long edgesCompleted;
    /** What a {@link HiveDerivedMark} must name to be trusted. */
    private final String pipelineIdentity;
    /** Edges whose output was found whole and current, or failed for good on the same journal (its mark matches the
     *  disk), and not derived since, with the edge position the mark names. Changed on cold paths only (start, an
     *  edge taken, released, grown). */
    private final Map<String, Long> current = new HashMap<>();
    /** Edges of {@link #current} the writer holds: derived again once their journal grows past the mark. */
    private final List<Parked> parked = new ArrayList<>();
    private volatile long edgesSkipped;
    private volatile long edgesSkippedFailed;
    /** Marks not trusted, by {@link HiveDerivedMark.Distrust} ordinal; written by this thread only. */
    private final AtomicLongArray marksDistrusted = new AtomicLongArray(HiveDerivedMark.Distrust.values().length);

    /** A writer's edge whose output stands as marked while its journal ends at {@code edgePosition}. */
    private record Parked(HiveEdgeWriter writer, String edgeId, long edgePosition)
    {
    }

    /**
     * @param writers         the hive writer's edges ({@link HiveAgent#edges()}), read for new and released edges.
     * @param releasedEdges   {@link HiveAgent#nextReleasedEdge()}.
     */
    HiveDeriveAgent(final HiveConfig config, final HivePipeline spec, final List<HiveEdgeWriter> writers,
        final Supplier<String> releasedEdges)
    {
        this.config = config;
        this.spec = spec;
        this.writers = writers;
        this.releasedEdges = releasedEdges;
        this.pipelineIdentity = HiveDerivedMark.pipelineIdentity(spec);
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
                if (Files.isDirectory(journal))
                {
                    final String edgeId = edge.getFileName().toString();
                    final long lastIndex = lastIndex(journal);
                    if (lastIndex == Journal.NO_INDEX)
                    {
                        continue;
                    }
                    final HiveDerivedMark.Covered covered = trustedMark(edgeId, lastIndex);
                    if (covered == null)
                    {
                        onDisk.add(edgeId);
                    }
                    else
                    {
                        current.put(edgeId, covered.edgePosition());
                        if (covered.failed())
                        {
                            edgesSkippedFailed++;
                            LOG.warn("edge {}: not derived again: its derivation failed on this journal with this " +
                                "pipeline, which fail alike every time, until either changes ({}): {}", edgeId,
                                config.edgeDerivedMark(edgeId), covered.failure());
                        }
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + edges + ": " + ex.getMessage(), ex);
        }
        edgesWaiting = onDisk.size();
        edgesSkipped = current.size() - edgesSkippedFailed;
        LOG.info("{} edges on disk to derive again, {} at a time; {} derived whole and unchanged since, {} failed " +
            "for good on what they hold now, not derived again", onDisk.size(), CATCH_UP_PIPELINES, edgesSkipped,
            edgesSkippedFailed);
    }

    /**
     * The edge's mark, if it is to be trusted: it names this pipeline, the journal ending at {@code lastIndex} and the
     * output's length and SHA-256 (the output is read whole). Else null, a mark there counted by why and logged (a
     * cold path: start, release, stop).
     */
    private HiveDerivedMark.Covered trustedMark(final String edgeId, final long lastIndex)
    {
        final Path mark = config.edgeDerivedMark(edgeId);
        try
        {
            final HiveDerivedMark.Distrust distrust =
                HiveDerivedMark.check(mark, config.edgeDerivedFile(edgeId), config.edgeJournal(edgeId), lastIndex,
                    pipelineIdentity);
            if (distrust == null)
            {
                return HiveDerivedMark.read(mark);
            }
            countDistrusted(distrust);
            LOG.info("edge {}: derived again: its mark {} is not trusted ({})", edgeId, mark, distrust.label());
        }
        catch (final NoSuchFileException ex)
        {
            // never derived whole by a hive that marks its outputs: derived again, as before marks
        }
        catch (final IOException ex)
        {
            countDistrusted(HiveDerivedMark.Distrust.UNREADABLE);
            LOG.warn("edge {}: derived again: its mark {} does not read: {}", edgeId, mark, ex.toString());
        }
        return null;
    }

    @Override
    public int doWork()
    {
        int work = 0;
        // The writer adds an edge, or releases one and adds another (a cold path), the release said first.
        boolean released = false;
        for (String edgeId = releasedEdges.get(); edgeId != null; edgeId = releasedEdges.get())
        {
            onReleased(edgeId);
            released = true;
        }
        if (released || writers.size() != writersSeen.size())
        {
            lookAtWriters();
        }
        for (int i = waiting.size() - 1; i >= 0; i--)
        {
            final HiveEdgeWriter writer = waiting.get(i);
            if (writer.heldIndex() != Journal.NO_INDEX)
            {
                waiting.remove(i);
                final String edgeId = writer.edgeId().toString();
                final Long marked = current.get(edgeId);
                if (marked != null)
                {
                    // Its output stands (whole, as marked) until the writer appends to its journal.
                    parked.add(new Parked(writer, edgeId, marked));
                    work++;
                    continue;
                }
                if (onDisk.remove(edgeId)) // it ships again before its turn came: followed now
                {
                    edgesWaiting = onDisk.size();
                }
                if (!known.contains(edgeId)) // not being derived already
                {
                    follow(edgeId);
                }
                else
                {
                    // Being derived from disk: followed from now on, as the writer's, so no longer closed at the end
                    // of what its journal held (nor holding one of the slots of the edges on disk).
                    catchingUp.removeIf(deriver -> deriver.edgeId().equals(edgeId));
                }
                work++;
            }
        }
        for (int i = parked.size() - 1; i >= 0; i--)
        {
            final Parked edge = parked.get(i);
            if (edge.writer().heldIndex() != edge.edgePosition()) // appended to: the output is no longer whole
            {
                parked.remove(i);
                follow(edge.edgeId());
                work++;
            }
        }
        for (int i = 0, n = derivers.size(); i < n; i++)
        {
            work += derivers.get(i).poll(ENTRIES_PER_EDGE);
        }
        return work + catchUp();
    }

    /** A new edge waits in {@link #waiting} until its journal holds a frame; one released leaves it. */
    private void lookAtWriters()
    {
        final List<HiveEdgeWriter> now = List.copyOf(writers);
        for (final HiveEdgeWriter writer : now)
        {
            if (!writersSeen.contains(writer))
            {
                waiting.add(writer);
            }
        }
        waiting.retainAll(now);
        parked.removeIf(edge -> !now.contains(edge.writer()));
        writersSeen = now;
    }

    /**
     * The writer released the edge: its journal is final. Its deriver reads to its end and is then completed and
     * closed, as an edge on disk is ({@link #catchUp()}); without one (its output completed before the writer took
     * it again and appended), it is derived again as an edge on disk. Unless the writer holds it again already, or its
     * derivation failed (that stands, logged).
     */
    private void onReleased(final String edgeId)
    {
        if (heldByWriter(edgeId))
        {
            return; // taken again since: followed as the writer's (a new writer is promoted from waiting)
        }
        parked.removeIf(edge -> edge.edgeId().equals(edgeId));
        if (current.containsKey(edgeId))
        {
            // Its output stood while the writer held it; the writer may have appended since this thread last looked.
            if (trustedMark(edgeId, lastIndex(config.edgeJournal(edgeId))) != null)
            {
                return;
            }
            current.remove(edgeId);
        }
        for (final HiveEdgeDeriver deriver : derivers)
        {
            if (deriver.edgeId().equals(edgeId) && !deriver.stopped())
            {
                deriver.endsWhereTheJournalEndsNow();
                if (!catchingUp.contains(deriver))
                {
                    catchingUp.add(deriver);
                }
                return;
            }
        }
        if (!known.contains(edgeId) && !onDisk.contains(edgeId) && holdsEntries(config.edgeJournal(edgeId)))
        {
            onDisk.add(edgeId);
            edgesWaiting = onDisk.size();
        }
    }

    /** Whether the writer holds the edge {@code edgeId} now (a cold path: once per edge released). */
    private boolean heldByWriter(final String edgeId)
    {
        for (final HiveEdgeWriter writer : writers)
        {
            if (writer.edgeId().toString().equals(edgeId))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Completes and closes each edge on disk whose journal has been read whole while the writer has not taken it,
     * and opens the next waiting ones in the slots freed.
     */
    private int catchUp()
    {
        int work = 0;
        for (int i = catchingUp.size() - 1; i >= 0; i--)
        {
            final HiveEdgeDeriver deriver = catchingUp.get(i);
            if (deriver.stopped()) // failed, logged: its output ends where the replay's would; not tried again
            {
                catchingUp.remove(i);
                derivers.remove(deriver);
                work++;
            }
            else if (deriver.readToEnd())
            {
                // Nothing writes this journal (the writer has not taken the edge; if it does after this, the edge is
                // followed again from the first frame, being no longer known): what it held is final.
                catchingUp.remove(i);
                derivers.remove(deriver);
                known.remove(deriver.edgeId());
                completeFromDisk(deriver);
                work++;
            }
        }
        while (catchingUp.size() < CATCH_UP_PIPELINES && !onDisk.isEmpty())
        {
            final HiveEdgeDeriver deriver = follow(onDisk.poll());
            edgesWaiting = onDisk.size();
            if (deriver != null)
            {
                catchingUp.add(deriver);
            }
            work++;
        }
        pipelinesOpen = derivers.size();
        return work;
    }

    /** Opens the edge's deriver (replacing the one published for an earlier derivation of it), or null. */
    private HiveEdgeDeriver follow(final String edgeId)
    {
        known.add(edgeId);
        current.remove(edgeId); // its mark is deleted before its output is truncated
        try
        {
            final HiveEdgeDeriver deriver = HiveEdgeDeriver.open(edgeId, config.edgeJournal(edgeId),
                config.edgeDerivedFile(edgeId), config.edgeDerivedMark(edgeId), spec, pipelineIdentity);
            derivers.add(deriver);
            published.removeIf(earlier -> earlier.edgeId().equals(edgeId));
            published.add(deriver);
            pipelinesOpen = derivers.size();
            return deriver;
        }
        catch (final RuntimeException ex)
        {
            // This edge's journal is still written; only its derived output is missing, and said so.
            LOG.error("edge {}: cannot derive its output: {}", edgeId, ex.toString());
            return null;
        }
    }

    /** Edges on disk waiting for their turn to be derived ({@code pitgun_hive_derive_edges_waiting}). */
    int edgesWaiting()
    {
        return edgesWaiting;
    }

    /** Pipelines open now, each with its thread ({@code pitgun_hive_derive_pipelines}). */
    int pipelinesOpen()
    {
        return pipelinesOpen;
    }

    /** Edges on disk or released, derived whole and closed ({@code pitgun_hive_derive_edges_completed_total}). */
    long edgesCompleted()
    {
        return edgesCompleted;
    }

    /** Counts a mark not trusted; this thread is the only writer, so a plain increment published lazily. */
    private void countDistrusted(final HiveDerivedMark.Distrust why)
    {
        marksDistrusted.lazySet(why.ordinal(), marksDistrusted.get(why.ordinal()) + 1);
    }

    /**
     * Edges on disk whose output was found whole and unchanged at start (its mark trusted), not derived again
     * ({@code pitgun_hive_derive_edges_skipped_total}).
     */
    long edgesSkipped()
    {
        return edgesSkipped;
    }

    /**
     * Edges on disk whose derivation failed for good on what their journal holds now with this pipeline (their mark
     * says so and is trusted), not derived again ({@code pitgun_hive_derive_edges_skipped_failed_total}).
     */
    long edgesSkippedFailed()
    {
        return edgesSkippedFailed;
    }

    /** Marks found and not trusted for {@code why}, the edge derived again ({@code
     *  pitgun_hive_derive_marks_distrusted_total}). */
    long marksDistrusted(final HiveDerivedMark.Distrust why)
    {
        return marksDistrusted.get(why.ordinal());
    }

    private static boolean holdsEntries(final Path journal)
    {
        return lastIndex(journal) != Journal.NO_INDEX;
    }

    /** The journal's last index, or {@link Journal#NO_INDEX} when it is empty or does not open (logged). */
    private static long lastIndex(final Path journal)
    {
        try (Journal opened = Journal.open(JournalConfig.readOnly(journal)))
        {
            return opened.lastIndex();
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("{}: not derived: {}", journal, ex.toString());
            return Journal.NO_INDEX;
        }
    }

    @Override
    public void onClose()
    {
        // The writer has stopped: what its journals hold now is final, so each output is completed, then closed;
        // then each edge still waiting, one at a time, so that no output is left as a killed run may have left it.
        // Edges the writer released or took since this thread last looked are among them, if not derived.
        for (String edgeId = releasedEdges.get(); edgeId != null; edgeId = releasedEdges.get())
        {
            onReleased(edgeId);
        }
        lookAtWriters();
        for (final Parked edge : parked)
        {
            if (edge.writer().heldIndex() != edge.edgePosition())
            {
                current.remove(edge.edgeId()); // appended to since this thread last looked
                onDisk.add(edge.edgeId());
            }
        }
        parked.clear();
        for (final HiveEdgeWriter writer : waiting)
        {
            final String edgeId = writer.edgeId().toString();
            final long lastIndex = lastIndex(config.edgeJournal(edgeId));
            if (current.containsKey(edgeId))
            {
                if (trustedMark(edgeId, lastIndex) != null)
                {
                    continue; // taken, nothing appended: its output stands
                }
                current.remove(edgeId);
            }
            if (!known.contains(edgeId) && !onDisk.contains(edgeId) && lastIndex != Journal.NO_INDEX)
            {
                onDisk.add(edgeId);
            }
        }
        for (final HiveEdgeDeriver deriver : derivers)
        {
            complete(deriver);
        }
        derivers.clear();
        pipelinesOpen = 0;
        if (!onDisk.isEmpty())
        {
            LOG.info("stopping: deriving the {} edges on disk whose turn had not come", onDisk.size());
        }
        for (String edgeId = onDisk.poll(); edgeId != null; edgeId = onDisk.poll())
        {
            edgesWaiting = onDisk.size();
            final HiveEdgeDeriver deriver = follow(edgeId);
            if (deriver != null)
            {
                completeFromDisk(deriver);
                derivers.clear();
                pipelinesOpen = 0;
            }
        }
    }

    /** {@link #complete}s an edge derived from disk, counting it when its output is whole (a failure is logged). */
    private void completeFromDisk(final HiveEdgeDeriver deriver)
    {
        complete(deriver);
        if (deriver.failure().isEmpty())
        {
            edgesCompleted++;
        }
    }

    /** Runs the rest of the edge's journal through its pipeline, then closes it (its output is then whole). */
    private static void complete(final HiveEdgeDeriver deriver)
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
