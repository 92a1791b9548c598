package io.pitgun.systemtests;

import io.pitgun.testsupport.HalfCreatedJournal;
import io.pitgun.testsupport.JournaledFrames;
import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #12, point 7: {@code kill -9} at random moments while several producers ingest over HTTP and WebSocket
 * (JSON text messages) with durable acknowledgements (the default ack mode, {@code journaled}), each retrying every
 * unanswered envelope (same {@code event_id}, same content) against the restarted gateway until it is acknowledged.
 * Then a graceful stop, and the journal must hold every frame of every envelope exactly once: none lost, none
 * doubled, every envelope acknowledged.
 * <p>
 * Short by default (10 kills, 4 producers, under a minute); {@code -Dpitgun.crash.long=true} runs 50 kills and 8
 * producers. {@code -Dpitgun.crash.seed=N} repeats a run (the seed is printed).
 */
class GatewayCrashTest
{
    private static final boolean LONG = Boolean.getBoolean("pitgun.crash.long");
    private static final int KILLS = Integer.getInteger("pitgun.crash.kills", LONG ? 50 : 10);
    private static final int PRODUCERS = Integer.getInteger("pitgun.crash.producers", LONG ? 8 : 4);
    /** Envelopes of up to 100 frames: longer than one journal entry (64), so a kill can cut one in two. */
    private static final int MAX_FRAMES = 100;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration DEADLINE = Duration.ofSeconds(LONG ? 1200 : 150);

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldNotJournalAgainAnEnvelopeAcknowledgedBeforeAKill9() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final UUID session = UUID.randomUUID();
        final String envelope = Envelopes.batch(UUID.randomUUID(), session, 0, 10);
        try (GatewayProcess gateway = GatewayProcess.start(dataDir))
        {
            assertEquals(202, gateway.beacon(envelope).statusCode(), gateway.logs());
            gateway.kill9();
        }
        try (GatewayProcess gateway = GatewayProcess.start(dataDir))
        {
            final HttpResponse<String> retry = gateway.beacon(envelope);
            assertEquals(202, retry.statusCode(), retry.body());
            assertTrue(retry.body().contains("\"envelopes_duplicate\":1"), retry.body());
            assertEquals(1.0, gateway.metric("pitgun_gateway_idempotency_restored_total"), gateway.logs());
            assertEquals(0, gateway.terminate(Duration.ofSeconds(20)), gateway.logs());
        }
        final JournaledFrames journal = JournaledFrames.read(dataDir);
        assertEquals(Map.of(), journal.duplicates());
        assertEquals(10, journal.frames());
    }

    /**
     * A gateway killed while Chronicle was creating its journal's {@code metadata.cq4t} (between Chronicle's "not
     * complete" mark on the first header and its completion) leaves a file no later open could read: every start
     * failed after Chronicle's 10 s lock timeout. The second half-created file stands for a kill while the metadata
     * was created again (Chronicle recreates a deleted one) beside cycle files that hold acknowledged frames.
     */
    @Test
    @Timeout(120)
    void shouldStartOnAJournalWhoseMetadataAKilledGatewayLeftHalfCreated() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final Path journalDir = dataDir.resolve("journal");
        final String first = Envelopes.batch(UUID.randomUUID(), UUID.randomUUID(), 0, 10);
        HalfCreatedJournal.leaveMetadataHalfCreated(journalDir);
        try (GatewayProcess gateway = GatewayProcess.start(dataDir))
        {
            assertEquals(202, gateway.beacon(first).statusCode(), gateway.logs());
            assertTrue(gateway.logs().contains("cleared, so the journal's metadata is created again"), gateway.logs());
            gateway.kill9();
        }
        Files.delete(HalfCreatedJournal.metadata(journalDir));
        HalfCreatedJournal.leaveMetadataHalfCreated(journalDir);
        try (GatewayProcess gateway = GatewayProcess.start(dataDir))
        {
            final HttpResponse<String> retry = gateway.beacon(first);
            assertEquals(202, retry.statusCode(), retry.body());
            assertTrue(retry.body().contains("\"envelopes_duplicate\":1"), "the journal kept the acknowledged " +
                "envelope: " + retry.body());
            final String second = Envelopes.batch(UUID.randomUUID(), UUID.randomUUID(), 0, 10);
            assertEquals(202, gateway.beacon(second).statusCode(), gateway.logs());
            assertEquals(0, gateway.terminate(Duration.ofSeconds(20)), gateway.logs());
        }
        assertFalse(HalfCreatedJournal.isHalfCreated(journalDir));
        final JournaledFrames journal = JournaledFrames.read(dataDir);
        assertEquals(Map.of(), journal.duplicates());
        assertEquals(20, journal.frames());
    }

    @Test
    @Timeout(value = 25, unit = TimeUnit.MINUTES) // the long mode's, over the reactor's 120 s default; see below
    void shouldJournalEveryAcknowledgedFrameExactlyOnceAcrossRepeatedKill9()
    {
        // Each mode's own bound, which an annotation cannot say.
        assertTimeoutPreemptively(DEADLINE.plusSeconds(60), this::killRepeatedly);
    }

    private void killRepeatedly() throws Exception
    {
        final long seed = Long.getLong("pitgun.crash.seed", System.nanoTime());
        System.out.println("GatewayCrashTest seed " + seed + " (-Dpitgun.crash.seed=" + seed + "), " + KILLS +
            " kills, " + PRODUCERS + " producers");
        final SplittableRandom random = new SplittableRandom(seed);
        final Path dataDir = dir.resolve("data");
        final AtomicReference<GatewayProcess> current = new AtomicReference<>(start(dataDir));
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong acks = new AtomicLong();
        final long deadlineNs = System.nanoTime() + DEADLINE.toNanos();
        final ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS);
        final List<Producer> producers = new ArrayList<>();
        final List<Future<?>> running = new ArrayList<>();
        final long startNs = System.nanoTime();
        try
        {
            for (int p = 0; p < PRODUCERS; p++)
            {
                final Producer producer = new Producer(random.split(), p % 2 == 1, current, stop, acks, deadlineNs);
                producers.add(producer);
                running.add(pool.submit(producer));
            }
            for (int kill = 0; kill < KILLS; kill++)
            {
                // A random moment: after a random number of acknowledgements from this gateway process.
                final long target = acks.get() + 1 + random.nextInt(20);
                while (acks.get() < target)
                {
                    assertTrue(System.nanoTime() < deadlineNs, "no progress before kill " + kill + ": " + acks +
                        " acks\n" + current.get().logs());
                    failIfAnyProducerFailed(running);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                }
                current.get().kill9();
                current.set(start(dataDir));
            }
            stop.set(true);
            for (final Future<?> producer : running)
            {
                producer.get(Math.max(1, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            assertEquals(0, current.get().terminate(Duration.ofSeconds(30)), current.get().logs());
        }
        finally
        {
            stop.set(true);
            pool.shutdownNow();
            current.get().close();
        }

        final JournaledFrames journal = JournaledFrames.read(dataDir);
        final Map<JournaledFrames.FrameKey, Integer> expected = new HashMap<>();
        long envelopes = 0;
        long retries = 0;
        for (final Producer producer : producers)
        {
            for (long sequence = 0; sequence < producer.framesSent; sequence++)
            {
                expected.put(new JournaledFrames.FrameKey(producer.session, sequence), 1);
            }
            envelopes += producer.envelopesAcknowledged;
            retries += producer.retries;
        }
        System.out.printf("GatewayCrashTest: %d kills, %d producers, %d envelopes and %d frames acknowledged, " +
            "%d resends, %d frames journaled, %.1f s%n", KILLS, PRODUCERS, envelopes, expected.size(), retries,
            journal.frames(), (System.nanoTime() - startNs) / 1e9);
        assertEquals(Map.of(), journal.duplicates(), "frames journaled twice (seed " + seed + ")");
        assertEquals(expected, journal.counts(), "lost or unexpected frames (seed " + seed + ")");
    }

    private static GatewayProcess start(final Path dataDir) throws Exception
    {
        // Two event loops: an original and its retry may arrive on different ones.
        return GatewayProcess.start(dataDir, "--io-threads", "2");
    }

    private static void failIfAnyProducerFailed(final List<Future<?>> running) throws Exception
    {
        for (final Future<?> producer : running)
        {
            if (producer.isDone())
            {
                producer.get(); // throws what the producer threw
            }
        }
    }

    /**
     * One session's frames, sequence 0 up, in envelopes of random size, each sent until acknowledged (HTTP
     * {@code POST /beacon} or a JSON text message on {@code /ws}), reconnecting to whichever gateway runs now.
     */
    private static final class Producer implements Runnable
    {
        final UUID session;
        final SplittableRandom random;
        final boolean webSocket;
        final AtomicReference<GatewayProcess> current;
        final AtomicBoolean stop;
        final AtomicLong acks;
        final long deadlineNs;
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        WebSocket socket;
        GatewayProcess socketGateway;
        volatile long framesSent;
        volatile long envelopesAcknowledged;
        volatile long retries;

        Producer(final SplittableRandom random, final boolean webSocket, final AtomicReference<GatewayProcess> current,
            final AtomicBoolean stop, final AtomicLong acks, final long deadlineNs)
        {
            this.random = random;
            this.session = new UUID(random.nextLong(), random.nextLong());
            this.webSocket = webSocket;
            this.current = current;
            this.stop = stop;
            this.acks = acks;
            this.deadlineNs = deadlineNs;
        }

        @Override
        public void run()
        {
            long next = 0;
            while (!stop.get())
            {
                final int frames = 1 + random.nextInt(MAX_FRAMES);
                final UUID eventId = new UUID(random.nextLong(), random.nextLong());
                final String envelope = Envelopes.batch(eventId, session, next, frames);
                framesSent = next + frames; // sent (at least once) from here on: it must end up journaled once
                sendUntilAcknowledged(envelope);
                next += frames;
                envelopesAcknowledged++;
                acks.incrementAndGet();
            }
            if (socket != null)
            {
                socket.abort();
            }
        }

        private void sendUntilAcknowledged(final String envelope)
        {
            for (int attempt = 0; ; attempt++)
            {
                if (System.nanoTime() > deadlineNs)
                {
                    throw new AssertionError("envelope of session " + session + " not acknowledged before the " +
                        "deadline after " + attempt + " attempts");
                }
                if (attempt > 0)
                {
                    retries++;
                    // Back off a little: the gateway is being restarted (or overloaded).
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                try
                {
                    if (webSocket ? sendOverWebSocket(envelope) : sendOverHttp(envelope))
                    {
                        return;
                    }
                }
                catch (final Exception ex)
                {
                    // Refused connection, reset, timeout: the gateway died. Retry against the next one.
                    if (ex instanceof InterruptedException)
                    {
                        Thread.currentThread().interrupt();
                        throw new AssertionError("interrupted", ex);
                    }
                }
            }
        }

        private boolean sendOverHttp(final String envelope) throws Exception
        {
            final GatewayProcess gateway = current.get();
            final HttpResponse<String> response = client.send(HttpRequest.newBuilder(gateway.uri("/beacon"))
                .timeout(ANSWER_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(envelope)).build(), HttpResponse.BodyHandlers.ofString());
            return accepted(response.statusCode(), response.body());
        }

        private boolean sendOverWebSocket(final String envelope) throws Exception
        {
            final GatewayProcess gateway = current.get();
            if (socket == null || socketGateway != gateway || socket.isInputClosed() || socket.isOutputClosed())
            {
                if (socket != null)
                {
                    socket.abort();
                }
                replies.clear();
                socket = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(gateway.wsUri("/ws"), new WebSocketMessages(replies, true)).get(10, TimeUnit.SECONDS);
                socketGateway = gateway;
            }
            socket.sendText(envelope, true).get(10, TimeUnit.SECONDS);
            final String reply = replies.poll(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (reply == null || reply.startsWith(WebSocketMessages.CLOSED))
            {
                socket.abort();
                socket = null;
                return false;
            }
            return accepted(reply.contains("\"http_status\":202") ? 202 : 0, reply);
        }

        private boolean accepted(final int status, final String body)
        {
            if (status == 202)
            {
                return true;
            }
            // Retryable: overload, in progress, ack timeout, draining. Anything else is a bug in the gateway.
            if (status == 503 || body.contains("\"http_status\":503"))
            {
                return false;
            }
            throw new AssertionError("answered " + status + ": " + body);
        }
    }
}
