package io.pitgun.perf.storage;

import io.pitgun.engine.AckMode;
import io.pitgun.engine.FrameWriter;
import io.pitgun.engine.OutputFollowers;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalScan;
import io.pitgun.journal.JournalScanHandler;
import io.pitgun.journal.ProgressListener;
import io.pitgun.perf.BenchPipeline;
import io.pitgun.perf.ChildJvm;
import io.pitgun.sinks.SinkCounters;
import io.pitgun.sinks.SinkFollower;
import io.pitgun.storage.ExportFormat;
import io.pitgun.storage.ExportSelection;
import io.pitgun.storage.ExportSummary;
import io.pitgun.storage.FileRotation;
import io.pitgun.storage.JournalExporter;
import io.pitgun.testsupport.PostgresServer;
import org.agrona.DirectBuffer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Storage throughput over one journal, in one run:
 * <pre>
 *   java -cp perf/target/benchmarks.jar io.pitgun.perf.storage.StorageMain [--profile quick|full] [--summary FILE]
 *       [--frames N] [--questdb-jar JAR]
 * </pre>
 * quick: 200,000 frames; full: 1,000,000. A journaled pipeline (sim.v1, a manifest with a formula and lap and session
 * segments, as the sink tests run) journals N synthetic frames of one session; then, one after the other over that
 * journal:
 * <ol>
 *   <li>the journal's plain read: {@link JournalScan} over every message, counting frames and bytes (the reference of
 *   every ratio);</li>
 *   <li>{@code pitgun journal export}'s {@link JournalExporter} to Parquet and to CSV (frames/s, MB/s of the files
 *   written);</li>
 *   <li>the QuestDB sink ({@link OutputFollowers}, as {@code output.questdb} starts it) against a real QuestDB server
 *   started here from the {@code org.questdb:questdb} jar ({@code --questdb-jar}, else the class path, else the
 *   newest in {@code ~/.m2}): timed from the sink's start until it has read the journal to its end and QuestDB has
 *   accepted every frame;</li>
 *   <li>the PostgreSQL sink the same way, against a server {@code initdb}/{@code pg_ctl} start here when PostgreSQL is
 *   installed (it writes runs, laps and insights, so its rate is journal frames followed per second).</li>
 * </ol>
 * The block ({@link StorageTable}) goes to {@code --summary}. Started without Pitgun's JVM flags (Chronicle needs
 * them), it runs itself in a child JVM that has them, as {@code shipping.ShippingThroughputMain} does.
 */
public final class StorageMain
{
    private static final String CHILD_PROPERTY = "pitgun.storage.child";
    /** Timed passes of the journal's read (after one unreported): it is short, so the median of several. */
    static final int READ_PASSES = 5;
    private static final long SINK_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(300);
    private static final long START_US = 1_775_000_000_000_000L;
    private static final int FRAMES_PER_LAP = 5_000;
    private static final UUID SESSION = UUID.fromString("53702b3e-3e56-41a2-8834-9169ee5e991e");
    private static final UUID PLAYER = UUID.fromString("7d16dde5-88a6-4b47-8cd8-c711601cd61f");
    private static final int ENGINE_RPM = 1;
    private static final int THROTTLE = 2;
    private static final int SPEED = 3;
    private static final int GEAR = 6;
    private static final int BRAKE = 7;
    private static final int STEERING = 8;
    private static final String MANIFEST = """
        version: v1
        name: storage-bench
        dictionary: sim.v1
        pipeline:
          - type: formula
            derived_channels:
              - name: Speed_Half
                expr: "Speed / 2"
                unit: km/h
          - type: segment
            by: lap
            aggregates:
              - channel: Speed
                stats: [max, mean]
          - type: segment
            by: session
            aggregates:
              - channel: Speed
                stats: [max]
          - type: output
            contracts: [pitgun-envelope/v1, insight-contract/v1]
        """;
    private static final String USAGE = "usage: StorageMain [--profile quick|full] [--summary FILE] [--frames N] " +
        "[--questdb-jar JAR]";

    private StorageMain()
    {
    }

    /**
     * The run's settings.
     *
     * @param profile    quick or full: the default of {@code frames}.
     * @param summary    where the block goes, or null.
     * @param frames     frames in the journal.
     * @param questDbJar the QuestDB server's jar, or null to look for it.
     */
    record Options(String profile, Path summary, int frames, Path questDbJar)
    {
        static Options parse(final String[] args)
        {
            String profile = "quick";
            Path summary = null;
            Integer frames = null;
            Path jar = null;
            for (int i = 0; i < args.length; i++)
            {
                final String arg = args[i];
                if (i + 1 >= args.length)
                {
                    throw new IllegalArgumentException(arg + " needs a value; " + USAGE);
                }
                final String value = args[++i];
                switch (arg)
                {
                    case "--profile" -> profile = value;
                    case "--summary" -> summary = Path.of(value);
                    case "--frames" -> frames = Integer.parseInt(value);
                    case "--questdb-jar" -> jar = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + arg + "; " + USAGE);
                }
            }
            if (!profile.equals("quick") && !profile.equals("full"))
            {
                throw new IllegalArgumentException("--profile quick|full, got '" + profile + "'");
            }
            final int n = frames != null ? frames : profile.equals("quick") ? 200_000 : 1_000_000;
            if (n < 1)
            {
                throw new IllegalArgumentException("--frames must be positive; " + USAGE);
            }
            return new Options(profile, summary, n, jar);
        }
    }

    /**
     * Runs the benchmark; see the class comment for the arguments.
     *
     * @param args the arguments.
     * @throws Exception when the journal cannot be made or a path fails (no block is written then).
     */
    public static void main(final String[] args) throws Exception
    {
        final Options options;
        try
        {
            options = Options.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("StorageMain: " + ex.getMessage());
            System.exit(2);
            return;
        }
        if (System.getProperty(CHILD_PROPERTY) == null)
        {
            System.exit(ChildJvm.run(StorageMain.class, CHILD_PROPERTY, List.of(), args));
        }
        final String block = run(options, System.err);
        if (options.summary() != null)
        {
            Files.writeString(options.summary(), block, StandardCharsets.UTF_8);
        }
        System.out.print(block);
        System.exit(0); // the sinks' and the journal's daemon threads are closed; nothing else should keep the JVM
    }

    /** Makes the journal, measures every path over it and returns the block. */
    static String run(final Options options, final PrintStream log) throws Exception
    {
        final Path root = Files.createTempDirectory("pitgun-storage-");
        try
        {
            final Path manifest = root.resolve("storage-bench.yaml");
            Files.writeString(manifest, MANIFEST, StandardCharsets.UTF_8);
            final PipelineConfig config = PipelineConfig.builder().journalDirectory(root.resolve("journal"))
                .ackMode(AckMode.JOURNALED).build();
            try (TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(manifest).config(config).build())
            {
                final long lastIndex = journal(pipeline, options.frames());
                final Journal journal = pipeline.journal().orElseThrow();
                log.printf(Locale.ROOT, "StorageMain: journal of %,d frames made (last index %d)%n",
                    options.frames(), lastIndex);

                read(journal, log); // unreported: the first pass pages the journal in and compiles the loop
                final List<StorageTable.Measured> reads = new ArrayList<>();
                for (int i = 0; i < READ_PASSES; i++)
                {
                    reads.add(read(journal, log));
                }
                reads.sort(java.util.Comparator.comparingLong(StorageTable.Measured::elapsedNs));
                final StorageTable.Measured read = reads.get(READ_PASSES / 2);
                final List<StorageTable.Measured> paths = new ArrayList<>();
                final List<StorageTable.NotMeasured> notMeasured = new ArrayList<>();
                // Each format twice: the first pass is what a `pitgun journal export` (a fresh JVM) gets, class
                // loading and JIT included; the second is the export's steady rate.
                for (final ExportFormat format : ExportFormat.values())
                {
                    for (int pass = 1; pass <= 2; pass++)
                    {
                        paths.add(export(pipeline, journal, format, pass, root.resolve(format + "-" + pass), log));
                    }
                }

                final Optional<Path> jar = questDbJar(options.questDbJar());
                if (jar.isEmpty())
                {
                    notMeasured.add(new StorageTable.NotMeasured("QuestDB sink", options.questDbJar() != null ?
                        "no QuestDB server jar at `" + options.questDbJar() + "`" : "no `org.questdb:questdb` jar " +
                        "on the class path or in `~/.m2`"));
                }
                else
                {
                    try (QuestDbProcess server = QuestDbProcess.start(jar.get(), root.resolve("questdb")))
                    {
                        final StorageTable.Measured questDb = sink("QuestDB sink", pipeline,
                            config.toBuilder().questDb(server.ilpConfiguration()).build(), lastIndex,
                            options.frames(), log);
                        final long rows = server.awaitCount("pitgun_frames", options.frames());
                        paths.add(new StorageTable.Measured(questDb.name(), questDb.frames(), questDb.bytes(),
                            questDb.elapsedNs(), questDb.note() + String.format(Locale.ROOT, "; `pitgun_frames` " +
                                "holds %,d rows after it (QuestDB %s)", rows, server.version())));
                    }
                }

                final Optional<Path> pgBin = PostgresServer.binDirectory();
                if (pgBin.isEmpty())
                {
                    notMeasured.add(new StorageTable.NotMeasured("PostgreSQL sink", "PostgreSQL (`initdb`, " +
                        "`pg_ctl`) is not installed on this machine (Debian: `apt-get install postgresql`)"));
                }
                else
                {
                    try (PostgresServer server = PostgresServer.start(pgBin.get()))
                    {
                        paths.add(sink("PostgreSQL sink", pipeline,
                            config.toBuilder().postgresUrl(server.jdbcUrl()).build(), lastIndex, options.frames(),
                            log));
                    }
                }
                return StorageTable.render(settings(options, pgBin), read, paths, notMeasured);
            }
        }
        finally
        {
            BenchPipeline.delete(root);
        }
    }

    private static String settings(final Options o, final Optional<Path> pgBin)
    {
        return String.format(Locale.ROOT, "Settings: profile %s; a journal of %,d frames of one session (sim.v1: " +
            "Engine_RPM, Throttle_Position, Speed, Gear, Brake_Pedal, Steering_Angle, a lap every %,d frames) " +
            "journaled by a pipeline running a manifest with a formula and lap and session segments (as the sink " +
            "tests run). The paths run over the whole journal one after the other, in one JVM " +
            "(`StorageMain`, logging as `pitgun` does: WARN): the read is a `JournalScan` over every message " +
            "(the median of %d passes after one unreported pass that pages the journal in; its frames are the " +
            "journal's messages, the session end included), MB/s of message bytes; the exports are `JournalExporter` (`pitgun journal " +
            "export`, default rotation, no manifest), twice per format: the first pass in this JVM includes " +
            "class loading and JIT as a `pitgun journal export` run does, the second is the steady rate; MB/s of " +
            "the files written; each sink is started as " +
            "`output.questdb`/`output.postgres` starts it (`OutputFollowers`: a follower and a pipeline running the " +
            "manifest again) against a fresh database on loopback and timed from its start (connection and schema " +
            "included) until it has followed the journal to its end and its database accepted everything " +
            "(QuestDB: frames and insights over ILP/HTTP; PostgreSQL%s: runs, laps and insights, so its rate is " +
            "journal frames followed per second).", o.profile(), o.frames(), FRAMES_PER_LAP, READ_PASSES,
            pgBin.map(b -> " from `" + b + "`").orElse(""));
    }

    /** Journals {@code frames} frames and a session end; returns the journal index of the last frame. */
    private static long journal(final TelemetryPipeline pipeline, final int frames)
    {
        final FrameWriter writer = pipeline.newFrameWriter(SESSION, PLAYER, 0);
        long last = -1;
        for (int i = 0; i < frames; i++)
        {
            last = writer.begin(i, START_US + i * 10_000L).lapNumber(1 + i / FRAMES_PER_LAP)
                .putLong(ENGINE_RPM, 4000 + (i * 7L) % 11000)
                .putDouble(THROTTLE, (i % 100) / 100.0)
                .putDouble(SPEED, (i % 320) + 0.25)
                .putLong(GEAR, 1 + i % 8)
                .putDouble(BRAKE, (i % 7) / 7.0)
                .putDouble(STEERING, (i % 180) - 90.0)
                .commit();
        }
        final long end = writer.sessionEnd(START_US + frames * 10_000L, "end");
        if (!pipeline.awaitJournaled(end, TimeUnit.SECONDS.toNanos(60)))
        {
            throw new IllegalStateException("the journal did not hold every frame within 60 s");
        }
        return pipeline.journalIndexOf(last);
    }

    private static StorageTable.Measured read(final Journal journal, final PrintStream log)
    {
        final Counter counter = new Counter();
        final long start = System.nanoTime();
        final JournalScan.Outcome outcome = JournalScan.run(journal, Journal.NO_INDEX, Journal.NO_INDEX, counter,
            ProgressListener.NONE);
        final long elapsed = System.nanoTime() - start;
        if (outcome.failed())
        {
            throw new IllegalStateException("the journal's read failed: " + outcome.failure());
        }
        log.printf(Locale.ROOT, "StorageMain: read %,d messages (%,d bytes, checksum %d) in %.3f s%n",
            counter.messages, counter.bytes, counter.checksum, elapsed / 1e9);
        return new StorageTable.Measured("journal read (reference)", counter.messages, counter.bytes, elapsed,
            "`JournalScan` over every message; MB/s of message bytes");
    }

    private static StorageTable.Measured export(final TelemetryPipeline pipeline, final Journal journal,
        final ExportFormat format, final int pass, final Path out, final PrintStream log) throws Exception
    {
        final ExportSummary summary = new JournalExporter(pipeline.dictionary(), format, FileRotation.defaults(),
            false).export(journal, ExportSelection.all(), null, out, Map.of(), ProgressListener.NONE);
        log.printf(Locale.ROOT, "StorageMain: %s export: %,d rows, %,d bytes in %d file(s), %.3f s%n", format,
            summary.frameRows(), summary.totalBytes(), summary.files().size(), summary.elapsedNs() / 1e9);
        return new StorageTable.Measured((format == ExportFormat.PARQUET ? "export to Parquet" : "export to CSV") +
            (pass == 1 ? ", first (cold JVM)" : ", second"), summary.frameRows(), summary.totalBytes(), summary.elapsedNs(), String.format(Locale.ROOT,
                "%,d file(s), %,d bytes; MB/s of %s written", summary.files().size(), summary.totalBytes(),
                format == ExportFormat.PARQUET ? "Parquet" : "CSV"));
    }

    /** Starts the sink {@code config} names and waits until it has followed the journal to its end. */
    private static StorageTable.Measured sink(final String name, final TelemetryPipeline pipeline,
        final PipelineConfig config, final long lastIndex, final int frames, final PrintStream log)
    {
        final long start = System.nanoTime();
        final long elapsed;
        final SinkCounters counters;
        try (OutputFollowers sinks = OutputFollowers.start(pipeline, config))
        {
            counters = SinkFollower.countersOf(sinks.followers()).get(0);
            boolean behind = false;
            while (true)
            {
                final long now = System.nanoTime();
                behind |= counters.lagSeconds(now) > 0;
                // Caught up: it was behind (it had the journal to read), and now has read it all, written it all,
                // and (QuestDB) holds the last frame's journal position.
                if (behind && counters.lagSeconds(now) == 0 && counters.state() == SinkCounters.WRITING &&
                    (!name.startsWith("QuestDB") || counters.writtenPosition() >= lastIndex))
                {
                    elapsed = now - start;
                    break;
                }
                if (now - start > SINK_TIMEOUT_NS)
                {
                    throw new IllegalStateException(name + " did not follow the journal to its end within " +
                        TimeUnit.NANOSECONDS.toSeconds(SINK_TIMEOUT_NS) + " s (rows written " +
                        counters.rowsWritten() + ", failures " + counters.failures() + ")");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        log.printf(Locale.ROOT, "StorageMain: %s: %,d rows in %,d batches, %d failures, %.3f s%n", name,
            counters.rowsWritten(), counters.batchesWritten(), counters.failures(), elapsed / 1e9);
        return new StorageTable.Measured(name, frames, -1, elapsed, String.format(Locale.ROOT,
            "%,d rows in %,d batches, %d failures", counters.rowsWritten(), counters.batchesWritten(),
            counters.failures()));
    }

    private static Optional<Path> questDbJar(final Path given)
    {
        if (given != null)
        {
            return Files.isRegularFile(given) ? Optional.of(given) : Optional.empty();
        }
        for (final String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        {
            if (entry.matches(".*questdb-\\d[^/]*\\.jar"))
            {
                return Optional.of(Path.of(entry));
            }
        }
        return QuestDbProcess.newestInMavenRepository();
    }

    /** Counts messages and bytes, and reads a word of each so the read is not skipped. */
    private static final class Counter implements JournalScanHandler
    {
        long messages;
        long bytes;
        long checksum;

        @Override
        public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
            final long ingestTimeNs)
        {
            messages++;
            bytes += length;
            checksum += buffer.getByte(offset + length - 1);
        }

        @Override
        public void onBadMessage(final long index, final String problem)
        {
            throw new IllegalStateException("journal index " + index + ": " + problem);
        }
    }
}
