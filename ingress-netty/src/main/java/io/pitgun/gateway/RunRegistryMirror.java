package io.pitgun.gateway;

import io.pitgun.engine.BoundedAgentRunner;
import io.pitgun.engine.InsightRedactor;
import io.pitgun.engine.SubscriptionHandler;
import io.pitgun.engine.TelemetryPipeline;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Mirrors lap and session insight records ({@code insight-contract/v1}) to {@code PITGUN_GATEWAY_RUN_REGISTRY_URL}
 * by HTTP POST, one JSON document per request. A bounded queue of {@value #QUEUE_RECORDS} records sits between
 * the pipeline and the network: a record that finds it full is dropped and counted, and a POST gets
 * {@value #ATTEMPTS} attempts with backoff, then is counted as failed — the registry can never slow ingestion.
 * <p>
 * Records leave the machine, so they carry what a subscriber without {@code read_restricted} receives: the
 * statistics of restricted and internal channels are taken out ({@link InsightRedactor}) unless
 * {@code RUN_REGISTRY_INCLUDE_RESTRICTED=1}.
 * <p>
 * It subscribes to insights alone ({@link TelemetryPipeline#subscribeToInsights}), so the frame rate cannot push it
 * out of the pipeline; its poller is an agent ({@link RunRegistryPollAgent}) run by a {@link BoundedAgentRunner},
 * whose failures are counted and reported ({@link #pollErrors}). The sender is a plain thread: each POST blocks.
 */
final class RunRegistryMirror implements AutoCloseable
{
    static final int QUEUE_RECORDS = 256;
    static final int ATTEMPTS = 3;
    /** The poller sleeps this long when it found no insight (insights come a few per lap). */
    static final long POLL_IDLE_MS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(RunRegistryMirror.class);

    private final URI target;
    private final GatewayCounters counters;
    private final ArrayBlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE_RECORDS);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final BoundedAgentRunner poller;
    private final Thread sender;
    private volatile boolean running = true;

    /**
     * @param redactor takes out of each record what a subscriber without {@code read_restricted} may not read, or
     *                 null to mirror records whole ({@code RUN_REGISTRY_INCLUDE_RESTRICTED}); used on the poller
     *                 thread only.
     */
    RunRegistryMirror(final String url, final TelemetryPipeline pipeline, final InsightRedactor redactor,
        final GatewayCounters counters)
    {
        final InsightRedactor records = redactor == null || redactor.passesAll() ? null : redactor;
        this.target = URI.create(url);
        this.counters = counters;
        final SubscriptionHandler handler = new SubscriptionHandler()
        {
            @Override
            public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
            {
            }

            @Override
            public void onInsight(final DirectBuffer buffer, final int offset, final int length)
            {
                final String record = records == null ? buffer.getStringWithoutLengthUtf8(offset, length) :
                    new String(records.redact(buffer, offset, length), StandardCharsets.UTF_8);
                if (queue.offer(record))
                {
                    counters.registryQueueDepth.incrementAndGet();
                }
                else
                {
                    counters.registryDropped.increment();
                }
            }
        };
        poller = BoundedAgentRunner.start(new RunRegistryPollAgent(pipeline, handler, counters, url),
            new SleepingMillisIdleStrategy(POLL_IDLE_MS), pollErrors(counters, url),
            task -> daemon(task, "pitgun-gateway-registry-poll"));
        sender = daemon(this::send, "pitgun-gateway-registry-post");
        sender.start();
    }

    /**
     * Where the poller's failures go: counted ({@code pitgun_gateway_run_registry_errors_total}, and
     * {@code run_registry_error} in {@code GET /health}) and logged; the poller carries on.
     */
    static ErrorHandler pollErrors(final GatewayCounters counters, final String target)
    {
        return error ->
        {
            counters.registryErrors.increment();
            LOG.error("run registry {}: the insight poller failed: {}", target, error.toString(), error);
        };
    }

    private static Thread daemon(final Runnable task, final String name)
    {
        final Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private void send()
    {
        while (running || poller.thread().isAlive() || !queue.isEmpty())
        {
            final String record;
            try
            {
                record = queue.poll(100, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            if (record == null)
            {
                continue;
            }
            counters.registryQueueDepth.decrementAndGet();
            boolean posted = false;
            for (int attempt = 1; attempt <= ATTEMPTS && !posted; attempt++)
            {
                try
                {
                    final HttpResponse<Void> response = client.send(HttpRequest.newBuilder(target)
                        .timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(record, StandardCharsets.UTF_8)).build(),
                        HttpResponse.BodyHandlers.discarding());
                    posted = response.statusCode() / 100 == 2;
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                catch (final Exception ex)
                {
                    posted = false;
                }
                if (!posted && attempt < ATTEMPTS)
                {
                    sleep(200L << attempt);
                }
            }
            if (posted)
            {
                counters.registryPosted.increment();
            }
            else
            {
                counters.registryFailed.increment();
                LOG.warn("run registry {}: a record could not be posted after {} attempts", target, ATTEMPTS);
            }
        }
    }

    /**
     * Stops after posting what is queued (waiting for that at most a few seconds). Call it after the pipeline has
     * closed, so that the summaries its close flushes (open laps and sessions) are mirrored too.
     */
    @Override
    public void close()
    {
        running = false;
        poller.close(TimeUnit.SECONDS.toNanos(2)); // takes the last insights and closes the subscription
        try
        {
            sender.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        // Records the sender had no time for are given up: counted, so that posted + failed + dropped still
        // accounts for every insight the mirror took.
        int abandoned = 0;
        while (queue.poll() != null)
        {
            abandoned++;
        }
        if (abandoned > 0)
        {
            counters.registryQueueDepth.addAndGet(-abandoned);
            counters.registryDropped.add(abandoned);
            LOG.warn("run registry {}: {} records not posted before shutdown", target, abandoned);
        }
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
