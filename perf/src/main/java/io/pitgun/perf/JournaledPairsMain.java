package io.pitgun.perf;

import io.pitgun.engine.PipelineCounter;
import io.pitgun.engine.WaitStrategyKind;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The journaled pipeline against the hand-built journaled ring (issue #15's "≥ 80 %" target), measured in paired,
 * interleaved rounds so that both sides see the same machine:
 * <pre>
 *   java -cp perf/target/benchmarks.jar io.pitgun.perf.JournaledPairsMain [--profile quick|full] [--summary FILE]
 *       [--rounds N] [--slice-ms MS]
 * </pre>
 * JMH measures {@link PipelineThroughputBenchmark}'s configurations one after another, each in a fork of its own.
 * On this kind of VM a journal's cost is mostly its fresh pages, and what a page costs depends on what ran before
 * (memory a deleted journal just freed is cheap to take again, memory the host took back is not): one
 * configuration's first iterations can run at twice its later rate, so JMH's intervals for the journaled rows span
 * the whole target. Here the three journaled configurations live in one JVM side by side — the journaled ring
 * ({@code write=staged}, {@link PipelineThroughputBenchmark.BareJournaled}) and the pipeline with
 * {@code journal=shared} and {@code journal=separate} ({@link PipelineThroughputBenchmark.Pipeline}), each with its
 * own journal and pretoucher, all with the {@code SLEEPING} wait strategy — and take turns: a round measures each
 * for one slice, in an order that rotates from round to round, so every configuration meets the same page prices
 * and the same neighbours. A slice publishes from this thread as fast as the ring takes frames (a lead-in of
 * {@value #LEAD_IN_MS} ms first, so the ring is full and the consumer awake), counts the frames the consumer
 * finished (journaled and, for the pipeline, processed) over the slice, then lets it drain. Each round gives one
 * ratio per pipeline layout, the pipeline's rate over the ring's in that round; the block reports their median and
 * the order-statistic interval ({@link MedianRatioInterval}) at 99.9 %, with no assumption about the noise's shape.
 * The journals grow for the whole run (about {@value #GIB_PER_QUICK_RUN} GiB in quick) and are deleted at its end.
 * <p>
 * Bytes allocated per frame are JMH's to measure ({@code -prof gc} on the same configurations): this run measures
 * rates only.
 */
public final class JournaledPairsMain
{
    static final String CHILD_PROPERTY = "pitgun.bench.journaled-pairs.child";
    static final long LEAD_IN_MS = 100;
    /**
     * Short slices, many rounds: the page prices drift over seconds, so the shorter a round, the closer its pair;
     * the more rounds, the narrower the interval around their median.
     */
    static final long DEFAULT_SLICE_MS = 500;
    static final int GIB_PER_QUICK_RUN = 20;
    /** The confidence of the interval around the median ratio, as JMH's intervals in the other blocks. */
    static final double CONFIDENCE = 0.999;
    /** The target: the journaled pipeline at this fraction of the journaled ring's frames/s, or more. */
    static final double TARGET = 0.80;
    static final int WARM_UP_ROUNDS = 2;
    private static final long DRAIN_TIMEOUT_MS = 30_000;
    private static final int PUBLISHES_PER_CLOCK_READ = 64;

    private JournaledPairsMain()
    {
    }

    /** The command line: a profile's defaults, overridable one by one. */
    record Options(int rounds, long sliceMs, Path summary)
    {
        static Options parse(final String[] args)
        {
            String profile = "quick";
            Integer rounds = null;
            Long sliceMs = null;
            Path summary = null;
            for (int i = 0; i < args.length; i++)
            {
                final String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i])
                {
                    case "--profile" -> profile = required(args[i], value);
                    case "--rounds" -> rounds = Integer.parseInt(required(args[i], value));
                    case "--slice-ms" -> sliceMs = Long.parseLong(required(args[i], value));
                    case "--summary" -> summary = Path.of(required(args[i], value));
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
                i++;
            }
            final int minimum = MedianRatioInterval.roundsFor(CONFIDENCE);
            final int defaultRounds = switch (profile)
            {
                case "quick" -> 2 * minimum;
                case "full" -> 4 * minimum;
                default -> throw new IllegalArgumentException("--profile is quick or full, not " + profile);
            };
            final Options options = new Options(rounds == null ? defaultRounds : rounds,
                sliceMs == null ? DEFAULT_SLICE_MS : sliceMs, summary);
            if (options.rounds < minimum || options.sliceMs < 100)
            {
                throw new IllegalArgumentException("--rounds needs at least " + minimum +
                    " (for a 99.9 % interval) and --slice-ms at least 100");
            }
            return options;
        }

        private static String required(final String name, final String value)
        {
            if (value == null)
            {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return value;
        }
    }

    /**
     * One configuration being measured: publishes on this thread, counts what its consumer finished.
     *
     * @param finished  frames the consumer has finished since it started.
     * @param published frames published since it started.
     */
    private record Contender(String name, Runnable publisher, LongSupplier finished, LongSupplier published,
        AutoCloseable closer)
    {
        void publish()
        {
            publisher.run();
        }

        void close() throws Exception
        {
            closer.close();
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final Options options;
        try
        {
            options = Options.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("JournaledPairsMain: " + ex.getMessage());
            System.exit(2);
            return;
        }
        if (System.getProperty(CHILD_PROPERTY) == null)
        {
            System.exit(ChildJvm.run(JournaledPairsMain.class, CHILD_PROPERTY, List.of(), args));
        }
        final String block = run(options, System.err);
        if (options.summary() != null)
        {
            Files.writeString(options.summary(), block, StandardCharsets.UTF_8);
        }
        System.out.print(block);
        System.exit(0);
    }

    static String run(final Options options, final PrintStream log) throws Exception
    {
        final List<Contender> contenders = new ArrayList<>();
        try
        {
            contenders.add(journaledRing());
            contenders.add(pipeline("shared"));
            contenders.add(pipeline("separate"));
            final int n = contenders.size();
            final double[][] rates = new double[options.rounds()][n];
            final double[][][] cpu = new double[options.rounds()][n][];
            for (int round = -WARM_UP_ROUNDS; round < options.rounds(); round++)
            {
                final int first = Math.floorMod(round, n);
                final StringBuilder line = new StringBuilder(round < 0 ? "warm-up" : "round " + (round + 1));
                for (int j = 0; j < n; j++)
                {
                    final int c = (first + j) % n;
                    final double[] measured = slice(contenders.get(c), options.sliceMs());
                    final double rate = measured[0];
                    if (round >= 0)
                    {
                        rates[round][c] = rate;
                        cpu[round][c] = Arrays.copyOfRange(measured, 1, measured.length);
                    }
                    line.append(String.format(Locale.ROOT, "  %s %,.0f/s", contenders.get(c).name(), rate));
                }
                log.println("journaled pairs: " + line);
            }
            return JournaledPairsTable.markdown(options, contenders.stream().map(Contender::name).toList(), rates,
                cpu);
        }
        finally
        {
            for (final Contender contender : contenders)
            {
                contender.close();
            }
        }
    }

    /**
     * Publishes for a lead-in, then for {@code sliceMs}, and returns the frames the consumer finished per second
     * over the latter, then the CPU time per finished frame of each {@link CpuRole} over it; then waits until the
     * consumer has taken everything, so the next slice starts on an idle ring.
     */
    private static double[] slice(final Contender contender, final long sliceMs)
    {
        publishFor(contender, TimeUnit.MILLISECONDS.toNanos(LEAD_IN_MS));
        final long[] startCpu = CpuRole.snapshot();
        final long startNs = System.nanoTime();
        final long startFinished = contender.finished().getAsLong();
        publishFor(contender, TimeUnit.MILLISECONDS.toNanos(sliceMs));
        final long endFinished = contender.finished().getAsLong();
        final long endNs = System.nanoTime();
        final long[] endCpu = CpuRole.snapshot();
        final long frames = endFinished - startFinished;
        final double[] measured = new double[1 + CpuRole.VALUES.length];
        measured[0] = frames * 1e9 / (endNs - startNs);
        for (final CpuRole role : CpuRole.VALUES)
        {
            measured[1 + role.ordinal()] = (endCpu[role.ordinal()] - startCpu[role.ordinal()]) / (double) frames;
        }
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MS);
        while (contender.finished().getAsLong() < contender.published().getAsLong())
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException(contender.name() + " did not drain within " + DRAIN_TIMEOUT_MS +
                    " ms: " + contender.finished().getAsLong() + " of " + contender.published().getAsLong() +
                    " frames finished");
            }
            Thread.onSpinWait();
        }
        return measured;
    }

    /**
     * Whose CPU time a slice spent, from the JVM's per-thread CPU clocks: this thread (the producer), the
     * pretouchers' threads, and every other thread (the consumers, and what idles or runs the JVM: the other
     * configurations' parked stages, the JIT, the collector). Threads that ended within a slice are not counted;
     * none do.
     */
    enum CpuRole
    {
        PRODUCER("producer"), CONSUMERS("consumers and the rest"), PRETOUCH("pretoucher");

        static final CpuRole[] VALUES = values();
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        final String label;

        CpuRole(final String label)
        {
            this.label = label;
        }

        /** CPU nanoseconds of the live threads by role, indexed by ordinal. */
        static long[] snapshot()
        {
            final long[] byRole = new long[VALUES.length];
            final long producer = Thread.currentThread().getId();
            for (final ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds()))
            {
                if (info == null)
                {
                    continue; // ended since the ids were taken
                }
                final long nanos = THREADS.getThreadCpuTime(info.getThreadId());
                if (nanos < 0)
                {
                    continue;
                }
                final CpuRole role = info.getThreadId() == producer ? PRODUCER :
                    info.getThreadName().contains("pretouch") ? PRETOUCH : CONSUMERS;
                byRole[role.ordinal()] += nanos;
            }
            return byRole;
        }
    }

    private static void publishFor(final Contender contender, final long durationNs)
    {
        final long end = System.nanoTime() + durationNs;
        do
        {
            for (int i = 0; i < PUBLISHES_PER_CLOCK_READ; i++)
            {
                contender.publish();
            }
        }
        while (System.nanoTime() < end);
    }

    private static Contender journaledRing() throws Exception
    {
        final PipelineThroughputBenchmark.BareJournaled state = new PipelineThroughputBenchmark.BareJournaled();
        state.waitStrategy = WaitStrategyKind.SLEEPING;
        state.write = "staged";
        state.setUp();
        return new Contender("journaled ring (write=staged)",
            () -> PipelineThroughputBenchmark.publishBareJournaled(state),
            () -> state.consumer.getSequence().get() + 1, () -> state.sequence, state::tearDown);
    }

    private static Contender pipeline(final String journal) throws Exception
    {
        final PipelineThroughputBenchmark.Pipeline state = new PipelineThroughputBenchmark.Pipeline();
        state.journal = journal;
        state.waitStrategy = WaitStrategyKind.SLEEPING;
        state.setUp();
        return new Contender("pipeline (journal=" + journal + ")", () -> PipelineThroughputBenchmark.publish(state),
            () -> state.pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED), () -> state.sequence,
            state::tearDown);
    }
}
