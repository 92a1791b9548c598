package io.pitgun.perf.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET /ws} ingest: {@code --connections} WebSockets, sends spread round-robin, text envelopes or binary SBE
 * frames. The gateway numbers the messages of a connection from 0 and echoes the number in every ack/nack; answers
 * may come out of order (journaled mode), so each is matched to its intended send time by that number.
 */
final class WebSocketLoadgenTransport implements LoadgenTransport
{
    private final Connection[] connections;
    private final LoadgenPayloads payloads;
    private final LoadgenRecorder recorder;
    private final boolean binary;
    private final AtomicLong outstanding = new AtomicLong();

    WebSocketLoadgenTransport(final URI base, final int count, final long maxMessagesPerConnection,
        final boolean binary, final LoadgenPayloads payloads, final LoadgenRecorder recorder, final Duration timeout,
        final String authorization) throws Exception
    {
        this.payloads = payloads;
        this.recorder = recorder;
        this.binary = binary;
        this.connections = new Connection[count];
        final URI ws = URI.create((base.getScheme().equals("https") ? "wss" : "ws") + "://" + base.getRawAuthority() + "/ws");
        final HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        for (int i = 0; i < count; i++)
        {
            final Connection c = new Connection(maxMessagesPerConnection);
            final java.net.http.WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(timeout);
            if (authorization != null)
            {
                builder.header("Authorization", authorization);
            }
            c.socket = builder.buildAsync(ws, c)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            c.sending = CompletableFuture.completedFuture(c.socket);
            connections[i] = c;
        }
    }

    @Override
    public void send(final int connection, final long n, final long intendedNs)
    {
        final Connection c = connections[connection];
        final int number = c.nextNumber++;
        c.intendedNs[number] = intendedNs;
        outstanding.incrementAndGet();
        // A WebSocket takes one send at a time: chain each send behind the previous one of its connection.
        if (binary)
        {
            final ByteBuffer bytes = payloads.sbe(n);
            c.sending = c.sending.thenCompose(ws -> ws.sendBinary(bytes, true));
        }
        else
        {
            final String text = payloads.json(n);
            c.sending = c.sending.thenCompose(ws -> ws.sendText(text, true));
        }
        c.sending.exceptionally(error ->
        {
            recorder.failed("io " + LoadgenErrors.name(error));
            outstanding.decrementAndGet();
            return null;
        });
    }

    @Override
    public long outstanding()
    {
        return outstanding.get();
    }

    @Override
    public void close()
    {
        for (final Connection c : connections)
        {
            if (c != null && c.socket != null)
            {
                c.socket.abort();
            }
        }
    }

    /** Reads the integer after {@code "key":} in a flat JSON answer, or -1. */
    static long field(final CharSequence json, final String key)
    {
        final String needle = "\"" + key + "\":";
        final int at = json.toString().indexOf(needle);
        if (at < 0)
        {
            return -1;
        }
        long value = 0;
        int i = at + needle.length();
        boolean digits = false;
        while (i < json.length() && Character.isDigit(json.charAt(i)))
        {
            value = value * 10 + (json.charAt(i++) - '0');
            digits = true;
        }
        return digits ? value : -1;
    }

    private final class Connection implements WebSocket.Listener
    {
        final long[] intendedNs;
        final StringBuilder partial = new StringBuilder();
        int nextNumber;
        WebSocket socket;
        CompletableFuture<WebSocket> sending;

        Connection(final long maxMessages)
        {
            intendedNs = new long[(int)maxMessages];
        }

        @Override
        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            partial.append(data);
            if (last)
            {
                answer(partial);
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        private void answer(final CharSequence json)
        {
            final long number = field(json, "message_number");
            final long status = field(json, "http_status");
            if (number < 0 || number >= intendedNs.length)
            {
                recorder.failed("ws unmatched answer");
                return;
            }
            if (json.toString().contains("\"type\":\"ack\""))
            {
                recorder.accepted(intendedNs[(int)number]);
            }
            else
            {
                recorder.failed("ws nack " + status);
            }
            outstanding.decrementAndGet();
        }
    }
}
