package io.pitgun.perf.paced;

import io.pitgun.engine.FrameWriter;
import io.pitgun.engine.HdrFiles;
import io.pitgun.engine.LatencyStage;
import io.pitgun.engine.PipelineCounter;
import io.pitgun.engine.PipelineLatency;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.manifest.ManifestException;
import io.pitgun.perf.BenchPipeline;
import io.pitgun.perf.BenchmarkMain;
import io.pitgun.perf.ChildJvm;
import io.pitgun.perf.latency.PercentileDistribution;
import io.pitgun.perf.latency.PercentilePlotSvg;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The paced (open-loop) latency benchmark of the embedded pipeline, next to a bare Chronicle Queue append of the same
 * bytes at the same rates in the same JVM, a JVM per configuration:
 * <pre>
 *   java -cp perf/target/benchmarks.jar io.pitgun.perf.paced.PacedLatencyMain [--quick] --out DIR
 * </pre>
 * For each {@link PacedConfiguration} (the benchmark pipeline of {@link BenchPipeline}: ten formulas, journal shared
 * with processing — on the producer's thread in the latency profile — one producer) and each rate: a warm-up of
 * each, then the bare append and the pipeline at that rate taking turns in {@code --rounds} rounds, each on the same
 * thread, which spins until every frame's intended send time and never waits for the previous frame. The latency
 * profile's producer thread has a CPU of its own ({@link ProducerCore}). Latencies run from the intended time: the producer's {@code commit()}, and through
 * {@code FrameWriter.commit(intendedNs)} the pipeline's own publish → journaled and publish → processed recorders.
 * After its first warm-up each configuration sits idle while its threads' CPU time is measured. Writes into DIR a
 * {@code .hgrm} per (configuration, rate, metric), an SVG plot per (configuration, rate) and {@code
 * paced-latency.md}, the block of {@code docs/performance.md} ({@link PacedLatencyReport}).
 *
 * <p>Started as a command, it runs each configuration in a child JVM of its own with Pitgun's JVM flags (Chronicle's
 * opens and exports, the way {@link BenchmarkMain} gives them to JMH's forks), collects what each measured and writes
 * the one block of all of them ({@link #runEachInAJvmOfItsOwn}).
 */
public final class PacedLatencyMain
{
    /**
     * The rates #15 names, after a low one (a producer of a few frames a millisecond, where a stage has parked
     * before the next frame comes); the search for the highest sustainable one starts from the last.
     */
    static final long[] RATES = {1_000, 10_000, 100_000, 1_000_000};
    /** The warm-up's rate, at most: enough frames in a warm-up for the JIT, whatever the lowest rate measured. */
    static final long WARMUP_RATE = 100_000;
    /** Each step of the search for the highest sustainable rate multiplies the rate by this. */
    static final double STEP_FACTOR = 1.5;
    static final String CHILD_PROPERTY = "pitgun.paced.child";
    /** Set in a child that runs one configuration for its parent: the file it writes what it measured to. */
    static final String RESULT_PROPERTY = "pitgun.paced.result";
    private static final String USAGE = "usage: PacedLatencyMain [--quick] --out DIR [--rates R,R...] " +
        "[--configurations NAME,...] [--warmup-ms N] [--measure-ms N] [--rounds N] [--idle-ms N] [--max-steps N]";
    private static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    /** The first frame of a run is intended this long after the run is set up. */
    private static final long START_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The sending thread's allocation counter: the measured loops must allocate nothing. */
    private static final com.sun.management.ThreadMXBean ALLOCATIONS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    /** The command line. */
    record Options(Path out, boolean quick, long[] rates, List<String> configurations, long warmupMs,
        long measureMs, int rounds, long idleMs, int maxSteps)
    {
        static Options parse(final String[] args)
        {
            Path out = null;
            boolean quick = false;
            long[] rates = RATES;
            List<String> configurations = null;
            Long warmupMs = null;
            Long measureMs = null;
            Integer rounds = null;
            Long idleMs = null;
            Integer maxSteps = null;
            for (int i = 0; i < args.length; i++)
            {
                final String arg = args[i];
                switch (arg)
                {
                    case "--quick" -> quick = true;
                    case "--out" -> out = Path.of(value(args, ++i, arg));
                    case "--rates" -> rates = Arrays.stream(value(args, ++i, arg).split(","))
                        .mapToLong(s -> Long.parseLong(s.trim().replace("_", ""))).toArray();
                    case "--configurations" -> configurations = List.of(value(args, ++i, arg).split(","));
                    case "--warmup-ms" -> warmupMs = Long.parseLong(value(args, ++i, arg));
                    case "--measure-ms" -> measureMs = Long.parseLong(value(args, ++i, arg));
                    case "--rounds" -> rounds = Integer.parseInt(value(args, ++i, arg));
                    case "--idle-ms" -> idleMs = Long.parseLong(value(args, ++i, arg));
                    case "--max-steps" -> maxSteps = Integer.parseInt(value(args, ++i, arg));
                    default -> throw new IllegalArgumentException("unknown argument " + arg + "; " + USAGE);
                }
            }
            if (out == null)
            {
                throw new IllegalArgumentException("--out DIR is required; " + USAGE);
            }
            if (rounds != null && rounds < 1)
            {
                throw new IllegalArgumentException("--rounds needs at least 1, got " + rounds);
            }
            // quick: bin/bench quick's step takes about three minutes on 2 cores; full: longer points.
            return new Options(out, quick, rates, configurations,
                warmupMs != null ? warmupMs : quick ? 300 : 2_000,
                measureMs != null ? measureMs : quick ? 2_000 : 10_000,
                rounds != null ? rounds : quick ? 5 : 10,
                idleMs != null ? idleMs : quick ? 2_000 : 5_000,
                maxSteps != null ? maxSteps : quick ? 4 : 6);
        }

        private static String value(final String[] args, final int i, final String option)
        {
            if (i >= args.length)
            {
                throw new IllegalArgumentException(option + " needs a value; " + USAGE);
            }
            return args[i];
        }
    }

    private PacedLatencyMain()
    {
    }

    /**
     * Runs the benchmark (in a child JVM with Pitgun's JVM flags unless this one was started as that child).
     *
     * @param args {@code [--quick] --out DIR}, and for short runs {@code --rates}, {@code --configurations},
     *             {@code --warmup-ms}, {@code --measure-ms}, {@code --idle-ms}, {@code --max-steps}.
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
            System.err.println("PacedLatencyMain: " + ex.getMessage());
            System.exit(2);
            return;
        }
        if (System.getProperty(CHILD_PROPERTY) == null)
        {
            System.exit(runEachInAJvmOfItsOwn(options, args));
        }
        final String resultFile = System.getProperty(RESULT_PROPERTY);
        if (resultFile == null)
        {
            run(options, System.out);
            return;
        }
        final Measured measured = measure(options, System.out);
        try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(Path.of(resultFile))))
        {
            out.writeObject(measured);
        }
    }

    /** What configurations measured, and why any of them ran unpinned. */
    record Measured(List<PacedConfigurationResult> results, List<String> unpinned) implements Serializable
    {
    }

    /**
     * Runs each configuration in a child JVM of its own, one after the other, and writes the one block of all of
     * them. Why not all in one JVM: the latency profile, run there after the other five configurations, had a p50 of
     * 0.31–0.62 µs where alone it had 0.31–0.33 µs (docs/performance.md); a user runs one configuration per process,
     * and a configuration measured in a JVM of its own does not depend on which ran before it.
     *
     * @return 0, or the exit code of the first child that failed.
     */
    private static int runEachInAJvmOfItsOwn(final Options options, final String[] args)
        throws IOException, InterruptedException, ClassNotFoundException
    {
        Files.createDirectories(options.out());
        final List<PacedConfigurationResult> results = new ArrayList<>();
        final List<String> unpinned = new ArrayList<>();
        for (final PacedConfiguration c : selected(options))
        {
            final Path resultFile = Files.createTempFile("pitgun-paced-", ".result");
            try
            {
                writeBackNow();
                final int exit = ChildJvm.run(PacedLatencyMain.class, CHILD_PROPERTY,
                    List.of("-D" + RESULT_PROPERTY + "=" + resultFile), only(args, c.name()));
                if (exit != 0)
                {
                    System.err.println("PacedLatencyMain: " + c.name() + " failed (exit " + exit + ")");
                    return exit;
                }
                try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(resultFile)))
                {
                    final Measured measured = (Measured)in.readObject();
                    results.addAll(measured.results());
                    unpinned.addAll(measured.unpinned());
                }
            }
            finally
            {
                Files.deleteIfExists(resultFile);
            }
        }
        writeBlock(options, new Measured(results, unpinned), System.out, true);
        return 0;
    }

    /**
     * Has the kernel write back every dirty page now ({@code sync}), before a configuration starts, rather than 30 s
     * after it was dirtied ({@code vm.dirty_expire_centisecs}), which could be while that configuration's points run:
     * a write-back burst on this VM takes a third of both cores for seconds. What earlier steps of {@code bin/bench}
     * or an earlier configuration left is then paid for here, between measurements. Where {@code sync} cannot run,
     * the configurations run anyway; the log says so.
     */
    private static void writeBackNow() throws InterruptedException
    {
        try
        {
            final int exit = new ProcessBuilder("sync").inheritIO().start().waitFor();
            if (exit != 0)
            {
                System.err.println("PacedLatencyMain: sync exited " + exit + "; measuring without it");
            }
        }
        catch (final IOException ex)
        {
            System.err.println("PacedLatencyMain: could not run sync (" + ex.getMessage() + "); measuring without it");
        }
    }

    /** {@code args} with {@code --configurations NAME} in place of any list given. */
    private static String[] only(final String[] args, final String name)
    {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            if (args[i].equals("--configurations"))
            {
                i++; // and its value
                continue;
            }
            out.add(args[i]);
        }
        out.add("--configurations");
        out.add(name);
        return out.toArray(String[]::new);
    }

    /** The configurations {@code options} names, in {@link PacedConfiguration#all()}'s order (all of them if none). */
    private static List<PacedConfiguration> selected(final Options options)
    {
        final List<PacedConfiguration> configurations = new ArrayList<>();
        for (final PacedConfiguration c : PacedConfiguration.all())
        {
            if (options.configurations() == null || options.configurations().contains(c.name()))
            {
                configurations.add(c);
            }
        }
        if (configurations.isEmpty())
        {
            throw new IllegalArgumentException("no configuration named " + options.configurations() + "; there are " +
                PacedConfiguration.all().stream().map(PacedConfiguration::name).toList());
        }
        return configurations;
    }

    /**
     * Runs every configuration in this JVM and writes the outputs into {@code options.out()} (tests; the command runs
     * each configuration in a JVM of its own).
     *
     * @return the results, in the order they ran.
     */
    static List<PacedConfigurationResult> run(final Options options, final PrintStream log)
        throws IOException, ManifestException
    {
        final Measured measured = measure(options, log);
        writeBlock(options, measured, log, false);
        return measured.results();
    }

    /** Runs the configurations {@code options} names in this JVM, writing their histograms and plots. */
    static Measured measure(final Options options, final PrintStream log) throws IOException, ManifestException
    {
        Files.createDirectories(options.out());
        final List<PacedConfigurationResult> results = new ArrayList<>();
        final List<String> unpinned = new ArrayList<>();
        for (final PacedConfiguration c : selected(options))
        {
            results.add(runWithJournalsOfItsOwn(c, options, log, unpinned));
        }
        return new Measured(List.copyOf(results), List.copyOf(unpinned));
    }

    /** Writes {@code paced-latency.md}, the block docs/performance.md takes, and prints it to {@code log}. */
    private static void writeBlock(final Options options, final Measured measured, final PrintStream log,
        final boolean jvmEach) throws IOException
    {
        final List<String> unpinned = measured.unpinned();
        final String pinning = unpinned.isEmpty() ? "The latency profile runs as docs/embedding.md sets it up, " +
            "with the producer's thread on a CPU of its own: it (which also runs that configuration's bare append " +
            "and journaled-ring producer) is pinned to the last CPU and every other thread of the JVM, the " +
            "spinning stage thread included, to the others (`ProducerCore`)." : "The producer could not be given a " +
            "CPU of its own, so these ran unpinned: " + String.join("; ", unpinned) + ".";
        final String settings = String.format(Locale.ROOT, "Each point: %d ms warm-up of each (the measured loop, " +
            "recording included, so the code measured is the code warmed up), then %d ms measured " +
            "for each of the bare append and the pipeline at the same rate, in %d rounds in which they take turns " +
            "(bare first; the pipeline drains between rounds); the journaled ring (busy-spin, see the verdict) at " +
            "each fixed rate, %d ms, right before each configuration's pipeline opens; idle CPU over %d ms after the " +
            "first warm-up; %d cores. Each configuration runs in %s and writes new journals: the bare append's " +
            "and the pipeline's, deleted after it, and the journaled ring's, deleted before the pipeline opens. %s " +
            "Latencies from each frame's intended send time (coordinated omission corrected). Raw `.hgrm` files " +
            "and plots next to this file's copy in `perf/results/`.", options.warmupMs(), options.measureMs(),
            options.rounds(), options.measureMs(), options.idleMs(),
            Runtime.getRuntime().availableProcessors(), jvmEach ? "a JVM of its own" : "the same JVM", pinning);
        final String block = PacedLatencyReport.render(settings, measured.results());
        Files.writeString(options.out().resolve("paced-latency.md"), block, StandardCharsets.UTF_8);
        log.println();
        log.print(block);
    }

    /**
     * One configuration, with a bare append whose journal is new and is deleted after it, as its pipeline's is, so
     * that every configuration starts from the same state: journals kept from one configuration to the next grew by
     * gigabytes at the step-up rates, pages the kernel may write back while later configurations run on the same two
     * cores (deleted, they are dropped instead). The journaled ring's journal lives even shorter
     * ({@link ConfigurationRun#measureRingFloor}). The command also runs each configuration in a JVM of its own
     * ({@link #runEachInAJvmOfItsOwn}).
     */
    private static PacedConfigurationResult runWithJournalsOfItsOwn(final PacedConfiguration configuration,
        final Options options, final PrintStream log, final List<String> unpinned) throws IOException, ManifestException
    {
        final Path bareDirectory = Files.createTempDirectory("pitgun-paced-bare");
        try (BareChronicleAppend bare = new BareChronicleAppend(bareDirectory))
        {
            return new ConfigurationRun(configuration, options, bare, log, unpinned).run();
        }
        finally
        {
            BenchPipeline.delete(bareDirectory);
        }
    }

    /** One configuration: its pipeline, its producer and its points. */
    private static final class ConfigurationRun
    {
        private final PacedConfiguration configuration;
        private final Options options;
        private final BareChronicleAppend bare;
        private final PrintStream log;
        private final Histogram commitNs = histogram();
        private final Histogram bareNs = histogram();
        private final Histogram ringNs = histogram();
        /** What the warm-ups record and nobody reads: a warm-up runs the measured code, recording included. */
        private final Histogram warmupNs = histogram();
        /** The journaled ring's intended → journaled at each fixed rate, measured before this pipeline opened. */
        private final Map<Long, Percentiles> ringFloor = new HashMap<>();
        private TelemetryPipeline pipeline;
        /** Where the configurations that could not be pinned say why. */
        private final List<String> unpinned;
        /** The producer's own core while the latency profile runs, else null. */
        private ProducerCore core;
        private final OpenLoop.FrameSender producer = this::send;
        private FrameWriter writer;
        private long published;

        ConfigurationRun(final PacedConfiguration configuration, final Options options, final BareChronicleAppend bare,
            final PrintStream log, final List<String> unpinned)
        {
            this.unpinned = unpinned;
            this.configuration = configuration;
            this.options = options;
            this.bare = bare;
            this.log = log;
        }

        PacedConfigurationResult run() throws IOException, ManifestException
        {
            // The latency profile runs on dedicated cores (docs/embedding.md): the producer's thread gets one, for
            // its floors and bare append as for the pipeline; every other thread shares the rest.
            try (ProducerCore core = configuration.latencyProfile() ? pinProducer() : null)
            {
                return runPinned(core);
            }
        }

        /** The producer's own core, or null (logged, and said in the block) where this machine cannot give one. */
        private ProducerCore pinProducer()
        {
            try
            {
                final ProducerCore core = ProducerCore.pin();
                log.printf(Locale.ROOT, "paced: %s: the producer's thread has CPU %d to itself; every other thread " +
                    "the rest%n", configuration.name(), core.producerCpu());
                return core;
            }
            catch (final IllegalStateException ex)
            {
                log.printf(Locale.ROOT, "paced: %s runs unpinned: %s%n", configuration.name(), ex.getMessage());
                unpinned.add(configuration.name() + " (" + ex.getMessage() + ")");
                return null;
            }
        }

        private PacedConfigurationResult runPinned(final ProducerCore core) throws IOException, ManifestException
        {
            this.core = core;
            measureRingFloor(core == null ? Thread::new : core.offProducerThreads());
            final Path directory = Files.createTempDirectory("pitgun-paced-journal");
            pipeline = BenchPipeline.open(BenchPipeline.JOURNAL_SHARED, directory, configuration::apply);
            if (core != null)
            {
                core.apply(); // the pipeline's threads were started by the producer's thread, on its CPU
            }
            try
            {
                final String skipped = skipReason(core == null ? Runtime.getRuntime().availableProcessors() :
                    core.cpus());
                if (skipped != null)
                {
                    log.println("paced: skipping " + configuration.name() + ": " + skipped);
                    return result(skipped, Double.NaN, List.of());
                }
                writer = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 0);
                final PacedSchedule warmup = new PacedSchedule(Math.min(WARMUP_RATE,
                    Arrays.stream(options.rates()).max().orElseThrow()));
                publish(warmup, warmup.frames(ms(options.warmupMs())), warmupNs);
                drain();
                final double idle = idleCpuPercent();
                log.printf(Locale.ROOT, "paced: %s idle: %.1f %% of a core%n", configuration.name(), idle);
                final List<PacedPoint> points = new ArrayList<>();
                PacedPoint last = null;
                for (final long rate : options.rates())
                {
                    last = point(rate, false);
                    points.add(last);
                }
                // The search for the highest sustainable rate: up by STEP_FACTOR while the producer keeps up.
                for (int step = 0; step < options.maxSteps() && last != null && last.keptUp(); step++)
                {
                    last = point(new PacedSchedule(last.rate()).next(STEP_FACTOR), true);
                    points.add(last);
                }
                return result(null, idle, points);
            }
            finally
            {
                pipeline.close();
                if (pipeline.counters().dropped() != 0 || pipeline.firstError().isPresent())
                {
                    log.println("paced: " + configuration.name() + " dropped frames or failed: " + pipeline.counters() +
                        pipeline.firstError().map(e -> " " + e).orElse(""));
                }
                BenchPipeline.delete(directory);
            }
        }

        /**
         * The journaled ring at each fixed rate, right before this configuration's pipeline opens: measured while
         * an open pipeline's threads (which spin when idle in some configurations) would share the cores, the floor
         * would say more about them than about a thread handoff. Step-up rates are not measured. Its journal is
         * deleted before the pipeline opens: kept to the configuration's end, the hundreds of megabytes its highest
         * rate writes were written back by the kernel 30 s later ({@code vm.dirty_expire_centisecs}), at up to
         * 480 MB/s with a third of both cores in the kernel, right while the pipeline's 10,000 and 100,000 frames/s
         * points ran (a p99 of 17.5 ms against the bare append's 0.62 ms in the latency profile at 10,000/s).
         */
        private void measureRingFloor(final ThreadFactory threads) throws IOException
        {
            final Path directory = Files.createTempDirectory("pitgun-paced-ring");
            try (JournaledRingFloor ring = new JournaledRingFloor(directory))
            {
                for (final long rate : options.rates())
                {
                    final PacedSchedule schedule = new PacedSchedule(rate);
                    ring.run(schedule, System.nanoTime() + START_DELAY_NS, schedule.frames(ms(options.warmupMs())),
                        warmupNs, threads);
                    ringNs.reset();
                    ring.run(schedule, System.nanoTime() + START_DELAY_NS, schedule.frames(ms(options.measureMs())),
                        ringNs, threads);
                    ringFloor.put(rate, Percentiles.of(ringNs));
                    HdrFiles.writePercentiles(options.out().resolve(configuration.slug() + "-" + rate +
                        "-ring_journaled.hgrm"), new HdrFiles.Series("ring_journaled", ringNs));
                    log.printf(Locale.ROOT, "paced: journaled ring before %s at %,d/s: p50 %d ns p99 %d ns%n",
                        configuration.name(), rate, ringNs.getValueAtPercentile(50), ringNs.getValueAtPercentile(99));
                }
            }
            finally
            {
                BenchPipeline.delete(directory);
            }
        }

        private PacedConfigurationResult result(final String skipped, final double idle, final List<PacedPoint> points)
        {
            return new PacedConfigurationResult(configuration.name(), configuration.isDefault(),
                configuration.latencyProfile(), skipped, idle, List.copyOf(points));
        }

        /**
         * A configuration whose stage threads spin needs a core for each of them and one for the producer, which
         * spins too; with fewer cores they take turns by the scheduler's time slice and the figures say nothing
         * about the configuration.
         */
        private String skipReason(final int cores)
        {
            if (!configuration.spinsWhenIdle())
            {
                return null;
            }
            // The pretoucher backs off on its own idle strategy, whatever the configuration's wait strategy.
            final long spinning = 1 + pipeline.threads().stream().filter(t -> !t.getName().endsWith("-pretouch"))
                .count();
            return spinning > cores ? String.format(Locale.ROOT, "%d threads spin (the producer and %d stage " +
                "thread(s) of %s) on %d cores", spinning, spinning - 1, configuration.waitStrategy().symbol(), cores) :
                null;
        }

        private PacedPoint point(final long rate, final boolean stepUp)
        {
            if (core != null)
            {
                core.apply(); // any thread started since the last point leaves the producer's CPU
            }
            final PacedSchedule schedule = new PacedSchedule(rate);
            final long warmup = schedule.frames(ms(options.warmupMs()));
            // The measured time of each side is split into rounds, the bare append and the pipeline taking turns at
            // the same rate: a stall of the machine (this VM's come every few seconds and last milliseconds) then
            // falls on either side alike, not on whichever happened to run during it. The pipeline drains between
            // rounds, so each round starts with the ring empty, as the first did before.
            final int rounds = options.rounds();
            final long frames = Math.max(2L * rounds, schedule.frames(ms(options.measureMs())));
            bare.run(schedule, System.nanoTime() + START_DELAY_NS, warmup, warmupNs);
            publish(schedule, warmup, warmupNs);
            drain();
            bareNs.reset();
            commitNs.reset();
            final Histogram journaled = histogram();
            final Histogram processed = histogram();
            SendAllocation bareAllocation = SendAllocation.none(0, 0);
            SendAllocation pipelineAllocation = SendAllocation.none(0, 0);
            long bareNsTotal = 0;
            long pipelineNsTotal = 0;
            for (int round = 0; round < rounds; round++)
            {
                final long roundFrames = frames / rounds + (round < frames % rounds ? 1 : 0);
                final long bareStart = System.nanoTime() + START_DELAY_NS;
                final long bareAllocated = ALLOCATIONS.getCurrentThreadAllocatedBytes();
                final long bareEnd = bare.run(schedule, bareStart, roundFrames, bareNs);
                bareAllocation = bareAllocation.plusRound(ALLOCATIONS.getCurrentThreadAllocatedBytes() - bareAllocated,
                    roundFrames);
                bareNsTotal += bareEnd - bareStart;

                final Histogram journaledBefore = pipeline.latency().snapshot(LatencyStage.PUBLISH_TO_JOURNALED);
                final Histogram processedBefore = pipeline.latency().snapshot(LatencyStage.PUBLISH_TO_PROCESSED);
                final long start = System.nanoTime() + START_DELAY_NS;
                final long pipelineAllocated = ALLOCATIONS.getCurrentThreadAllocatedBytes();
                final long end = publish(schedule, start, roundFrames, commitNs);
                pipelineAllocation = pipelineAllocation.plusRound(
                    ALLOCATIONS.getCurrentThreadAllocatedBytes() - pipelineAllocated, roundFrames);
                pipelineNsTotal += end - start;
                final Histogram[] after = drain();
                journaled.add(minus(after[0], journaledBefore));
                processed.add(minus(after[1], processedBefore));
            }
            // Each round of n frames is n - 1 intervals long; achieved() counts frames - 1 of them.
            final long intervals = frames - rounds + 1;
            final double bareAchieved = PacedSchedule.achieved(intervals, 0, bareNsTotal);
            final double achieved = PacedSchedule.achieved(intervals, 0, pipelineNsTotal);

            final PacedPoint point = new PacedPoint(rate, achieved, Percentiles.of(commitNs),
                Percentiles.of(journaled), Percentiles.of(processed), bareAchieved, Percentiles.of(bareNs), stepUp,
                bareAllocation, pipelineAllocation, ringFloor.get(rate));
            log.printf(Locale.ROOT, "paced: %s at %,d/s: achieved %,.0f/s%s, journaled p50 %d ns p99 %d ns, " +
                "bare p50 %d ns p99 %d ns, ring p50 %d ns p99 %d ns; allocated: bare %d B, pipeline %d B%n",
                configuration.name(), rate, achieved, point.keptUp() ? "" : " (fell behind)", point.journaled().p50(),
                point.journaled().p99(), point.bare().p50(), point.bare().p99(), point.ringFloor() == null ? -1 :
                point.ringFloor().p50(), point.ringFloor() == null ? -1 : point.ringFloor().p99(),
                bareAllocation.bytes(), pipelineAllocation.bytes());
            write(rate, stepUp, journaled, processed);
            return point;
        }

        /** Publishes on {@code schedule} from a moment from now; returns the nanoTime after the last commit. */
        private long publish(final PacedSchedule schedule, final long frames, final Histogram latencyNs)
        {
            return publish(schedule, System.nanoTime() + START_DELAY_NS, frames, latencyNs);
        }

        private long publish(final PacedSchedule schedule, final long startNs, final long frames,
            final Histogram latencyNs)
        {
            return OpenLoop.run(schedule, startNs, frames, producer, latencyNs);
        }

        /**
         * The producer: writes and commits a frame with its intended time as its ingest time (a full ring still makes
         * {@code begin} wait: the open loop then charges that delay to every later frame). Allocation-free.
         */
        private void send(final long k, final long intendedNs)
        {
            BenchPipeline.writeFrame(writer, published++).commit(intendedNs);
        }

        /**
         * Waits (bounded) until every frame published so far is in both latency histograms; returns their
         * snapshots (journaled, processed).
         */
        private Histogram[] drain()
        {
            final long deadline = System.nanoTime() + DRAIN_TIMEOUT_NS;
            while (true)
            {
                final Histogram journaled = pipeline.latency().snapshot(LatencyStage.PUBLISH_TO_JOURNALED);
                final Histogram processed = pipeline.latency().snapshot(LatencyStage.PUBLISH_TO_PROCESSED);
                if (journaled.getTotalCount() >= published && processed.getTotalCount() >= published)
                {
                    return new Histogram[] {journaled, processed};
                }
                if (System.nanoTime() - deadline > 0 || pipeline.firstError().isPresent())
                {
                    throw new IllegalStateException(configuration.name() + ": " + published + " frames published, " +
                        journaled.getTotalCount() + " journaled, " + processed.getTotalCount() + " processed after " +
                        TimeUnit.NANOSECONDS.toSeconds(DRAIN_TIMEOUT_NS) + " s: " + pipeline.counters() +
                        pipeline.firstError().map(e -> ", " + e).orElse(""));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }

        /** CPU time of the pipeline's threads while nothing is published, in % of one core. */
        private double idleCpuPercent()
        {
            final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            final List<Thread> pipelineThreads = pipeline.threads();
            final long[] before = new long[pipelineThreads.size()];
            for (int i = 0; i < before.length; i++)
            {
                before[i] = threads.getThreadCpuTime(pipelineThreads.get(i).getId());
            }
            final long startNs = System.nanoTime();
            final long deadline = startNs + ms(options.idleMs());
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime())
            {
                LockSupport.parkNanos(left);
            }
            final long wallNs = System.nanoTime() - startNs;
            long cpuNs = 0;
            final List<String> perThread = new ArrayList<>();
            for (int i = 0; i < before.length; i++)
            {
                final long now = threads.getThreadCpuTime(pipelineThreads.get(i).getId());
                if (now >= 0 && before[i] >= 0)
                {
                    cpuNs += now - before[i];
                    perThread.add(String.format(Locale.ROOT, "%s %.2f %%", pipelineThreads.get(i).getName(),
                        100.0 * (now - before[i]) / wallNs));
                }
            }
            // Which thread the idle cost comes from: the figure to work on when it is too high.
            log.println("paced: " + configuration.name() + " idle by thread: " + String.join(", ", perThread));
            if (pipeline.counters().get(PipelineCounter.FRAMES_ACCEPTED) != published)
            {
                throw new IllegalStateException("frames were published while the pipeline was meant to be idle");
            }
            return 100.0 * cpuNs / wallNs;
        }

        /** The point's .hgrm files (µs) and its SVG plot, named after the configuration, the rate and the metric. */
        private void write(final long rate, final boolean stepUp, final Histogram journaled, final Histogram processed)
        {
            final String base = configuration.slug() + "-" + rate;
            final String[] metrics = {"commit", "publish_to_journaled", "publish_to_processed", "bare_append"};
            final Histogram[] histograms = {commitNs, journaled, processed, bareNs};
            final List<PercentileDistribution> series = new ArrayList<>();
            try
            {
                for (int i = 0; i < metrics.length; i++)
                {
                    final Path file = options.out().resolve(base + "-" + metrics[i] + ".hgrm");
                    HdrFiles.writePercentiles(file, new HdrFiles.Series(metrics[i], histograms[i]));
                    series.add(PercentileDistribution.readHgrm(file));
                }
                Files.writeString(options.out().resolve(base + ".svg"), PercentilePlotSvg.render(String.format(
                    Locale.ROOT, "%s at %,d frames/s%s, from the intended send time", configuration.name(), rate,
                    stepUp ? " (step-up)" : ""), series, "µs"), StandardCharsets.UTF_8);
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException("cannot write " + base + " into " + options.out() + ": " + ex, ex);
            }
        }
    }

    /** {@code after − before}: what a cumulative histogram gained over a point. */
    static Histogram minus(final Histogram after, final Histogram before)
    {
        final Histogram delta = after.copy();
        delta.subtract(before);
        return delta;
    }

    private static Histogram histogram()
    {
        return new Histogram(1, PipelineLatency.HIGHEST_TRACKABLE_NS, 3);
    }

    private static long ms(final long millis)
    {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
