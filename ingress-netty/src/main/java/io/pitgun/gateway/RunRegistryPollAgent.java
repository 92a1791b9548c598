package io.pitgun.gateway;

import io.pitgun.engine.Subscription;
import io.pitgun.engine.SubscriptionHandler;
import io.pitgun.engine.TelemetryPipeline;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run-registry mirror's duty cycle: takes insights from the pipeline's insight subscription and hands them to
 * the mirror's handler (which queues them for the sender). Each {@link #doWork()} delivers at most
 * {@value #POLL_LIMIT} insights and returns how many, so the runner's idle strategy sleeps while there are none.
 * <p>
 * If insights ever pile up past the subscriber buffer, or one is too long for it, the pipeline drops the
 * subscription; the next idle duty cycle then counts the gap ({@code pitgun_gateway_run_registry_gaps_total}), logs
 * it by why and subscribes again. On {@link #onClose()} — after the pipeline has closed and flushed its open laps
 * and sessions — it takes what is still in the subscription, counts and logs a gap as well, and closes it.
 */
final class RunRegistryPollAgent implements Agent
{
    /** Insights delivered per duty cycle at most. */
    static final int POLL_LIMIT = 256;
    private static final String SUBSCRIBER = "run-registry";
    private static final Logger LOG = LoggerFactory.getLogger(RunRegistryPollAgent.class);

    private final TelemetryPipeline pipeline;
    private final SubscriptionHandler handler;
    private final GatewayCounters counters;
    private final String target;
    private Subscription subscription;

    /**
     * Subscribes at once, so that nothing the pipeline produces from now on is missed before the agent's thread
     * starts.
     */
    RunRegistryPollAgent(final TelemetryPipeline pipeline, final SubscriptionHandler handler,
        final GatewayCounters counters, final String target)
    {
        this.pipeline = pipeline;
        this.handler = handler;
        this.counters = counters;
        this.target = target;
        this.subscription = pipeline.subscribeToInsights(SUBSCRIBER);
    }

    @Override
    public int doWork()
    {
        final int delivered = subscription.poll(handler, POLL_LIMIT);
        if (delivered == 0 && subscription.isDropped())
        {
            resubscribe();
        }
        return delivered;
    }

    /** Closing: the pipeline has stopped (see GatewayServer); the summaries it flushed on the way out are taken too. */
    @Override
    public void onClose()
    {
        try
        {
            while (subscription.poll(handler, POLL_LIMIT) > 0)
            {
                // bounded: the pipeline has stopped writing, so the subscription runs dry
            }
            if (subscription.isDropped())
            {
                countGap("at the shutdown"); // the summaries the drain flushed: before, lost without a word
            }
        }
        finally
        {
            subscription.close();
        }
    }

    @Override
    public String roleName()
    {
        return "run-registry-poll";
    }

    /** The pipeline dropped the mirror (what was queued is drained): what came after is lost; say so, go on. */
    private void resubscribe()
    {
        countGap("subscribing again");
        subscription.close();
        subscription = pipeline.subscribeToInsights(SUBSCRIBER);
    }

    /** Counts and logs, by why, that the pipeline dropped the mirror; {@code then} says what the mirror does. */
    private void countGap(final String then)
    {
        counters.registryGaps.increment();
        final int missed = subscription.missedOutputLength();
        if (missed > 0)
        {
            // Not behind: the insight could not be broadcast to any subscriber (before, logged as piled up).
            LOG.warn("run registry {}: an insight of {} bytes was longer than the {} the subscriber buffer carries " +
                "(raise SUBSCRIBER_BUFFER_BYTES); it is lost; {}", target, missed, subscription.maxOutputLength(),
                then);
        }
        else
        {
            LOG.warn("run registry {}: insights piled up past the subscriber buffer and the pipeline dropped the " +
                "mirror; the insights since then are lost; {}", target, then);
        }
    }
}
