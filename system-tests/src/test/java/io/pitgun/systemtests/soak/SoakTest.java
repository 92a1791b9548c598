package io.pitgun.systemtests.soak;

import io.pitgun.systemtests.GatewayProcess;
import io.pitgun.testsupport.JournaledFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak of issue #12: a real {@code pitgun gateway} process ({@link SoakSettings#GATEWAY_JVM}) driven by
 * concurrent producers over {@code POST /beacon}, WebSocket JSON text and WebSocket SBE binary, with live subscribers
 * attached (fast and slow) and hostile clients mixed in ({@link HostileClients}). Every failed check is collected in
 * {@link Violations} and reported at once, with counts:
 * <ul>
 * <li>no 5xx but 503 with {@code Retry-After} (documented overload, retried), no 4xx for well-formed envelopes,
 *     every session completed within the budget;</li>
 * <li>every acked frame in the journal exactly once, no frame twice;</li>
 * <li>after warm-up, RSS, JVM direct buffers, Netty's allocator direct memory and the live heap (in use after a
 *     full GC) within the stated bounds of their warm-up values;</li>
 * <li>{@code /health} answers 200 throughout;</li>
 * <li>hostile connections refused (4xx) or closed, and the refusals counted on {@code /metrics};</li>
 * <li>SIGTERM: exit status 0 within 10 s.</li>
 * </ul>
 * Short by default ({@link SoakSettings#SHORT_SESSIONS} sessions); {@code -Dpitgun.soak.mode=long} runs 20,000.
 */
class SoakTest
{
    /** How long SIGTERM may take (issue #12). */
    static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    /** Sampling period of memory and health. */
    static final long SAMPLE_PERIOD_MS = 1_000;
    /** How often the warm-up watcher looks at the completed sessions ({@link SoakWarmUp}). */
    static final long WARM_UP_POLL_MS = 10;
    /** Pause between rounds of short-lived hostile clients. */
    static final long HOSTILE_ROUND_PERIOD_MS = 250;
    /** How long the journal may stand still while sessions are unfinished before the soak calls it a stall. */
    static final long STALL_MS = 10_000;
    /** Connections the gateway may still count once every client left (the sampler's own keep-alive connection). */
    static final long RESIDUAL_CONNECTIONS = 2;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES) // the long mode's, over the reactor's 120 s default; see below
    void shouldStayCorrectAndFlatUnderSessionChurnSubscribersAndHostileClients()
    {
        final SoakSettings settings = SoakSettings.fromSystemProperties();
        // Every phase below is bounded; this is the backstop: the drive budget plus start, checks and shutdown.
        assertTimeoutPreemptively(settings.driveBudget().plusSeconds(150), () -> soak(settings));
    }

    private void soak(final SoakSettings settings) throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final SoakLedger ledger = new SoakLedger();
        final Violations violations = new Violations();
        final StringBuilder summary = new StringBuilder();
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(20)).build();
        final ScheduledExecutorService background = Executors.newScheduledThreadPool(3);
        final ScheduledExecutorService subscriberClock = Executors.newSingleThreadScheduledExecutor();
        final ExecutorService producers = Executors.newFixedThreadPool(settings.producers());
        final long startNs = System.nanoTime();
        long exitMs = -1;
        try (GatewayProcess gateway = GatewayProcess.start(dataDir, SoakSettings.GATEWAY_JVM, Map.of(),
            "--idle-timeout-s", Integer.toString(settings.idleTimeoutS())))
        {
            final MemorySampler sampler = new MemorySampler(gateway, ledger, violations);
            final HostileClients hostile = new HostileClients(gateway.port(), http, settings.hostile(), ledger,
                violations);
            final LiveSubscribers subscribers = new LiveSubscribers(http, gateway.port(), ledger, violations,
                subscriberClock);
            subscribers.start(2, 1);

            final long deadlineNs = System.nanoTime() + settings.driveBudget().toNanos();
            final SoakWarmUp warmUp = new SoakWarmUp(sampler, hostile, settings);
            background.scheduleAtFixedRate(sampler::sample, 0, SAMPLE_PERIOD_MS, TimeUnit.MILLISECONDS);
            background.scheduleWithFixedDelay(() ->
            {
                if (ledger.sessionsCompleted.sum() >= settings.warmupSessions() ||
                    System.nanoTime() - startNs > settings.driveBudget().toNanos() / 4)
                {
                    warmUp.takeOnce();
                }
            }, 0, WARM_UP_POLL_MS, TimeUnit.MILLISECONDS);
            final AtomicInteger round = new AtomicInteger();
            background.scheduleWithFixedDelay(() ->
            {
                try
                {
                    hostile.round(round.getAndIncrement());
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                catch (final RuntimeException ex)
                {
                    violations.add("hostile_round_crashed", ex.toString());
                }
            }, 0, HOSTILE_ROUND_PERIOD_MS, TimeUnit.MILLISECONDS);

            drive(gateway, http, settings, ledger, violations, deadlineNs, producers);
            // Producers that finished before the clock's warm-up tick still leave the never-reading clients to run.
            warmUp.takeOnce();
            // A gateway that finished the sessions early still faces the whole of the never-reading clients.
            hostile.awaitNeverReaders(deadlineNs);
            final long driveMs = (System.nanoTime() - startNs) / 1_000_000;

            // The end sample is taken while the never-reading clients still hold their connections.
            background.shutdown();
            background.awaitTermination(60, TimeUnit.SECONDS);
            sampler.sample();
            final long endLiveHeap = sampler.liveHeapBytes();
            hostile.stop();
            checkHostileConnectionsClosed(hostile, settings, violations);
            hostile.closeAll();
            subscribers.stop();
            checkConnectionsReleased(gateway, violations);
            final Map<String, Long> rejections = rejections(gateway);
            checkRefusalsCounted(rejections, ledger, violations);
            final List<MemorySampler.Sample> samples = sampler.samples();
            sampler.stop();
            checkIngestionKeptMoving(samples, ledger, settings, violations);
            checkMemory(samples, warmUp.sampleIndex(), settings, violations, summary);
            checkLiveHeap(warmUp.liveHeapBytes(), endLiveHeap, settings, violations, summary);

            final long stopNs = System.nanoTime();
            try
            {
                final int status = gateway.terminate(EXIT_TIMEOUT);
                exitMs = (System.nanoTime() - stopNs) / 1_000_000;
                if (status != 0)
                {
                    violations.add("sigterm_exit_status", "exit status " + status);
                }
            }
            catch (final AssertionError ex)
            {
                violations.add("sigterm_exit_slow", "no exit within " + EXIT_TIMEOUT + " of SIGTERM");
            }
            final String logs = gateway.logs();
            if (logs.contains("OutOfMemoryError"))
            {
                violations.add("gateway_out_of_memory", "the gateway logged an OutOfMemoryError");
            }
            summary.insert(0, String.format(
                "soak %s mode, hostile clients %s: %d/%d sessions completed (%d started; http %d, ws text %d, ws binary %d) in %d ms " +
                "by %d producers, %d batches x %d frames each%n" +
                "envelopes sent %d, acked %d, acked frames %d, overload answers (503 + Retry-After) %d%n" +
                "hostile: %d connections, %d messages, %d refusals seen (bad SBE %d, malformed JSON %d), " +
                "never-reading clients %d x %d messages%n" +
                "subscribers: %d connections, %d messages, %d dropped as slow (1008)%n" +
                "gateway rejections by reason: %s%n",
                settings.mode(), settings.hostile(), ledger.sessionsCompleted.sum(), settings.sessions(), ledger.sessionsStarted.sum(),
                ledger.httpSessions.sum(), ledger.wsTextSessions.sum(), ledger.wsBinarySessions.sum(), driveMs,
                settings.producers(), settings.batchesPerSession(), settings.framesPerBatch(),
                ledger.envelopesSent.sum(), ledger.envelopesAcked.sum(), ledger.acked.frames(),
                ledger.overloadAnswers.sum(), ledger.hostileConnections.sum(), ledger.hostileMessages.sum(),
                ledger.hostileRefusals.sum(), ledger.badSbeNacks.sum(), ledger.malformedJsonRefusals.sum(),
                settings.neverReadingClients(), settings.neverReadingMessages(), ledger.subscriberConnections.sum(),
                ledger.subscriberMessages.sum(), ledger.subscribersDroppedSlow.sum(), rejections));
            summary.append(String.format("SIGTERM to exit: %d ms (bound %d ms)%n", exitMs, EXIT_TIMEOUT.toMillis()));
            if (!violations.isEmpty())
            {
                summary.append(logsTail(logs));
            }
        }
        finally
        {
            producers.shutdownNow();
            background.shutdownNow();
            subscriberClock.shutdownNow();
        }
        checkJournal(dataDir, ledger, violations, summary);
        System.out.println(summary);
        System.out.println(violations.isEmpty() ? "soak: every check passed" : violations.report());
        assertTrue(violations.isEmpty(), "soak checks failed:\n" + violations.report() + "\n" + summary);
    }

    private static void drive(final GatewayProcess gateway, final HttpClient http, final SoakSettings settings,
        final SoakLedger ledger, final Violations violations, final long deadlineNs, final ExecutorService producers)
        throws InterruptedException
    {
        final AtomicInteger next = new AtomicInteger();
        for (int p = 0; p < settings.producers(); p++)
        {
            producers.execute(() ->
            {
                final SessionProducer producer = new SessionProducer(gateway.uri("/"), http, settings, ledger,
                    violations, deadlineNs);
                try
                {
                    int session;
                    while (System.nanoTime() - deadlineNs < 0 && (session = next.getAndIncrement()) < settings.sessions())
                    {
                        // Half the sessions over HTTP, a quarter each over WebSocket text and binary.
                        producer.runSession(switch (session % 4)
                        {
                            case 1 -> SessionProducer.Transport.WS_TEXT;
                            case 3 -> SessionProducer.Transport.WS_BINARY;
                            default -> SessionProducer.Transport.HTTP;
                        });
                    }
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                catch (final RuntimeException ex)
                {
                    violations.add("producer_crashed", ex.toString());
                }
                finally
                {
                    producer.closeWebSocket();
                }
            });
        }
        producers.shutdown();
        // Producers stop at the deadline; one in-flight answer may still take WsClient.ANSWER_TIMEOUT.
        if (!producers.awaitTermination(settings.driveBudget().toMillis() + WsClient.ANSWER_TIMEOUT.toMillis() + 10_000,
            TimeUnit.MILLISECONDS))
        {
            violations.add("producers_stuck", "producers still running after the budget");
            producers.shutdownNow();
        }
        final long completed = ledger.sessionsCompleted.sum();
        if (completed < settings.sessions())
        {
            violations.add("sessions_not_completed", settings.sessions() - completed, completed + " of " +
                settings.sessions() + " sessions completed within " + settings.driveBudget() + " (" +
                ledger.sessionsStarted.sum() + " started, " + ledger.envelopesAcked.sum() + " of " +
                ledger.envelopesSent.sum() + " envelopes acked)");
        }
    }

    /**
     * Names a stall for what it is: the journal stopped growing while sessions were still unfinished (a stuck
     * pipeline shows as 503 ack timeouts to the producers, and would otherwise read only as "sessions not completed").
     */
    private static void checkIngestionKeptMoving(final List<MemorySampler.Sample> samples, final SoakLedger ledger,
        final SoakSettings settings, final Violations violations)
    {
        if (samples.isEmpty() || ledger.sessionsCompleted.sum() >= settings.sessions())
        {
            return;
        }
        final MemorySampler.Sample last = samples.get(samples.size() - 1);
        MemorySampler.Sample firstAtLast = last;
        for (int i = samples.size() - 1; i >= 0 && samples.get(i).framesJournaled() == last.framesJournaled(); i--)
        {
            firstAtLast = samples.get(i);
        }
        final long stalledMs = last.elapsedMs() - firstAtLast.elapsedMs();
        if (stalledMs >= STALL_MS)
        {
            violations.add("ingestion_stalled", "the journal stayed at " + last.framesJournaled() + " frames for the " +
                "last " + stalledMs / 1_000 + " s of the run, from " + firstAtLast.elapsedMs() / 1_000 + " s in, " +
                "after " + firstAtLast.sessionsCompleted() + " completed sessions, with " +
                (settings.sessions() - ledger.sessionsCompleted.sum()) + " sessions unfinished");
        }
    }

    private static void checkHostileConnectionsClosed(final HostileClients hostile, final SoakSettings settings,
        final Violations violations) throws Exception
    {
        for (final HostileClients.NeverReader client : hostile.neverReaders())
        {
            // The gateway must close it while it writes (its unread answers over a bound), not merely once it
            // falls idle after it finished: a client that got all its messages in was never cut off.
            if (!client.closedByGateway.get())
            {
                violations.add("never_reading_client_not_closed", "wrote " + client.messagesWritten.get() +
                    " messages (each owed a nack) without reading, and the gateway never closed it" +
                    (client.failure.isEmpty() ? "" : " (" + client.failure + ")"));
            }
        }
        final long boundNs = TimeUnit.SECONDS.toNanos(settings.idleTimeoutS() + 15);
        for (final HostileClients.HalfSent client : hostile.halfSent())
        {
            final long leftMs = Math.max(0, (boundNs - (System.nanoTime() - client.openedNs())) / 1_000_000);
            if (!client.socket().awaitClosedByPeer(Math.max(500, leftMs)))
            {
                violations.add("half_sent_not_closed", client.kind() + ": still open " +
                    (System.nanoTime() - client.openedNs()) / 1_000_000 + " ms after, idle timeout " +
                    settings.idleTimeoutS() + " s");
            }
        }
    }

    private static void checkConnectionsReleased(final GatewayProcess gateway, final Violations violations)
        throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        double open = openConnections(gateway);
        while (open > RESIDUAL_CONNECTIONS && System.nanoTime() - deadlineNs < 0)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            open = openConnections(gateway);
        }
        if (open > RESIDUAL_CONNECTIONS)
        {
            violations.add("connections_not_released", (long)open + " connections open 15 s after every client left");
        }
    }

    private static double openConnections(final GatewayProcess gateway) throws Exception
    {
        final String prefix = "pitgun_gateway_open_connections ";
        for (final String line : metricsOnce(gateway).split("\n"))
        {
            if (line.startsWith(prefix))
            {
                return Double.parseDouble(line.substring(prefix.length()).trim());
            }
        }
        throw new AssertionError("/metrics has no pitgun_gateway_open_connections");
    }

    /**
     * {@code GET /metrics}, tried a second time if the first attempt met a keep-alive connection the gateway had just
     * closed for idleness (its idle timeout is shorter than some of the soak's end checks).
     */
    private static String metricsOnce(final GatewayProcess gateway) throws Exception
    {
        try
        {
            return gateway.get("/metrics").body();
        }
        catch (final IOException ex)
        {
            return gateway.get("/metrics").body();
        }
    }

    private static Map<String, Long> rejections(final GatewayProcess gateway) throws Exception
    {
        final Map<String, Long> byReason = new TreeMap<>();
        final String prefix = "pitgun_gateway_rejections_total{reason=\"";
        for (final String line : metricsOnce(gateway).split("\n"))
        {
            if (line.startsWith(prefix))
            {
                final long value = (long)Double.parseDouble(line.substring(line.indexOf("} ") + 2).trim());
                if (value > 0)
                {
                    byReason.put(line.substring(prefix.length(), line.indexOf('"', prefix.length())), value);
                }
            }
        }
        return byReason;
    }

    private static void checkRefusalsCounted(final Map<String, Long> rejections, final SoakLedger ledger,
        final Violations violations)
    {
        final long malformed = rejections.getOrDefault("malformed_json", 0L);
        if (malformed < ledger.malformedJsonRefusals.sum())
        {
            violations.add("refusals_not_counted", "malformed_json counted " + malformed + ", clients saw " +
                ledger.malformedJsonRefusals.sum());
        }
        final long badSbe = rejections.getOrDefault("bad_sbe", 0L) + rejections.getOrDefault("sbe_dictionary", 0L);
        if (badSbe < ledger.badSbeNacks.sum())
        {
            violations.add("refusals_not_counted", "bad_sbe + sbe_dictionary counted " + badSbe + ", clients saw " +
                ledger.badSbeNacks.sum());
        }
    }

    private static void checkMemory(final List<MemorySampler.Sample> samples, final int warmupIndex,
        final SoakSettings settings, final Violations violations, final StringBuilder summary)
    {
        if (warmupIndex < 0 || warmupIndex >= samples.size() - 1)
        {
            violations.add("memory_not_sampled", samples.size() + " samples, warm-up at " + warmupIndex);
            return;
        }
        final List<MemorySampler.Sample> after = samples.subList(warmupIndex, samples.size());
        summary.append(String.format("warm-up baseline after %d of %d sessions, %d ms in%n",
            samples.get(warmupIndex).sessionsCompleted(), settings.sessions(), samples.get(warmupIndex).elapsedMs()));
        bound("rss_anon", after, MemorySampler.Sample::anonRssBytes, settings.rssGrowthBytes(), violations, summary);
        bound("jvm_direct", after, MemorySampler.Sample::jvmDirectBytes, settings.directGrowthBytes(), violations,
            summary);
        bound("netty_allocator_direct", after, MemorySampler.Sample::nettyDirectBytes, settings.directGrowthBytes(),
            violations, summary);
    }

    private static void checkLiveHeap(final long warmupBytes, final long endBytes, final SoakSettings settings,
        final Violations violations, final StringBuilder summary)
    {
        if (warmupBytes < 0 || endBytes < 0)
        {
            return; // already a violation (live_heap_not_measured)
        }
        summary.append(String.format("live heap (after a full GC): %d MiB at warm-up, %d MiB at the end (bound +%d MiB)%n",
            warmupBytes >> 20, endBytes >> 20, settings.heapGrowthBytes() >> 20));
        if (endBytes - warmupBytes > settings.heapGrowthBytes())
        {
            violations.add("memory_live_heap_grew", "live heap " + (warmupBytes >> 20) + " MiB at warm-up -> " +
                (endBytes >> 20) + " MiB at the end (bound +" + (settings.heapGrowthBytes() >> 20) + " MiB)");
        }
    }

    private static void bound(final String name, final List<MemorySampler.Sample> after,
        final ToLongFunction<MemorySampler.Sample> value, final long growthBytes, final Violations violations,
        final StringBuilder summary)
    {
        final long warmup = value.applyAsLong(after.get(0));
        final long end = value.applyAsLong(after.get(after.size() - 1));
        final long max = after.stream().mapToLong(value).max().orElse(warmup);
        summary.append(String.format("%s: warm-up %d MiB, end %d MiB, max %d MiB (bound +%d MiB), %d samples%n",
            name, warmup >> 20, end >> 20, max >> 20, growthBytes >> 20, after.size()));
        if (max - warmup > growthBytes)
        {
            violations.add("memory_" + name + "_grew", name + " " + (warmup >> 20) + " MiB at warm-up, max " +
                (max >> 20) + " MiB, end " + (end >> 20) + " MiB: over the bound of +" + (growthBytes >> 20) + " MiB");
        }
    }

    private static void checkJournal(final Path dataDir, final SoakLedger ledger, final Violations violations,
        final StringBuilder summary)
    {
        final JournaledFrames journal = JournaledFrames.read(dataDir);
        final long twice = checkExactlyOnce(journal, ledger.acked, ledger, "acked_frame", violations);
        checkExactlyOnce(journal, ledger.acceptedByOverload, ledger, "overload_accepted_frame", violations);
        final long duplicates = journal.duplicates().size();
        if (duplicates > twice)
        {
            violations.add("frame_journaled_twice", duplicates - twice, "frames (acked or not) more than once: " +
                duplicates);
        }
        summary.append(String.format("journal: %d frames read, %d distinct; %d acked frames and %d frames named " +
            "by 503 answers checked%n", journal.frames(), journal.counts().size(), ledger.acked.frames(),
            ledger.acceptedByOverload.frames()));
    }

    /** Checks that each frame of {@code frames} is in the journal exactly once; returns how many are there twice. */
    private static long checkExactlyOnce(final JournaledFrames journal, final AckedFrames frames,
        final SoakLedger ledger, final String check, final Violations violations)
    {
        long missing = 0;
        long twice = 0;
        final Map<String, Long> missingByTransport = new TreeMap<>();
        String missingExample = "";
        String twiceExample = "";
        for (final Map.Entry<UUID, BitSet> session : frames.bySession().entrySet())
        {
            final BitSet sequences = session.getValue();
            final String transport = ledger.transports.getOrDefault(session.getKey(), "hostile bad-SBE client");
            for (int s = sequences.nextSetBit(0); s >= 0; s = sequences.nextSetBit(s + 1))
            {
                final int count = journal.count(session.getKey(), s);
                if (count == 0)
                {
                    missing++;
                    missingByTransport.merge(transport, 1L, Long::sum);
                    missingExample = missingExample.isEmpty() ? transport + " " + session.getKey() + " #" + s :
                        missingExample;
                }
                else if (count > 1)
                {
                    twice++;
                    twiceExample = twiceExample.isEmpty() ? transport + " " + session.getKey() + " #" + s + " x" +
                        count : twiceExample;
                }
            }
        }
        if (missing > 0)
        {
            violations.add(check + "_not_journaled", missing, missing + " of " + frames.frames() +
                " missing, by transport " + missingByTransport + ", e.g. " + missingExample);
        }
        if (twice > 0)
        {
            violations.add(check + "_journaled_twice", twice, twice + " of " + frames.frames() +
                " more than once, e.g. " + twiceExample);
        }
        return twice;
    }

    private static String logsTail(final String logs)
    {
        return logs.length() > 4_000 ? "--- gateway logs (tail)\n..." + logs.substring(logs.length() - 4_000) : logs;
    }
}
