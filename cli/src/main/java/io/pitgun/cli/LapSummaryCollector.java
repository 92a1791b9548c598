package io.pitgun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.engine.Subscription;
import io.pitgun.engine.SubscriptionHandler;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Polls a pipeline subscription on a thread of its own and keeps the {@code lap_summary} insights, until the
 * pipeline has closed and everything queued before has been read.
 */
final class LapSummaryCollector implements SubscriptionHandler
{
    private final ObjectMapper mapper = new ObjectMapper();
    private final Subscription subscription;
    private final List<LapSummary> laps = new ArrayList<>();
    private final Thread thread;
    private volatile String problem;

    LapSummaryCollector(final Subscription subscription)
    {
        this.subscription = subscription;
        thread = new Thread(this::pollUntilEnded, "pitgun-demo-insights");
        thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    /**
     * Waits for the pipeline's end (call after the gateway shut down) and returns the laps in arrival order.
     *
     * @throws IllegalStateException when the subscriber fell behind and was dropped, or an insight was unreadable.
     */
    List<LapSummary> awaitLaps(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        thread.join(unit.toMillis(timeout));
        if (thread.isAlive())
        {
            subscription.close();
            throw new IllegalStateException("the lap summaries did not arrive within " + timeout + " " + unit);
        }
        if (problem != null)
        {
            throw new IllegalStateException(problem);
        }
        synchronized (laps)
        {
            return List.copyOf(laps);
        }
    }

    private void pollUntilEnded()
    {
        while (true)
        {
            // Read isEnded before polling: once it is true nothing more is queued, so an empty poll after it is final.
            final boolean ended = subscription.isEnded() || subscription.isClosed();
            final int read = subscription.poll(this, 256);
            if (read == 0)
            {
                if (subscription.isDropped())
                {
                    problem = "the demo's insight subscriber fell behind and was dropped (subscriber buffer too small)";
                    return;
                }
                if (ended)
                {
                    subscription.close();
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
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
                synchronized (laps)
                {
                    laps.add(LapSummary.from(doc));
                }
            }
        }
        catch (final IOException ex)
        {
            problem = "an insight document could not be read: " + ex.getMessage();
        }
    }
}
