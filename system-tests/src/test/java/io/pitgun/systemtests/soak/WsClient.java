package io.pitgun.systemtests.soak;

import io.pitgun.testsupport.WebSocketMessages;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket ingest connection used one message at a time: send, then wait (bounded) for its ack or nack, matched
 * by {@code message_number}. Counts its own message numbers as the gateway does (from 0, every data message).
 */
public final class WsClient implements AutoCloseable
{
    /** How long an answer may take: longer than the gateway's journaled-ack timeout. */
    public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final WebSocket webSocket;
    private final WebSocketMessages listener;
    private long nextMessageNumber;

    private WsClient(final WebSocket webSocket, final WebSocketMessages listener)
    {
        this.webSocket = webSocket;
        this.listener = listener;
    }

    /** Opens {@code uri} within 20 s. */
    public static WsClient open(final HttpClient client, final URI uri) throws IOException
    {
        final WebSocketMessages listener = new WebSocketMessages(new LinkedBlockingQueue<>(), true);
        return new WsClient(WebSocketMessages.connect(client, uri, listener, Duration.ofSeconds(20)), listener);
    }

    /** Sends a text message and returns its answer. */
    public WsAnswer sendText(final String text) throws IOException
    {
        return answer(webSocket.sendText(text, true));
    }

    /** Sends a binary message and returns its answer. */
    public WsAnswer sendBinary(final byte[] bytes, final int offset, final int length) throws IOException
    {
        return answer(webSocket.sendBinary(ByteBuffer.wrap(bytes, offset, length), true));
    }

    private WsAnswer answer(final CompletableFuture<WebSocket> sent) throws IOException
    {
        final long number = nextMessageNumber++;
        try
        {
            sent.get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            final long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
            while (true)
            {
                final String text = listener.texts.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (text == null)
                {
                    throw new IOException(listener.closed.isDone() ? "closed by the gateway: " + closeStatus() :
                        "no answer to message " + number + " within " + ANSWER_TIMEOUT);
                }
                if (text.startsWith(WebSocketMessages.CLOSED))
                {
                    throw new IOException("closed by the gateway: " + closeStatus());
                }
                final WsAnswer answer = WsAnswer.parse(text);
                if (answer.messageNumber() == number)
                {
                    return answer;
                }
                if (answer.messageNumber() > number || answer.messageNumber() < 0)
                {
                    throw new IOException("answer for message " + answer.messageNumber() + " while waiting for " +
                        number + ": " + text);
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
        catch (final IOException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IOException("message " + number + " failed: " + ex, ex);
        }
    }

    private String closeStatus()
    {
        return listener.closed.join() + " " + listener.closeReason.join();
    }

    /** Whether the gateway closed the connection. */
    public boolean isClosed()
    {
        return listener.closed.isDone();
    }

    /** Closes normally without waiting for the gateway's close (abort after a bounded wait). */
    @Override
    public void close()
    {
        try
        {
            webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            // already closed or broken: abort below
        }
        webSocket.abort();
    }
}
