package io.pitgun.perf.shipping;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.Header;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalAppender;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.perf.BenchPipeline;
import io.pitgun.perf.ChildJvm;
import io.pitgun.scaleout.AeronDirectories;
import io.pitgun.scaleout.EdgeShipper;
import io.pitgun.scaleout.Hive;
import io.pitgun.scaleout.HiveAgent;
import io.pitgun.scaleout.HiveConfig;
import io.pitgun.scaleout.HiveEdgeWriter;
import io.pitgun.scaleout.ShipperConfig;
import io.pitgun.scaleout.ShippingDescriptor;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.DatagramSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Shipping throughput, edge to hive, next to bare Aeron in the same run:
 * <pre>
 *   java -cp perf/target/benchmarks.jar io.pitgun.perf.shipping.ShippingThroughputMain [--profile quick|full]
 *       [--summary FILE] [--frames N] [--runs N] [--edges 1,2,3] [--hive-recording on|off]
 * </pre>
 * quick: 200,000 frames per edge, 5 pairs per edge count (about 1.5 minutes on 2 cores); full: 1,000,000 and 5.
 * Each edge's journal is prepared once with the same N frames: {@link BenchPipeline}'s 6-sample SBE frame, in
 * entries of {@value #FRAMES_PER_ENVELOPE} frames with an event identity, as the gateway journals an envelope. For
 * each edge count, each run is a back-to-back pair (which of the two goes first alternates):
 * <ul>
 *   <li><b>shipping</b>: a fresh {@link Hive} (its own media driver and Aeron Archive recording, a temporary data
 *   directory) and one {@link EdgeShipper} per edge, each with its own media driver, as separate edges would have;
 *   timed until the hive holds every frame of every edge;</li>
 *   <li><b>bare Aeron</b>: one {@link ExclusivePublication} per edge, each from its own media driver, over UDP
 *   loopback to one subscription on another driver; each offers the same batches the shipper would send (the
 *   {@link ShippingDescriptor} layout, {@link ShipperConfig#DEFAULT_BATCH_SIZE} frames each, same bytes) and the
 *   subscriber reassembles them ({@link FragmentAssembler}) and reads every frame's length and first word; the same
 *   driver settings ({@link AeronDirectories#driverContext}), idle strategy (backoff) and fragment limit
 *   ({@link HiveAgent#FRAGMENT_LIMIT}) as the shipping path.</li>
 * </ul>
 * A rate is the frames taken between the receiving side's first and last observation (sampled every
 * {@value #SAMPLE_INTERVAL_US} µs) over the time between them, so the start-up of the drivers, the connection and
 * the hello are outside both. The block ({@link ShippingTable}) goes to {@code --summary}; a line per run goes to
 * standard error.
 * <p>
 * Everything runs in one JVM: the two sides share one JIT, heap and garbage collector, but each edge, the hive and
 * the bare publishers and subscriber have media drivers of their own and talk over UDP loopback as processes would.
 * On a machine of two cores, separate processes would not add a core; they would add JVMs to warm up. Started
 * without Pitgun's JVM flags (Aeron needs {@code --add-exports java.base/jdk.internal.misc}), it runs itself in a
 * child JVM that has them, as {@code paced.PacedLatencyMain} does.
 */
public final class ShippingThroughputMain
{
    /** Frames per journal entry: an envelope of this many frames, as the gateway journals it in one entry. */
    static final int FRAMES_PER_ENVELOPE = 20;
    /** How often the receiving side's count is read. */
    static final long SAMPLE_INTERVAL_US = 500;
    /** Pairs per edge count by default, in both profiles: the medians need a few; the profiles differ in frames. */
    static final int RUNS = 5;
    private static final String CHILD_PROPERTY = "pitgun.shipping.child";
    private static final long RUN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    /**
     * With {@code -Dpitgun.shipping.threads=true} (passed on to the child JVM), each run's CPU per frame by thread
     * name also goes to standard error (the block has it by {@link ShippingThreadRole}).
     */
    static final String THREAD_CPU_PROPERTY = "pitgun.shipping.threads";
    private static final boolean THREAD_CPU = Boolean.getBoolean(THREAD_CPU_PROPERTY);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The JVM's CPU time, all threads: nothing else runs in it during a run but the sampling main thread. */
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
        (com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
    /** A reply channel of the length the shipper's resolved one has, so bare batches have the shipper's bytes. */
    private static final String BARE_REPLY_CHANNEL = "aeron:udp?endpoint=127.0.0.1:40000";
    private static final String USAGE = "usage: ShippingThroughputMain [--profile quick|full] [--summary FILE] " +
        "[--frames N] [--runs N] [--edges 1,2,3] [--hive-recording on|off]";

    private ShippingThroughputMain()
    {
    }

    /**
     * The run's settings.
     *
     * @param profile       quick or full: the defaults of the others.
     * @param summary       where the block goes, or null.
     * @param framesPerEdge frames in each edge's journal.
     * @param runs          pairs per edge count.
     * @param edges         the edge counts, in order.
     * @param hiveRecording the hive records the shipping stream with Aeron Archive (as {@code pitgun hive} does);
     *                      off shows what the recording costs.
     */
    record Options(String profile, Path summary, int framesPerEdge, int runs, int[] edges, boolean hiveRecording)
    {
        static Options parse(final String[] args)
        {
            String profile = "quick";
            Path summary = null;
            Integer frames = null;
            Integer runs = null;
            int[] edges = {1, 2, 3};
            boolean recording = true;
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
                    case "--runs" -> runs = Integer.parseInt(value);
                    case "--edges" -> edges = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt)
                        .toArray();
                    case "--hive-recording" -> recording = switch (value)
                    {
                        case "on" -> true;
                        case "off" -> false;
                        default -> throw new IllegalArgumentException("--hive-recording on|off, got '" + value + "'");
                    };
                    default -> throw new IllegalArgumentException("unknown option " + arg + "; " + USAGE);
                }
            }
            final boolean quick;
            switch (profile)
            {
                case "quick" -> quick = true;
                case "full" -> quick = false;
                default -> throw new IllegalArgumentException("--profile quick|full, got '" + profile + "'");
            }
            final Options options = new Options(profile, summary,
                frames != null ? frames : quick ? 200_000 : 1_000_000, runs != null ? runs : RUNS, edges,
                recording);
            if (options.framesPerEdge() < 1 || options.runs() < 1 || edges.length == 0 ||
                Arrays.stream(edges).anyMatch(e -> e < 1))
            {
                throw new IllegalArgumentException("--frames, --runs and --edges must be positive; " + USAGE);
            }
            return options;
        }
    }

    /**
     * Runs the benchmark; see the class comment for the arguments.
     *
     * @param args the arguments.
     * @throws Exception when a run fails or times out (no block is written then).
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
            System.err.println("ShippingThroughputMain: " + ex.getMessage());
            System.exit(2);
            return;
        }
        if (System.getProperty(CHILD_PROPERTY) == null)
        {
            System.exit(ChildJvm.run(ShippingThroughputMain.class, CHILD_PROPERTY,
                List.of("-D" + THREAD_CPU_PROPERTY + "=" + THREAD_CPU), args));
        }
        final String block = run(options, System.err);
        if (options.summary() != null)
        {
            Files.writeString(options.summary(), block, StandardCharsets.UTF_8);
        }
        System.out.print(block);
        System.exit(0); // Aeron's and the journal's daemon threads are closed; nothing else should keep the JVM
    }

    /**
     * Prepares the journals, measures every edge count and returns the block.
     *
     * @param log where a line per run goes.
     */
    static String run(final Options options, final PrintStream log) throws Exception
    {
        final int maxEdges = Arrays.stream(options.edges()).max().orElseThrow();
        final Path root = Files.createTempDirectory("pitgun-shipping-");
        final List<Journal> journals = new ArrayList<>();
        try
        {
            final List<Path> edgeData = new ArrayList<>();
            for (int e = 0; e < maxEdges; e++)
            {
                final Path data = root.resolve("edge-" + e);
                edgeData.add(data);
                journals.add(prepareJournal(data.resolve("journal"), options.framesPerEdge(), e));
            }
            final List<UnsafeBuffer> batches = bareBatches(options.framesPerEdge());
            // Warm-up: one pair with the largest edge count, not reported (the JIT compiles both paths).
            shipping(root, journals, edgeData, maxEdges, options, log);
            bare(root, batches, maxEdges, options.framesPerEdge());
            final List<ShippingTable.Point> points = new ArrayList<>();
            int pair = 0;
            for (final int edges : options.edges())
            {
                final List<ShippingTable.Run> runs = new ArrayList<>();
                for (int r = 0; r < options.runs(); r++)
                {
                    final boolean shippingFirst = pair++ % 2 == 0;
                    ShippingTable.Side ship = null;
                    ShippingTable.Side bare = null;
                    for (int turn = 0; turn < 2; turn++)
                    {
                        if ((turn == 0) == shippingFirst)
                        {
                            ship = shipping(root, journals, edgeData, edges, options, log);
                        }
                        else
                        {
                            bare = bare(root, batches, edges, options.framesPerEdge());
                        }
                    }
                    final ShippingTable.Run run = new ShippingTable.Run(ship, bare);
                    runs.add(run);
                    log.printf(Locale.ROOT, "ShippingThroughputMain: %d edge(s), run %d: shipping %,.0f frames/s " +
                        "(CPU %.0f ns/frame), bare Aeron %,.0f frames/s (CPU %.0f ns/frame), %.0f %%%n", edges, r + 1,
                        ship.framesPerSecond(), ship.cpuNsPerFrame(), bare.framesPerSecond(), bare.cpuNsPerFrame(),
                        run.ratio() * 100);
                }
                points.add(new ShippingTable.Point(edges, BenchPipeline.FRAME_BYTES, runs));
            }
            return ShippingTable.render(settings(options), points);
        }
        finally
        {
            journals.forEach(Journal::close);
            BenchPipeline.delete(root);
        }
    }

    private static String settings(final Options o)
    {
        return String.format(Locale.ROOT, "Settings: profile %s; %,d frames per edge (the 6-sample frame of the " +
                "engine's benchmarks, %d bytes, in journal entries of %d frames with an event identity), shipped in " +
                "batches of %,d frames (`ShipperConfig`'s defaults); %d back-to-back pairs per edge count (shipping " +
                "and bare Aeron, the one going first alternating) after one unreported pair, medians; a rate is " +
                "the frames the receiving side took between its first and last observation (every %d µs) over " +
                "that time, and CPU per frame the JVM's CPU time (all threads) over that window per frame. " +
                "Shipping: a `Hive` (media driver%s, fresh data directory; no derived output: `pitgun hive`'s " +
                "default `--derive 1` adds an engine pipeline per edge, not measured here) and an `EdgeShipper` " +
                "per edge, each " +
                "with its own media driver. Bare Aeron: an `ExclusivePublication` per edge, each on its own " +
                "media driver, offering the same batches (same bytes, `ShippingDescriptor` " +
                "layout) over UDP loopback to one subscription on another driver that reassembles them and reads " +
                "every frame; same driver settings (`AeronDirectories.driverContext`: shared threading, backoff; the " +
                "receiving socket's buffer the hive's, `HiveConfig.DEFAULT_SOCKET_RECEIVE_BUFFER_BYTES`), " +
                "backoff idle strategies, fragment limit. All in one JVM (`ShippingThroughputMain`): each side has " +
                "its own media drivers and talks over UDP as processes would; on %d cores separate processes would " +
                "add JVMs to warm up, not cores.",
            o.profile(), o.framesPerEdge(), BenchPipeline.FRAME_BYTES, FRAMES_PER_ENVELOPE,
            ShipperConfig.DEFAULT_BATCH_SIZE, o.runs(), SAMPLE_INTERVAL_US,
            o.hiveRecording() ? " + Aeron Archive recording the stream" :
                ", **not recording** (`--hive-recording off`)",
            Runtime.getRuntime().availableProcessors());
    }

    /** An edge's journal of {@code frames} frames, journaled as the gateway journals envelopes of
     *  {@link #FRAMES_PER_ENVELOPE}. */
    static Journal prepareJournal(final Path directory, final int frames, final int edge)
    {
        final Journal journal = Journal.open(JournalConfig.of(directory));
        final JournalAppender appender = journal.appender();
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(BenchPipeline.FRAME_BYTES));
        for (int i = 0; i < frames; )
        {
            final int inEntry = Math.min(FRAMES_PER_ENVELOPE, frames - i);
            final long envelope = i / FRAMES_PER_ENVELOPE;
            appender.begin();
            for (int k = 0; k < inEntry; k++, i++)
            {
                BenchPipeline.encodeFrame(frame, 0, i);
                appender.add(frame, 0, BenchPipeline.FRAME_BYTES, System.nanoTime(), edge, envelope,
                    envelope * 0x9E3779B97F4A7C15L, k, inEntry);
            }
            appender.commit();
        }
        return journal;
    }

    /**
     * The batches the shipper sends for {@code frames} frames: the same header, record layout and frame bytes
     * ({@link ShippingDescriptor}), built once; every bare publisher offers them all.
     */
    static List<UnsafeBuffer> bareBatches(final int frames)
    {
        final byte[] reply = BARE_REPLY_CHANNEL.getBytes(StandardCharsets.US_ASCII);
        final int framesOffset = ShippingDescriptor.framesOffset(reply.length);
        final int record = ShippingDescriptor.FRAME_MESSAGE_OFFSET + BenchPipeline.FRAME_BYTES;
        final List<UnsafeBuffer> batches = new ArrayList<>();
        for (int first = 0; first < frames; first += ShipperConfig.DEFAULT_BATCH_SIZE)
        {
            final int count = Math.min(ShipperConfig.DEFAULT_BATCH_SIZE, frames - first);
            final UnsafeBuffer b = new UnsafeBuffer(ByteBuffer.allocateDirect(framesOffset + count * record));
            b.putInt(ShippingDescriptor.TYPE_OFFSET, ShippingDescriptor.TYPE_BATCH, ORDER);
            b.putInt(ShippingDescriptor.FRAME_COUNT_OFFSET, count, ORDER);
            b.putLong(ShippingDescriptor.PREVIOUS_INDEX_OFFSET, first - 1, ORDER);
            b.putLong(ShippingDescriptor.FIRST_INDEX_OFFSET, first, ORDER);
            b.putLong(ShippingDescriptor.LAST_INDEX_OFFSET, first + count - 1, ORDER);
            b.putInt(ShippingDescriptor.REPLY_STREAM_ID_OFFSET, ShipperConfig.DEFAULT_REPLY_STREAM_ID, ORDER);
            b.putInt(ShippingDescriptor.REPLY_CHANNEL_LENGTH_OFFSET, reply.length, ORDER);
            b.putBytes(ShippingDescriptor.REPLY_CHANNEL_OFFSET, reply);
            for (int k = 0; k < count; k++)
            {
                final int at = framesOffset + k * record;
                final long i = first + k;
                b.putLong(at + ShippingDescriptor.FRAME_POSITION_OFFSET, i, ORDER);
                final int identity = at + ShippingDescriptor.FRAME_IDENTITY_OFFSET -
                    JournalEntryDescriptor.IDENTITY_OFFSET;
                b.putLong(identity + JournalEntryDescriptor.EVENT_ID_MSB_OFFSET, 0, ORDER);
                b.putLong(identity + JournalEntryDescriptor.EVENT_ID_LSB_OFFSET, i / FRAMES_PER_ENVELOPE, ORDER);
                b.putLong(identity + JournalEntryDescriptor.CONTENT_DIGEST_OFFSET, i * 0x9E3779B97F4A7C15L, ORDER);
                b.putInt(identity + JournalEntryDescriptor.FRAME_ORDINAL_OFFSET, (int)(i % FRAMES_PER_ENVELOPE), ORDER);
                b.putInt(identity + JournalEntryDescriptor.FRAME_COUNT_OFFSET, FRAMES_PER_ENVELOPE, ORDER);
                b.putInt(at + ShippingDescriptor.FRAME_LENGTH_OFFSET, BenchPipeline.FRAME_BYTES, ORDER);
                BenchPipeline.encodeFrame(b, at + ShippingDescriptor.FRAME_MESSAGE_OFFSET, i);
            }
            batches.add(b);
        }
        return batches;
    }

    /** One shipping run: a fresh hive, {@code edges} shippers; the hive's ingest rate, frames/s. */
    private static ShippingTable.Side shipping(final Path root, final List<Journal> journals, final List<Path> edgeData,
        final int edges, final Options options, final PrintStream log) throws Exception
    {
        final int framesPerEdge = options.framesPerEdge();
        final Path hiveData = Files.createTempDirectory(root, "hive-");
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        final List<AutoCloseable> open = new ArrayList<>();
        try
        {
            final Hive hive = Hive.start(HiveConfig.of(channel, hiveData).withRecording(options.hiveRecording()));
            open.add(hive);
            final List<EdgeShipper> shippers = new ArrayList<>();
            for (int e = 0; e < edges; e++)
            {
                final EdgeShipper shipper = EdgeShipper.start(journals.get(e), edgeData.get(e),
                    ShipperConfig.to(channel));
                open.add(shipper);
                shippers.add(shipper);
            }
            final ShippingTable.Side rate = rate("shipping", (long)edges * framesPerEdge, () ->
            {
                long held = 0;
                for (final HiveEdgeWriter writer : hive.edges())
                {
                    held += writer.framesWritten();
                }
                return held;
            });
            // Each shipper rewinds once at start (to the hive's answer); more, or gaps and duplicates at the hive,
            // mean frames were sent again (an ACK timeout on a starved machine): say so beside the figure.
            long rewinds = 0;
            long shipped = 0;
            for (final EdgeShipper shipper : shippers)
            {
                rewinds += shipper.counters().rewinds() - 1;
                shipped += shipper.counters().framesShipped();
            }
            long gaps = 0;
            long duplicates = 0;
            for (final HiveEdgeWriter writer : hive.edges())
            {
                gaps += writer.gaps();
                duplicates += writer.duplicatesDropped();
            }
            if (rewinds != 0 || gaps != 0 || duplicates != 0 || shipped != (long)edges * framesPerEdge)
            {
                log.printf(Locale.ROOT, "ShippingThroughputMain: shipping %d edge(s): %d frames shipped for %d, " +
                    "%d rewinds after the first, %d gaps and %d duplicates at the hive%n", edges, shipped,
                    (long)edges * framesPerEdge, rewinds, gaps, duplicates);
            }
            return rate;
        }
        finally
        {
            for (int i = open.size() - 1; i >= 0; i--)
            {
                CloseHelper.quietClose(open.get(i));
            }
            BenchPipeline.delete(hiveData);
        }
    }

    /** One bare Aeron run: {@code edges} publishers offering every batch to one subscriber; its rate, frames/s. */
    private static ShippingTable.Side bare(final Path root, final List<UnsafeBuffer> batches, final int edges,
        final int framesPerEdge) throws Exception
    {
        final Path dir = Files.createTempDirectory(root, "bare-");
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        final List<AutoCloseable> open = new ArrayList<>();
        try
        {
            // The subscriber's socket has the hive's receive buffer, so the two receiving ends differ in nothing else.
            final Aeron subscriberClient = client(dir.resolve("subscriber"), ShippingThreadRole.BARE_SUBSCRIBER_ROLE,
                HiveConfig.DEFAULT_SOCKET_RECEIVE_BUFFER_BYTES, open);
            final BareSubscriber subscriber = new BareSubscriber(
                subscriberClient.addSubscription(channel, ShipperConfig.DEFAULT_STREAM_ID));
            open.add(start(subscriber));
            for (int e = 0; e < edges; e++)
            {
                final Aeron client = client(dir.resolve("publisher-" + e), ShippingThreadRole.BARE_PUBLISHER_ROLE,
                    0, open);
                open.add(start(new BarePublisher(
                    client.addExclusivePublication(channel, ShipperConfig.DEFAULT_STREAM_ID), batches)));
            }
            return rate("bare Aeron", (long)edges * framesPerEdge, subscriber.frames::get);
        }
        finally
        {
            for (int i = open.size() - 1; i >= 0; i--)
            {
                CloseHelper.quietClose(open.get(i));
            }
            BenchPipeline.delete(dir);
        }
    }

    /** A media driver and client in {@code data}; {@code receiveBufferBytes} 0 keeps Aeron's socket default. */
    private static Aeron client(final Path data, final String role, final int receiveBufferBytes,
        final List<AutoCloseable> open)
    {
        final Path aeronDir = AeronDirectories.forRole(data, role);
        final MediaDriver.Context context = AeronDirectories.driverContext(aeronDir);
        if (receiveBufferBytes > 0)
        {
            context.socketRcvbufLength(receiveBufferBytes);
        }
        final MediaDriver driver = MediaDriver.launch(context);
        open.add(driver);
        final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir.toString()));
        open.add(aeron);
        return aeron;
    }

    /** On its own thread with the shipping path's idle strategy. */
    private static AgentRunner start(final Agent agent)
    {
        final AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), Throwable::printStackTrace, null, agent);
        AgentRunner.startOnThread(runner);
        return runner;
    }

    /**
     * Waits until {@code taken} reaches {@code total}, reading it every {@link #SAMPLE_INTERVAL_US}; the frames taken
     * between the first observation above 0 and the last, over the time between them, and the process's CPU time
     * over the same window per frame (every thread of the run: drivers, shipper or publisher, hive or subscriber).
     */
    static ShippingTable.Side rate(final String what, final long total, final LongSupplier taken)
    {
        final long deadline = System.nanoTime() + RUN_TIMEOUT_NS;
        long firstNs = 0;
        long firstCount = 0;
        long firstCpuNs = 0;
        Map<Long, Map.Entry<String, Long>> firstThreads = null;
        while (true)
        {
            final long now = System.nanoTime();
            final long count = taken.getAsLong();
            if (count > 0 && firstNs == 0)
            {
                firstNs = now;
                firstCount = count;
                firstCpuNs = PROCESS.getProcessCpuTime();
                firstThreads = threadCpu();
            }
            if (count >= total)
            {
                if (count == firstCount)
                {
                    throw new IllegalStateException(what + ": all " + total + " frames arrived within one " +
                        "observation: too few frames to time (raise --frames)");
                }
                final double frames = count - firstCount;
                final double cpuNsPerFrame = (PROCESS.getProcessCpuTime() - firstCpuNs) / frames;
                final Map<Long, Map.Entry<String, Long>> lastThreads = threadCpu();
                if (THREAD_CPU)
                {
                    printThreadCpu(what, firstThreads, lastThreads, frames);
                }
                return new ShippingTable.Side(frames * 1e9 / (now - firstNs), cpuNsPerFrame,
                    byRole(firstThreads, lastThreads, frames, cpuNsPerFrame));
            }
            if (now > deadline)
            {
                throw new IllegalStateException(what + ": " + count + " of " + total + " frames after " +
                    TimeUnit.NANOSECONDS.toSeconds(RUN_TIMEOUT_NS) + " s");
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(SAMPLE_INTERVAL_US));
        }
    }

    /** Every live thread's CPU time, ns, by thread id, with its name (no stacks taken: this runs in the window). */
    private static Map<Long, Map.Entry<String, Long>> threadCpu()
    {
        final Map<Long, Map.Entry<String, Long>> cpu = new TreeMap<>();
        for (final ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds()))
        {
            final long ns = info == null ? -1 : THREADS.getThreadCpuTime(info.getThreadId());
            if (ns >= 0)
            {
                cpu.put(info.getThreadId(), Map.entry(info.getThreadName(), ns));
            }
        }
        return cpu;
    }

    /** CPU per frame by role; {@code OTHER} is what the named roles leave of the process's {@code total}. */
    private static Map<ShippingThreadRole, Double> byRole(final Map<Long, Map.Entry<String, Long>> first,
        final Map<Long, Map.Entry<String, Long>> last, final double frames, final double total)
    {
        final Map<ShippingThreadRole, Double> roles = new EnumMap<>(ShippingThreadRole.class);
        double named = 0;
        for (final Map.Entry<Long, Map.Entry<String, Long>> thread : last.entrySet())
        {
            final ShippingThreadRole role = ShippingThreadRole.of(thread.getValue().getKey());
            if (role != ShippingThreadRole.OTHER)
            {
                final Map.Entry<String, Long> before = first.get(thread.getKey());
                final double ns = (thread.getValue().getValue() - (before == null ? 0 : before.getValue())) / frames;
                roles.merge(role, ns, Double::sum);
                named += ns;
            }
        }
        roles.put(ShippingThreadRole.OTHER, Math.max(0, total - named));
        return roles;
    }

    /** CPU per frame by thread name (the drivers' threads of one name summed: "receiver x3"), largest first. */
    private static void printThreadCpu(final String what, final Map<Long, Map.Entry<String, Long>> first,
        final Map<Long, Map.Entry<String, Long>> last, final double frames)
    {
        final Map<String, long[]> byName = new TreeMap<>();
        last.forEach((id, now) ->
        {
            final Map.Entry<String, Long> before = first.get(id);
            final long[] sum = byName.computeIfAbsent(now.getKey(), name -> new long[2]);
            sum[0] += now.getValue() - (before == null ? 0 : before.getValue());
            sum[1]++;
        });
        final StringBuilder out = new StringBuilder("ShippingThroughputMain: " + what + " CPU ns/frame by thread:");
        byName.entrySet().stream()
            .filter(e -> e.getValue()[0] / frames >= 1)
            .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
            .forEach(e -> out.append(String.format(Locale.ROOT, " %s%s=%.0f", e.getKey(),
                e.getValue()[1] > 1 ? " x" + e.getValue()[1] : "", e.getValue()[0] / frames)));
        System.err.println(out);
    }

    private static int freeUdpPort() throws IOException
    {
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    /** Offers every batch once, in order, as fast as the publication takes them. */
    private static final class BarePublisher implements Agent
    {
        private final ExclusivePublication publication;
        private final List<UnsafeBuffer> batches;
        private int next;

        BarePublisher(final ExclusivePublication publication, final List<UnsafeBuffer> batches)
        {
            this.publication = publication;
            this.batches = batches;
        }

        @Override
        public int doWork()
        {
            if (next == batches.size() || !publication.isConnected())
            {
                return 0;
            }
            final UnsafeBuffer batch = batches.get(next);
            if (publication.offer(batch, 0, batch.capacity()) > 0)
            {
                next++;
                return 1;
            }
            return 0; // back pressured: offer it again on the next duty cycle
        }

        @Override
        public String roleName()
        {
            return ShippingThreadRole.BARE_PUBLISHER_THREAD;
        }
    }

    /** Takes whole batches and reads every frame's length and first word, as the hive's writer reads them. */
    private static final class BareSubscriber implements Agent
    {
        final AtomicLong frames = new AtomicLong();
        private final Subscription subscription;
        private final FragmentAssembler assembler = new FragmentAssembler(this::onBatch);
        /** The frames' first words summed: a field of an object another thread sees, so the reads stay. */
        private long checksum;

        BareSubscriber(final Subscription subscription)
        {
            this.subscription = subscription;
        }

        @Override
        public int doWork()
        {
            return subscription.poll(assembler, HiveAgent.FRAGMENT_LIMIT);
        }

        private void onBatch(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            final int count = buffer.getInt(offset + ShippingDescriptor.FRAME_COUNT_OFFSET, ORDER);
            final int channelLength = buffer.getInt(offset + ShippingDescriptor.REPLY_CHANNEL_LENGTH_OFFSET, ORDER);
            int record = offset + ShippingDescriptor.framesOffset(channelLength);
            for (int i = 0; i < count; i++)
            {
                final int messageLength = buffer.getInt(record + ShippingDescriptor.FRAME_LENGTH_OFFSET, ORDER);
                checksum += buffer.getLong(record + ShippingDescriptor.FRAME_MESSAGE_OFFSET, ORDER);
                record += ShippingDescriptor.FRAME_MESSAGE_OFFSET + messageLength;
            }
            frames.lazySet(frames.get() + count);
        }

        @Override
        public String roleName()
        {
            return ShippingThreadRole.BARE_SUBSCRIBER_THREAD;
        }
    }
}
