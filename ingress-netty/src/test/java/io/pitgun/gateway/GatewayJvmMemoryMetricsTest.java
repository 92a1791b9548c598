package io.pitgun.gateway;

import io.pitgun.testsupport.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory gauges a soak test samples: present on {@code /metrics}, plausible, and accepted by promtool. */
class GatewayJvmMemoryMetricsTest
{
    @TempDir
    Path dataDir;

    @Test
    @Timeout(60)
    void shouldExposeHeapDirectAndNettyAllocatorMemoryGauges() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final HttpResponse<String> metrics = gateway.get("/metrics");
            assertEquals(200, metrics.statusCode());
            final String body = metrics.body();
            assertTrue(value(body, "pitgun_jvm_heap_used_bytes") > 0, body);
            assertTrue(value(body, "pitgun_jvm_direct_memory_bytes{pool=\"direct\"}") >= 0, body);
            assertTrue(value(body, "pitgun_jvm_direct_memory_bytes{pool=\"mapped\"}") >= 0, body);
            // The gateway has read this request through Netty's default allocator, which holds its chunks still.
            assertTrue(value(body, "pitgun_netty_allocator_memory_bytes{kind=\"direct\"}") +
                value(body, "pitgun_netty_allocator_memory_bytes{kind=\"heap\"}") > 0, body);
            assertTrue(body.contains("# TYPE pitgun_jvm_direct_memory_bytes gauge"), body);
            Promtool.assertMetricsPass(body);
        }
    }

    private static double value(final String exposition, final String series)
    {
        final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        assertTrue(matcher.find(), "no series " + series);
        return Double.parseDouble(matcher.group(1));
    }
}
