package io.pitgun.systemtests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that never read, against a gateway with a small JVM ({@code -Xmx128m}, so about 100 MB of direct memory
 * left once the pipeline is built, under the 192 MiB the default bounds on unsent answers and unfinished messages
 * add up to). Before, the connections' unsent answers took all of the JVM's direct memory before either bound was
 * reached, and the event loop then stalled in the JDK's allocation with every connection it serves: {@code /health}
 * and {@code POST /beacon} went unanswered for as long as the clients stayed connected. Now the bounds are fitted to
 * the direct memory at start, and a write finds out at once when all connections together are over theirs.
 */
class GatewayNeverReadingClientsProcessTest
{
    private static final List<String> SMALL_JVM = List.of("-Xmx128m");
    /** How long a healthy gateway may take to answer one probe on this shared, loaded machine. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();

    @Test
    void shouldFitTheBoundsOnUnsentAndUnfinishedBytesIntoTheDirectMemoryTheJvmHasAndSaySo() throws Exception
    {
        try (GatewayProcess gateway = GatewayProcess.start(dir.resolve("data"), SMALL_JVM, Map.of()))
        {
            final double outbound = gateway.metric("pitgun_gateway_outbound_total_limit_bytes");
            final double partial = gateway.metric("pitgun_gateway_partial_message_budget_bytes");
            assertTrue(outbound < 134_217_728 && partial < 67_108_864, outbound + " / " + partial);
            assertTrue(outbound + partial <= 0.33 * 134_217_728, outbound + " + " + partial);
            assertEquals(2.0, outbound / partial, 0.01, "lowered in proportion");
            assertTrue(gateway.logs().contains("PITGUN_GATEWAY_OUTBOUND_TOTAL_LIMIT_BYTES (134217728) and " +
                "PITGUN_GATEWAY_PARTIAL_MESSAGE_BUDGET_BYTES (67108864) need 201326592 bytes of direct memory"),
                gateway.logs());
        }
    }

    /**
     * A JVM with less direct memory still ({@code -XX:MaxDirectMemorySize=40m}): the total on unsent answers is
     * lowered below a connection's own bound, {@code OUTBOUND_LIMIT_BYTES} (4 MiB), which is lowered with it, the
     * warning naming both values in force. Before, the connection's bound stayed above the total, a contradiction
     * the same settings given by the operator are warned of, and the start said nothing of it.
     */
    @Test
    void shouldLowerAConnectionsBoundWithATotalLoweredBelowIt() throws Exception
    {
        try (GatewayProcess gateway = GatewayProcess.start(dir.resolve("data"),
            List.of("-Xmx128m", "-XX:MaxDirectMemorySize=40m"), Map.of()))
        {
            final long total = (long)gateway.metric("pitgun_gateway_outbound_total_limit_bytes");
            assertTrue(total < 4_194_304, "total " + total);
            assertTrue(gateway.logs().contains("lowered to " + total + " and ") && gateway.logs().contains(
                "a connection's bounds inside the total lowered with it: PITGUN_GATEWAY_OUTBOUND_LIMIT_BYTES " +
                "(4194304) to " + total + ";"), gateway.logs());
            assertEquals(total, gateway.metric("pitgun_gateway_outbound_limit_bytes"));
        }
    }

    /**
     * Sixty connections each pipeline 300 requests for the solver's 150 KB wasm file and never read (a 4 KiB
     * receive buffer): the gateway goes on answering others, and closes the connections that hold the most.
     */
    @Test
    void shouldKeepAnsweringOthersWhileClientsThatNeverReadPipelineRequestsForALargeFile() throws Exception
    {
        try (GatewayProcess gateway = GatewayProcess.start(dir.resolve("data"), SMALL_JVM, Map.of()))
        {
            final HttpResponse<byte[]> wasm = client.send(HttpRequest.newBuilder(gateway.uri("/solver/pitgun-solver.wasm"))
                .timeout(PROBE_TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, wasm.statusCode());
            assertTrue(wasm.body().length > 100_000, "a large answer: " + wasm.body().length);
            final byte[] requests = ("GET /solver/pitgun-solver.wasm HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .repeat(300).getBytes(StandardCharsets.US_ASCII);
            final List<Socket> attackers = new ArrayList<>();
            try
            {
                for (int i = 0; i < 60; i++)
                {
                    final Socket socket = neverReading(gateway.port());
                    socket.getOutputStream().write(requests);
                    attackers.add(socket);
                    if (i % 10 == 9)
                    {
                        assertServesOthers(gateway, "after " + (i + 1) + " connections that never read");
                    }
                }
                assertServesOthers(gateway, "with every such connection open");
                assertTrue(gateway.metric("pitgun_gateway_rejections_total{reason=\"slow_consumer\"}") > 0,
                    "the connections holding the most were closed");
            }
            finally
            {
                for (final Socket socket : attackers)
                {
                    socket.close();
                }
            }
        }
    }

    /**
     * 1,800 connections (250 from each of 127.0.0.2 to 127.0.0.9, under the per-address cap) each send, in one
     * write, a POST of a 300 KB body (refused: not JSON) and the first byte of a next request, then read the refusal's
     * head and nothing more, and send nothing more: the gateway goes on answering others, each connection's held byte is counted in a buffer of its size,
     * and Netty's direct memory stays small. Before, the HTTP decoder kept the whole read buffer to hold that byte,
     * counted by no bound (here 49 MB held, 0 counted; in a black-box pass direct memory ran out at about 1,260
     * such connections, and the event loop stalled in the JDK's allocation for 90–100 s with every connection it
     * serves).
     */
    @Test
    void shouldKeepAnsweringOthersWhileConnectionsHoldTheFirstByteOfANextRequestAfterALargeBody() throws Exception
    {
        try (GatewayProcess gateway = GatewayProcess.start(dir.resolve("data"), SMALL_JVM, Map.of()))
        {
            final byte[] body = new byte[300_000];
            java.util.Arrays.fill(body, (byte)'x');
            final java.io.ByteArrayOutputStream send = new java.io.ByteArrayOutputStream();
            send.write(("POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            send.write(body);
            send.write('G');
            final byte[] bytes = send.toByteArray();
            final int connections = 1_800;
            final List<Socket> attackers = new ArrayList<>();
            try
            {
                for (int i = 0; i < connections; i++)
                {
                    final Socket socket = new Socket();
                    socket.setReceiveBufferSize(4096);
                    socket.bind(new InetSocketAddress("127.0.0." + (2 + i / 250), 0));
                    socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5_000);
                    socket.getOutputStream().write(bytes);
                    attackers.add(socket);
                    // The refusal of the body read, so that the bodies come one at a time (many in flight at once
                    // would fill the partial-message budget, rightly answered 503 to others), and what stays held
                    // is each connection's byte of a next request.
                    awaitAnswerHead(socket);
                    if (i % 300 == 299)
                    {
                        assertServesOthers(gateway, "after " + (i + 1) + " connections holding a next request's byte");
                    }
                }
                assertServesOthers(gateway, "with every such connection open");
                final double held = gateway.metric("pitgun_gateway_partial_message_bytes");
                final double netty = gateway.metric("pitgun_netty_allocator_memory_bytes{kind=\"direct\"}");
                assertTrue(held > 0 && held < connections * 1_024L && netty < 32 << 20,
                    "each held byte counted, in a buffer of its size, not a 64 KiB read buffer: " + held +
                        " bytes held, Netty's direct memory " + netty);
            }
            finally
            {
                for (final Socket socket : attackers)
                {
                    socket.close();
                }
            }
        }
    }

    /**
     * 200 live subscribers that never read while a producer sends 100-frame envelopes: the gateway goes on
     * answering, and the subscribers that stopped taking their outputs are closed.
     */
    @Test
    void shouldKeepAnsweringOthersWhileLiveSubscribersNeverRead() throws Exception
    {
        try (GatewayProcess gateway = GatewayProcess.start(dir.resolve("data"), SMALL_JVM, Map.of()))
        {
            final List<Socket> subscribers = new ArrayList<>();
            try
            {
                for (int i = 0; i < 200; i++)
                {
                    subscribers.add(subscriberThatNeverReads(gateway.port()));
                }
                produce(gateway, true);
                assertServesOthers(gateway, "with every subscriber still connected");
                assertTrue(gateway.metric("pitgun_gateway_rejections_total{reason=\"slow_consumer\"}") +
                    gateway.metric("pitgun_gateway_subscribers_disconnected_slow_total") > 0,
                    "subscribers that never read were disconnected");
            }
            finally
            {
                for (final Socket socket : subscribers)
                {
                    socket.close();
                }
            }
        }
    }

    /**
     * The other side: clients that do read are never closed, however fast the gateway writes to them. 100 live
     * subscribers that read everything, and eight clients fetching the solver's wasm file in turn, while a producer
     * sends 100-frame envelopes: not one is closed as slow. (A first version of the bound closed them all: it judged
     * unsent bytes by how much was written in the last 100 ms.)
     */
    @Test
    void shouldNeverCloseClientsThatReadHoweverFastTheGatewayWritesToThem() throws Exception
    {
        try (GatewayProcess gateway = GatewayProcess.start(dir.resolve("data"), SMALL_JVM, Map.of()))
        {
            final AtomicLong received = new AtomicLong();
            final AtomicInteger closed = new AtomicInteger();
            final List<WebSocket> subscribers = new ArrayList<>();
            final WebSocket.Listener reader = new WebSocket.Listener()
            {
                @Override
                public CompletionStage<?> onText(final WebSocket ws,
                    final CharSequence data, final boolean last)
                {
                    received.incrementAndGet();
                    ws.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(final WebSocket ws,
                    final int status, final String reason)
                {
                    closed.incrementAndGet();
                    return null;
                }

                @Override
                public void onError(final WebSocket ws, final Throwable error)
                {
                    closed.incrementAndGet();
                }
            };
            for (int i = 0; i < 100; i++)
            {
                subscribers.add(client.newWebSocketBuilder().buildAsync(gateway.wsUri("/ws?subscribe=derived"), reader)
                    .get(PROBE_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
            final AtomicBoolean producing = new AtomicBoolean(true);
            final AtomicInteger fetchFailures = new AtomicInteger();
            final List<Thread> fetchers = new ArrayList<>();
            for (int i = 0; i < 8; i++)
            {
                final Thread fetcher = new Thread(() ->
                {
                    while (producing.get())
                    {
                        try
                        {
                            final HttpResponse<byte[]> wasm = client.send(HttpRequest.newBuilder(
                                gateway.uri("/solver/pitgun-solver.wasm")).timeout(PROBE_TIMEOUT).build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                            if (wasm.statusCode() != 200)
                            {
                                fetchFailures.incrementAndGet();
                            }
                        }
                        catch (final IOException ex)
                        {
                            fetchFailures.incrementAndGet();
                        }
                        catch (final InterruptedException ex)
                        {
                            return;
                        }
                    }
                }, "wasm-reader-" + i);
                fetcher.start();
                fetchers.add(fetcher);
            }
            try
            {
                produce(gateway, false);
            }
            finally
            {
                producing.set(false);
                for (final Thread fetcher : fetchers)
                {
                    fetcher.join(PROBE_TIMEOUT.toMillis() * 2);
                }
            }
            assertEquals(0.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"slow_consumer\"}"),
                gateway.logs());
            assertEquals(0, closed.get(), "subscribers closed");
            assertEquals(0, fetchFailures.get(), "failed fetches of the wasm file");
            assertTrue(received.get() > 0, "the subscribers received outputs");
            for (final WebSocket subscriber : subscribers)
            {
                subscriber.abort();
            }
        }
    }

    /**
     * A session of 300 envelopes of 100 frames, each acknowledged; with {@code probe}, {@link #assertServesOthers}
     * after every 50.
     */
    private void produce(final GatewayProcess gateway, final boolean probe) throws Exception
    {
        final UUID session = UUID.randomUUID();
        assertEquals(202, gateway.beacon(Envelopes.sessionStart(UUID.randomUUID(), session)).statusCode());
        for (int i = 0; i < 300; i++)
        {
            final HttpResponse<String> answer = send(gateway,
                Envelopes.batch(UUID.randomUUID(), session, i * 100L, 100), "envelope " + i);
            assertEquals(202, answer.statusCode(), "envelope " + i + ": " + answer.body());
            if (probe && i % 50 == 49)
            {
                assertServesOthers(gateway, "after " + (i + 1) + " envelopes");
            }
        }
    }

    /** The producer's {@code POST /beacon}; the gateway's last log lines if it is not answered. */
    private static HttpResponse<String> send(final GatewayProcess gateway, final String body, final String what)
        throws InterruptedException
    {
        try
        {
            return gateway.beacon(body);
        }
        catch (final IOException ex)
        {
            final String logs = gateway.logs();
            String metrics;
            try
            {
                metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.uri("/metrics"))
                    .timeout(PROBE_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString()).body()
                    .lines().filter(l -> l.startsWith("pitgun_gateway_")).collect(Collectors.joining("\n"));
            }
            catch (final IOException metricsEx)
            {
                metrics = "no /metrics either: " + metricsEx;
            }
            throw new AssertionError(what + " not answered: " + ex + "; /metrics:\n" + metrics + "\nthe gateway's log ends:\n" +
                logs.substring(Math.max(0, logs.length() - 20000)), ex);
        }
    }

    /** {@code /health} and a {@code POST /beacon} of someone else are each answered within the probe timeout. */
    private void assertServesOthers(final GatewayProcess gateway, final String when) throws InterruptedException
    {
        try
        {
            final HttpResponse<String> health = client.send(HttpRequest.newBuilder(gateway.uri("/health"))
                .timeout(PROBE_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), when + ": " + health.body());
            final HttpResponse<String> beacon = client.send(HttpRequest.newBuilder(gateway.uri("/beacon"))
                .timeout(PROBE_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Envelopes.sessionStart(UUID.randomUUID(), UUID.randomUUID())))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, beacon.statusCode(), when + ": " + beacon.body());
        }
        catch (final IOException ex)
        {
            final String logs = gateway.logs();
            throw new AssertionError(when + ": the gateway did not answer within " + PROBE_TIMEOUT + ": " + ex +
                "; the gateway's log ends:\n" + logs.substring(Math.max(0, logs.length() - 20000)), ex);
        }
    }

    private static void awaitAnswerHead(final Socket socket) throws IOException
    {
        socket.setSoTimeout(10_000);
        final InputStream in = socket.getInputStream();
        final StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n"))
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IOException("closed before answering: " + head);
            }
            head.append((char)b);
        }
        if (!head.toString().startsWith("HTTP/1.1 400"))
        {
            throw new IOException("not refused as malformed: " + head);
        }
    }

    private static Socket neverReading(final int port) throws IOException
    {
        final Socket socket = new Socket();
        socket.setReceiveBufferSize(4096); // before connect: the window it advertises
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return socket;
    }

    /** A WebSocket subscriber to every derived output that reads its handshake's answer and nothing after it. */
    private static Socket subscriberThatNeverReads(final int port) throws IOException
    {
        final Socket socket = neverReading(port);
        socket.setSoTimeout(5_000);
        final OutputStream out = socket.getOutputStream();
        out.write(("GET /ws?subscribe=derived HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n" +
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        final InputStream in = socket.getInputStream();
        final StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n"))
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IOException("closed during the handshake: " + head);
            }
            head.append((char)b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101"))
        {
            throw new IOException("not upgraded: " + head);
        }
        return socket;
    }
}
