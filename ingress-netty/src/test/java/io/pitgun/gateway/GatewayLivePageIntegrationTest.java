package io.pitgun.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live page's files as the gateway serves them (docs/live.md): paths, content types, caching, and that nothing
 * in them points outside the gateway. What the page does is {@code LivePageBrowserTest}'s (module cli).
 */
class GatewayLivePageIntegrationTest
{
    /**
     * A URL with a scheme and a host, or scheme-relative with a host: what would make the browser leave the gateway.
     * A bare scheme ({@code 'ws://' + location.host}, the page's own WebSocket) names no host.
     */
    private static final Pattern EXTERNAL = Pattern.compile("(?i)\\b(?:https?|wss?|ftp)://[\\w\\[]|(?<![:/\\w])//[a-z0-9-]+\\.[a-z0-9.-]+/");
    private static final Pattern REFERENCE = Pattern.compile("(?:src|href)=\"([^\"]*)\"");

    @TempDir
    Path dataDir;

    private static HttpResponse<String> get(final GatewayHarness gateway, final String path, final String... headers)
        throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2)
        {
            request.header(headers[i], headers[i + 1]);
        }
        return gateway.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeThePageAtLiveAndToBrowsersAtRootWithItsContentTypeAndAPolicyOfSelfOnly() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final HttpResponse<String> page = get(gateway, "/live");
            assertEquals(200, page.statusCode());
            assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type").orElse(""));
            assertEquals("no-cache", page.headers().firstValue("cache-control").orElse(""));
            assertEquals("nosniff", page.headers().firstValue("x-content-type-options").orElse(""));
            final String policy = page.headers().firstValue("content-security-policy").orElse("");
            assertTrue(policy.contains("default-src 'none'") && policy.contains("connect-src 'self'") &&
                policy.contains("script-src 'self'"), policy);
            assertTrue(page.body().contains("<title>Pitgun live</title>"), page.body());

            // A browser asking for / gets the page; a tool keeps getting the JSON list of endpoints.
            final HttpResponse<String> browser = get(gateway, "/", "Accept",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
            assertEquals(page.body(), browser.body());
            final HttpResponse<String> tool = get(gateway, "/");
            assertEquals("application/json", tool.headers().firstValue("content-type").orElse(""));
            assertTrue(tool.body().contains("\"path\":\"/live\""), tool.body());

            assertEquals("text/javascript; charset=utf-8",
                get(gateway, "/live/live.js").headers().firstValue("content-type").orElse(""));
            assertEquals("text/css; charset=utf-8",
                get(gateway, "/live/live.css").headers().firstValue("content-type").orElse(""));
            assertEquals(404, get(gateway, "/live/missing.js").statusCode());
            assertEquals(404, get(gateway, "/live/../solver/index.html").statusCode());
            // Counted under an endpoint of their own: /live, / from a browser, the script and the style.
            assertEquals(4, gateway.metric("pitgun_gateway_responses_total{endpoint=\"live\",status=\"200\"}"));
        }
    }

    /**
     * What {@code /} serves follows {@code Accept} as RFC 9110 12.5.1 reads it: a range's quality counts, {@code q=0}
     * is "not acceptable", media types match in any case; and both answers say {@code Vary: Accept}, so a cache
     * never hands a browser the JSON list or a tool the page. Before, any {@code Accept} containing
     * {@code text/html} got the page (also with {@code q=0}, or ranked below JSON), {@code TEXT/HTML} did not, and
     * neither answer named Accept in {@code Vary}.
     */
    @Test
    void shouldChooseWhatRootServesByTheQualityOfEachMediaRangeInAnyCaseAndVaryOnAccept() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            assertServesAtRoot(gateway, "text/html", "text/html; charset=utf-8");
            assertServesAtRoot(gateway, "TEXT/HTML", "text/html; charset=utf-8");
            assertServesAtRoot(gateway, "text/html, */*", "text/html; charset=utf-8");
            assertServesAtRoot(gateway, "text/*;q=0.9, application/json;q=0.5", "text/html; charset=utf-8");
            assertServesAtRoot(gateway, "text/html;q=0, */*", "application/json");
            assertServesAtRoot(gateway, "text/html;Q=0", "application/json");
            assertServesAtRoot(gateway, "application/json, text/html;q=0.5", "application/json");
            assertServesAtRoot(gateway, "*/*", "application/json");
            assertServesAtRoot(gateway, null, "application/json");
        }
    }

    private static void assertServesAtRoot(final GatewayHarness gateway, final String accept,
        final String contentType) throws Exception
    {
        final HttpResponse<String> answer = accept == null ? get(gateway, "/") : get(gateway, "/", "Accept", accept);
        assertEquals(200, answer.statusCode());
        assertEquals(contentType, answer.headers().firstValue("content-type").orElse(""), "Accept: " + accept);
        assertEquals("Accept", answer.headers().firstValue("vary").orElse(""), "Accept: " + accept);
    }

    @Test
    void shouldRevalidateThePageAndCacheUplotByItsVersionedPathForAYear() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final String version = gateway.server.livePage().uplotVersion();
            assertNotEquals("missing", version, "uPlot's WebJar is on the class path");
            final String uplot = "/live/uplot-" + version + "/uPlot.iife.min.js";
            final HttpResponse<String> page = get(gateway, "/live");
            assertTrue(page.body().contains("src=\"" + uplot + "\""), page.body());

            final HttpResponse<String> script = get(gateway, uplot);
            assertEquals(200, script.statusCode());
            assertEquals("text/javascript; charset=utf-8", script.headers().firstValue("content-type").orElse(""));
            assertEquals("public, max-age=31536000, immutable", script.headers().firstValue("cache-control").orElse(""));
            assertTrue(script.body().contains("uPlot"), "uPlot itself");
            assertEquals(200, get(gateway, "/live/uplot-" + version + "/uPlot.min.css").statusCode());
            // Only the two files the page uses, and only the version on the class path.
            assertEquals(404, get(gateway, "/live/uplot-" + version + "/package.json").statusCode());
            assertEquals(404, get(gateway, "/live/uplot-0.0.1/uPlot.iife.min.js").statusCode());

            final String etag = page.headers().firstValue("etag").orElseThrow();
            final HttpResponse<String> unchanged = get(gateway, "/live", "If-None-Match", etag);
            assertEquals(304, unchanged.statusCode());
            assertEquals("", unchanged.body());
            assertEquals(200, get(gateway, "/live", "If-None-Match", "\"other\"").statusCode());
            // RFC 9110 13.1.2: "*" matches any current representation (it was answered 200, the whole file).
            assertEquals(304, get(gateway, "/live/live.js", "If-None-Match", "*").statusCode());
        }
    }

    @Test
    void shouldLoadNothingFromOutsideTheGateway() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final String html = get(gateway, "/live").body();
            final List<String> files = new ArrayList<>();
            final Matcher reference = REFERENCE.matcher(html);
            while (reference.find())
            {
                files.add(reference.group(1));
            }
            assertEquals(4, files.size(), "uPlot's script and style, the page's script and style: " + files);
            assertNoExternalUrl("/live", html);
            for (final String file : files)
            {
                assertTrue(file.startsWith("/") && !file.startsWith("//"), "a path on the gateway: " + file);
                final HttpResponse<String> response = get(gateway, file);
                assertEquals(200, response.statusCode(), file);
                // uPlot's banner comment names its repository; it is a comment, not a request.
                assertNoExternalUrl(file, response.body().replaceFirst("^/\\*!.*?\\*/", ""));
            }
        }
    }

    private static void assertNoExternalUrl(final String file, final String text)
    {
        final Matcher external = EXTERNAL.matcher(text);
        assertFalse(external.find(), () -> file + " names a URL outside the gateway: ..." +
            text.substring(Math.max(0, external.start() - 60), Math.min(text.length(), external.end() + 60)) + "...");
    }

    @Test
    void shouldServeThePageWithoutATokenWhenTokensAreOn() throws Exception
    {
        final Path tokens = dataDir.resolve("tokens.json");
        TokenFile.add(tokens, "viewer", java.util.EnumSet.of(Capability.SUBSCRIBE), 0);
        try (GatewayHarness gateway = new GatewayHarness(dataDir.resolve("data"),
            Map.of(GatewaySetting.TOKENS_FILE, tokens.toString())))
        {
            // The page and its files are public, as /solver/ is; the data needs the token (the page sends it as a
            // WebSocket subprotocol, GatewayTokensIntegrationTest and LivePageBrowserTest).
            assertEquals(200, get(gateway, "/live").statusCode());
            assertEquals(200, get(gateway, "/live/live.js").statusCode());
            assertEquals(401, get(gateway, "/metrics").statusCode(), "while the data endpoints need their token");
        }
    }
}
