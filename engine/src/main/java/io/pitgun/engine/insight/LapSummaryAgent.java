package io.pitgun.engine.insight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.engine.Subscription;
import io.pitgun.engine.SubscriptionHandler;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The duty cycle of a {@link LapSummaryCollector}: each {@link #doWork()} polls the subscription once and keeps the
 * {@code lap_summary} insights, until the pipeline has ended and everything queued before has been read, or the
 * subscriber was dropped. Then it closes the subscription, counts {@link #finished()} down and does no more work.
 * Runs on one thread (the collector's {@code AgentRunner}); the laps are read by another only after
 * {@link #finished()}, whose count-down publishes them.
 */
final class LapSummaryAgent implements Agent, SubscriptionHandler
{
    /** Messages one duty cycle reads at most, so the idle strategy sees the amount of work. */
    static final int POLL_LIMIT = 256;

    private final ObjectMapper mapper = new ObjectMapper();
    private final Subscription subscription;
    private final ErrorHandler errorHandler;
    private final List<LapSummary> laps = new ArrayList<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile String problem;

    /**
     * @param subscription the subscription to read; closed when the agent finishes or closes.
     * @param errorHandler told of an unreadable insight (the poll goes on with the next one).
     */
    LapSummaryAgent(final Subscription subscription, final ErrorHandler errorHandler)
    {
        this.subscription = subscription;
        this.errorHandler = errorHandler;
    }

    @Override
    public int doWork()
    {
        if (finished.getCount() == 0)
        {
            return 0;
        }
        // Read isEnded before polling: once it is true nothing more is queued, so an empty poll after it is final.
        final boolean ended = subscription.isEnded() || subscription.isClosed();
        final int read = subscription.poll(this, POLL_LIMIT);
        if (read == 0)
        {
            if (subscription.isDropped())
            {
                finish("the demo's insight subscriber fell behind and was dropped (subscriber buffer too small)");
            }
            else if (ended)
            {
                finish(null);
            }
        }
        return read;
    }

    @Override
    public String roleName()
    {
        return "pitgun-demo-insights";
    }

    @Override
    public void onClose()
    {
        subscription.close();
    }

    @Override
    public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        // The demo manifest outputs insights only.
    }

    @Override
    public void onInsight(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        try
        {
            final JsonNode doc = mapper.readTree(bytes);
            if ("lap_summary".equals(doc.path("kind").asText()))
            {
                laps.add(LapSummary.from(doc));
            }
        }
        catch (final IOException ex)
        {
            // Handled here, not thrown: the subscription's poll must go on past the unreadable document.
            errorHandler.onError(new IllegalStateException("an insight document could not be read: " +
                ex.getMessage(), ex));
        }
    }

    /** Counted down once the pipeline's end (or the subscriber's drop) has been seen. */
    CountDownLatch finished()
    {
        return finished;
    }

    /** Why the collection is incomplete (the subscriber was dropped), or null; read after {@link #finished()}. */
    String problem()
    {
        return problem;
    }

    /** The laps in arrival order; read after {@link #finished()}. */
    List<LapSummary> laps()
    {
        return List.copyOf(laps);
    }

    private void finish(final String problem)
    {
        this.problem = problem;
        subscription.close();
        finished.countDown();
    }
}
