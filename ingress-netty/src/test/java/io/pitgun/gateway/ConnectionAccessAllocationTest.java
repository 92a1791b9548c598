package io.pitgun.gateway;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A keep-alive connection that sends the same {@code Origin}, {@code Host} and {@code X-Forwarded-For} on every
 * request is admitted without an allocation after its first: the verdicts are kept per connection with the values
 * they were made for (the Origin check lower-cased and cut the header, the proxy walk cut the forwarded list, each
 * per request). Counted with the JVM's per-thread allocation counter, on a real gateway's access policy.
 */
class ConnectionAccessAllocationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldAdmitRepeatedHeadersWithoutAllocating() throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), Map.of(
            GatewaySetting.TRUSTED_PROXIES, "127.0.0.1", GatewaySetting.ALLOWED_ORIGINS, "https://dash.example")))
        {
            final ConnectionAccess access = new ConnectionAccess(gateway.server, "127.0.0.1");
            final FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/beacon",
                Unpooled.EMPTY_BUFFER);
            request.headers().set(HttpHeaderNames.HOST, "localhost:8080")
                .set(HttpHeaderNames.ORIGIN, "https://Dash.Example")
                .set("X-Forwarded-For", "6.6.6.6, 10.0.0.7");
            final HttpExchange exchange = new HttpExchange(gateway.server, "test", null, null, request, 0);
            for (int i = 0; i < 20_000; i++)
            {
                assertTrue(access.admit(exchange, GatewayCounters.Endpoint.BEACON, Capability.INGEST));
            }
            assertEquals("10.0.0.7", access.identity());

            final int rounds = 20_000;
            final long threadId = Thread.currentThread().getId();
            final long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < rounds; i++)
            {
                access.admit(exchange, GatewayCounters.Endpoint.BEACON, Capability.INGEST);
            }
            final long perRequest = (threads.getThreadAllocatedBytes(threadId) - before) / rounds;
            // Netty's header lookups allocate nothing for these names; the margin absorbs rounding of the average.
            assertTrue(perRequest <= 8, "admit allocated " + perRequest + " bytes per request");
        }
    }
}
