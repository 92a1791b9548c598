package io.pitgun.replay;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /ws}: one text message per envelope; the gateway answers each with a JSON ack or nack carrying the
 * envelope's {@code event_id}. One envelope is in flight at a time, so answers arrive in order. A socket the gateway
 * closed (or that broke) is opened again by the next {@link #send}, so a caller that retries an envelope after an
 * {@link IOException} (as {@link ReplayRunner} does) goes on once the gateway is back.
 */
public final class WebSocketTransport implements EnvelopeTransport
{
    private final ReplayTarget target;
    private final String token;
    /** How long opening the socket waits, a send and its answer together, and the close. */
    private final Duration timeout;
    private final AtomicReference<Pending> pending = new AtomicReference<>();
    /** The socket envelopes go on, and its listener; replaced by {@link #send} once closed. Sender's thread only. */
    private WebSocket socket;
    /** Null while no socket has opened (the gateway refused the first opening). */
    private volatile Listener listener;
    /**
     * The gateway's answer to an opening it refused (a 401 for the token, a 429, a 503 while draining): the answer
     * to the envelope that was to go on the socket, so the caller counts it, retries it or stops as for any answer.
     * Null once given. Sender's thread only.
     */
    private SendOutcome refusedOpening;

    private WebSocketTransport(final ReplayTarget target, final String token, final Duration timeout)
    {
        this.target = target;
        this.token = token;
        this.timeout = timeout;
    }

    /** Opens the WebSocket. */
    public static WebSocketTransport connect(final ReplayTarget target) throws IOException, InterruptedException
    {
        return connect(target, null);
    }

    /** Opens the WebSocket presenting {@code token} ({@code ID.SECRET}) as {@code Authorization: Bearer}, or none. */
    public static WebSocketTransport connect(final ReplayTarget target, final String token)
        throws IOException, InterruptedException
    {
        return connect(target, token, Duration.ofSeconds(ReplayOptions.DEFAULT_TIMEOUT_S));
    }

    /**
     * Opens the WebSocket presenting {@code token} ({@code ID.SECRET}), or none. Opening it (the connection and the
     * opening handshake; again after the gateway closed it) waits {@code timeout}, then throws a
     * {@link ConnectException}, as for a refused connection; an opening the gateway refuses with an HTTP answer (401
     * for the token, 429, 503) is the answer to the send that needed the socket. A send waits {@code timeout} for the
     * message to go and its answer to come, together, then throws {@link HttpTimeoutException}.
     */
    public static WebSocketTransport connect(final ReplayTarget target, final String token,
        final Duration timeout) throws IOException, InterruptedException
    {
        final WebSocketTransport transport = new WebSocketTransport(target, token, timeout);
        transport.open();
        return transport;
    }

    private void open() throws IOException, InterruptedException
    {
        final Listener opening = new Listener(this);
        final long start = System.nanoTime();
        try
        {
            // The builder's timeout covers the connection and the handshake; the client's the connection alone.
            final WebSocket.Builder builder = HttpClient.newBuilder().connectTimeout(timeout).build()
                .newWebSocketBuilder().connectTimeout(timeout);
            if (token != null)
            {
                builder.header("Authorization", "Bearer " + token);
            }
            socket = builder.buildAsync(target.webSocketUri(), opening).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            listener = opening;
        }
        catch (final TimeoutException ex)
        {
            throw new ConnectFailure.TimedOut("open " + target.webSocketUri(), timeout);
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof WebSocketHandshakeException refused && refused.getResponse() != null)
            {
                // The gateway is there and answered the upgrade, with a refusal: not "is the gateway running?".
                refusedOpening = HttpBeaconTransport.outcome(refused.getResponse(), System.nanoTime() - start);
                return;
            }
            if (ex.getCause() instanceof HttpTimeoutException)
            {
                throw new ConnectFailure.TimedOut("open " + target.webSocketUri(), timeout);
            }
            throw new ConnectException("cannot open " + target.webSocketUri() + " (" + ConnectFailure.HINT + "): " +
                ConnectFailure.describe(ex.getCause() == null ? ex : ex.getCause()));
        }
    }

    @Override
    public SendOutcome send(final String eventId, final String json) throws IOException, InterruptedException
    {
        if (refusedOpening == null && (listener == null || listener.closedBecause != null))
        {
            open(); // a ConnectException while the gateway is away: the caller retries
        }
        if (refusedOpening != null)
        {
            final SendOutcome refusal = refusedOpening;
            refusedOpening = null; // the next send opens again
            return refusal;
        }
        final Pending waiting = new Pending(eventId);
        pending.set(waiting);
        final long start = System.nanoTime();
        try
        {
            // One --timeout for the send and the answer together (a send blocked by a slow reader, then an answer
            // that never comes, waited two before).
            socket.sendText(json, true).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            final GatewayAnswer answer = waiting.answer.get(Math.max(0, start + timeout.toNanos() - System.nanoTime()),
                TimeUnit.NANOSECONDS);
            return answer.webSocketOutcome(System.nanoTime() - start);
        }
        catch (final ExecutionException | CompletionException ex)
        {
            abandon("failed: " + ex.getCause().getMessage());
            throw new IOException("WebSocket to " + target.webSocketUri() + " failed: " + ex.getCause().getMessage());
        }
        catch (final TimeoutException ex)
        {
            abandon("no answer within " + timeout.toSeconds() + " s");
            throw new ConnectFailure.NoAnswer(target.webSocketUri(), timeout);
        }
        finally
        {
            pending.compareAndSet(waiting, null);
        }
    }

    /** The socket cannot be trusted to answer in order any more: the next send opens another. */
    private void abandon(final String why)
    {
        if (listener.closedBecause == null)
        {
            listener.closedBecause = why;
            socket.abort();
        }
    }

    /** A message from the socket: {@code text}, or null for a binary message (never the gateway's answer). */
    private void onAnswer(final Listener from, final String text)
    {
        final Pending waiting = pending.get();
        if (waiting == null || from != listener)
        {
            return;
        }
        final GatewayAnswer answer = GatewayAnswer.parse(text);
        final String eventId = answer.string("event_id");
        // A nack for an envelope the gateway could not read carries no event id: it is still the answer to ours, and
        // so is a message that is no answer at all (another server's), counted as not an acknowledgement.
        if (eventId == null || eventId.equals(waiting.eventId))
        {
            waiting.answer.complete(answer);
        }
    }

    private void onClosed(final Listener from, final String why)
    {
        from.closedBecause = why;
        final Pending waiting = pending.get();
        if (waiting != null && from == listener)
        {
            waiting.answer.completeExceptionally(new IOException(why));
        }
    }

    @Override
    public String endpoint()
    {
        return target.webSocketUri().toString();
    }

    @Override
    public void close()
    {
        if (listener != null && listener.closedBecause == null)
        {
            try
            {
                // Completes once the close is sent, not answered (an endpoint that never answers it does not hold
                // the run); the sending waits no longer than a try's (before: a fixed 5 s whatever --timeout).
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "replay done").get(timeout.toNanos(),
                    TimeUnit.NANOSECONDS);
            }
            catch (final ExecutionException | TimeoutException ex)
            {
                socket.abort();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                socket.abort();
            }
        }
    }

    private static final class Pending
    {
        final String eventId;
        final CompletableFuture<GatewayAnswer> answer = new CompletableFuture<>();

        Pending(final String eventId)
        {
            this.eventId = eventId;
        }
    }

    /** One socket's events; those of a socket already replaced are ignored ({@code from != listener}). */
    private static final class Listener implements WebSocket.Listener
    {
        private final StringBuilder parts = new StringBuilder();
        private final WebSocketTransport owner;
        /** Why this socket is closed, or null while it is open. */
        volatile String closedBecause;

        Listener(final WebSocketTransport owner)
        {
            this.owner = owner;
        }

        @Override
        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            parts.append(data);
            if (last)
            {
                final String text = parts.toString();
                parts.setLength(0);
                owner.onAnswer(this, text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(final WebSocket webSocket, final ByteBuffer data, final boolean last)
        {
            // The gateway answers in text: a binary message is another server's, taken as the answer it is not.
            if (last)
            {
                owner.onAnswer(this, null);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
        {
            owner.onClosed(this, "closed by the gateway (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")");
            return null;
        }

        @Override
        public void onError(final WebSocket webSocket, final Throwable error)
        {
            owner.onClosed(this, String.valueOf(error.getMessage()));
        }
    }
}
