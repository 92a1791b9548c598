package io.pitgun.solver.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Serves one directory read-only on loopback, on an ephemeral port, with the content types a browser needs. */
final class StaticFileServer implements AutoCloseable
{
    private static final Map<String, String> CONTENT_TYPES = Map.of(
        "html", "text/html; charset=utf-8",
        "js", "text/javascript; charset=utf-8",
        "json", "application/json",
        "wasm", "application/wasm");

    private final HttpServer server;
    private final Path root;

    StaticFileServer(final Path root) throws IOException
    {
        this.root = root.toAbsolutePath().normalize();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The URL of {@code relativePath} under the served directory. */
    String url(final String relativePath)
    {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + relativePath;
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            final Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!"GET".equals(exchange.getRequestMethod()) || !file.startsWith(root) || !Files.isRegularFile(file))
            {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            final String name = file.getFileName().toString();
            final String extension = name.substring(name.lastIndexOf('.') + 1);
            exchange.getResponseHeaders().set(
                "Content-Type", CONTENT_TYPES.getOrDefault(extension, "application/octet-stream"));
            final byte[] body = Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
