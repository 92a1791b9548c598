package io.pitgun.systemtests;

import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway at its file-descriptor limit: started under {@code prlimit --nofile=1024} (below the default
 * {@code MAX_CONNECTIONS} of 2048), it warns once at start; started again under a limit a few descriptors above what
 * the first held, connections past them fail to be accepted, and each failed accept is counted
 * ({@code accept_fd_limit}), logged at the overload log's rate, and reported by {@code /health}
 * ({@code accept_failing}) to a client that kept its connection; once descriptors are free again, new clients are
 * served and {@code /health} is ok. Before, the failures were counted nowhere, logged as Netty's two WARN lines a
 * second ("reached at the tail of the pipeline"), {@code /health} said ok, and nothing was said at start.
 */
class GatewayFdLimitProcessTest
{
    private static final int START_LIMIT = 1024;
    /** Descriptors left free above what a gateway held once it had answered: the second runs under that limit. */
    private static final int FREE = 16;
    private static final int CLIENTS = 60;

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void shouldCountLogAndReportAcceptsFailingAtTheFileDescriptorLimitAndRecover() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final long held;
        try (GatewayProcess probe = startUnder(dataDir, START_LIMIT); Socket connection = connect(probe))
        {
            assertEquals(1, occurrences(probe.stderrText(), warning(START_LIMIT)), probe.logs());
            // What a gateway holds once it has answered: its jars are opened as their classes are first loaded.
            get(connection, probe.port(), "/health");
            get(connection, probe.port(), "/metrics");
            held = openDescriptors(probe.pid());
            assertEquals(0, probe.terminate(Duration.ofSeconds(30)), probe.logs());
        }
        final long limit = held + FREE;
        try (GatewayProcess gateway = startUnder(dataDir, limit); Socket watcher = connect(gateway))
        {
            assertEquals(1, occurrences(gateway.stderrText(), warning(limit)), gateway.logs());
            // Kept open across the limit: the only way to ask the gateway anything while it accepts nothing.
            assertTrue(get(watcher, gateway.port(), "/health").startsWith("HTTP/1.1 200"), gateway.logs());
            final String series = "pitgun_gateway_rejections_total{reason=\"accept_fd_limit\"}";
            assertEquals(0.0, metric(watcher, gateway.port(), series), gateway.logs());

            final List<Socket> clients = new ArrayList<>();
            try
            {
                for (int i = 0; i < CLIENTS; i++)
                {
                    final Socket client = new Socket();
                    clients.add(client);
                    client.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5_000); // the backlog takes it
                }
                // One failed attempt a pause (1 s): three show it goes on, counted each time, logged once.
                Await.until("three accepts failed at the fd limit",
                    () -> metric(watcher, gateway.port(), series) >= 3);
                final String health = get(watcher, gateway.port(), "/health");
                assertTrue(health.startsWith("HTTP/1.1 503") && health.contains("\"accept_failing\""), health);
                final String log = gateway.stderrText();
                assertFalse(log.contains("reached at the tail of the pipeline"), log);
                final long lines = occurrences(log, "overload (accept_fd_limit)");
                assertTrue(lines >= 1 && lines <= 2, lines + " lines\n" + log);
                assertTrue(log.contains("Too many open files"), log);
            }
            finally
            {
                for (final Socket client : clients)
                {
                    client.close();
                }
            }
            // Descriptors free again: accepted, and ok once the failures are ACCEPT_FAILING_HEALTH_MS (10 s) behind.
            Await.until("a new client is served and /health is ok", () ->
            {
                try (Socket fresh = connect(gateway))
                {
                    return get(fresh, gateway.port(), "/health").startsWith("HTTP/1.1 200");
                }
            });
            assertEquals(0, gateway.terminate(Duration.ofSeconds(30)), gateway.logs());
        }
    }

    private static GatewayProcess startUnder(final Path dataDir, final long fdLimit)
        throws IOException, InterruptedException
    {
        return GatewayProcess.startUnder(List.of("prlimit", "--nofile=" + fdLimit + ":" + fdLimit, "--"), dataDir,
            "127.0.0.1:0", List.of(), Map.of());
    }

    private static String warning(final long fdLimit)
    {
        return "file-descriptor limit (RLIMIT_NOFILE, ulimit -n) is " + fdLimit + ",";
    }

    private static Socket connect(final GatewayProcess gateway) throws IOException
    {
        final Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5_000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static long occurrences(final String text, final String what)
    {
        long count = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1))
        {
            count++;
        }
        return count;
    }

    private static long openDescriptors(final long pid) throws IOException
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd")))
        {
            return fds.count();
        }
    }

    private static double metric(final Socket connection, final int port, final String series) throws IOException
    {
        for (final String line : get(connection, port, "/metrics").split("\n"))
        {
            if (line.startsWith(series + " "))
            {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return Double.NaN;
    }

    /** One keep-alive GET on {@code connection}: the whole answer, head and body (its Content-Length). */
    private static String get(final Socket connection, final int port, final String path) throws IOException
    {
        final OutputStream out = connection.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        final InputStream in = connection.getInputStream();
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n"))
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IOException("closed after " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        final String headText = head.toString(StandardCharsets.ISO_8859_1);
        int length = -1;
        for (final String line : headText.split("\r\n"))
        {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
            {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        if (length < 0)
        {
            throw new IOException("no Content-Length: " + headText);
        }
        return headText + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
