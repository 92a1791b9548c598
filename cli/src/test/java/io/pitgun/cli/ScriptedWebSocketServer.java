package io.pitgun.cli;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback {@code /ws} endpoint that speaks just enough RFC 6455 to play a gateway that answers the way a test
 * needs (with something that is not an ack, or not at all, or never answers the close), which the real gateway never
 * does. Every connection is served by a thread of its own; {@link #close()} closes them all.
 */
final class ScriptedWebSocketServer implements AutoCloseable
{
    /** What the server answers the text message numbered {@code number} (from 0, over every connection). */
    interface Script
    {
        /** @return the frame to write back (see {@link #ack}, {@link #text}, {@link #binary}), or null for none. */
        byte[] answer(int number, String text);
    }

    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$");
    private static final Pattern EVENT_ID = Pattern.compile("\"event_id\"\\s*:\\s*\"([^\"]+)\"");

    private final ServerSocket server;
    private final Script script;
    private final boolean answersClose;
    private final int slowMessage;
    private final Duration slowFor;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger messages = new AtomicInteger();
    /** When the first close frame came; 0 until. */
    private final AtomicLong closeReceivedNanos = new AtomicLong();

    /**
     * @param script       the answer to each text message.
     * @param answersClose whether a close frame is answered with one (an endpoint that never answers it holds the
     *                     connection open instead).
     */
    ScriptedWebSocketServer(final Script script, final boolean answersClose) throws IOException
    {
        this(script, answersClose, -1, Duration.ZERO);
    }

    /**
     * @param slowMessage the message whose payload is read only {@code slowFor} after its frame header came (a
     *                    reader slow enough that the client's send blocks), or -1; every later byte is read on time.
     */
    ScriptedWebSocketServer(final Script script, final boolean answersClose, final int slowMessage,
        final Duration slowFor) throws IOException
    {
        this.script = script;
        this.answersClose = answersClose;
        this.slowMessage = slowMessage;
        this.slowFor = slowFor;
        server = new ServerSocket();
        // A small receive window, so that a big message waits in the client's send while this server does not read.
        server.setReceiveBufferSize(8 * 1024);
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        final Thread acceptor = new Thread(this::accept, "scripted-ws-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port()
    {
        return server.getLocalPort();
    }

    /** {@link System#nanoTime()} when the first close frame came, or 0. */
    long closeReceivedNanos()
    {
        return closeReceivedNanos.get();
    }

    /** The gateway's {@code ack} of the envelope {@code text} (its {@code event_id}), as the gateway writes it. */
    static byte[] ack(final String text)
    {
        final Matcher id = EVENT_ID.matcher(text);
        return text(id.find() ? "{\"type\":\"ack\",\"event_id\":\"" + id.group(1) + "\",\"http_status\":202," +
            "\"status\":\"accepted\",\"envelopes\":1,\"envelopes_accepted\":1,\"envelopes_duplicate\":0}" : "{}");
    }

    static byte[] text(final String text)
    {
        return frame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] binary(final byte[] data)
    {
        return frame(0x2, data);
    }

    /** An unmasked (server-to-client) frame, FIN set. */
    private static byte[] frame(final int opcode, final byte[] payload)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 10);
        out.write(0x80 | opcode);
        if (payload.length < 126)
        {
            out.write(payload.length);
        }
        else if (payload.length < 65536)
        {
            out.write(126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xff);
        }
        else
        {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8)
            {
                out.write((int)((long)payload.length >>> shift) & 0xff);
            }
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private void accept()
    {
        try
        {
            while (true)
            {
                final Socket socket = server.accept();
                connections.add(socket);
                final Thread serving = new Thread(() -> serve(socket), "scripted-ws");
                serving.setDaemon(true);
                serving.start();
            }
        }
        catch (final IOException closed)
        {
            // the test is over
        }
    }

    private void serve(final Socket socket)
    {
        boolean slowHere = false; // the slow message's pause is over once
        try (socket)
        {
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final OutputStream out = socket.getOutputStream();
            final Matcher key = KEY.matcher(readHeaders(in));
            if (!key.find())
            {
                return;
            }
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                "Sec-WebSocket-Accept: " + accept(key.group(1)) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final ByteArrayOutputStream message = new ByteArrayOutputStream();
            while (true)
            {
                final int first = in.read();
                if (first < 0)
                {
                    return;
                }
                final int opcode = first & 0x0f;
                final int second = in.readUnsignedByte();
                long length = second & 0x7f;
                if (length == 126)
                {
                    length = in.readUnsignedShort();
                }
                else if (length == 127)
                {
                    length = in.readLong();
                }
                if (opcode != 0x8 && message.size() == 0 && messages.get() == slowMessage && !slowHere)
                {
                    slowHere = true;
                    final long until = System.nanoTime() + slowFor.toNanos();
                    for (long left; (left = until - System.nanoTime()) > 0; )
                    {
                        LockSupport.parkNanos(left);
                    }
                }
                final byte[] mask = new byte[4];
                if ((second & 0x80) != 0)
                {
                    in.readFully(mask);
                }
                final byte[] payload = new byte[(int)length];
                in.readFully(payload);
                for (int i = 0; i < payload.length; i++)
                {
                    payload[i] ^= mask[i % 4];
                }
                if (opcode == 0x8)
                {
                    closeReceivedNanos.compareAndSet(0, System.nanoTime());
                    if (!answersClose)
                    {
                        continue; // held open, the close never answered
                    }
                    out.write(frame(0x8, payload));
                    out.flush();
                    return;
                }
                message.writeBytes(payload);
                if ((first & 0x80) != 0 && opcode != 0x9 && opcode != 0xA)
                {
                    final String text = message.toString(StandardCharsets.UTF_8);
                    message.reset();
                    final byte[] answer = script.answer(messages.getAndIncrement(), text);
                    if (answer != null)
                    {
                        out.write(answer);
                        out.flush();
                    }
                }
            }
        }
        catch (final IOException ended)
        {
            // the client went, or the test is over
        }
    }

    private static String readHeaders(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream headers = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4)
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IOException("closed during the upgrade");
            }
            headers.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return headers.toString(StandardCharsets.US_ASCII);
    }

    private static String accept(final String key)
    {
        try
        {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public void close() throws IOException
    {
        server.close();
        for (final Socket socket : connections)
        {
            socket.close();
        }
    }
}
