package io.pitgun.gateway;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.HeldThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The overload log bounds its rate per reason, and writes a reason's suppressed count once its window has passed.
 * Found by a black-box tester: with one window for every reason, a flood of {@code client_closed_request} (clients
 * closing mid-request, about 100 a second) left 20 counted 507 {@code journal_full} answers without a single log line,
 * their count folded into the flood's "[938 similar warnings suppressed]"; and a burst's suppressed count was never
 * written unless another warning followed (10,888 suppressed 507s never mentioned).
 */
class GatewayOverloadLogIntegrationTest
{
    private static final int CLOSED = 30;
    private static final int RING_FULL = 3;
    private static final int RING = 64;

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldLogEachReasonAtItsOwnRateAndItsSuppressedCountAfterItsWindow() throws Exception
    {
        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        final Logger overloadLogger = (Logger)LoggerFactory.getLogger(OverloadLog.class);
        logged.start();
        overloadLogger.addAppender(logged);
        final HeldThreads held = new HeldThreads();
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.CHANNEL_CAPACITY, "" + RING,
            GatewaySetting.ACK_MODE, "accepted", GatewaySetting.MAX_CONNECTIONS_PER_PEER, "" + 2 * CLOSED), held))
        {
            // A flood of one reason: clients gone in the middle of their request.
            for (int i = 0; i < CLOSED; i++)
            {
                try (Socket socket = new Socket("127.0.0.1", gateway.server.address().getPort()))
                {
                    final OutputStream out = socket.getOutputStream();
                    out.write(("POST /beacon HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
                        "Content-Length: 1000\r\n\r\n[{\"schema\":").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
            Await.until("every close counted", () -> gateway.http.metricOrNaN(
                "pitgun_gateway_rejections_total{reason=\"client_closed_request\"}") == CLOSED);

            // Then another reason, within the flood's window: the held pipeline's ring is full.
            for (int i = 0; i < RING / 16; i++)
            {
                assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), i * 16L, 16)).statusCode());
            }
            for (int i = 0; i < RING_FULL; i++)
            {
                final HttpResponse<String> refused = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 100 + i, 1));
                assertEquals(503, refused.statusCode(), refused.body());
            }
            assertEquals(1, lines(logged, "overload (client_closed_request): client ").size(), all(logged));
            assertEquals(1, lines(logged, "overload (ring_full): answered 503").size(),
                "the ring_full warning not hidden by the flood of another reason: " + all(logged));
            assertTrue(lines(logged, "overload (ring_full)").get(0).contains("[0 more ring_full warnings suppressed"),
                all(logged));
            assertEquals((double)(CLOSED - 1 + RING_FULL - 1),
                gateway.metric("pitgun_gateway_overload_warnings_suppressed_total"));

            // Nothing more is sent: once each window has passed, its suppressed count is written all the same.
            Await.until("the suppressed counts written after their windows",
                java.time.Duration.ofSeconds(2 * OverloadLog.INTERVAL_S), () -> lines(logged, ", none since").size() == 2);
            assertEquals(1, lines(logged, "overload (client_closed_request): " + (CLOSED - 1) +
                " more client_closed_request warnings suppressed in the last ").size(), all(logged));
            assertEquals(1, lines(logged, "overload (ring_full): " + (RING_FULL - 1) +
                " more ring_full warnings suppressed in the last ").size(), all(logged));
            assertEquals(4, logged.list.size(), "one line per reason per window: " + all(logged));
            held.release();
        }
        finally
        {
            overloadLogger.detachAppender(logged);
        }
    }

    /**
     * A burst in the last window before a stop is written at shutdown: before, its suppressed count lived in the
     * metrics only, which go with the process, and the log said one warning of a burst of many.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldWriteTheLastWindowsSuppressedCountAtShutdown() throws Exception
    {
        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        final Logger overloadLogger = (Logger)LoggerFactory.getLogger(OverloadLog.class);
        logged.start();
        overloadLogger.addAppender(logged);
        final int closed = 5;
        try
        {
            try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
            {
                for (int i = 0; i < closed; i++)
                {
                    try (Socket socket = new Socket("127.0.0.1", gateway.server.address().getPort()))
                    {
                        final OutputStream out = socket.getOutputStream();
                        out.write(("POST /beacon HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
                            "Content-Length: 1000\r\n\r\n[{\"schema\":").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
                Await.until("every close counted", () -> gateway.http.metricOrNaN(
                    "pitgun_gateway_rejections_total{reason=\"client_closed_request\"}") == closed);
                assertEquals(1, logged.list.size(), all(logged));
            }
            assertEquals(1, lines(logged, "overload (client_closed_request): " + (closed - 1) +
                " more client_closed_request warnings suppressed since its last line (written at shutdown)").size(),
                all(logged));
        }
        finally
        {
            overloadLogger.detachAppender(logged);
        }
    }

    private static List<String> lines(final ListAppender<ILoggingEvent> logged, final String text)
    {
        return List.copyOf(logged.list).stream().map(ILoggingEvent::getFormattedMessage)
            .filter(line -> line.contains(text)).toList();
    }

    private static String all(final ListAppender<ILoggingEvent> logged)
    {
        return String.join("\n", List.copyOf(logged.list).stream().map(ILoggingEvent::getFormattedMessage).toList());
    }
}
