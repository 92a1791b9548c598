package io.pitgun.systemtests.soak;

import io.pitgun.systemtests.Envelopes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The hostile clients mixed into the soak:
 * <ul>
 * <li>never-reading: upgrades, then writes malformed text messages (each owes it a nack) and never reads a byte;
 *     the gateway must bound what it buffers for it and close it;</li>
 * <li>half-sent: a text message's first fragment (FIN clear) and nothing more, or a frame header promising more
 *     bytes than follow; the gateway must close it within its idle timeout;</li>
 * <li>bad SBE: binary messages with a wrong block length, an out-of-range enum, a truncated frame, an unknown
 *     template and an overlong group, each to be refused (4xx nack), then a good frame that must still be acked;</li>
 * <li>malformed JSON: over HTTP and WebSocket text, each to be refused with a 4xx.</li>
 * </ul>
 * Outcomes go to the ledger; anything the gateway should not have done goes to the violations.
 */
final class HostileClients
{
    /** Malformed text messages a never-reading client writes per write call. */
    private static final int NEVER_READING_MESSAGES_PER_WRITE = 512;
    private static final String[] MALFORMED_JSON = {
        "{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":",
        "{{{{",
        "[1,2",
        "\u0000\u0001garbage\u00ff",
        "{\"schema_version\":\"pitgun-envelope-v1\"}}",
    };

    /** A client that writes and never reads. */
    static final class NeverReader
    {
        final AtomicLong messagesWritten = new AtomicLong();
        final AtomicBoolean closedByGateway = new AtomicBoolean();
        volatile String failure = "";
        volatile RawWebSocket socket;
    }

    /** A connection left with half a message. */
    record HalfSent(RawWebSocket socket, String kind, long openedNs)
    {
    }

    /**
     * How long a never-reading client that wrote all its messages keeps writing (slowly) for the gateway's close
     * to show: past the gateway's slow-consumer timeout (10 s) with a margin.
     */
    private static final long CLOSE_GRACE_NS = TimeUnit.SECONDS.toNanos(15);
    private static final long CLOSE_PROBE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private final int port;
    private final URI beacon;
    private final URI ws;
    private final HttpClient http;
    private final SoakLedger ledger;
    private final Violations violations;
    private final SbeMessages sbe = new SbeMessages();
    private final List<NeverReader> neverReaders = new CopyOnWriteArrayList<>();
    private final List<HalfSent> halfSent = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();

    private final Set<String> kinds;

    HostileClients(final int port, final HttpClient http, final Set<String> kinds, final SoakLedger ledger,
        final Violations violations)
    {
        this.kinds = kinds;
        this.port = port;
        this.beacon = URI.create("http://127.0.0.1:" + port + "/beacon");
        this.ws = URI.create("ws://127.0.0.1:" + port + "/ws");
        this.http = http;
        this.ledger = ledger;
        this.violations = violations;
    }

    /** Starts {@code count} never-reading clients, each writing {@code messages} messages. */
    void startNeverReaders(final int count, final int messages, final int ratePerS)
    {
        final byte[] chunk = neverReadingChunk();
        for (int i = 0; i < count; i++)
        {
            final NeverReader client = new NeverReader();
            neverReaders.add(client);
            final Thread thread = new Thread(() -> runNeverReader(client, chunk, messages, ratePerS), "soak-never-reader-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private static byte[] neverReadingChunk()
    {
        final ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        final byte[] frame = RawWebSocket.frame(true, RawWebSocket.OP_TEXT, "x".getBytes(StandardCharsets.UTF_8), 1);
        for (int i = 0; i < NEVER_READING_MESSAGES_PER_WRITE; i++)
        {
            chunk.write(frame, 0, frame.length);
        }
        return chunk.toByteArray();
    }

    private void runNeverReader(final NeverReader client, final byte[] chunk, final int messages, final int ratePerS)
    {
        try
        {
            client.socket = RawWebSocket.connect(port);
        }
        catch (final IOException ex)
        {
            violations.add("hostile_client_could_not_connect", "never-reading: " + ex);
            return;
        }
        try
        {
            ledger.hostileConnections.increment();
            final long startNs = System.nanoTime();
            while (!stopping.get() && client.messagesWritten.get() < messages)
            {
                client.socket.write(chunk);
                final long written = client.messagesWritten.addAndGet(NEVER_READING_MESSAGES_PER_WRITE);
                ledger.hostileMessages.add(NEVER_READING_MESSAGES_PER_WRITE);
                // Paced, not flooding: the point is what the gateway keeps for a client that never reads.
                final long dueNs = startNs + written * 1_000_000_000L / ratePerS;
                while (!stopping.get() && dueNs - System.nanoTime() > 0)
                {
                    LockSupport.parkNanos(dueNs - System.nanoTime());
                }
            }
            // All written: the kernel's socket buffers can hold the lot on a fast run, so the gateway's close may
            // not have met a write yet. Keep writing, slowly, until a write fails or the close grace runs out.
            final long graceEndNs = System.nanoTime() + CLOSE_GRACE_NS;
            while (!stopping.get() && System.nanoTime() - graceEndNs < 0)
            {
                client.socket.write(chunk);
                client.messagesWritten.addAndGet(NEVER_READING_MESSAGES_PER_WRITE);
                ledger.hostileMessages.add(NEVER_READING_MESSAGES_PER_WRITE);
                LockSupport.parkNanos(CLOSE_PROBE_INTERVAL_NS);
            }
        }
        catch (final IOException ex)
        {
            // A write fails once the gateway closed the connection (what it should do), or when the soak closes it.
            if (!stopping.get())
            {
                client.closedByGateway.set(true);
                client.failure = ex.toString();
            }
        }
    }

    /** One round of the short-lived hostile clients. */
    void round(final int roundNumber) throws InterruptedException
    {
        if (kinds.contains("half-sent") && roundNumber % 4 == 0 && halfSent.size() < 8)
        {
            openHalfSent(roundNumber % 8 == 0);
        }
        if (kinds.contains("bad-sbe"))
        {
            badSbe();
        }
        if (kinds.contains("malformed-json"))
        {
            malformedJson(roundNumber);
        }
    }

    private void openHalfSent(final boolean firstFragmentOnly)
    {
        final byte[] envelope = Envelopes.batch(UUID.randomUUID(), UUID.randomUUID(), 0, 5)
            .getBytes(StandardCharsets.UTF_8);
        final byte[] half = java.util.Arrays.copyOf(envelope, envelope.length / 2);
        try
        {
            final RawWebSocket socket = RawWebSocket.connect(port);
            ledger.hostileConnections.increment();
            if (firstFragmentOnly)
            {
                socket.writeFrame(false, RawWebSocket.OP_TEXT, half, half.length);
            }
            else
            {
                socket.writeFrame(true, RawWebSocket.OP_TEXT, half, envelope.length);
            }
            ledger.hostileMessages.increment();
            halfSent.add(new HalfSent(socket, firstFragmentOnly ? "first fragment only" : "frame cut short",
                System.nanoTime()));
        }
        catch (final IOException ex)
        {
            violations.add("hostile_client_could_not_connect", "half-sent: " + ex);
        }
    }

    private void badSbe() throws InterruptedException
    {
        final UUID session = UUID.randomUUID();
        final SbeMessages.Encoded frame = sbe.encode(Envelopes.batch(UUID.randomUUID(), session, 0, 1));
        final byte[][] bad = {
            SbeMessages.wrongBlockLength(frame), SbeMessages.outOfRangeEnum(frame), SbeMessages.truncated(frame),
            SbeMessages.unknownTemplate(frame), SbeMessages.overlongGroup(frame),
        };
        final String[] names = { "wrong block length", "out-of-range enum", "truncated", "unknown template",
            "overlong group" };
        WsClient client = null;
        try
        {
            for (int i = 0; i <= bad.length && !stopping.get(); i++)
            {
                final String name = i < bad.length ? names[i] : "the good frame after the bad ones";
                try
                {
                    if (client == null)
                    {
                        client = WsClient.open(http, ws);
                        ledger.hostileConnections.increment();
                    }
                    if (i < bad.length)
                    {
                        ledger.hostileMessages.increment();
                        badSbeAnswered(names[i], client.sendBinary(bad[i], 0, bad[i].length));
                    }
                    else
                    {
                        // The connection must still ingest: hostile bytes must not wedge it.
                        final WsAnswer good = client.sendBinary(frame.bytes(), 0, frame.bytes().length);
                        if (good.isAck())
                        {
                            ledger.acked.add(session, 0, 1);
                        }
                        else if (good.httpStatus() != 503)
                        {
                            violations.add("good_sbe_refused_after_bad", good.text());
                        }
                    }
                }
                catch (final IOException ex)
                {
                    // A close instead of a nack: recorded, and the next message gets a new connection.
                    if (!stopping.get())
                    {
                        violations.add("bad_sbe_connection_failed", "after " + name + ": " + ex.getMessage());
                    }
                    if (client != null)
                    {
                        client.close();
                        client = null;
                    }
                }
            }
        }
        finally
        {
            if (client != null)
            {
                client.close();
            }
        }
    }

    private void badSbeAnswered(final String name, final WsAnswer answer)
    {
        if (answer.httpStatus() >= 400 && answer.httpStatus() < 500 && !answer.isAck())
        {
            ledger.badSbeNacks.increment();
            ledger.hostileRefusals.increment();
        }
        else if (answer.httpStatus() == 503 && answer.retryAfterS() >= 0)
        {
            ledger.overloadAnswers.increment();
        }
        else
        {
            violations.add("bad_sbe_not_refused", name + " answered " + answer.text());
        }
    }

    private void malformedJson(final int roundNumber) throws InterruptedException
    {
        final String body = MALFORMED_JSON[roundNumber % MALFORMED_JSON.length];
        ledger.hostileMessages.increment();
        try
        {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(beacon)
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            refused("http", response.statusCode(), response.headers().firstValue("Retry-After").isPresent(),
                response.body());
        }
        catch (final IOException ex)
        {
            if (!stopping.get())
            {
                violations.add("http_request_failed", "malformed JSON: " + ex);
            }
        }
        try (WsClient client = WsClient.open(http, ws))
        {
            ledger.hostileConnections.increment();
            ledger.hostileMessages.increment();
            final WsAnswer answer = client.sendText(body);
            refused("ws_text", answer.httpStatus(), answer.retryAfterS() >= 0, answer.text());
        }
        catch (final IOException ex)
        {
            if (!stopping.get())
            {
                violations.add("malformed_json_connection_failed", ex.getMessage());
            }
        }
    }

    private void refused(final String transport, final int status, final boolean retryAfter, final String body)
    {
        if (status >= 400 && status < 500)
        {
            ledger.malformedJsonRefusals.increment();
            ledger.hostileRefusals.increment();
        }
        else if (status == 503 && retryAfter)
        {
            ledger.overloadAnswers.increment();
        }
        else
        {
            violations.add(status >= 500 ? "unexpected_5xx" : "malformed_json_not_refused",
                transport + " malformed JSON answered " + status + ": " + SessionProducer.abbreviate(body));
        }
    }

    /** Stops writing; the sockets stay open until {@link #closeAll()}, so memory is measured while they exist. */
    void stop()
    {
        stopping.set(true);
    }

    /**
     * Waits until every never-reading client wrote all its messages or lost its connection, or until
     * {@code deadlineNs}: what the gateway keeps for them is measured after they are done.
     */
    void awaitNeverReaders(final long deadlineNs) throws InterruptedException
    {
        for (final Thread thread : threads)
        {
            final long leftMs = (deadlineNs - System.nanoTime()) / 1_000_000;
            if (leftMs > 0)
            {
                thread.join(leftMs);
            }
        }
    }

    /** The never-reading clients. */
    List<NeverReader> neverReaders()
    {
        return neverReaders;
    }

    /** The half-sent connections. */
    List<HalfSent> halfSent()
    {
        return halfSent;
    }

    /** Closes every hostile socket the soak still holds and waits (bounded) for the writer threads. */
    void closeAll() throws InterruptedException
    {
        stopping.set(true);
        for (final NeverReader client : neverReaders)
        {
            closeQuietly(client.socket);
        }
        for (final HalfSent client : halfSent)
        {
            closeQuietly(client.socket());
        }
        for (final Thread thread : threads)
        {
            thread.join(10_000);
        }
    }

    private static void closeQuietly(final RawWebSocket socket)
    {
        if (socket != null)
        {
            try
            {
                socket.close();
            }
            catch (final IOException ex)
            {
                // closing a socket the gateway already closed
            }
        }
    }
}
