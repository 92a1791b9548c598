package io.pitgun.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client listener for tests: collects whole text messages (fragments joined) in {@link #texts}, pongs in
 * {@link #pongs}, and the close in {@link #closed} (the status code; -1 after an error) and {@link #closeReason}.
 * Made with {@code markClose}, it also puts a marker starting with {@link #CLOSED} into the text queue when the
 * connection ends, so that a reader blocked on the queue wakes instead of waiting out its timeout.
 */
public class WebSocketMessages implements WebSocket.Listener
{
    /** The start of the marker a {@code markClose} listener queues when the connection ends. */
    public static final String CLOSED = "<closed>";

    /** Whole text messages, in order of arrival. */
    public final BlockingQueue<String> texts;
    /** Pong payloads, in order of arrival. */
    public final BlockingQueue<ByteBuffer> pongs = new LinkedBlockingQueue<>();
    /** The close status code; -1 when the connection failed instead. */
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    /** The close reason, or {@code "error: ..."} when the connection failed. */
    public final CompletableFuture<String> closeReason = new CompletableFuture<>();
    private final boolean markClose;
    private final StringBuilder partial = new StringBuilder();

    /** Collects into a queue of its own; the end of the connection is not queued. */
    public WebSocketMessages()
    {
        this(new LinkedBlockingQueue<>(), false);
    }

    /**
     * Collects into {@code texts} (which a test may share between connections).
     *
     * @param markClose queue a {@link #CLOSED} marker when the connection ends.
     */
    public WebSocketMessages(final BlockingQueue<String> texts, final boolean markClose)
    {
        this.texts = texts;
        this.markClose = markClose;
    }

    /**
     * Opens a WebSocket to {@code uri} with {@code listener}, waiting at most {@code timeout} for the connection.
     *
     * @throws IOException naming the address when it did not open in time.
     */
    public static WebSocket connect(final HttpClient client, final URI uri, final WebSocket.Listener listener,
        final Duration timeout) throws IOException
    {
        try
        {
            return client.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, listener)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening WebSocket " + uri, ex);
        }
        catch (final Exception ex)
        {
            throw new IOException("WebSocket " + uri + " did not open: " + ex, ex);
        }
    }

    @Override
    public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
    {
        partial.append(data);
        if (last)
        {
            texts.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(final WebSocket webSocket, final ByteBuffer message)
    {
        pongs.add(message);
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
    {
        closed.complete(statusCode);
        closeReason.complete(reason);
        if (markClose)
        {
            texts.add(CLOSED + statusCode + " " + reason);
        }
        return null;
    }

    @Override
    public void onError(final WebSocket webSocket, final Throwable error)
    {
        closeReason.complete("error: " + error);
        closed.complete(-1);
        if (markClose)
        {
            texts.add(CLOSED + "error: " + error);
        }
    }
}
