package io.pitgun.replay;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** {@code POST /beacon} with one envelope per request, over one kept-alive HTTP/1.1 connection. */
public final class HttpBeaconTransport implements EnvelopeTransport
{
    private final HttpClient client;
    private final ReplayTarget target;
    private final String authorization;
    /** How long a request waits for its connection, and then for its answer. */
    private final Duration timeout;

    public HttpBeaconTransport(final ReplayTarget target)
    {
        this(target, null);
    }

    /** With {@code token} ({@code ID.SECRET}) sent as {@code Authorization: Bearer} on every request, or none. */
    public HttpBeaconTransport(final ReplayTarget target, final String token)
    {
        this(target, token, Duration.ofSeconds(ReplayOptions.DEFAULT_TIMEOUT_S));
    }

    /**
     * With {@code token} ({@code ID.SECRET}) sent as {@code Authorization: Bearer}, or none. A request waits
     * {@code timeout} for its connection (then throws a {@link ConnectException}, as for a refused one) and
     * {@code timeout} for its answer (then throws {@link HttpTimeoutException}).
     */
    public HttpBeaconTransport(final ReplayTarget target, final String token, final Duration timeout)
    {
        this.target = target;
        this.timeout = timeout;
        this.authorization = token == null ? null : "Bearer " + token;
        this.client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
    }

    @Override
    public SendOutcome send(final String eventId, final String json) throws IOException, InterruptedException
    {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(target.beaconUri())
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (authorization != null)
        {
            builder.header("Authorization", authorization);
        }
        final HttpRequest request = builder.build();
        final long start = System.nanoTime();
        final HttpResponse<String> response;
        try
        {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
        catch (final HttpConnectTimeoutException ex)
        {
            // Not the answer's timeout (an HttpTimeoutException too): no connection, as if refused.
            throw new ConnectFailure.TimedOut("connect to " + target.beaconUri(), timeout);
        }
        catch (final HttpTimeoutException ex)
        {
            throw new ConnectFailure.NoAnswer(target.beaconUri(), timeout);
        }
        catch (final ConnectException ex)
        {
            throw new ConnectException("cannot connect to " + target.beaconUri() + " (" + ConnectFailure.HINT + ")");
        }
        return outcome(response, System.nanoTime() - start);
    }

    /**
     * The gateway's HTTP answer as the outcome of a send: its status, its body read by {@link GatewayAnswer}, the
     * wait {@code Retry-After} asks for (else the body's {@code retry_after_s}). Also a WebSocket upgrade's refusal.
     */
    static SendOutcome outcome(final HttpResponse<?> response, final long latencyNanos)
    {
        final GatewayAnswer answer = GatewayAnswer.parse(response.body() instanceof String text ? text : null);
        final long retryAfter = retryAfterNanos(response.headers().firstValue("Retry-After"));
        return answer.outcome(response.statusCode(), retryAfter >= 0 ? retryAfter : answer.retryAfterNanos(),
            latencyNanos);
    }

    /** {@code Retry-After} is either seconds or an HTTP date; -1 when absent or unreadable. */
    static long retryAfterNanos(final Optional<String> header)
    {
        if (header.isEmpty())
        {
            return -1;
        }
        final String value = header.get().trim();
        try
        {
            return Math.max(0, Long.parseLong(value)) * 1_000_000_000L;
        }
        catch (final NumberFormatException notSeconds)
        {
            try
            {
                final ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(ZonedDateTime.now(when.getZone()), when).toNanos());
            }
            catch (final DateTimeParseException notADate)
            {
                return -1;
            }
        }
    }

    @Override
    public String endpoint()
    {
        return target.beaconUri().toString();
    }

    @Override
    public void close()
    {
        // HttpClient on JDK 17 has no close(); its connections go with it.
    }
}
