package io.pitgun.scaleout;

import io.pitgun.engine.JournalFollower;
import io.pitgun.engine.JournalReplayer;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.engine.TelemetryPipelineBuilder;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalGapLog;
import io.pitgun.manifest.ManifestException;
import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One edge's live derived output at the hive: a {@link JournalFollower} tailing the hive's journal of the edge
 * (opened read-only, beside the {@link HiveEdgeWriter} appending to it) into a pipeline of its own that writes
 * {@value HiveConfig#DERIVED_FILE}, naming each frame by its edge position exactly as
 * {@code pitgun journal replay --edge-positions} does, so the file is that replay's output, byte for byte.
 * <p>
 * <b>Threading:</b> driven by the hive's derive thread ({@link HiveDeriveAgent}); the getters may be read from any
 * thread.
 */
public final class HiveEdgeDeriver
{
    private static final Logger LOG = LoggerFactory.getLogger(HiveEdgeDeriver.class);

    private final String edgeId;
    private final Path outputFile;
    /** The output's {@link HiveDerivedMark}, written once it is whole. */
    private final Path markFile;
    private final String pipelineIdentity;
    private final Journal journal;
    /** Null once closed ({@link #ended} holds what is still asked of it): its ring is megabytes, and a hive may
     *  keep the derivers of many edges derived from disk and closed. */
    private volatile TelemetryPipeline pipeline;
    private volatile JournalFollower follower;
    /** What the derivation came to, set when closed, before {@link #pipeline} and {@link #follower} are dropped. */
    private volatile Ended ended;
    private final JournalGapLog journalGaps;
    /** Where the journal ends for an edge nothing writes: its last position when opened, or when its writer was
     *  released ({@link #endsWhereTheJournalEndsNow()}). */
    private long endPosition;
    private volatile Throwable failure;
    private volatile boolean closed;

    private HiveEdgeDeriver(final String edgeId, final Path outputFile, final Path markFile,
        final String pipelineIdentity, final Journal journal, final TelemetryPipeline pipeline,
        final JournalFollower follower)
    {
        this.edgeId = edgeId;
        this.outputFile = outputFile;
        this.markFile = markFile;
        this.pipelineIdentity = pipelineIdentity;
        this.journal = journal;
        this.pipeline = pipeline;
        this.follower = follower;
        this.endPosition = journal.lastIndex();
        this.journalGaps = new JournalGapLog(LOG, "edge " + edgeId + ": derived output",
            "what the missing entries held is not in " + outputFile + " (pitgun journal verify names every gap)");
        follower.onGap(journalGaps);
    }

    /**
     * Opens the edge's journal read-only and starts a pipeline writing {@code outputFile} from scratch (truncated:
     * the output is derived again from the journal's first frame), its {@code markFile} deleted first.
     *
     * @param pipelineIdentity {@link HiveDerivedMark#pipelineIdentity} of {@code spec}, written in the mark.
     * @throws io.pitgun.journal.JournalException if the journal cannot be opened.
     * @throws UncheckedIOException if the mark cannot be deleted (the output is then left as it is).
     */
    static HiveEdgeDeriver open(final String edgeId, final Path journalDirectory, final Path outputFile,
        final Path markFile, final HivePipeline spec, final String pipelineIdentity)
    {
        final Journal journal = Journal.open(JournalConfig.readOnly(journalDirectory));
        TelemetryPipeline pipeline = null;
        try
        {
            try
            {
                // Before the output is truncated: a kill from here on leaves no mark, so the edge is derived again.
                HiveDerivedMark.delete(markFile);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(markFile + ": cannot delete the mark of the output: " + ex, ex);
            }
            final TelemetryPipelineBuilder builder = TelemetryPipeline.builder()
                .name("hive-" + edgeId.substring(0, Math.min(8, edgeId.length())))
                .dictionary(spec.manifest().registry())
                .config(JournalReplayer.replayConfig(spec.config(), outputFile))
                .flushOutputWhenIdle(true)
                .errorHandler((stage, ex) -> LOG.error("edge {}: derived output: error in {}", edgeId, stage, ex));
            if (spec.source() == null)
            {
                builder.manifest(spec.manifest());
            }
            else
            {
                builder.manifest(spec.manifest(), spec.source());
            }
            pipeline = builder.build();
            final HiveEdgeDeriver deriver = new HiveEdgeDeriver(edgeId, outputFile, markFile, pipelineIdentity,
                journal, pipeline, new JournalFollower(journal, pipeline, true));
            LOG.info("edge {}: deriving {} from its journal with manifest {}", edgeId, outputFile,
                spec.manifest().manifest().name());
            return deriver;
        }
        catch (final ManifestException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(pipeline, journal);
            throw ex instanceof RuntimeException runtime ? runtime :
                new IllegalStateException("edge " + edgeId + ": " + ex.getMessage(), ex);
        }
    }

    /** The edge's id (its directory's name under {@code DATA_DIR/edges}). */
    public String edgeId()
    {
        return edgeId;
    }

    /** The derived output file ({@code DATA_DIR/edges/EDGE_ID/}{@value HiveConfig#DERIVED_FILE}). */
    public Path outputFile()
    {
        return outputFile;
    }

    /** Journal messages (frames and session markers) run through the pipeline since the hive started. */
    public long derivedMessages()
    {
        final JournalFollower reading = follower;
        return reading == null ? ended.messages() : reading.messages();
    }

    /** The edge position of the last message run through the pipeline, or {@link Journal#NO_INDEX}. */
    public long derivedPosition()
    {
        final JournalFollower reading = follower;
        return reading == null ? ended.position() : reading.lastPosition();
    }

    /**
     * Gaps between cycle files of the hive's journal of the edge that the derivation read across (a cycle file
     * deleted from the middle of it): what the missing entries held is not in the derived output. Each is logged.
     */
    public long journalGaps()
    {
        return journalGaps.gaps();
    }

    /**
     * Why this edge's derivation stopped (a frame the pipeline rejects, a damaged journal entry), if it did: its
     * output then ends at the frame before, as {@code pitgun journal replay} of the journal would, which fails there
     * too. Other edges are not affected.
     */
    public Optional<Throwable> failure()
    {
        return Optional.ofNullable(failure);
    }

    /** The first error a pipeline stage reported (its output may then lack what that stage did not finish). */
    public Optional<Throwable> pipelineError()
    {
        final TelemetryPipeline running = pipeline;
        return running == null ? Optional.ofNullable(ended.pipelineError()) : running.firstError();
    }

    /**
     * The SHA-256 of the pipeline's output stream ({@code output sha256} of {@code pitgun journal replay}), known
     * once the derivation has stopped: after the hive closed, or after a {@link #failure()}.
     */
    public Optional<String> outputDigest()
    {
        final TelemetryPipeline running = pipeline;
        if (running == null)
        {
            return Optional.ofNullable(ended.digest());
        }
        return closed ? running.outputDigest() : Optional.empty();
    }

    /**
     * The SHA-256 (lower-case hex) of the output file as it is now: reads the whole file (a cold path, for status
     * and tests). While the hive runs the file ends at the last output the pipeline wrote out, which is all of it
     * whenever the edge is idle; the lap, session and merge output still open is written when the hive stops.
     */
    public String fileSha256()
    {
        return sha256(outputFile);
    }

    /** The SHA-256 (lower-case hex) of the file {@code file}, read whole. */
    public static String sha256(final Path file)
    {
        try (InputStream in = Files.newInputStream(file))
        {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            final byte[] chunk = new byte[64 << 10];
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk))
            {
                digest.update(chunk, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": " + ex.getMessage(), ex);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", ex);
        }
    }

    /**
     * Runs up to {@code entryLimit} new journal entries through the pipeline, never waiting for it.
     *
     * @return the entries read; 0 when caught up, behind, failed or closed.
     */
    int poll(final int entryLimit)
    {
        if (closed)
        {
            return 0;
        }
        try
        {
            return follower.poll(entryLimit);
        }
        catch (final RuntimeException ex)
        {
            fail(ex);
            return 1;
        }
    }

    /**
     * Runs what is left of the journal through the pipeline (waiting for it), then stops: the hive is stopping, or
     * nothing writes this journal. When the journal was read to its end without a failure, the output is whole, and
     * {@link HiveDerivedMark} says so (a mark that cannot be written is logged: the edge is then derived again at
     * the next start).
     *
     * @return whether the output is whole and marked so.
     */
    boolean drainAndClose()
    {
        boolean whole = false;
        try
        {
            while (!closed && follower.readNext())
            {
                // every entry the writer committed before it stopped
            }
            if (!closed)
            {
                endsWhereTheJournalEndsNow();
                whole = !closed && readToEnd();
            }
        }
        catch (final RuntimeException ex)
        {
            fail(ex);
        }
        close();
        return whole && ended.pipelineError() == null && mark(endPosition, "");
    }

    /**
     * Writes the mark of the output (after {@link #close()}, which wrote it out): whole, or ended by a
     * {@code failure} that the same journal and pipeline meet every time ({@link HiveDerivedMark#failsForGood}).
     *
     * @param journalLastIndex where the journal ended when the derivation read it last.
     */
    private boolean mark(final long journalLastIndex, final String failure)
    {
        try
        {
            HiveDerivedMark.write(markFile, outputFile, new HiveDerivedMark.Covered(journalLastIndex,
                HiveDerivedMark.journalFilesSha256(journal.config().directory()), ended.position(),
                Files.size(outputFile), HiveDerivedMark.outputSha256(outputFile), pipelineIdentity, failure));
            return true;
        }
        catch (final IOException ex)
        {
            LOG.warn("edge {}: derived output {}, but its mark {} not written (it is derived again at the next " +
                "start): {}", edgeId, failure.isEmpty() ? "whole" : "failed", markFile, ex.toString());
            return false;
        }
    }

    /**
     * Whether every message the journal held when this deriver opened it (or at {@link #endsWhereTheJournalEndsNow()})
     * has been read (published into the pipeline or passed over): for an edge nothing writes to, the whole journal,
     * so {@link #drainAndClose()} then completes the output without waiting for anything.
     */
    boolean readToEnd()
    {
        return follower.lastReadPosition() >= endPosition;
    }

    /** The edge's writer was released (its journal is final): {@link #readToEnd()} is then at its last message. */
    void endsWhereTheJournalEndsNow()
    {
        try
        {
            endPosition = journal.lastIndex();
        }
        catch (final RuntimeException ex)
        {
            fail(ex);
        }
    }

    /** Whether the derivation has stopped: closed, or failed (see {@link #failure()}). */
    boolean stopped()
    {
        return closed;
    }

    private void fail(final RuntimeException ex)
    {
        failure = ex;
        LOG.error("edge {}: derived output stops at edge position {}: {}", edgeId, follower.lastPosition(),
            ex.getMessage());
        final boolean forGood = HiveDerivedMark.failsForGood(ex);
        // Where the journal ends now: the same journal fails the same way, so it is marked failed up to there.
        final long journalLastIndex = forGood ? journalLastIndexOrNone() : Journal.NO_INDEX;
        close(); // the output so far is written out, as a replay's is when it fails
        if (forGood && journalLastIndex != Journal.NO_INDEX && ended.pipelineError() == null &&
            mark(journalLastIndex, HiveDerivedMark.failureText(ex)))
        {
            LOG.warn("edge {}: marked failed in {}: not derived again until its journal or the hive's pipeline " +
                "changes", edgeId, markFile);
        }
    }

    /** The journal's last index, or {@link Journal#NO_INDEX} when it cannot be read (the failure is not marked). */
    private long journalLastIndexOrNone()
    {
        try
        {
            return journal.lastIndex();
        }
        catch (final RuntimeException ex)
        {
            return Journal.NO_INDEX;
        }
    }

    /** Closes the follower, then the pipeline (draining what it holds into the file) and the journal. */
    void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            CloseHelper.closeAll(follower, pipeline);
        }
        finally
        {
            CloseHelper.quietClose(journal);
            ended = new Ended(follower.messages(), follower.lastPosition(), pipeline.firstError().orElse(null),
                pipeline.outputDigest().orElse(null));
            follower = null;
            pipeline = null;
        }
    }

    /** What a closed derivation came to, as its getters report it. */
    private record Ended(long messages, long position, Throwable pipelineError, String digest)
    {
    }
}
