package io.pitgun.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One plain TCP connection to the gateway, for inputs a standard HTTP client will not produce: a request that stops
 * half-way, or a connection kept open without sending anything. Every read waits at most {@link #READ_TIMEOUT_MS},
 * a bound for a hung gateway on a slow machine, never a speed expectation.
 */
final class RawHttpConnection implements AutoCloseable
{
    static final int READ_TIMEOUT_MS = 30_000;

    /** One parsed answer: status code, raw head and body text. */
    record Response(int status, String head, String body)
    {
        String header(final String name)
        {
            for (final String line : head.split("\r\n"))
            {
                final int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name))
                {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private final Socket socket;
    private final InputStream in;

    RawHttpConnection(final InetSocketAddress gateway) throws IOException
    {
        this(gateway, null);
    }

    /** Connects from {@code local}, another loopback address (127.0.0.2, ...) to act as another client. */
    RawHttpConnection(final InetSocketAddress gateway, final InetAddress local) throws IOException
    {
        socket = new Socket();
        if (local != null)
        {
            socket.bind(new InetSocketAddress(local, 0));
        }
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.getPort()), READ_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        in = socket.getInputStream();
    }

    /** Sends {@code text} (ISO-8859-1, as HTTP heads are) and flushes. */
    void send(final String text) throws IOException
    {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Reads one answer: the head up to the blank line, then exactly {@code Content-Length} body bytes. */
    Response readResponse() throws IOException
    {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        String headText = "";
        while (!headText.endsWith("\r\n\r\n"))
        {
            final int b = in.read();
            if (b < 0)
            {
                fail("the gateway closed the connection before a complete answer head: '" + headText + "'");
            }
            head.write(b);
            headText = head.toString(StandardCharsets.ISO_8859_1);
        }
        final String[] statusLine = headText.substring(0, headText.indexOf("\r\n")).split(" ", 3);
        assertTrue(statusLine.length >= 2 && statusLine[0].startsWith("HTTP/1."), "not an HTTP answer: " + headText);
        final Response partial = new Response(Integer.parseInt(statusLine[1]), headText, "");
        final String length = partial.header("Content-Length");
        assertTrue(length != null, "answer without Content-Length: " + headText);
        final byte[] body = in.readNBytes(Integer.parseInt(length));
        assertTrue(body.length == Integer.parseInt(length), "the body ended early: " + headText);
        return new Response(partial.status(), headText, new String(body, StandardCharsets.UTF_8));
    }

    /**
     * Waits until the gateway closes the connection, failing if it sends anything more or keeps it open past the
     * read timeout. A reset counts as closed: a server that closes with unread request bytes makes its kernel send
     * one.
     */
    void assertClosedByGateway() throws IOException
    {
        assertClosedByGateway(in);
    }

    /** As {@link #assertClosedByGateway()}, for the input of any connection to the gateway (a WebSocket's). */
    static void assertClosedByGateway(final InputStream in) throws IOException
    {
        try
        {
            final int b = in.read();
            assertTrue(b < 0, "expected the gateway to close the connection, but it sent byte " + b);
        }
        catch (final SocketTimeoutException ex)
        {
            fail("the gateway kept the connection open for " + READ_TIMEOUT_MS + " ms");
        }
        catch (final SocketException ex)
        {
            assertTrue(ex.getMessage() != null && ex.getMessage().toLowerCase(Locale.ROOT).contains("reset"),
                "unexpected socket failure: " + ex);
        }
    }

    /** Reads the connection's end (the gateway closed it cleanly); fails on anything else, a reset among them. */
    void assertEndOfStream() throws IOException
    {
        final int b = in.read();
        assertTrue(b < 0, "expected the end of the stream, but the gateway sent byte " + b);
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
