package io.pitgun.systemtests;

import io.aeron.driver.Configuration;
import io.aeron.driver.ext.DebugChannelEndpointConfiguration;
import io.aeron.driver.ext.DebugReceiveChannelEndpointSupplier;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.pitgun.cli.PitgunCommand;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalException;
import io.pitgun.journal.JournalEventStamp;
import io.pitgun.journal.JournalStampedEntryHandler;
import io.pitgun.journal.JournalTailer;
import io.pitgun.scaleout.AeronDirectories;
import io.pitgun.scaleout.EdgeId;
import io.pitgun.scaleout.HiveConfig;
import io.pitgun.scaleout.HiveEdgeWriter;
import io.pitgun.systemtests.soak.AckedFrames;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.EnvelopeJson;
import io.pitgun.testsupport.JournaledFrames;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #16's proof, as processes: a {@code pitgun hive} and three {@code pitgun gateway --ship-to} edges on
 * loopback, beacons over HTTP into every edge from a producer thread each, and a chaos loop that {@code kill -9}s a
 * random edge or the hive at random moments (after a random number of further beacons, with more in flight),
 * several times each, and restarts it on the same data directory and ports. Then, per edge: the hive's journal for
 * the edge holds exactly the edge's journal (same count, order, positions, event identities and bytes; so no loss
 * and no duplicate), every acknowledged frame is in the edge's journal once, replaying the hive's journal gives the
 * same derived output as replaying the edge's, and so, once the hive stops, does the hive's own live derived output
 * ({@code derived.jsonl}, byte for byte). The lossy variant runs the same with Aeron's loss generator dropping
 * data packets in both directions and proves, from the drivers' NAK counters, that loss happened.
 *
 * <p>{@code -Dpitgun.shipping.seed=N} replays a chaos schedule (the seed is printed; process timing still varies);
 * {@code -Dpitgun.shipping.mode=long} kills more often over a longer run (figures in docs/scale-out.md).
 */
class ShippingChaosTest
{
    private static final int EDGES = 3;
    private static final int FRAMES_PER_BEACON = 10;
    /** Fraction of data packets each media driver drops on receipt in the lossy variant (Aeron's loss generator). */
    private static final double LOSS_RATE = 0.1;
    /** How long the hive may take to hold every edge's journal once load stopped (cold JVMs, 2 shared cores). */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(120);
    /** How long the chaos loop waits for the next kill moment (a number of further acknowledged beacons). */
    private static final Duration MOMENT_TIMEOUT = Duration.ofSeconds(120);
    /** The gateway's built-in manifest: what a hive given no --manifest derives with. */
    static final Path MANIFEST =
        Path.of("..", "ingress-netty", "src", "main", "resources", "gateway", "default-manifest.yaml");
    private static final Pattern OUTPUT_DIGEST = Pattern.compile("output sha256: (\\S+)");
    /** Where each edge's replay output goes, in its replay-N directory: the live derived output is compared to it. */
    private static final String EDGE_REPLAY_FILE = "edge.jsonl";
    /** One seed per test run, so both variants print (and replay with) the same. */
    private static final long SEED = new Random().nextLong();

    /**
     * Kills per process (without and with loss) and the range of beacons sent (over all edges) between two kills.
     * The short mode keeps the class near a minute on 2 cores: a restart costs a cold JVM, seconds there, so the
     * lossy run, whose kills add nothing the plain run does not exercise, kills each process once.
     */
    private enum Mode
    {
        // A bound for a hang, not a speed check: short runs took 38-78 s on a loaded 2-core machine, one 120 s.
        SHORT(2, 1, 20, 80, Duration.ofSeconds(300)),
        LONG(8, 8, 100, 600, Duration.ofMinutes(15));

        final int killsPerProcess;
        final int lossyKillsPerProcess;
        final int minBeaconsBetweenKills;
        final int maxBeaconsBetweenKills;
        /** The bound of one test method: the reactor's default (pitgun.test.timeout) is for the short mode. */
        final Duration timeout;

        Mode(final int killsPerProcess, final int lossyKillsPerProcess, final int minBeaconsBetweenKills,
            final int maxBeaconsBetweenKills, final Duration timeout)
        {
            this.timeout = timeout;
            this.killsPerProcess = killsPerProcess;
            this.lossyKillsPerProcess = lossyKillsPerProcess;
            this.minBeaconsBetweenKills = minBeaconsBetweenKills;
            this.maxBeaconsBetweenKills = maxBeaconsBetweenKills;
        }

        static Mode fromProperty()
        {
            return valueOf(System.getProperty("pitgun.shipping.mode", "short").toUpperCase(Locale.ROOT));
        }
    }

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES) // the long mode's; each mode's own bound is Mode.timeout
    void shouldHoldExactlyEveryEdgesJournalAfterRandomKillsOfEdgesAndHive()
    {
        final Mode mode = Mode.fromProperty();
        final Totals totals = assertTimeoutPreemptively(mode.timeout,
            () -> chaos("kills", mode.killsPerProcess, List.of()));
        assertTrue(totals.kills > 0, "nothing was killed");
        assertFalse(totals.hiveRestarts.isEmpty(), "the hive was never restarted");
        for (final String restart : totals.hiveRestarts)
        {
            // Each restart after a kill -9 logged its phases, and none of its waits ran into its timeout: a start
            // that stalls on something a kill made impossible fails here, not only when it passes the start bound.
            assertTrue(restart.endsWith(", timeouts hit 0"), restart);
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES) // the long mode's; each mode's own bound is Mode.timeout
    void shouldHoldExactlyEveryEdgesJournalAfterRandomKillsUnderPacketLossBothWays()
    {
        final Mode mode = Mode.fromProperty();
        // DebugReceiveChannelEndpoint drops received data packets: at the hive the edges' batches, at an edge the
        // hive's acknowledgements; the receiver NAKs each gap and the sender retransmits. No loss seed: with one
        // seed for every process, every life of every edge drew the same sequence, and for a seed whose first drop
        // comes at the 16th packet, edges that took fewer acknowledgements per life never lost one (seen once in CI).
        final Totals totals = assertTimeoutPreemptively(mode.timeout, () -> chaos("loss", mode.lossyKillsPerProcess,
            List.of("-D" + Configuration.RECEIVE_CHANNEL_ENDPOINT_SUPPLIER_PROP_NAME + "=" +
                    DebugReceiveChannelEndpointSupplier.class.getName(),
                "-D" + DebugChannelEndpointConfiguration.RECEIVE_DATA_LOSS_RATE_PROP_NAME + "=" + LOSS_RATE)));
        assertTrue(totals.hiveNaksSent > 0, "the hive never lost a batch packet: " + totals);
        assertTrue(totals.edgeNaksSent > 0, "no edge ever lost an acknowledgement packet: " + totals);
        assertTrue(totals.edgeRetransmitsSent > 0, "no edge ever retransmitted: " + totals);
    }

    /** Runs the processes, load and kills, then checks every edge; returns what happened. */
    private Totals chaos(final String name, final int killsPerProcess, final List<String> javaOptions)
        throws Exception
    {
        final Mode mode = Mode.fromProperty();
        final long seed = seed();
        final Random random = new Random(seed);
        System.out.println("ShippingChaosTest " + name + ": mode " + mode + ", -Dpitgun.shipping.seed=" + seed);
        final long startNs = System.nanoTime();
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        final Path hiveData = dir.resolve("hive");
        final Totals totals = new Totals();
        final List<Edge> edges = new ArrayList<>();
        final List<Producer> producers = new ArrayList<>();
        // Beacons the producers may still send: the chaos loop hands them out, so the volume follows the kills
        // rather than the machine's speed.
        final Semaphore budget = new Semaphore(0);
        HiveProcess hive = null;
        boolean passed = false;
        try
        {
            final List<CompletableFuture<Void>> starting = new ArrayList<>();
            for (int i = 0; i < EDGES; i++)
            {
                final Edge edge = new Edge(dir.resolve("edge-" + i), freeTcpPort(), channel, javaOptions);
                edges.add(edge);
                // Cold JVMs start side by side; each start is bounded by GatewayProcess.START_TIMEOUT.
                starting.add(CompletableFuture.runAsync(() ->
                {
                    try
                    {
                        edge.start();
                    }
                    catch (final IOException | InterruptedException ex)
                    {
                        throw new CompletionException(ex);
                    }
                }));
            }
            hive = HiveProcess.start(hiveData, channel, javaOptions);
            for (final CompletableFuture<Void> start : starting)
            {
                start.get(2 * GatewayProcess.START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            for (final Edge edge : edges)
            {
                producers.add(new Producer(edge, budget));
            }
            producers.forEach(Producer::start);

            // -1 is the hive; every process is killed the same number of times, in a random order.
            final List<Integer> victims = new ArrayList<>();
            for (int k = 0; k < killsPerProcess; k++)
            {
                victims.add(-1);
                for (int i = 0; i < EDGES; i++)
                {
                    victims.add(i);
                }
            }
            Collections.shuffle(victims, random);
            for (final int victim : victims)
            {
                // The moment: after K more beacons. Twice K are allowed, so load is still flowing at the kill and
                // drains into the other edges while the victim restarts.
                final int k = mode.minBeaconsBetweenKills +
                    random.nextInt(mode.maxBeaconsBetweenKills - mode.minBeaconsBetweenKills + 1);
                final long moment = sentBeacons(producers) + k;
                budget.release(2 * k);
                Await.until(moment + " beacons sent before the next kill", MOMENT_TIMEOUT,
                    () -> sentBeacons(producers) >= moment);
                if (victim < 0)
                {
                    hive.kill9();
                    totals.addHive(HiveProcess.aeronDirectory(hiveData));
                    hive = HiveProcess.start(hiveData, channel, javaOptions);
                    totals.hiveRestarted(hive);
                }
                else
                {
                    edges.get(victim).kill9();
                    totals.addEdge(edges.get(victim).aeronDirectory());
                    edges.get(victim).start();
                }
                totals.kills++;
            }
            // Load goes on after the last restart, so the last lives ship under load too.
            final long last = sentBeacons(producers) + mode.minBeaconsBetweenKills;
            budget.release(mode.minBeaconsBetweenKills);
            Await.until(last + " beacons sent after the last restart", MOMENT_TIMEOUT,
                () -> sentBeacons(producers) >= last);
            for (final Producer producer : producers)
            {
                producer.stop();
            }

            final HiveProcess settledHive = hive;
            long frames = 0;
            for (int i = 0; i < EDGES; i++)
            {
                frames += assertHiveHoldsEdge(i, edges.get(i), producers.get(i), channel, hiveData, settledHive);
            }
            totals.addHive(HiveProcess.aeronDirectory(hiveData));
            for (final Edge edge : edges)
            {
                totals.addEdge(edge.aeronDirectory());
            }
            // The hive's live derived output (its default manifest is the gateways' built-in one, MANIFEST) holds
            // the stream's end (open laps, sessions) once the hive stops: then it is the edge replay's bytes.
            final String hiveLogs = settledHive.logs();
            hive = null;
            settledHive.close();
            for (int i = 0; i < EDGES; i++)
            {
                final String edgeId = EdgeId.loadOrCreate(edges.get(i).dataDir).toString();
                final Path derived = HiveConfig.of(channel, hiveData).edgeDerivedFile(edgeId);
                final Path replayed = dir.resolve("replay-" + i).resolve(EDGE_REPLAY_FILE);
                assertEquals(-1, Files.mismatch(replayed, derived),
                    "the hive's live derived output of edge " + i + " (" + derived + ") differs from replaying the " +
                        "edge's journal (" + replayed + ")\n" + hiveLogs);
            }
            System.out.printf(Locale.ROOT, "ShippingChaosTest %s: mode %s, seed %d: %d frames journaled and held, " +
                    "%d beacons acknowledged, %d refused, %d failed (edge down), %d kills, %.1f s; %s; PASS%n", name,
                mode, seed, frames, ackedBeacons(producers), producers.stream().mapToLong(p -> p.refused.sum()).sum(),
                producers.stream().mapToLong(p -> p.failed.sum()).sum(), totals.kills,
                (System.nanoTime() - startNs) / 1e9, totals);
            passed = true;
            return totals;
        }
        finally
        {
            if (!passed)
            {
                // A run cut short (the mode's time bound interrupts it) has no failure message of its own: the
                // processes' last output says where it stood, before the test's directory goes.
                System.out.println("ShippingChaosTest " + name + " did not finish; the processes' last output:");
                if (hive != null)
                {
                    System.out.println(hive.logs());
                }
                for (final Edge edge : edges)
                {
                    if (edge.process != null)
                    {
                        System.out.println(edge.process.logs());
                    }
                }
            }
            for (final Producer producer : producers)
            {
                producer.halt();
            }
            for (final Edge edge : edges)
            {
                edge.close();
            }
            if (hive != null)
            {
                hive.close();
            }
        }
    }

    /**
     * Waits until the hive holds the edge's last journal position and the edge has no frame unacknowledged, then
     * proves the edge's journal is in the hive exactly; returns the edge's frame count.
     */
    private long assertHiveHoldsEdge(final int number, final Edge edge, final Producer producer, final String channel,
        final Path hiveData, final HiveProcess hive) throws Exception
    {
        final Path edgeJournal = edge.dataDir.resolve("journal");
        final Path hiveJournal = HiveConfig.of(channel, hiveData).edgeJournal(EdgeId.loadOrCreate(edge.dataDir)
            .toString());
        final long last = lastIndex(edgeJournal);
        Await.until("the hive holds edge " + number + "'s journal up to " + last, SETTLE_TIMEOUT,
            () -> Files.isDirectory(hiveJournal) && heldIndexWhileWritten(hiveJournal) == last);
        Await.until("edge " + number + " has nothing unshipped or unacknowledged", SETTLE_TIMEOUT,
            () -> edge.process.metric("pitgun_ship_lag_frames") == 0 &&
                edge.process.metric("pitgun_ship_lag_seconds") == 0);
        final String context = "edge " + number + "\n" + hive.logs() + edge.process.logs();

        final long frames = assertSameEntries(edgeJournal, hiveJournal, context);
        assertTrue(frames > 0, "edge " + number + " journaled nothing");
        final JournaledFrames journaled = JournaledFrames.read(edge.dataDir);
        assertEquals(Map.of(), journaled.duplicates(), "frames twice in edge " + number + "'s journal");
        assertEquals(Map.of(), JournaledFrames.read(hiveJournal.getParent()).duplicates(),
            "frames twice in the hive's journal of edge " + number);
        for (final Map.Entry<UUID, BitSet> session : producer.acked.bySession().entrySet())
        {
            session.getValue().stream().forEach(sequence -> assertEquals(1,
                journaled.count(session.getKey(), sequence), "acknowledged frame " + sequence + " of edge " + number));
        }
        assertDerivedOutputEqual(edgeJournal, hiveJournal.getParent(), dir.resolve("replay-" + number));
        return frames;
    }

    /**
     * The derived output: {@code pitgun journal replay --edge-positions} of the hive's journal of an edge prints
     * the same output digest as {@code pitgun journal replay} of the edge's own journal, through the gateway's
     * default manifest.
     *
     * @param hiveEdgeDirectory the hive's {@code DATA_DIR/edges/EDGE_ID}.
     */
    private static void assertDerivedOutputEqual(final Path edgeJournal, final Path hiveEdgeDirectory,
        final Path workDirectory) throws IOException
    {
        Files.createDirectories(workDirectory);
        final String edgeDigest = replayDigest(workDirectory.resolve(EDGE_REPLAY_FILE), edgeJournal.toString());
        final String hiveDigest = replayDigest(workDirectory.resolve("hive.jsonl"), "--edge-positions",
            hiveEdgeDirectory.resolve("journal").toString());
        assertNotEquals("-", edgeDigest, "no output digest");
        assertEquals(edgeDigest, hiveDigest, "derived output of the hive's journal of " + hiveEdgeDirectory);
    }

    /** Runs {@code pitgun journal replay --manifest M --out OUT ARGS...} and returns the output sha256 it prints. */
    private static String replayDigest(final Path out, final String... args)
    {
        final StringWriter printed = new StringWriter();
        final CommandLine command = PitgunCommand.newCommandLine();
        command.setOut(new PrintWriter(printed, true));
        final List<String> arguments = new ArrayList<>(List.of("journal", "replay", "--manifest", MANIFEST.toString(),
            "--out", out.toString()));
        arguments.addAll(List.of(args));
        assertEquals(0, command.execute(arguments.toArray(String[]::new)), printed.toString());
        final Matcher digest = OUTPUT_DIGEST.matcher(printed.toString());
        assertTrue(digest.find(), printed.toString());
        return digest.group(1);
    }

    /**
     * Reads both journals side by side, message by message: every edge message must be the hive's next message, at
     * the hive carrying the edge's position (in its ingest-time field), the same event identity and the same bytes;
     * the hive holds nothing after the edge's last message. Returns the number of messages.
     */
    static long assertSameEntries(final Path edgeJournal, final Path hiveJournal, final String context)
    {
        long messages = 0;
        try (Journal edgeSide = Journal.open(JournalConfig.readOnly(edgeJournal));
             Journal hiveSide = Journal.open(JournalConfig.readOnly(hiveJournal));
             MessageReader edge = new MessageReader(edgeSide.tailer());
             MessageReader hive = new MessageReader(hiveSide.tailer()))
        {
            for (Message sent = edge.next(); sent != null; sent = edge.next())
            {
                final Message held = hive.next();
                assertTrue(held != null, "the hive lacks edge position " + sent.position + "; " + context);
                assertEquals(sent.position, held.ingestTimeNs, "edge position of hive message " + held.position);
                assertEquals(sent.identity, held.identity, "event identity at edge position " + sent.position);
                assertArrayEquals(sent.bytes, held.bytes, "bytes at edge position " + sent.position);
                messages++;
            }
            final long count = messages;
            final Message extra = hive.next();
            assertTrue(extra == null, () -> "the hive holds more than the edge journaled: edge position " +
                extra.ingestTimeNs + " after " + count + " messages; " + context);
        }
        return messages;
    }

    /** One journaled message: position, ingest-time field, event identity, bytes. */
    private record Message(long position, long ingestTimeNs, String identity, byte[] bytes)
    {
    }

    /** The messages of a journal one at a time (a tailer hands over a whole entry's messages per read). */
    private static final class MessageReader implements JournalStampedEntryHandler, AutoCloseable
    {
        private final JournalTailer tailer;
        private final ArrayDeque<Message> entry = new ArrayDeque<>();

        MessageReader(final JournalTailer tailer)
        {
            this.tailer = tailer;
        }

        /** The next message, or null at the end. */
        Message next()
        {
            while (entry.isEmpty() && tailer.readNext(this))
            {
                // an entry holds at least one message; read on if it did not
            }
            return entry.poll();
        }

        @Override
        public void onEntry(final long position, final DirectBuffer buffer, final int offset, final int length,
            final long ingestTimeNs, final JournalEventStamp stamp)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            entry.add(new Message(position, ingestTimeNs, stamp.eventId() + "/" + stamp.frameOrdinal() + "/" +
                stamp.frameCount() + "/" + stamp.contentDigest(), bytes));
        }

        @Override
        public void close()
        {
            tailer.close();
        }
    }

    /**
     * One edge: its data directory and port, kept across its lives, and the running gateway. A producer takes the
     * running gateway from {@link #running}, which is replaced by an incomplete future before a kill, so a producer
     * whose request failed because of the kill waits (bounded) for the restart instead of spinning.
     */
    private static final class Edge implements AutoCloseable
    {
        final Path dataDir;
        final int port;
        final String channel;
        final List<String> javaOptions;
        volatile CompletableFuture<GatewayProcess> running = new CompletableFuture<>();
        GatewayProcess process;

        Edge(final Path dataDir, final int port, final String channel, final List<String> javaOptions)
        {
            this.dataDir = dataDir;
            this.port = port;
            this.channel = channel;
            this.javaOptions = javaOptions;
        }

        void start() throws IOException, InterruptedException
        {
            process = GatewayProcess.start(dataDir, port, javaOptions, Map.of(), "--ship-to", channel);
            running.complete(process);
        }

        void kill9() throws InterruptedException
        {
            running = new CompletableFuture<>();
            process.kill9();
        }

        Path aeronDirectory()
        {
            return AeronDirectories.forRole(dataDir, "edge");
        }

        @Override
        public void close() throws Exception
        {
            if (process != null)
            {
                process.close();
            }
            // The edge's media driver lives under /dev/shm; a killed one leaves its files there.
            deleteRecursively(aeronDirectory());
        }
    }

    /**
     * Sends sample batches of one session (fresh event id and sequences each time, never a resend) to its edge, one
     * per permit of the shared budget, until stopped; records what the edge acknowledged (202) and counts what it
     * refused or could not answer.
     */
    private static final class Producer implements Runnable
    {
        final Edge edge;
        final Semaphore budget;
        final LongAdder sentBeacons = new LongAdder();
        final AckedFrames acked = new AckedFrames();
        final LongAdder ackedBeacons = new LongAdder();
        final LongAdder refused = new LongAdder();
        final LongAdder failed = new LongAdder();
        final Thread thread;
        volatile boolean stopped;
        volatile Throwable error;

        Producer(final Edge edge, final Semaphore budget)
        {
            this.edge = edge;
            this.budget = budget;
            this.thread = new Thread(this, "producer-" + edge.dataDir.getFileName());
            thread.setDaemon(true);
        }

        void start()
        {
            thread.start();
        }

        @Override
        public void run()
        {
            final UUID session = UUID.randomUUID();
            long sequence = 0;
            try
            {
                while (!stopped)
                {
                    // Bounded, so a stop is seen while the budget is empty.
                    if (!budget.tryAcquire(100, TimeUnit.MILLISECONDS))
                    {
                        continue;
                    }
                    final GatewayProcess gateway = edge.running.get(2 * GatewayProcess.START_TIMEOUT.toMillis(),
                        TimeUnit.MILLISECONDS);
                    final long first = sequence;
                    sequence += FRAMES_PER_BEACON;
                    try
                    {
                        final int status = gateway.beacon(EnvelopeJson.batch(UUID.randomUUID(),
                            "2024-01-01T00:00:00Z", session, first, FRAMES_PER_BEACON, 1,
                            s -> 1_000_000L + s * 1_000)).statusCode();
                        if (status == 202)
                        {
                            acked.add(session, first, FRAMES_PER_BEACON);
                            ackedBeacons.increment();
                        }
                        else
                        {
                            refused.increment();
                        }
                    }
                    catch (final IOException ex)
                    {
                        failed.increment();
                    }
                    sentBeacons.increment();
                }
            }
            catch (final Throwable ex)
            {
                error = ex;
            }
        }

        /** Stops the thread (bounded wait) without judging it: for clean-up after a failure. */
        void halt() throws InterruptedException
        {
            stopped = true;
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }

        /** Stops the thread and fails if it did not stop or failed. */
        void stop() throws InterruptedException
        {
            halt();
            assertFalse(thread.isAlive(), thread.getName() + " did not stop");
            if (error != null)
            {
                throw new AssertionError(thread.getName() + " failed", error);
            }
        }
    }

    /** What the media drivers counted, summed over every life of every process. */
    private static final class Totals
    {
        int kills;
        long hiveNaksSent;
        long edgeNaksSent;
        long edgeRetransmitsSent;
        /** Per hive restart after a kill -9: its start time and phase line. */
        final List<String> hiveRestarts = new ArrayList<>();

        void hiveRestarted(final HiveProcess hive)
        {
            final String restart = String.format(Locale.ROOT, "hive restart %d: %.1f s to listen; %s",
                hiveRestarts.size() + 1, hive.startNs() / 1e9, hive.startPhases());
            System.out.println("ShippingChaosTest " + restart);
            hiveRestarts.add(restart);
        }

        void addHive(final Path aeronDirectory)
        {
            hiveNaksSent += DriverCounters.value(aeronDirectory, SystemCounterDescriptor.NAK_MESSAGES_SENT);
        }

        void addEdge(final Path aeronDirectory)
        {
            edgeNaksSent += DriverCounters.value(aeronDirectory, SystemCounterDescriptor.NAK_MESSAGES_SENT);
            edgeRetransmitsSent += DriverCounters.value(aeronDirectory, SystemCounterDescriptor.RETRANSMITS_SENT);
        }

        @Override
        public String toString()
        {
            return "NAKs sent by the hive " + hiveNaksSent + ", by the edges " + edgeNaksSent +
                ", retransmits sent by the edges " + edgeRetransmitsSent;
        }
    }

    private static long ackedBeacons(final List<Producer> producers)
    {
        return producers.stream().mapToLong(producer -> producer.ackedBeacons.sum()).sum();
    }

    private static long sentBeacons(final List<Producer> producers)
    {
        long sum = 0;
        for (final Producer producer : producers)
        {
            if (producer.error != null)
            {
                throw new AssertionError(producer.thread.getName() + " failed", producer.error);
            }
            sum += producer.sentBeacons.sum();
        }
        return sum;
    }

    private static long seed()
    {
        return Long.getLong("pitgun.shipping.seed", SEED);
    }

    static long lastIndex(final Path journalDirectory)
    {
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDirectory)))
        {
            return journal.lastIndex();
        }
    }

    /**
     * {@link #heldIndex} of a journal the live hive is writing, or {@link Journal#NO_INDEX} (look again) when
     * Chronicle refuses the read-only open for a moment: the writer holds the queue's metadata lock exclusively
     * while it changes it ("Unable to claim exclusive shared lock"), which made one CI run's poll fail. Likewise when
     * one of Chronicle's own assertions (the tests run with -ea) fails in the read-only tailer's search for the end
     * while the writer changes the queue ({@code StoreTailer.doToStart}, seen once in a fresh-clone CI run): a race
     * of the reader with the writer, not a property of what the hive holds, which the next poll reads. And when the
     * hive has made the journal's directory and not yet its files ("no journal here", seen in
     * {@code ShippingPauseProcessTest}, which looks as soon as the directory appears).
     */
    static long heldIndexWhileWritten(final Path journalDirectory)
    {
        try
        {
            return heldIndex(journalDirectory);
        }
        catch (final JournalException ex)
        {
            final String message = String.valueOf(ex.getMessage());
            if (message.contains("lock") || message.contains("no journal here"))
            {
                return Journal.NO_INDEX;
            }
            throw ex;
        }
        catch (final AssertionError ex)
        {
            final StackTraceElement[] at = ex.getStackTrace();
            if (at.length > 0 && at[0].getClassName().startsWith("net.openhft.chronicle.queue."))
            {
                return Journal.NO_INDEX;
            }
            throw ex;
        }
    }

    private static long heldIndex(final Path journalDirectory)
    {
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDirectory)))
        {
            return journal.lastIndex() == Journal.NO_INDEX ? Journal.NO_INDEX : HiveEdgeWriter.readHeldIndex(journal);
        }
    }

    private static void deleteRecursively(final Path directory) throws IOException
    {
        if (Files.exists(directory))
        {
            try (Stream<Path> paths = Files.walk(directory))
            {
                for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.delete(path);
                }
            }
        }
    }

    static int freeUdpPort() throws IOException
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    static int freeTcpPort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
