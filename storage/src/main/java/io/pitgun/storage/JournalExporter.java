package io.pitgun.storage;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.frame.FrameValidator;
import io.pitgun.codecs.sbe.SessionEndDecoder;
import io.pitgun.codecs.sbe.SessionStartDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.engine.DictionaryDigest;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalEventStamp;
import io.pitgun.journal.JournalScan;
import io.pitgun.journal.JournalScanHandler;
import io.pitgun.journal.ProgressListener;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestException;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Exports a journal as files an analyst opens in DuckDB, pandas or Spark: one row per frame in
 * {@code OUT/runs/<session>/<hour>.parquet} (or {@code .csv}), columns as {@link FrameTable#frames} says. With a
 * manifest, the selected messages are also published, with their journal positions, into a pipeline running it
 * (as {@code journal replay} does) and its derived frames go to {@code OUT/derived/<session>/<hour>.parquet}: a
 * separate table, because filters drop frames and merges fold several into one, so derived frames are not one to
 * one with journal frames; an unmerged derived frame joins its journal frame on
 * {@code (session_id, source_id, sequence)}.
 *
 * <pre>{@code
 * try (Journal journal = Journal.open(JournalConfig.readOnly(dir))) {
 *     ExportSummary summary = new JournalExporter(registry, ExportFormat.PARQUET, FileRotation.defaults(), false)
 *         .export(journal, ExportSelection.all(), null, out, Map.of(ProvenanceKeys.VERSION, "0.1.0"), ProgressListener.NONE);
 * }
 * }</pre>
 * Not thread-safe; one export at a time.
 */
public final class JournalExporter
{
    /** The journal-frame table's directory under OUT. */
    public static final String RUNS_DIRECTORY = "runs";
    /** The derived-frame table's directory under OUT. */
    public static final String DERIVED_DIRECTORY = "derived";

    private final ParameterRegistry registry;
    private final ExportFormat format;
    private final FileRotation rotation;
    private final boolean includeRestricted;
    /** The settings of the manifest's pipeline (max_sources, merging, max_frame_bytes...); its outputs are ignored. */
    private PipelineConfig derivingConfig = PipelineConfig.defaults();

    /**
     * @param registry          the dictionary naming and typing the channel columns.
     * @param includeRestricted export restricted channels too (left out by default).
     */
    public JournalExporter(final ParameterRegistry registry, final ExportFormat format, final FileRotation rotation,
        final boolean includeRestricted)
    {
        this.registry = registry;
        this.format = format;
        this.rotation = rotation;
        this.includeRestricted = includeRestricted;
    }

    /**
     * Runs the manifest's pipeline with {@code config}'s settings (those of the run that wrote the journal, as
     * {@code journal replay --config} takes them) instead of the defaults; its journal, acknowledgement and output
     * settings are ignored. Returns this exporter.
     */
    public JournalExporter derivingConfig(final PipelineConfig config)
    {
        this.derivingConfig = java.util.Objects.requireNonNull(config, "config");
        return this;
    }

    /** The settings the manifest's pipeline runs with ({@link #derivingConfig(PipelineConfig)}). */
    public PipelineConfig derivingConfig()
    {
        return derivingConfig;
    }

    /**
     * Exports the selected messages of {@code journal} under {@code out}.
     *
     * @param manifest   run over the selected messages for the derived table, or null for none.
     * @param provenance keys every Parquet footer carries besides those the export adds (dictionary, manifest,
     *                   session, journal range, export time): the caller's version and build commit.
     * @throws IOException if a file cannot be written, or would overwrite an existing one.
     * @throws ManifestException if the manifest's pipeline cannot be built.
     * @throws IllegalStateException if the manifest's pipeline failed (the message says how).
     */
    public ExportSummary export(final Journal journal, final ExportSelection selection, final CompiledManifest manifest,
        final Path out, final Map<String, String> provenance, final ProgressListener progress)
        throws IOException, ManifestException
    {
        final long started = System.nanoTime();
        final Map<String, String> footer = new LinkedHashMap<>(provenance);
        footer.put(ProvenanceKeys.DICTIONARY_NAME, registry.name());
        footer.put(ProvenanceKeys.DICTIONARY_SHA256, DictionaryDigest.sha256Hex(registry));
        footer.put(ProvenanceKeys.INCLUDES_RESTRICTED, Boolean.toString(includeRestricted));
        footer.put(ProvenanceKeys.EXPORTED_AT, java.time.Instant.now().toString());

        final FrameTable frames = FrameTable.frames(registry, includeRestricted);
        final Map<String, String> framesFooter = new LinkedHashMap<>(footer);
        framesFooter.put(ProvenanceKeys.TABLE, "frames");
        final PartitionedFrameWriter frameWriter =
            new PartitionedFrameWriter(out.resolve(RUNS_DIRECTORY), frames, format, rotation, framesFooter, null);

        DerivedFrames derived = null;
        int leftOut = frames.restrictedLeftOut();
        if (manifest != null)
        {
            derived = new DerivedFrames(out.resolve(DERIVED_DIRECTORY), manifest, includeRestricted, format, rotation,
                framesFooter, derivingConfig, false, Map.of(), null);
            leftOut += derived.restrictedLeftOut();
        }

        final Selector selector = new Selector(selection, frames, frameWriter, derived);
        final JournalScan.Outcome outcome;
        try
        {
            outcome = JournalScan.run(journal, selection.fromIndex(), selection.toIndex(), selector, progress);
        }
        catch (final RuntimeException ex)
        {
            frameWriter.abort();
            if (derived != null)
            {
                derived.abort();
            }
            if (ex instanceof UncheckedIOException)
            {
                throw ((UncheckedIOException)ex).getCause();
            }
            throw ex;
        }
        if (outcome.failed())
        {
            selector.bad(outcome.failedIndex(), outcome.failure());
        }
        frameWriter.close();
        List<ExportedFile> derivedFiles = List.of();
        long derivedRows = 0;
        long derivedOutOfType = 0;
        long derivedDropped = 0;
        if (derived != null)
        {
            // Drains: every derived frame has reached the writer, and the files left open are completed with the
            // selection's journal range (their frames do not name their own: SelectionRange).
            derived.finish();
            derivedFiles = derived.writer().files();
            derivedRows = derived.rows();
            derivedOutOfType = derived.outOfType();
            derivedDropped = derived.droppedTooManySources();
        }
        return new ExportSummary(frameWriter.files(), derivedFiles, outcome.entries(), selector.rows,
            selector.row.samplesOutOfType, derivedRows,
            derivedOutOfType, derivedDropped, selector.skipped, selector.firstProblem, leftOut,
            System.nanoTime() - started);
    }

    /** Reads each selected message: frames become rows, and with a manifest every selected message is published. */
    private static final class Selector implements JournalScanHandler
    {
        private final ExportSelection selection;
        private final PartitionedFrameWriter writer;
        private final DerivedFrames derived;
        private final FrameRow row;
        private final FrameValidator checker = new FrameValidator();
        long rows;
        long skipped;
        long firstBadIndex = Journal.NO_INDEX;
        String firstProblem;

        Selector(final ExportSelection selection, final FrameTable table, final PartitionedFrameWriter writer,
            final DerivedFrames derived)
        {
            this.selection = selection;
            this.writer = writer;
            this.derived = derived;
            this.row = new FrameRow(table);
        }

        @Override
        public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
            final long ingestTimeNs)
        {
            onEntry(index, buffer, offset, length, ingestTimeNs, null);
        }

        @Override
        public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
            final long ingestTimeNs, final JournalEventStamp stamp)
        {
            if (!checker.validateExactly(buffer, offset, length, FrameValidator.Level.STRUCTURE))
            {
                bad(index, checker.describe());
                return;
            }
            final int templateId = checker.templateId();
            final long timestampUs;
            final int sessionAt;
            switch (templateId)
            {
                case TelemetryFrameDecoder.TEMPLATE_ID:
                    timestampUs = buffer.getLong(offset + FrameDescriptor.TIMESTAMP_US, FrameDescriptor.ORDER);
                    sessionAt = offset + FrameDescriptor.SESSION_MSB;
                    break;
                case SessionStartDecoder.TEMPLATE_ID:
                case SessionEndDecoder.TEMPLATE_ID:
                    timestampUs = buffer.getLong(offset + FrameDescriptor.MARKER_TIMESTAMP_US, FrameDescriptor.ORDER);
                    sessionAt = offset + FrameDescriptor.MARKER_SESSION_MSB;
                    break;
                default:
                    // Not rows; a run's start or drain is the manifest's too, whatever the selection.
                    if (derived != null)
                    {
                        derived.publishRunMarker(buffer, offset, length, index);
                    }
                    return;
            }
            if (!selection.inTime(timestampUs) || !inSession(buffer, sessionAt, selection.session()))
            {
                return;
            }
            if (derived != null)
            {
                derived.publish(buffer, offset, length, index);
            }
            if (templateId == SessionEndDecoder.TEMPLATE_ID)
            {
                // Nothing more comes for it: its files are complete (and closed, however many sessions follow).
                try
                {
                    writer.closeSession(new UUID(buffer.getLong(sessionAt, FrameDescriptor.ORDER),
                        buffer.getLong(sessionAt + Long.BYTES, FrameDescriptor.ORDER)).toString());
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            }
            if (templateId == TelemetryFrameDecoder.TEMPLATE_ID)
            {
                row.wrap(buffer, offset, index, stamp);
                try
                {
                    writer.write(row);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
                rows++;
            }
        }

        @Override
        public void onBadMessage(final long index, final String problem)
        {
            bad(index, problem);
        }

        void bad(final long index, final String problem)
        {
            skipped++;
            if (firstBadIndex == Journal.NO_INDEX)
            {
                firstBadIndex = index;
                firstProblem = "index " + index + ": " + problem;
            }
        }

        private static boolean inSession(final DirectBuffer buffer, final int at, final UUID session)
        {
            return session == null ||
                buffer.getLong(at, FrameDescriptor.ORDER) == session.getMostSignificantBits() &&
                buffer.getLong(at + Long.BYTES, FrameDescriptor.ORDER) == session.getLeastSignificantBits();
        }
    }
}
