package io.pitgun.storage;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.frame.FrameValidator;
import io.pitgun.codecs.frame.RecordedDictionary;
import io.pitgun.codecs.sbe.ManifestLoadedDecoder;
import io.pitgun.codecs.sbe.SessionEndDecoder;
import io.pitgun.codecs.sbe.SessionStartDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.engine.DictionaryDigest;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalEventStamp;
import io.pitgun.journal.JournalStampedEntryHandler;
import io.pitgun.journal.JournalTailer;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestException;
import io.pitgun.sinks.SinkCounters;
import io.pitgun.sinks.SinkFollower;
import io.pitgun.sinks.SinkThread;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The live Parquet sink ({@code output.parquet: DIR}): a follower of the journal, on a thread of its own
 * ({@code pitgun-sink-parquet}), writes every journal frame into {@code DIR/runs/<session>/<hour>.parquet} with the
 * export's writer, columns and footer. Fed from the journal, not from the pipeline's output, so that it never slows
 * ingestion (it reads what is already appended) and everything acknowledged reaches the files, including across
 * restarts and write failures.
 *
 * <p>A Parquet file is readable only once closed (its footer written), so besides the export's rotation (size,
 * rows, a new hour) a session's file is completed when the session ends and when it has had no row for
 * {@code idleCloseNs}; the next rows of the same hour go to {@code <hour>.1.parquet}, {@code .2}, ...
 *
 * <p><b>Resume.</b> At start (and after a failure) files still named {@code .*.inprogress} are deleted: they were
 * never complete. Each complete file's footer names the last journal index it holds ({@code
 * pitgun.journal_last_index}); a session's files are written one after the other in journal order, so every frame of
 * a session at or below its newest file's last index is in a file already and is skipped. The journal is read from
 * its first message to find the rest: a restart writes each frame that is not in a complete file exactly once.
 *
 * <p>Derived rows name no journal index: per session, as many derived frames as the complete derived files hold are
 * skipped, which is right only if the manifest runs from where it ran for those files. Each derived file's footer
 * names the first message its derivation read ({@code pitgun.journal_first_index}); if that is not the first message
 * this start reads (the journal's oldest cycle files were deleted, or it is another journal), the derived table is
 * not written (a failure, counted and logged, looked at again with the failures' backoff) until {@code DIR/derived}
 * is moved aside: the runs table goes on.
 */
public final class LiveParquetSink implements SinkFollower
{
    /** The sink's name: its thread is {@code pitgun-sink-parquet}, its counters' label {@code sink="parquet"}. */
    public static final String NAME = "parquet";
    /** How often idle files are looked for while the sink is behind the journal (when caught up: at every poll). */
    private static final long IDLE_CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(250);
    /** How long a session's file stays open without a new row before it is completed (and readable). */
    public static final long DEFAULT_IDLE_CLOSE_NS = TimeUnit.SECONDS.toNanos(5);

    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;
    private static final int ENTRIES_PER_POLL = 64;
    private static final String IN_PROGRESS = ".inprogress";
    private static final Logger LOG = LoggerFactory.getLogger(LiveParquetSink.class);

    private final Journal journal;
    private final Path runs;
    private final Path derivedRoot;
    /** The manifest whose derived frames go to {@code DIR/derived}, or null for journal frames only. */
    private final CompiledManifest manifest;
    /** The journal writer's settings: the deriving pipeline runs with them, so its rows are the live run's output. */
    private final PipelineConfig config;
    private final boolean includeRestricted;
    /** The dictionary that names the columns: frames the journal records as written with another are left out. */
    private final ParameterRegistry registry;
    private final FrameTable table;
    private final FileRotation rotation;
    private final long idleCloseNs;
    private final Map<String, String> provenance;
    private final SinkCounters counters = new SinkCounters(NAME);
    private final SinkThread thread;
    /**
     * Journal frames the deriving pipelines dropped (streams beyond {@code max_sources}) and {@link #counters}
     * counted, in this process: each start runs the manifest over the same journal, dropping the same frames again.
     */
    private long derivedDropsCounted;

    private LiveParquetSink(final Journal journal, final ParameterRegistry registry, final CompiledManifest manifest,
        final PipelineConfig config, final Path directory, final FileRotation rotation, final long idleCloseNs)
    {
        this.journal = journal;
        this.runs = directory.resolve(JournalExporter.RUNS_DIRECTORY);
        this.derivedRoot = directory.resolve(JournalExporter.DERIVED_DIRECTORY);
        // A manifest that outputs no derived frames (insights only) would be run again for an empty table.
        this.manifest = manifest != null && manifest.emitsFrames() ? manifest : null; // else no rows for DIR/derived
        this.config = config;
        this.includeRestricted = config.outputIncludeRestricted();
        this.registry = registry;
        this.table = FrameTable.frames(registry, includeRestricted).requireParquetNames(); // refuses the start
        this.rotation = rotation;
        this.idleCloseNs = idleCloseNs;
        final Map<String, String> footer = new LinkedHashMap<>(versionKeys());
        footer.put(ProvenanceKeys.DICTIONARY_NAME, registry.name());
        footer.put(ProvenanceKeys.DICTIONARY_SHA256, DictionaryDigest.sha256Hex(registry));
        footer.put(ProvenanceKeys.INCLUDES_RESTRICTED, Boolean.toString(includeRestricted));
        footer.put(ProvenanceKeys.EXPORTED_AT, Instant.now().toString());
        footer.put(ProvenanceKeys.TABLE, "frames");
        this.provenance = footer;
        this.thread = new SinkThread(NAME, this::run);
    }

    /**
     * Starts following {@code journal} into Parquet files under {@code directory/runs} and, with a manifest, its
     * derived frames under {@code directory/derived} (the export's two tables).
     *
     * @param journal     must outlive the sink ({@link #close()} it first).
     * @param registry    the dictionary naming and typing the channel columns.
     * @param manifest    the journal writer's manifest, run again over the journal for the derived table; null for
     *                    journal frames only.
     * @param config      the journal writer's settings: {@code output.include_restricted} and, for the derived
     *                    table, the pipeline settings (merging, ...) its manifest runs with.
     * @param idleCloseNs a session's file is completed after this long without a row.
     */
    public static LiveParquetSink start(final Journal journal, final ParameterRegistry registry,
        final CompiledManifest manifest, final PipelineConfig config, final Path directory,
        final FileRotation rotation, final long idleCloseNs)
    {
        final LiveParquetSink sink =
            new LiveParquetSink(journal, registry, manifest, config, directory, rotation, idleCloseNs);
        sink.thread.start();
        return sink;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    /** The sink's counters ({@code sink="parquet"}). */
    @Override
    public SinkCounters counters()
    {
        return counters;
    }

    private void run()
    {
        long backoffMs = MIN_BACKOFF_MS;
        while (thread.isRunning())
        {
            try
            {
                follow();
                backoffMs = MIN_BACKOFF_MS;
            }
            catch (final IOException | RuntimeException ex)
            {
                counters.onFailure(System.nanoTime());
                LOG.warn("sink {}: {}; starting again in {} ms", NAME, ex.toString(), backoffMs);
                counters.state(SinkCounters.NOT_CONNECTED);
                thread.pause(backoffMs);
                backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            }
        }
    }

    /** Resumes from the files, then follows the journal until closed (completing every open file) or a failure. */
    private void follow() throws IOException
    {
        Files.createDirectories(runs);
        final Map<String, Long> written = resumePoints(runs, false, null);
        final PartitionedFrameWriter writer = PartitionedFrameWriter.live(runs, table, rotation, provenance,
            null, file -> counters.onRowsWritten(file.rows()));
        Follower follower = null;
        boolean completed = false;
        try
        {
            DerivedFrames derived = null;
            final Set<Long> derivedFrom = new HashSet<>();
            if (manifest != null)
            {
                Files.createDirectories(derivedRoot);
                derived = new DerivedFrames(derivedRoot, manifest, includeRestricted, ExportFormat.PARQUET, rotation,
                    provenance, config, true, resumePoints(derivedRoot, true, derivedFrom),
                    (stage, ex) -> LOG.warn("sink {}: derived frames: {} failed: {}", NAME, stage, ex.toString()));
            }
            follower = new Follower(writer, derived, written, derivedFrom);
            follow(follower);
            writer.close();
            if (follower.derived != null)
            {
                follower.derived.finish(); // drains its pipeline: every derived frame of what was read is in a file
                follower.countDerivedDrops();
            }
            completed = true;
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        catch (final ManifestException ex)
        {
            throw new IllegalStateException("the manifest does not compile again: " + ex.getMessage(), ex);
        }
        finally
        {
            if (!completed)
            {
                writer.abort(); // its .inprogress files are deleted; the next attempt writes their rows again
                if (follower != null && follower.derived != null)
                {
                    follower.derived.abort();
                }
            }
        }
    }

    /**
     * Follows the journal until closed or a failure; returns early (to start again from the files) when the derived
     * table, refused at this start, can be derived again ({@code DIR/derived} was moved aside).
     */
    private void follow(final Follower follower) throws IOException
    {
        final PartitionedFrameWriter writer = follower.writer;
        long lastIdleCheckNs = System.nanoTime();
        final IdleStrategy idle = new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(10),
            TimeUnit.MILLISECONDS.toNanos(1));
        counters.state(SinkCounters.WRITING);
        try (JournalTailer tailer = journal.tailer())
        {
            tailer.onGap(counters.journalGapLog());
            while (thread.isRunning())
            {
                int entries = 0;
                while (entries < ENTRIES_PER_POLL && tailer.readNext(follower))
                {
                    entries++;
                }
                if (follower.derived != null && follower.derived.failure() != null)
                {
                    throw follower.derived.failure(); // a derived row could not be written: start again from files
                }
                final long now = System.nanoTime();
                if (follower.mayDeriveAgain(now))
                {
                    return; // the runs table's open files are completed; the next start derives from the journal
                }
                // When caught up, and at least every IDLE_CHECK_INTERVAL_NS while behind: under sustained traffic of
                // other sessions the sink may never read nothing, and a stopped session's file must still complete.
                if (entries == 0 || now - lastIdleCheckNs >= IDLE_CHECK_INTERVAL_NS)
                {
                    lastIdleCheckNs = now;
                    writer.closeIdle(now, idleCloseNs);
                    follower.closeDerived(now);
                }
                counters.onProgress(entries == 0, now);
                idle.idle(entries);
            }
            // Closing: read to the journal's end first, so every frame acknowledged before the close is in a
            // completed file (the pipeline stops its followers after its drain, so that is everything it journaled).
            while (tailer.readNext(follower))
            {
                // to the end
            }
        }
    }

    /**
     * Deletes the files under {@code root} never completed and reads, per session, from the complete files'
     * footers: the last journal index they hold (the frames table), or how many rows they hold (the derived table,
     * whose rows name no journal index).
     *
     * @param derivedFrom for the derived table: gets the journal index each file's derivation started from
     *                    ({@code pitgun.journal_first_index}; files written before it was recorded name none).
     */
    private static Map<String, Long> resumePoints(final Path root, final boolean rowCounts,
        final Set<Long> derivedFrom) throws IOException
    {
        final Map<String, Long> written = new HashMap<>();
        if (!Files.isDirectory(root))
        {
            return written; // DIR/derived moved aside while the sink runs
        }
        try (DirectoryStream<Path> sessions = Files.newDirectoryStream(root, Files::isDirectory))
        {
            for (final Path session : sessions)
            {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(session))
                {
                    for (final Path file : files)
                    {
                        final String name = file.getFileName().toString();
                        if (name.startsWith(".") && name.endsWith(IN_PROGRESS))
                        {
                            Files.delete(file);
                        }
                        else if (name.endsWith(ExportFormat.PARQUET.extension()))
                        {
                            final ParquetFooters.Footer footer = ParquetFooters.read(file);
                            final String last = footer.keyValues().get(ProvenanceKeys.JOURNAL_LAST_INDEX);
                            final String table = footer.keyValues().get(ProvenanceKeys.TABLE);
                            if (rowCounts ? !"derived".equals(table) : last == null)
                            {
                                throw new IOException(file + " has no " + (rowCounts ? ProvenanceKeys.TABLE +
                                    " derived" : ProvenanceKeys.JOURNAL_LAST_INDEX) + " in its footer: not written " +
                                    "by this sink; move it out of the sink's directory");
                            }
                            written.merge(session.getFileName().toString(),
                                rowCounts ? footer.rows() : Long.parseLong(last), rowCounts ? Long::sum : Math::max);
                            final String first = footer.keyValues().get(ProvenanceKeys.JOURNAL_FIRST_INDEX);
                            if (rowCounts && first != null)
                            {
                                derivedFrom.add(Long.parseLong(first));
                            }
                        }
                    }
                }
            }
        }
        return written;
    }

    /**
     * Each journal message: frames not yet in a complete file become rows; a session's end completes its file. With a
     * manifest every frame and session marker also goes into the deriving pipeline (those already in files too: the
     * manifest's state is rebuilt from the journal's first message). The parts written with another dictionary are
     * passed over whole ({@link #onOtherDictionary}).
     */
    private final class Follower implements JournalStampedEntryHandler
    {
        private final PartitionedFrameWriter writer;
        /** Null without a manifest, and once the derived table was refused at this start. */
        private DerivedFrames derived;
        private final Map<String, Long> written;
        /** Where the derivations of the complete derived files started (their first journal index). */
        private final Set<Long> derivedFrom;
        /** The first message published into the deriving pipeline at this start: where its derivation starts. */
        private long derivationStart = Journal.NO_INDEX;
        /** While the derived table is refused: when {@code DIR/derived} is looked at again, and the wait after. */
        private long nextDerivedCheckNs;
        private long derivedBackoffMs = MIN_BACKOFF_MS;
        private final FrameRow row = new FrameRow(table);
        private final FrameValidator checker = new FrameValidator();

        /**
         * Samples the row left empty (a value its channel's type cannot hold: FrameRow): each counted as dropped,
         * the first of a run logged (a producer sending such values would otherwise log every frame).
         */
        private void countOutOfType(final long index, final long samples, final boolean first)
        {
            counters.onDropped(samples);
            if (first)
            {
                LOG.warn("sink {}: journal index {}: {} sample(s) outside their channel's type left empty (every such " +
                    "sample is counted as dropped; only the first is logged)", NAME, index, samples);
            }
        }
        /** Sessions that ended, whose derived file is completed once the deriving pipeline has caught up. */
        private final Set<String> endedSessions = new LinkedHashSet<>();
        /**
         * How the dictionary of the journal's part being read (its last {@code ManifestLoaded}) is not
         * {@link #registry}, or null while it is (or no part has named one).
         */
        private String otherDictionary;

        /**
         * A gateway's start ({@code ManifestLoaded}): the messages up to the next one were written with the
         * dictionary it records. Those of another than the sink's are left out of both tables
         * ({@link #onOtherDictionary}); before, its frames were written under this dictionary's columns (one
         * dictionary's channel ids named and typed as the other's), in files whose footer named this one.
         */
        private void onRunStart(final long index, final DirectBuffer buffer, final int offset)
        {
            final RecordedDictionary recorded = RecordedDictionary.of(buffer, offset);
            otherDictionary = recorded == null ? null : recorded.disagreement(registry, "this sink's");
            if (otherDictionary != null)
            {
                LOG.warn("sink {}: journal index {}: the journal's frames from here on were {}; left out of {} up to " +
                    "the next start with this dictionary, each counted as dropped, and not derived (read them with " +
                    "pitgun journal dump --dictionary FILE --from/--to)", NAME, index, otherDictionary, runs);
            }
        }

        /**
         * A message of a part written with another dictionary: passed over whole, as {@code journal replay} passes
         * over it (its {@code ManifestLoaded}, frames, session markers and {@code PipelineDrained}). A frame is
         * counted as dropped: its channel ids are another dictionary's, which this table's columns would misname and
         * the deriving pipeline would compute from. Before, the derived table's pipeline still derived rows from
         * them (and drained at their run's stop), so its rows differed from the replay's. Their session markers
         * neither open nor complete a file: none of their frames is written.
         */
        private void onOtherDictionary(final int templateId)
        {
            if (templateId == TelemetryFrameDecoder.TEMPLATE_ID)
            {
                counters.onDropped();
            }
        }

        Follower(final PartitionedFrameWriter writer, final DerivedFrames derived, final Map<String, Long> written,
            final Set<Long> derivedFrom)
        {
            this.writer = writer;
            this.derived = derived;
            this.written = written;
            this.derivedFrom = derivedFrom;
        }

        @Override
        public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
            final long ingestTimeNs, final JournalEventStamp stamp)
        {
            if (!checker.validateExactly(buffer, offset, length, FrameValidator.Level.STRUCTURE))
            {
                counters.onDropped();
                LOG.warn("sink {}: journal index {} left out: {}", NAME, index, checker.describe());
                return;
            }
            try
            {
                final int templateId = checker.templateId();
                if (templateId == ManifestLoadedDecoder.TEMPLATE_ID)
                {
                    onRunStart(index, buffer, offset); // first: the message opens the part it names the dictionary of
                }
                if (otherDictionary != null)
                {
                    onOtherDictionary(templateId);
                    return;
                }
                if (derived != null && (templateId == TelemetryFrameDecoder.TEMPLATE_ID ||
                    templateId == SessionStartDecoder.TEMPLATE_ID || templateId == SessionEndDecoder.TEMPLATE_ID))
                {
                    if (derivationStart == Journal.NO_INDEX)
                    {
                        derivationStart = index;
                        if (!derivedFrom.isEmpty() && !derivedFrom.equals(Set.of(index)))
                        {
                            refuseDerived();
                        }
                    }
                    if (derived != null)
                    {
                        derived.publish(buffer, offset, length, index); // what the export publishes
                    }
                }
                else if (derived != null)
                {
                    derived.publishRunMarker(buffer, offset, length, index); // a gateway's start or drain
                }
                if (templateId == TelemetryFrameDecoder.TEMPLATE_ID)
                {
                    final long outOfTypeBefore = row.samplesOutOfType;
                    row.wrap(buffer, offset, index, stamp);
                    if (row.samplesOutOfType != outOfTypeBefore)
                    {
                        countOutOfType(index, row.samplesOutOfType - outOfTypeBefore, outOfTypeBefore == 0);
                    }
                    final Long done = written.get(row.sessionId());
                    if (done != null && index <= done)
                    {
                        counters.onSkipped();
                        return;
                    }
                    writer.write(row);
                    counters.onPosition(index);
                }
                else if (templateId == SessionEndDecoder.TEMPLATE_ID)
                {
                    final String session = new UUID(
                        buffer.getLong(offset + FrameDescriptor.MARKER_SESSION_MSB, FrameDescriptor.ORDER),
                        buffer.getLong(offset + FrameDescriptor.MARKER_SESSION_MSB + Long.BYTES,
                            FrameDescriptor.ORDER)).toString();
                    writer.closeSession(session);
                    if (derived != null)
                    {
                        endedSessions.add(session);
                    }
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        /**
         * The complete derived files were derived from another first message than this start's: the count of their
         * rows does not tell which of the derived frames from here they hold (the manifest's state and output
         * differ), so none is written rather than skipping new ones. A failure, until DIR/derived is moved aside.
         */
        private void refuseDerived()
        {
            derived.abort(); // nothing was published into it yet: no file was begun
            derived = null;
            endedSessions.clear();
            failDerived(System.nanoTime());
        }

        private void failDerived(final long nowNs)
        {
            counters.onFailure(nowNs);
            LOG.warn("sink {}: derived frames not written: the files under {} were derived from journal index(es) " +
                "{}, but the journal now starts at {} (its oldest cycle files were deleted, or it is another " +
                "journal), so the rows they hold cannot be told from the frames derived now; move {} aside to " +
                "derive the table again from the journal as it is (the runs table is still written); looking " +
                "again in {} ms", NAME, derivedRoot, derivedFrom, derivationStart, derivedRoot, derivedBackoffMs);
            nextDerivedCheckNs = nowNs + TimeUnit.MILLISECONDS.toNanos(derivedBackoffMs);
            derivedBackoffMs = Math.min(MAX_BACKOFF_MS, derivedBackoffMs * 2);
        }

        /**
         * While the derived table is refused, at the failures' backoff: true once {@code DIR/derived} holds no file
         * derived from another first message (moved aside), so the sink starts again and derives it; else counts
         * the failure again.
         */
        boolean mayDeriveAgain(final long nowNs) throws IOException
        {
            if (derived != null || manifest == null || derivationStart == Journal.NO_INDEX ||
                nowNs - nextDerivedCheckNs < 0)
            {
                return false;
            }
            derivedFrom.clear();
            resumePoints(derivedRoot, true, derivedFrom);
            if (derivedFrom.isEmpty() || derivedFrom.equals(Set.of(derivationStart)))
            {
                LOG.info("sink {}: {} can be derived again: starting again", NAME, derivedRoot);
                return true;
            }
            failDerived(nowNs);
            return false;
        }

        /**
         * Counts the journal frames the deriving pipeline dropped beyond those counted before, logging the first:
         * they derive nothing, so the derived table lacks them (before, without a word).
         */
        void countDerivedDrops()
        {
            final long dropped = derived.droppedTooManySources();
            if (dropped > derivedDropsCounted)
            {
                if (derivedDropsCounted == 0)
                {
                    LOG.warn("sink {}: derived frames: the manifest's pipeline dropped frames of more (session, " +
                        "source) streams at once than max_sources; they have no derived row (counted as dropped)",
                        NAME);
                }
                counters.onDropped(dropped - derivedDropsCounted);
                derivedDropsCounted = dropped;
            }
        }

        /**
         * While the journal has nothing new: completes idle derived files and, once the deriving pipeline has caught
         * up (every derived frame of an ended session is in its file), the ended sessions' files.
         */
        void closeDerived(final long nowNs) throws IOException
        {
            if (derived == null)
            {
                return;
            }
            countDerivedDrops();
            derived.closeIdle(nowNs, idleCloseNs);
            if (!endedSessions.isEmpty() && derived.isDrained())
            {
                for (final String session : endedSessions)
                {
                    derived.closeSession(session);
                }
                endedSessions.clear();
            }
        }
    }

    private static Map<String, String> versionKeys()
    {
        final Properties properties = new Properties();
        try (InputStream in = LiveParquetSink.class.getResourceAsStream("/pitgun-version.properties"))
        {
            if (in != null)
            {
                properties.load(in);
            }
        }
        catch (final IOException ex)
        {
            LOG.debug("no version properties: {}", ex.toString());
        }
        final String commit = properties.getProperty("commit", "unknown");
        return Map.of(ProvenanceKeys.VERSION, properties.getProperty("version", "unknown"),
            ProvenanceKeys.BUILD_COMMIT, commit.startsWith("${") ? "unknown" : commit);
    }

    /** Stops following and completes every open file; waits for the thread, at most 35 s. */
    @Override
    public void close()
    {
        thread.stop();
    }
}
