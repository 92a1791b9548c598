package io.pitgun.systemtests.soak;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Live subscribers ({@code GET /ws?subscribe=derived}) attached during the soak: fast ones that ask for the next
 * message at once and slow ones that take {@link #SLOW_READ_DELAY_MS} per message. The gateway may disconnect one
 * that falls behind (close 1008, its documented policy): it is counted and subscribes again. Any other close before
 * the soak ends is a violation.
 */
final class LiveSubscribers
{
    /** How long a slow subscriber takes over each message. */
    static final long SLOW_READ_DELAY_MS = 20;
    /** Close code of a subscriber dropped for falling behind. */
    static final int POLICY_VIOLATION = 1008;

    private final HttpClient http;
    private final URI uri;
    private final SoakLedger ledger;
    private final Violations violations;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<WebSocket> open = new CopyOnWriteArrayList<>();

    LiveSubscribers(final HttpClient http, final int port, final SoakLedger ledger, final Violations violations,
        final ScheduledExecutorService scheduler)
    {
        this.http = http;
        this.uri = URI.create("ws://127.0.0.1:" + port + "/ws?subscribe=derived");
        this.ledger = ledger;
        this.violations = violations;
        this.scheduler = scheduler;
    }

    /** Attaches {@code fast} fast and {@code slow} slow subscribers. */
    void start(final int fast, final int slow)
    {
        for (int i = 0; i < fast + slow; i++)
        {
            subscribe(i >= fast);
        }
    }

    private void subscribe(final boolean slow)
    {
        if (stopping.get())
        {
            return;
        }
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20)).buildAsync(uri, new Listener(slow))
            .whenComplete((webSocket, error) ->
            {
                if (error != null)
                {
                    if (!stopping.get())
                    {
                        violations.add("subscriber_could_not_connect", error.toString());
                    }
                    return;
                }
                ledger.subscriberConnections.increment();
                open.add(webSocket);
            });
    }

    /** Detaches every subscriber. */
    void stop()
    {
        stopping.set(true);
        for (final WebSocket webSocket : open)
        {
            webSocket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener
    {
        private final boolean slow;

        Listener(final boolean slow)
        {
            this.slow = slow;
        }

        @Override
        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            if (last)
            {
                ledger.subscriberMessages.increment();
            }
            if (slow)
            {
                scheduler.schedule(() -> webSocket.request(1), SLOW_READ_DELAY_MS, TimeUnit.MILLISECONDS);
            }
            else
            {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
        {
            open.remove(webSocket);
            if (statusCode == POLICY_VIOLATION)
            {
                ledger.subscribersDroppedSlow.increment();
                subscribe(slow);
            }
            else if (!stopping.get())
            {
                violations.add("subscriber_closed_unexpectedly", statusCode + " " + reason);
            }
            return null;
        }

        @Override
        public void onError(final WebSocket webSocket, final Throwable error)
        {
            open.remove(webSocket);
            if (!stopping.get())
            {
                violations.add("subscriber_closed_unexpectedly", error.toString());
            }
        }
    }
}
