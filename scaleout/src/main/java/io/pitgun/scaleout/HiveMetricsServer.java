package io.pitgun.scaleout;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a hive's {@code GET /metrics} ({@link HiveMetrics}) over HTTP on one thread of its own
 * ({@code pitgun-hive-metrics}): a cold path, apart from the writer's thread, which it never touches. Requests are
 * served one at a time (the JDK server queues the rest in its accept backlog), so a busy scraper cannot add threads.
 */
public final class HiveMetricsServer implements AutoCloseable
{
    /** The path served. */
    public static final String PATH = "/metrics";

    private final HttpServer server;
    private final ExecutorService executor;

    private HiveMetricsServer(final HttpServer server, final ExecutorService executor)
    {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Serves {@code hive}'s counters on {@code bind} (port 0: a free port, see {@link #address()}).
     *
     * @throws UncheckedIOException if the address cannot be bound.
     */
    public static HiveMetricsServer start(final Hive hive, final InetSocketAddress bind)
    {
        final HttpServer server;
        try
        {
            server = HttpServer.create(bind, 16);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("hive metrics: cannot bind " + bind + ": " + ex.getMessage(), ex);
        }
        final ExecutorService executor = Executors.newSingleThreadExecutor(task ->
        {
            final Thread thread = new Thread(task, "pitgun-hive-metrics");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext(PATH, exchange -> serve(hive, exchange));
        server.start();
        return new HiveMetricsServer(server, executor);
    }

    /** The address bound (with the port taken when 0 was asked for). */
    public InetSocketAddress address()
    {
        return server.getAddress();
    }

    private static void serve(final Hive hive, final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod()))
            {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            if (!PATH.equals(exchange.getRequestURI().getPath()))
            {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            final byte[] body = HiveMetrics.render(hive).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", HiveMetrics.CONTENT_TYPE);
            if ("HEAD".equals(exchange.getRequestMethod()))
            {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }
    }

    /** Stops serving (requests under way get up to a second to finish) and ends its thread. */
    @Override
    public void close()
    {
        server.stop(1);
        executor.shutdownNow();
    }
}
