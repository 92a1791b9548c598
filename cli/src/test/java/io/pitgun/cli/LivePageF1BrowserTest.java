package io.pitgun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.replay.f1.F1UdpSimulator;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.HeadlessChromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live page (docs/live.md) in headless Chromium against a gateway fed as {@code pitgun demo --live} feeds it: the
 * F1 UDP simulator into the gateway's UDP source, with the built-in {@code f1-25-laps} manifest. The session is sent
 * 20 times faster than the game would, so laps finish in seconds: the charts draw points that move, the lap table
 * gains a row when a lap completes, and the comparison draws two laps and their delta against the held lap distance.
 * Saves a screenshot to {@code target/live-page-f1.png}.
 */
class LivePageF1BrowserTest
{
    private static final Duration SCRIPT = Duration.ofSeconds(20);
    /** Session time: the out-lap and three laps of about 85 s, and some of the next, so lap 3 is seen to finish. */
    private static final double SESSION_S = 4 * 90;
    private static final double SPEED = 20;

    @TempDir
    Path dataDir;

    private static JsonNode eval(final HeadlessChromium browser, final String script) throws Exception
    {
        return browser.evaluate(script, SCRIPT);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldChartTheGamesTelemetryAndFillTheLapTableAndCompareLaps() throws Exception
    {
        final Path chromium = HeadlessChromium.requireExecutable();
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        flags.put(GatewaySetting.BIND, "127.0.0.1:0");
        flags.put(GatewaySetting.DATA_DIR, dataDir.toString());
        flags.put(GatewaySetting.UDP_BIND, "127.0.0.1:0");
        // The page must not be dropped as a slow subscriber while it catches up with 20× the game's rate.
        flags.put(GatewaySetting.SUBSCRIBER_BUFFER_BYTES, String.valueOf(1 << 24));
        final GatewayServer server = GatewayServer.start(GatewayConfig.resolve(Map.of(), flags));
        final String base = "http://127.0.0.1:" + server.address().getPort();
        final AtomicBoolean stop = new AtomicBoolean();
        try (HeadlessChromium browser = HeadlessChromium.launch(chromium, base + "/live", 1400, 1500))
        {
            Await.until("the page is loaded and subscribed", () ->
                eval(browser, "typeof pitgunLive === 'object' && pitgunLive.status()").asText().equals("live"));
            final F1UdpSimulator simulator = new F1UdpSimulator(server.udpAddress().orElseThrow(), 2025, 1,
                SESSION_S, SPEED);
            final CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> simulator.run(stop::get));

            Await.until("the strip charts receive points", () -> eval(browser,
                "pitgunLive.charts().length > 0 && pitgunLive.charts()[0].points > 100").asBoolean());
            // The game's channels are charted by default: its Throttle and Brake, not only sim.v1's names.
            final JsonNode charted = eval(browser, "pitgunLive.charts().map(c => c.name)");
            assertTrue(charted.toString().contains("\"Speed\"") && charted.toString().contains("\"Throttle\""),
                charted.toString());
            // Every chart draws (the game sends speed, throttle and brake in one packet of four per tick: between
            // them the page holds the last value, so the line is not broken into isolated points).
            Await.until("every chart has values to draw in most of its points", () -> eval(browser,
                "pitgunLive.charts().every(c => c.points > 100 && c.drawn > 0.7 * c.points)").asBoolean());
            final double firstX = eval(browser, "pitgunLive.charts()[0].lastX").asDouble();
            Await.until("the charts' points move on", () ->
                eval(browser, "pitgunLive.charts()[0].lastX").asDouble() > firstX + 1.0);

            Await.until("the lap table has the first lap summary", Duration.ofSeconds(90), () ->
                eval(browser, "document.querySelectorAll('#laps tbody tr').length").asInt() >= 1);
            final int rows = eval(browser, "document.querySelectorAll('#laps tbody tr').length").asInt();
            Await.until("the lap table gains a row when the next lap completes", Duration.ofSeconds(90), () ->
                eval(browser, "document.querySelectorAll('#laps tbody tr').length").asInt() > rows);

            Await.until("the comparison view computes a delta of two laps", Duration.ofSeconds(90), () ->
                eval(browser, "pitgunLive.comparison().finalDeltaS !== null").asBoolean());
            final JsonNode comparison = eval(browser, "pitgunLive.comparison()");
            assertTrue(comparison.path("lapA").asInt() != comparison.path("lapB").asInt(), comparison.toString());
            assertTrue(comparison.path("points").asInt() > 100, "the delta trace has points: " + comparison);
            assertTrue(Math.abs(comparison.path("finalDeltaS").asDouble()) < 10,
                "two laps of the same driver within seconds: " + comparison);
            assertTrue(eval(browser, "document.querySelectorAll('#compare-chart canvas, #delta-chart canvas').length")
                .asInt() >= 2, "the comparison draws its overlay and its delta trace");
            assertTrue(sent.get(120, TimeUnit.SECONDS) > 0);

            final Path png = Path.of("target", "live-page-f1.png");
            Await.until("the page has drawn its last frame", () -> eval(browser,
                "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))").asBoolean());
            browser.screenshot(png);
            assertTrue(Files.size(png) > 10_000, "a screenshot with something on it: " + png.toAbsolutePath());
        }
        finally
        {
            stop.set(true);
            server.shutdown();
        }
    }
}
