package io.pitgun.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * SQL over QuestDB's HTTP endpoint ({@code GET /exec?query=...}), at the address of an ILP client configuration
 * ({@code http::addr=host:9000;username=...;password=...;}): creates the sink's tables and reads its resume point.
 * Cold path (once per connection).
 */
public final class QuestDbHttp
{
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final String baseUrl;
    private final String authorization;

    /**
     * @param ilpConfiguration an ILP client configuration over HTTP(S): {@code http::addr=host:port;...}.
     * @throws IllegalArgumentException if it is not one (TCP ILP has no SQL endpoint to resume from).
     */
    public QuestDbHttp(final String ilpConfiguration)
    {
        final int schemaEnd = ilpConfiguration.indexOf("::");
        final String schema = schemaEnd < 0 ? "" : ilpConfiguration.substring(0, schemaEnd).toLowerCase(Locale.ROOT);
        if (!schema.equals("http") && !schema.equals("https"))
        {
            throw new IllegalArgumentException("output.questdb must be an ILP configuration over http or https " +
                "(http::addr=host:9000;), got '" + schema + "::'");
        }
        final Map<String, String> keys = keys(ilpConfiguration.substring(schemaEnd + 2));
        final String addr = keys.get("addr");
        if (addr == null || addr.isEmpty())
        {
            throw new IllegalArgumentException("output.questdb: addr=host:port is missing");
        }
        this.baseUrl = schema + "://" + (addr.contains(":") ? addr : addr + ":9000");
        if (keys.containsKey("token"))
        {
            authorization = "Bearer " + keys.get("token");
        }
        else if (keys.containsKey("username"))
        {
            authorization = "Basic " + Base64.getEncoder().encodeToString(
                (keys.get("username") + ":" + keys.getOrDefault("password", "")).getBytes(StandardCharsets.UTF_8));
        }
        else
        {
            authorization = null;
        }
    }

    /** The HTTP base URL, e.g. {@code http://127.0.0.1:9000}. */
    public String baseUrl()
    {
        return baseUrl;
    }

    /**
     * Runs one SQL statement and returns QuestDB's JSON answer ({@code columns}, {@code dataset}, or {@code ddl}).
     *
     * @throws IOException if QuestDB cannot be reached or answers with an error (its message included).
     */
    public JsonNode exec(final String sql) throws IOException
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/exec?query=" +
            URLEncoder.encode(sql, StandardCharsets.UTF_8))).timeout(TIMEOUT).GET();
        if (authorization != null)
        {
            request.header("Authorization", authorization);
        }
        final HttpResponse<String> response;
        try
        {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
        final JsonNode answer = response.body().isEmpty() ? mapper.createObjectNode() : mapper.readTree(response.body());
        if (response.statusCode() != 200 || answer.has("error"))
        {
            throw new IOException("QuestDB refused '" + sql + "': HTTP " + response.statusCode() + " " +
                answer.path("error").asText(response.body()));
        }
        return answer;
    }

    private static Map<String, String> keys(final String text)
    {
        final Map<String, String> keys = new HashMap<>();
        for (final String pair : text.split(";"))
        {
            final int eq = pair.indexOf('=');
            if (eq > 0)
            {
                keys.put(pair.substring(0, eq).trim().toLowerCase(Locale.ROOT), pair.substring(eq + 1).trim());
            }
        }
        return keys;
    }
}
