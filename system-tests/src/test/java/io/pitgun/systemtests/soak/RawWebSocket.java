package io.pitgun.systemtests.soak;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain {@link Socket} that does only what a hostile client does: the upgrade handshake,
 * then masked frames of its choosing (RFC 6455 §5.2), complete or not. It reads nothing after the handshake unless
 * asked to wait for the gateway to close it.
 */
final class RawWebSocket implements AutoCloseable
{
    static final int OP_TEXT = 0x1;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RawWebSocket(final Socket socket) throws IOException
    {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    /** Connects and upgrades {@code /ws}; fails unless the gateway answers 101. */
    static RawWebSocket connect(final int port) throws IOException
    {
        final Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(20_000);
        final RawWebSocket ws = new RawWebSocket(socket);
        final byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        ws.out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n" +
            "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) +
            "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        final String head = ws.readHead();
        if (!head.startsWith("HTTP/1.1 101"))
        {
            socket.close();
            throw new IOException("upgrade refused: " + head);
        }
        return ws;
    }

    private String readHead() throws IOException
    {
        // Byte by byte up to the blank line, so not one byte of the WebSocket stream is read.
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4)
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IOException("closed during the handshake: " + head);
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ?
                matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** Writes one masked frame whose header announces {@code announcedLength} payload bytes, and {@code payload}. */
    void writeFrame(final boolean fin, final int opcode, final byte[] payload, final long announcedLength)
        throws IOException
    {
        out.write(frame(fin, opcode, payload, announcedLength));
        out.flush();
    }

    /** One masked frame as bytes, for clients that write many at once. */
    static byte[] frame(final boolean fin, final int opcode, final byte[] payload, final long announcedLength)
    {
        final ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        if (announcedLength < 126)
        {
            frame.write(0x80 | (int)announcedLength);
        }
        else if (announcedLength <= 0xFFFF)
        {
            frame.write(0x80 | 126);
            frame.write((int)(announcedLength >>> 8));
            frame.write((int)announcedLength);
        }
        else
        {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8)
            {
                frame.write((int)(announcedLength >>> shift));
            }
        }
        final byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++)
        {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        return frame.toByteArray();
    }

    /** Writes bytes as they are. */
    void write(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
    }

    /**
     * Reads (and discards) until the gateway closes the connection or {@code timeoutMs} passes.
     *
     * @return true when the gateway closed it (end of stream or reset).
     */
    boolean awaitClosedByPeer(final long timeoutMs) throws IOException
    {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        final byte[] sink = new byte[8192];
        while (System.nanoTime() - deadline < 0)
        {
            socket.setSoTimeout((int)Math.max(1, Math.min(1_000, (deadline - System.nanoTime()) / 1_000_000)));
            try
            {
                if (in.read(sink) < 0)
                {
                    return true;
                }
            }
            catch (final SocketTimeoutException ex)
            {
                // keep waiting until the deadline
            }
            catch (final IOException ex)
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
