package io.pitgun.systemtests;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * One HTTP/1.1 answer read off a raw socket, for tests that write requests themselves (pipelined, malformed): its
 * status, the {@code reason} of its JSON body ({@code null} for a 202) and whether it says {@code Connection: close}.
 */
record RawHttpAnswer(int status, String reason, boolean close)
{
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads one answer with a {@code Content-Length} body from {@code in}, or returns null at a clean end of the
     * stream between answers; an end inside an answer, or a reset, is an {@link IOException}.
     */
    static RawHttpAnswer read(final InputStream in) throws IOException
    {
        final String statusLine = line(in);
        if (statusLine == null)
        {
            return null;
        }
        final int status = Integer.parseInt(statusLine.split(" ")[1]);
        int length = 0;
        boolean close = false;
        String header;
        while (!(header = line(in)).isEmpty())
        {
            final String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:"))
            {
                length = Integer.parseInt(lower.substring(15).trim());
            }
            else if (lower.startsWith("connection:") && lower.contains("close"))
            {
                close = true;
            }
        }
        final byte[] body = in.readNBytes(length);
        if (body.length < length)
        {
            throw new IOException("the stream ended in an answer's body");
        }
        final String reason = status == 202 ? null : JSON.readTree(body).path("reason").asText();
        return new RawHttpAnswer(status, reason, close);
    }

    private static String line(final InputStream in) throws IOException
    {
        final StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n')
        {
            if (b < 0)
            {
                if (line.length() == 0)
                {
                    return null;
                }
                throw new IOException("the stream ended in an answer's head");
            }
            if (b != '\r')
            {
                line.append((char)b);
            }
        }
        return line.toString();
    }
}
