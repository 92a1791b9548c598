package io.pitgun.storage;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.frame.FrameValidator;
import io.pitgun.codecs.sbe.SessionEndDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.engine.DictionaryDigest;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalEventStamp;
import io.pitgun.journal.JournalStampedEntryHandler;
import io.pitgun.journal.JournalTailer;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
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
 */
public final class LiveParquetSink implements SinkFollower
{
    /** The sink's name: its thread is {@code pitgun-sink-parquet}, its counters' label {@code sink="parquet"}. */
    public static final String NAME = "parquet";
    /** How long a session's file stays open without a new row before it is completed (and readable). */
    public static final long DEFAULT_IDLE_CLOSE_NS = TimeUnit.SECONDS.toNanos(5);

    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;
    private static final int ENTRIES_PER_POLL = 64;
    private static final String IN_PROGRESS = ".inprogress";
    private static final Logger LOG = LoggerFactory.getLogger(LiveParquetSink.class);

    private final Journal journal;
    private final Path runs;
    private final FrameTable table;
    private final FileRotation rotation;
    private final long idleCloseNs;
    private final Map<String, String> provenance;
    private final SinkCounters counters = new SinkCounters(NAME);
    private final SinkThread thread;

    private LiveParquetSink(final Journal journal, final ParameterRegistry registry, final Path directory,
        final FileRotation rotation, final long idleCloseNs, final boolean includeRestricted)
    {
        this.journal = journal;
        this.runs = directory.resolve(JournalExporter.RUNS_DIRECTORY);
        this.table = FrameTable.frames(registry, includeRestricted);
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
     * Starts following {@code journal} into Parquet files under {@code directory/runs}.
     *
     * @param journal           must outlive the sink ({@link #close()} it first).
     * @param registry          the dictionary naming and typing the channel columns.
     * @param idleCloseNs       a session's file is completed after this long without a row.
     * @param includeRestricted write the restricted channels' columns too.
     */
    public static LiveParquetSink start(final Journal journal, final ParameterRegistry registry, final Path directory,
        final FileRotation rotation, final long idleCloseNs, final boolean includeRestricted)
    {
        final LiveParquetSink sink =
            new LiveParquetSink(journal, registry, directory, rotation, idleCloseNs, includeRestricted);
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
        final Map<String, Long> written = resumePoints();
        final PartitionedFrameWriter writer = PartitionedFrameWriter.live(runs, table, rotation, provenance,
            file -> counters.onRowsWritten(file.rows()));
        final Follower follower = new Follower(writer, written);
        final IdleStrategy idle = new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(10),
            TimeUnit.MILLISECONDS.toNanos(1));
        counters.state(SinkCounters.WRITING);
        boolean completed = false;
        try (JournalTailer tailer = journal.tailer())
        {
            while (thread.isRunning())
            {
                int entries = 0;
                while (entries < ENTRIES_PER_POLL && tailer.readNext(follower))
                {
                    entries++;
                }
                final long now = System.nanoTime();
                if (entries == 0)
                {
                    writer.closeIdle(now, idleCloseNs);
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
            writer.close();
            completed = true;
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        finally
        {
            if (!completed)
            {
                writer.abort(); // its .inprogress files are deleted; the next attempt writes their rows again
            }
        }
    }

    /**
     * Deletes the files never completed and reads, per session, the last journal index its complete files hold.
     */
    private Map<String, Long> resumePoints() throws IOException
    {
        final Map<String, Long> written = new HashMap<>();
        try (DirectoryStream<Path> sessions = Files.newDirectoryStream(runs, Files::isDirectory))
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
                            final String last = ParquetFooters.keyValues(file).get(ProvenanceKeys.JOURNAL_LAST_INDEX);
                            if (last == null)
                            {
                                throw new IOException(file + " has no " + ProvenanceKeys.JOURNAL_LAST_INDEX +
                                    " in its footer: not written by this sink; move it out of the sink's directory");
                            }
                            written.merge(session.getFileName().toString(), Long.parseLong(last), Math::max);
                        }
                    }
                }
            }
        }
        return written;
    }

    /** Each journal message: frames not yet in a complete file become rows; a session's end completes its file. */
    private final class Follower implements JournalStampedEntryHandler
    {
        private final PartitionedFrameWriter writer;
        private final Map<String, Long> written;
        private final FrameRow row = new FrameRow(table);
        private final FrameValidator checker = new FrameValidator();

        Follower(final PartitionedFrameWriter writer, final Map<String, Long> written)
        {
            this.writer = writer;
            this.written = written;
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
                if (checker.templateId() == TelemetryFrameDecoder.TEMPLATE_ID)
                {
                    row.wrap(buffer, offset, index, stamp);
                    final Long done = written.get(row.sessionId());
                    if (done != null && index <= done)
                    {
                        counters.onSkipped();
                        return;
                    }
                    writer.write(row);
                    counters.onPosition(index);
                }
                else if (checker.templateId() == SessionEndDecoder.TEMPLATE_ID)
                {
                    writer.closeSession(new UUID(
                        buffer.getLong(offset + FrameDescriptor.MARKER_SESSION_MSB, FrameDescriptor.ORDER),
                        buffer.getLong(offset + FrameDescriptor.MARKER_SESSION_MSB + Long.BYTES,
                            FrameDescriptor.ORDER)).toString());
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
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
