package io.pitgun.systemtests.soak;

import io.pitgun.systemtests.GatewayProcess;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samples the gateway periodically: {@code /health} must answer 200 every time, and {@code /metrics} gives heap,
 * JVM direct buffers and Netty's allocator direct memory; anonymous RSS comes from {@code /proc} (anonymous, so the
 * journal's memory-mapped files, which grow with the journal by design, do not count). Called from one scheduler
 * thread; read after the scheduler stopped.
 */
final class MemorySampler
{
    /** One sample. */
    record Sample(long elapsedMs, long sessionsCompleted, long anonRssBytes, long heapUsedBytes, long jvmDirectBytes,
        long nettyDirectBytes, long openConnections, long framesJournaled)
    {
    }

    private static final Pattern SERIES = Pattern.compile("(?m)^(\\S+) (\\S+)$");

    private final GatewayProcess gateway;
    private final SoakLedger ledger;
    private final Violations violations;
    private final long startNs = System.nanoTime();
    private final List<Sample> samples = new ArrayList<>();
    private volatile boolean stopped;

    MemorySampler(final GatewayProcess gateway, final SoakLedger ledger, final Violations violations)
    {
        this.gateway = gateway;
        this.ledger = ledger;
        this.violations = violations;
    }

    /** Takes one sample; failures to answer are violations. */
    void sample()
    {
        if (stopped)
        {
            return;
        }
        try
        {
            final HttpResponse<String> health = gateway.get("/health");
            if (health.statusCode() != 200)
            {
                violations.add("health_not_ok", health.statusCode() + ": " + health.body());
            }
            final HttpResponse<String> metrics = gateway.get("/metrics");
            if (metrics.statusCode() != 200)
            {
                violations.add("metrics_not_ok", Integer.toString(metrics.statusCode()));
                return;
            }
            final String body = metrics.body();
            final Sample sample = new Sample((System.nanoTime() - startNs) / 1_000_000,
                ledger.sessionsCompleted.sum(), gateway.anonymousRssBytes(), value(body, "pitgun_jvm_heap_used_bytes"),
                value(body, "pitgun_jvm_direct_memory_bytes{pool=\"direct\"}"),
                value(body, "pitgun_netty_allocator_memory_bytes{kind=\"direct\"}"),
                value(body, "pitgun_gateway_open_connections"), value(body, "pitgun_frames_journaled_total"));
            synchronized (samples)
            {
                samples.add(sample);
            }
        }
        catch (final Exception ex)
        {
            if (!stopped)
            {
                violations.add("health_not_ok", "/health or /metrics did not answer: " + ex);
            }
        }
    }

    /**
     * The heap in use right after a full collection in the gateway: what is live. The heap saws with every
     * collection, so only this, taken at warm-up and at the end, shows whether live data grows.
     */
    long liveHeapBytes()
    {
        try
        {
            gateway.collectGarbage();
            final HttpResponse<String> metrics = gateway.get("/metrics");
            if (metrics.statusCode() != 200)
            {
                violations.add("metrics_not_ok", Integer.toString(metrics.statusCode()));
                return -1;
            }
            return value(metrics.body(), "pitgun_jvm_heap_used_bytes");
        }
        catch (final Exception ex)
        {
            violations.add("live_heap_not_measured", ex.toString());
            return -1;
        }
    }

    /** No more samples (the gateway is being stopped). */
    void stop()
    {
        stopped = true;
    }

    /** The samples so far. */
    List<Sample> samples()
    {
        synchronized (samples)
        {
            return new ArrayList<>(samples);
        }
    }

    private static long value(final String exposition, final String series)
    {
        final Matcher matcher = SERIES.matcher(exposition);
        while (matcher.find())
        {
            if (matcher.group(1).equals(series))
            {
                return (long)Double.parseDouble(matcher.group(2));
            }
        }
        throw new IllegalStateException("/metrics has no " + series);
    }
}
