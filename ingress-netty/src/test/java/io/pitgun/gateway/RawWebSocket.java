package io.pitgun.gateway;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A WebSocket client on a plain socket, for what a well-behaved client will not do: never read its acks, leave a
 * fragmented message unfinished. Frames are masked as RFC 6455 requires of clients (with a zero mask: the bytes
 * are the payload). Reads wait at most {@link RawHttpConnection#READ_TIMEOUT_MS}, a bound for a hung gateway.
 */
final class RawWebSocket implements AutoCloseable
{
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CONTINUATION = 0x0;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    static final int CLOSE = 0x8;

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    /**
     * Connects from {@code local} (any loopback address; null for the default) and upgrades {@code path}.
     *
     * @param receiveBufferBytes the socket's receive buffer, small for a client that never reads; 0 for default.
     */
    RawWebSocket(final InetSocketAddress gateway, final String path, final InetAddress local,
        final int receiveBufferBytes) throws IOException
    {
        this(connect(gateway, local, receiveBufferBytes), path);
    }

    private static Socket connect(final InetSocketAddress gateway, final InetAddress local,
        final int receiveBufferBytes) throws IOException
    {
        final Socket socket = new Socket();
        if (receiveBufferBytes > 0)
        {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        if (local != null)
        {
            socket.bind(new InetSocketAddress(local, 0));
        }
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.getPort()), RawHttpConnection.READ_TIMEOUT_MS);
        return socket;
    }

    /** Upgrades {@code path} over {@code connected}, a connected socket (a TLS one, say). */
    RawWebSocket(final Socket connected, final String path) throws IOException
    {
        this(connected, path, new byte[0]);
    }

    /**
     * Upgrades {@code path} over {@code connected}, sending {@code withUpgrade} (WebSocket frames, or part of one) in
     * the same write as the upgrade request, before its answer.
     */
    RawWebSocket(final Socket connected, final String path, final byte[] withUpgrade) throws IOException
    {
        this(connected, path, "websocket", withUpgrade);
    }

    /**
     * Upgrades {@code path} over {@code connected} asking for {@code Upgrade: upgrade} ({@code h2c, websocket}, say),
     * sending {@code withUpgrade} in the same write as the upgrade request.
     */
    RawWebSocket(final Socket connected, final String path, final String upgrade, final byte[] withUpgrade)
        throws IOException
    {
        this(connected, path, upgrade, withUpgrade, true);
    }

    /**
     * Sends the upgrade request for {@code path} over {@code connected} and reads nothing: a client whose 101 is
     * still unread (read it with {@link #awaitUpgrade}).
     */
    static RawWebSocket upgradeRequested(final Socket connected, final String path) throws IOException
    {
        return new RawWebSocket(connected, path, "websocket", new byte[0], false);
    }

    private RawWebSocket(final Socket connected, final String path, final String upgrade, final byte[] withUpgrade,
        final boolean awaitUpgrade) throws IOException
    {
        socket = connected;
        socket.setSoTimeout(RawHttpConnection.READ_TIMEOUT_MS);
        out = socket.getOutputStream();
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream())); // a frame's bytes: one read
        // The nonce is 16 bytes, as RFC 6455 4.1 requires (the gateway refuses another length).
        final String key = Base64.getEncoder().encodeToString("pitgun-raw-nonce".getBytes(StandardCharsets.US_ASCII));
        final ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: " + upgrade + "\r\n" +
            "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(withUpgrade);
        out.write(request.toByteArray());
        out.flush();
        if (awaitUpgrade)
        {
            awaitUpgrade();
        }
    }

    /** Reads the answer to the upgrade request, failing unless it is 101. */
    void awaitUpgrade() throws IOException
    {
        final String head = readHead();
        assertTrue(head.startsWith("HTTP/1.1 101"), "no upgrade: " + head);
    }

    /** One frame: {@code opcode} with FIN set or not, the payload masked with a zero key. */
    static byte[] frame(final int opcode, final boolean fin, final byte[] payload)
    {
        final ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126)
        {
            frame.write(0x80 | payload.length);
        }
        else if (payload.length < 65_536)
        {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        }
        else
        {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8)
            {
                frame.write((int)((long)payload.length >>> shift) & 0xFF);
            }
        }
        frame.writeBytes(new byte[4]); // mask key 0: x XOR 0 = x
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    /** Writes raw bytes (blocks while the gateway does not read: call from a thread of its own if it may not). */
    void send(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
    }

    /** Reads the next frame from the gateway: its opcode and payload. */
    Frame read() throws IOException
    {
        final int b0 = in.readUnsignedByte();
        final int b1 = in.readUnsignedByte();
        long length = b1 & 0x7F;
        if (length == 126)
        {
            length = in.readUnsignedShort();
        }
        else if (length == 127)
        {
            length = in.readLong();
        }
        final byte[] payload = new byte[(int)length];
        in.readFully(payload);
        return new Frame(b0 & 0x0F, payload);
    }

    /** Waits until the gateway closes the connection, failing if it sends anything more first. */
    void assertClosedByGateway() throws IOException
    {
        RawHttpConnection.assertClosedByGateway(in);
    }

    /**
     * Waits until the gateway ends the connection with a FIN, failing if it sends anything more first; a reset is
     * the {@link java.net.SocketException} it is (unlike {@link #assertClosedByGateway}, which takes either).
     */
    void assertEndedWithoutReset() throws IOException
    {
        assertEquals(-1, in.read(), "expected the end of the connection, not more bytes");
    }

    /** A close frame's payload: {@code code} in two bytes, then {@code reason}'s bytes. */
    static byte[] closePayload(final int code, final byte[] reason)
    {
        final byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte)(code >>> 8);
        payload[1] = (byte)code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return payload;
    }

    /** One frame read. */
    record Frame(int opcode, byte[] payload)
    {
        boolean isClose()
        {
            return opcode == CLOSE;
        }

        /** The close code of a close frame. */
        int closeCode()
        {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }

        String text()
        {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** A close frame's reason text (after its two-byte code); empty without one. */
        String closeReason()
        {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private String readHead() throws IOException
    {
        final InputStream raw = in;
        final StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n"))
        {
            final int b = raw.read();
            if (b < 0)
            {
                fail("the gateway closed the connection during the upgrade: '" + head + "'");
            }
            head.append((char)b);
        }
        return head.toString();
    }

    /** Ends the connection with a reset (RST), not a FIN: a client killed, or one whose network failed. */
    void reset() throws IOException
    {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
