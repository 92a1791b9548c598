package io.pitgun.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import javax.net.ssl.SSLContext;

/**
 * HTTP to a real gateway on a loopback port, the part both gateway harnesses share: ingress-netty's in-process
 * {@code GatewayHarness} and system-tests' child-JVM {@code GatewayProcess}. Every request is answered within
 * {@link #REQUEST_TIMEOUT} or fails.
 */
public final class GatewayClient
{
    /** How long a request may take. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient client;
    private final int port;
    private final boolean tls;

    /** A client of the gateway listening on {@code 127.0.0.1:port}. */
    public GatewayClient(final int port)
    {
        this.port = port;
        this.tls = false;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * A client of the gateway serving TLS on {@code 127.0.0.1:port} ({@code https}, {@code wss}) that trusts what
     * {@code trust} trusts and verifies the host name (the certificate must name {@code 127.0.0.1}).
     */
    public GatewayClient(final int port, final SSLContext trust)
    {
        this.port = port;
        this.tls = true;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(trust).build();
    }

    /** The JDK client underneath, for requests the methods here do not make. */
    public HttpClient httpClient()
    {
        return client;
    }

    /** {@code http://127.0.0.1:PORT} (or {@code https}) + {@code path}. */
    public URI uri(final String path)
    {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port + path);
    }

    /** {@code ws://127.0.0.1:PORT} (or {@code wss}) + {@code path}. */
    public URI wsUri(final String path)
    {
        return URI.create((tls ? "wss" : "ws") + "://127.0.0.1:" + port + path);
    }

    /** A plain {@code GET}. */
    public HttpResponse<String> get(final String path) throws IOException, InterruptedException
    {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** A {@code POST} of {@code body} as {@code contentType}. */
    public HttpResponse<String> post(final String path, final String contentType, final String body)
        throws IOException, InterruptedException
    {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT)
            .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST /beacon} with a JSON body. */
    public HttpResponse<String> beacon(final String body) throws IOException, InterruptedException
    {
        return post("/beacon", "application/json", body);
    }

    /**
     * The value of one series of {@code GET /metrics}, e.g. {@code pitgun_gateway_rejections_total{reason="ring_full"}}
     * (labels exactly as the gateway writes them), or {@code NaN} when the gateway does not write it.
     *
     * @throws AssertionError if {@code /metrics} does not answer 200.
     */
    public double metricOrNaN(final String series) throws IOException, InterruptedException
    {
        final HttpResponse<String> response = get("/metrics");
        if (response.statusCode() != 200)
        {
            throw new AssertionError("GET /metrics answered " + response.statusCode() + ": " + response.body());
        }
        for (final String line : response.body().split("\n"))
        {
            if (line.startsWith(series + " "))
            {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return Double.NaN;
    }
}
