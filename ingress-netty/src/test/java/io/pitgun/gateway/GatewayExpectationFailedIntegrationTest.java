package io.pitgun.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An unsupported {@code Expect} is answered 417 {@code expectation_failed} (JSON, counted) and the connection closed;
 * it used to stay open with the slow-request guard still timing the request the aggregator had dropped, so the next
 * request on it got a 408. And
 * {@code Expect: 100-continue} is answered 100 before the body is sent ({@link BeaconAggregator} looks for the header
 * once before Netty's check).
 */
class GatewayExpectationFailedIntegrationTest
{
    @Test
    void shouldCloseAfterA417InsteadOfTimingTheDroppedRequest(@TempDir final Path dataDir) throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.READ_TIMEOUT_S, "1"));
            Socket socket = new Socket("127.0.0.1", gateway.server.address().getPort()))
        {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /beacon HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
                "Expect: something-else\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();

            // Everything the gateway writes until it closes: before the fix, the 417, then (1 s later) a 408.
            final InputStream in = socket.getInputStream();
            final ByteArrayOutputStream seen = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0)
            {
                seen.write(b);
            }
            final String stream = seen.toString(StandardCharsets.ISO_8859_1);
            assertTrue(stream.startsWith("HTTP/1.1 417"), stream);
            assertFalse(stream.contains("408"), stream);
            // The gateway's own answer, counted and named (before: Netty's empty 417, counted nowhere).
            assertTrue(stream.contains("\"reason\":\"expectation_failed\""), stream);
            assertTrue(stream.contains("something-else"), "the message names the expectation: " + stream);
            assertEquals(1.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"expectation_failed\"}"));
            assertEquals(1.0, gateway.metric("pitgun_gateway_responses_total{endpoint=\"beacon\",status=\"417\"}"));
        }
    }

    /**
     * {@code Expect: 100-continue} with a {@code Content-Length} over {@code MAX_BODY_BYTES} gets the answer a body
     * over the limit always gets: 413 {@code body_too_large} with its JSON body, counted, and the connection closed,
     * no 100 first. Before, Netty's own 413 went out, with an empty body and counted nowhere.
     */
    @Test
    void shouldAnswerA100ContinueOverTheBodyLimitWithTheUsual413(@TempDir final Path dataDir) throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.MAX_BODY_BYTES, "4096"));
            Socket socket = new Socket("127.0.0.1", gateway.server.address().getPort()))
        {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /beacon HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
                "Expect: 100-continue\r\nContent-Length: 999999\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            final String stream = readUntilClosed(socket.getInputStream());
            assertTrue(stream.startsWith("HTTP/1.1 413"), stream);
            assertFalse(stream.contains("100 Continue"), stream);
            assertTrue(stream.contains("\"reason\":\"body_too_large\""), stream);
            assertTrue(stream.contains("PITGUN_GATEWAY_MAX_BODY_BYTES"), stream);
            assertEquals(1.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"body_too_large\"}"));
            assertEquals(1.0, gateway.metric("pitgun_gateway_responses_total{endpoint=\"beacon\",status=\"413\"}"));
        }
    }

    @Test
    void shouldAnswer100ContinueBeforeTheBodyIsSent(@TempDir final Path dataDir) throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
            Socket socket = new Socket("127.0.0.1", gateway.server.address().getPort()))
        {
            socket.setSoTimeout(10_000);
            final byte[] body = Envelopes.batch(UUID.randomUUID(), 0, 1).getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(("POST /beacon HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
                "Expect: 100-continue\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            final InputStream in = socket.getInputStream();
            final String interim = readHead(in);
            assertTrue(interim.startsWith("HTTP/1.1 100 Continue"), interim);

            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            final String answer = readHead(in);
            assertTrue(answer.startsWith("HTTP/1.1 202"), answer);
        }
    }

    /** Everything the gateway writes until it closes the connection (fails on the read timeout). */
    private static String readUntilClosed(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0)
        {
            seen.write(b);
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }

    /** An answer's head, up to and including the blank line. */
    private static String readHead(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n"))
        {
            final int b = in.read();
            if (b < 0)
            {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
