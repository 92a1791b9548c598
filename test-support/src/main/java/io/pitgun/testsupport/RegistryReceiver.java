package io.pitgun.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real run registry for the gateway's mirror ({@code RUN_REGISTRY_URL}): the JDK's HTTP server on a free loopback
 * port that records every request it sees (method, content type, body) and answers each with one fixed status.
 */
public final class RegistryReceiver implements AutoCloseable
{
    public static final String PATH = "/runs";

    /** One request as the receiver saw it. */
    public record Request(String method, String contentType, String body)
    {
    }

    private final HttpServer server;
    private final int status;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /** Starts a receiver that answers every request with {@code status}. */
    public RegistryReceiver(final int status) throws IOException
    {
        this.status = status;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(PATH, this::handle);
        server.start();
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try (InputStream in = exchange.getRequestBody())
        {
            final String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestHeaders().getFirst("Content-Type"),
                body));
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** The URL to give the gateway as {@code RUN_REGISTRY_URL}. */
    public String url()
    {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** Every request received so far, in arrival order. */
    public List<Request> requests()
    {
        return List.copyOf(requests);
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
