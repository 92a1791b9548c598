package io.pitgun.systemtests;

import org.junit.jupiter.api.AfterAll;
import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An answer that closes the connection outside a shutdown (a malformed request, another HTTP version, headers over
 * {@code MAX_HEADER_BYTES}) reaches a client that pipelined many more requests behind the bad one, whole, and the
 * connection then ends with a FIN, never a reset: the gateway shuts its side after the answer and reads on, dropping
 * what arrives, before it closes (docs/gateway.md, Answers). Before, it closed at once with the client's requests
 * unread in its socket, the kernel answered them with a reset, and the client could lose the answer itself.
 */
class GatewayClosingAnswerProcessTest
{
    /** Connections per kind of bad request: a reset showed on most of them before. */
    private static final int ROUNDS = 30;
    /** The valid requests written behind the bad one, in the same write. */
    private static final int PIPELINED_BYTES = 64 * 1024;
    private static final String VALID = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    private static final String LINGERING = "pitgun_gateway_lingering_closes_total";
    private static final String CUT_TIMEOUT = "pitgun_gateway_lingering_closes_cut_total{bound=\"timeout\"}";
    private static final String CUT_BYTES = "pitgun_gateway_lingering_closes_cut_total{bound=\"bytes\"}";

    @TempDir
    static Path dir;
    private static GatewayProcess gateway;

    @BeforeAll
    static void startGateway() throws Exception
    {
        gateway = GatewayProcess.start(dir.resolve("data"));
    }

    @AfterAll
    static void stopGateway() throws InterruptedException
    {
        if (gateway != null)
        {
            gateway.close();
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "bad request line, 400, malformed_http",
        "no Host, 400, malformed_http",
        "HTTP/2.0, 505, http_version_not_supported",
        "header over MAX_HEADER_BYTES, 431, header_too_large" })
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldDeliverTheWholeClosingAnswerThenEndWithoutReset(final String kind, final int status,
        final String reason) throws Exception
    {
        final byte[] requests = requests(badRequest(kind), PIPELINED_BYTES);
        final double lingeringBefore = gateway.metric(LINGERING);
        final double cutBefore = gateway.metric(CUT_BYTES);
        for (int round = 0; round < ROUNDS; round++)
        {
            try (Socket socket = new Socket("127.0.0.1", gateway.port()))
            {
                socket.setSoTimeout(20_000);
                final InputStream in = new BufferedInputStream(socket.getInputStream());
                final String where = kind + ", round " + round + " of " + ROUNDS;
                try
                {
                    socket.getOutputStream().write(requests);
                    socket.getOutputStream().flush();
                    final RawHttpAnswer answer = RawHttpAnswer.read(in);
                    assertEquals(new RawHttpAnswer(status, reason, true), answer, where);
                    assertEquals(-1, in.read(), where + ": nothing after the closing answer");
                }
                catch (final IOException ex)
                {
                    throw new AssertionError(where + ": " + ex + "\n" + gateway.logs(), ex);
                }
            }
        }
        assertEquals(lingeringBefore + ROUNDS, gateway.metric(LINGERING), "one lingering close per connection");
        assertEquals(0.0, gateway.metric(CUT_TIMEOUT), "each client closed its side in time");
        assertEquals(cutBefore, gateway.metric(CUT_BYTES));
    }

    /**
     * A client that goes on sending behind the closing answer (never closing its side) is cut off once it has sent
     * more than the lingering close reads (16 MiB), counted, and not read for the whole second the close may last.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldCutALingeringCloseOffPastItsByteBound() throws Exception
    {
        final double cutBefore = gateway.metric(CUT_BYTES);
        final byte[] requests = requests(badRequest("no Host"), 24 << 20);
        try (Socket socket = new Socket("127.0.0.1", gateway.port()))
        {
            socket.setSoTimeout(20_000);
            try
            {
                socket.getOutputStream().write(requests);
            }
            catch (final IOException ex)
            {
                // the gateway closed the connection with much of this unread: a reset, as a flood deserves
            }
            // Before this client closes its side (a close with the answer unread would reset the connection first).
            Await.until("the lingering close cut off by its byte bound",
                () -> gateway.metric(CUT_BYTES) == cutBefore + 1);
        }
        assertEquals(0.0, gateway.metric(CUT_TIMEOUT));
    }

    private static String badRequest(final String kind)
    {
        return switch (kind)
        {
            case "bad request line" -> "GET /health HTTX/1.1\r\nHost: 127.0.0.1\r\n\r\n";
            case "no Host" -> "GET /health HTTP/1.1\r\n\r\n";
            case "HTTP/2.0" -> "GET /health HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n";
            case "header over MAX_HEADER_BYTES" -> "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " +
                "x".repeat(32 * 1024) + "\r\n\r\n";
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** {@code bad}, then {@code pipelinedBytes} of valid requests: one write. */
    private static byte[] requests(final String bad, final int pipelinedBytes)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bad.getBytes(StandardCharsets.ISO_8859_1));
        while (out.size() < bad.length() + pipelinedBytes)
        {
            out.writeBytes(VALID.getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }
}
