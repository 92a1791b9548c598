package io.pitgun.storage;

import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.sbe.ManifestLoadedDecoder;
import io.pitgun.codecs.sbe.PipelineDrainedDecoder;
import io.pitgun.engine.AckMode;
import io.pitgun.engine.OutputFollowers;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.PipelineCounter;
import io.pitgun.engine.SubscriptionHandler;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.engine.TelemetryPipelineBuilder;
import io.pitgun.journal.Journal;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestException;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The derived table ({@code OUT/derived/<session>/<hour>.parquet}), the same for {@code journal export --manifest}
 * and the live sink: journal messages are published, with their journal positions, into a pipeline of its own
 * running the manifest (as {@code journal replay} does), and every derived frame it outputs becomes a row. Insights
 * are not rows (they are documents, for the PostgreSQL store).
 *
 * <p>Rows are written on that pipeline's processing thread, under this object's monitor: the live sink completes
 * idle files from its follower thread under the same monitor (a cold path; the ingesting pipeline never sees it).
 */
final class DerivedFrames implements SubscriptionHandler
{
    private final PartitionedFrameWriter writer;
    /** The messages published into the pipeline so far: each file's journal range (its rows name none). */
    private final SelectionRange selection = new SelectionRange();
    private final FrameRow row;
    /** Per session, derived frames already in complete files (the live sink's resume): skipped, in output order. */
    private final Map<String, Long> alreadyWritten;
    private final TelemetryPipeline pipeline;
    private long rows;
    private IOException failure;

    /**
     * Builds the table's writer and starts the pipeline that derives its rows.
     *
     * @param root           {@code OUT/derived}.
     * @param footer         the keys every footer of the frames table carries: the manifest's name and digest are
     *                       added to it (both tables name the manifest that ran) and to the derived table's.
     * @param config         the pipeline's settings besides journal, acknowledgement and outputs: the export's
     *                       defaults, or the live sink's writer's settings (merging, ...), so its rows are the live
     *                       run's output.
     * @param live           a live sink's writer ({@link PartitionedFrameWriter#live}), numbering after existing
     *                       files; else the export's, refusing to overwrite one.
     * @param alreadyWritten per session, the derived frames a complete file holds already (empty for an export).
     * @param errors         the pipeline's stage errors, or null for the engine's default (standard error).
     */
    DerivedFrames(final Path root, final CompiledManifest manifest, final boolean includeRestricted,
        final ExportFormat format, final FileRotation rotation, final Map<String, String> footer,
        final PipelineConfig config, final boolean live, final Map<String, Long> alreadyWritten,
        final BiConsumer<String, Throwable> errors) throws ManifestException
    {
        final FrameTable table = FrameTable.derived(manifest, includeRestricted);
        final Map<String, String> derivedFooter = new LinkedHashMap<>(footer);
        derivedFooter.put(ProvenanceKeys.TABLE, "derived");
        this.writer = live ?
            PartitionedFrameWriter.live(root, table, rotation, derivedFooter, selection, file -> { }) :
            new PartitionedFrameWriter(root, table, format, rotation, derivedFooter, selection);
        this.row = new FrameRow(table);
        this.alreadyWritten = new LinkedHashMap<>(alreadyWritten);
        final PipelineConfig derivingConfig = OutputFollowers.withoutFollowers(config.toBuilder())
            .journalDirectory(null).ackMode(AckMode.ACCEPTED).jsonLinesFile(null).outputDigest(false).build();
        final TelemetryPipelineBuilder builder = TelemetryPipeline.builder().name("derived").manifest(manifest)
            .dictionary(manifest.registry()).config(derivingConfig).outputHandler(this);
        this.pipeline = (errors == null ? builder : builder.errorHandler(errors)).build();
        // The writers hold these maps, not copies: the digest is the one the pipeline computed.
        for (final Map<String, String> keys : List.of(footer, derivedFooter))
        {
            keys.put(ProvenanceKeys.MANIFEST_NAME, manifest.manifest().name());
            keys.put(ProvenanceKeys.MANIFEST_SHA256, pipeline.manifestSha256());
        }
    }

    /** Channels of the manifest the table leaves out (restricted or internal, or derived from them). */
    int restrictedLeftOut()
    {
        return writer.table().restrictedLeftOut();
    }

    /** Publishes a journal message (a frame or a session marker) into the deriving pipeline; waits for room. */
    void publish(final DirectBuffer buffer, final int offset, final int length, final long journalIndex)
    {
        selection.onSelected(journalIndex); // before the pipeline can derive a row from it
        pipeline.publishReplayed(buffer, offset, length, journalIndex);
    }

    /**
     * Publishes a journal control message (valid, header included) that marks a gateway's run: at a
     * {@code ManifestLoaded} the deriving pipeline forgets its streams and merge sessions, at a
     * {@code PipelineDrained} it drains, as a replay's does ({@code ProcessingStage}), so its state is each live
     * run's across restarts. Other control messages are not published. Not a row's input: the files' journal ranges
     * (and the live sink's resume) stay those of the frames and session markers. A {@code ManifestLoaded} of another
     * dictionary than the pipeline's is not to be published (the pipeline refuses it, {@code ReplayedDictionaryCheck}):
     * the export refuses such a journal beforehand, and the live sink passes over the whole part it opens, as
     * {@code journal replay} does.
     */
    void publishRunMarker(final DirectBuffer buffer, final int offset, final int length, final long journalIndex)
    {
        final int templateId = FrameDescriptor.templateId(buffer, offset);
        if (templateId == PipelineDrainedDecoder.TEMPLATE_ID || templateId == ManifestLoadedDecoder.TEMPLATE_ID)
        {
            pipeline.publishReplayed(buffer, offset, length, journalIndex);
        }
    }

    /** True when the deriving pipeline has processed everything published to it. */
    boolean isDrained()
    {
        return pipeline.remainingCapacity() == pipeline.config().channelCapacity();
    }

    /** Completes the files that have had no row for {@code idleNs}. */
    synchronized void closeIdle(final long nowNs, final long idleNs) throws IOException
    {
        writer.closeIdle(nowNs, idleNs);
    }

    /** Completes the session's file (its session ended and its derived frames are written: {@link #isDrained()}). */
    synchronized void closeSession(final String session) throws IOException
    {
        writer.closeSession(session);
    }

    /**
     * Drains the deriving pipeline (every derived frame reaches a file) and completes every file.
     *
     * @throws IOException if a row could not be written.
     * @throws IllegalStateException if the manifest's pipeline failed.
     */
    void finish() throws IOException
    {
        pipeline.close();
        if (pipeline.firstError().isPresent())
        {
            writer.abort();
            throw new IllegalStateException("the manifest's pipeline failed: " + pipeline.firstError().get(),
                pipeline.firstError().get());
        }
        synchronized (this)
        {
            if (failure != null)
            {
                writer.abort();
                throw failure;
            }
            writer.close();
        }
    }

    /** After a failure elsewhere: stops the pipeline and deletes the files not completed. */
    void abort()
    {
        try
        {
            pipeline.close();
        }
        finally
        {
            synchronized (this)
            {
                writer.abort();
            }
        }
    }

    /** The first row that could not be written, or null. */
    synchronized IOException failure()
    {
        return failure;
    }

    synchronized PartitionedFrameWriter writer()
    {
        return writer;
    }

    synchronized long rows()
    {
        return rows;
    }

    /** Derived samples the manifest left out because their declared {@code data_type} cannot hold the value. */
    long outOfType()
    {
        return pipeline.counters().get(PipelineCounter.DERIVED_SAMPLES_OUT_OF_TYPE);
    }

    /**
     * Frames the manifest's pipeline dropped because more (session, source) streams were live at once than its
     * {@code max_sources}: they derive nothing, so the derived table lacks them.
     */
    long droppedTooManySources()
    {
        return pipeline.counters().get(PipelineCounter.DROPPED_TOO_MANY_SOURCES);
    }

    @Override
    public synchronized void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        if (failure != null)
        {
            return;
        }
        try
        {
            write(buffer, offset);
        }
        catch (final IOException | RuntimeException ex)
        {
            // Kept, so the sink notices it and starts again from its files; thrown, the pipeline's output fan-out
            // would only skip this sink from then on, and derived rows would stop without a word.
            failure = ex instanceof IOException io ? io : new IOException("a derived row could not be written", ex);
        }
    }

    private void write(final DirectBuffer buffer, final int offset) throws IOException
    {
        row.wrap(buffer, offset, Journal.NO_INDEX, null);
        if (!alreadyWritten.isEmpty())
        {
            final String session = row.sessionId();
            final Long before = alreadyWritten.get(session);
            if (before != null)
            {
                // The manifest runs again from the journal's first message and derives the same frames in the same
                // order, so a session's first N derived frames are the N its complete files hold.
                if (before > 1)
                {
                    alreadyWritten.put(session, before - 1);
                }
                else
                {
                    alreadyWritten.remove(session);
                }
                return;
            }
        }
        writer.write(row);
        rows++;
    }

    @Override
    public void onInsight(final DirectBuffer buffer, final int offset, final int length)
    {
        // Insights are documents, not rows: they belong to the PostgreSQL sink (docs/storage.md).
    }
}
