package io.pitgun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.replay.f1.F1SessionPackets;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live page (docs/live.md) in headless Chromium against a gateway fed as {@code pitgun demo --live} feeds it: the
 * F1 UDP simulator into the gateway's UDP source, with the built-in {@code f1-25-laps} manifest. The session is sent
 * 20 times faster than the game would, so laps finish in seconds: the charts draw points that move, the lap table
 * gains a row when a lap completes, and the comparison draws two laps and their delta against the held lap distance.
 * The game numbers laps from 1 and flags the out-lap and invalid laps in its lap data: those are marked in the table,
 * and are never the best lap or in the automatic comparison. Saves a screenshot to {@code target/live-page-f1.png}.
 */
class LivePageF1BrowserTest
{
    private static final Duration SCRIPT = Duration.ofSeconds(20);
    /**
     * Session time: the out-lap (400 m) and three flying laps of about 85 s, and some of the next, so lap 4 is seen
     * to finish.
     */
    private static final double SESSION_S = 4 * 90;
    private static final double SPEED = 20;
    /** The game's lap 1 is the simulator's out-lap (driver status "out lap"). */
    private static final int OUT_LAP = 1;
    /** The game's lap 3, the simulator's second flying lap, is invalidated (current-lap-invalid flag). */
    private static final int INVALID_LAP = 3;

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

            assertTrue(F1SessionPackets.invalidLap(INVALID_LAP - 1) && !F1SessionPackets.invalidLap(OUT_LAP + 2),
                "the simulator invalidates the lap this test expects");
            // Each wait below also checks, at every poll, that no out-lap or invalid lap is best or compared.
            Await.until("the lap table has the first lap summary", Duration.ofSeconds(90), () ->
                onlyFlyingLapsBestOrCompared(browser) &&
                    eval(browser, "document.querySelectorAll('#laps tbody tr').length").asInt() >= 1);
            final int rows = eval(browser, "document.querySelectorAll('#laps tbody tr').length").asInt();
            Await.until("the lap table gains a row when the next lap completes", Duration.ofSeconds(90), () ->
                onlyFlyingLapsBestOrCompared(browser) &&
                    eval(browser, "document.querySelectorAll('#laps tbody tr').length").asInt() > rows);

            Await.until("the comparison view computes a delta of two laps", Duration.ofSeconds(90), () ->
                onlyFlyingLapsBestOrCompared(browser) &&
                    eval(browser, "pitgunLive.comparison().finalDeltaS !== null").asBoolean());
            final JsonNode comparison = eval(browser, "pitgunLive.comparison()");
            assertTrue(comparison.path("lapA").asInt() != comparison.path("lapB").asInt(), comparison.toString());
            assertLapTableMarksTheGamesLapKinds(browser, comparison);
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
            assertTrue(onlyFlyingLapsBestOrCompared(browser));
        }
        finally
        {
            stop.set(true);
            server.shutdown();
        }
    }

    /** Fails when the lap the table highlights as best, or a compared lap, is not a flying lap. */
    private static boolean onlyFlyingLapsBestOrCompared(final HeadlessChromium browser) throws Exception
    {
        final JsonNode laps = eval(browser, "(() => { const tr = document.querySelector('#laps tr.best');" +
            " const c = pitgunLive.comparison();" +
            " return { best: tr ? Number(tr.dataset.lap) : null," +
            " lapA: c.lapA, lapB: c.lapB }; })()");
        for (final String which : new String[] {"best", "lapA", "lapB"})
        {
            final int lap = laps.path(which).asInt(-1);
            assertTrue(lap != OUT_LAP && lap != INVALID_LAP, "the " + which + " lap is lap " + lap +
                ", which the game flags as an out-lap or invalid: " + laps);
        }
        return true;
    }

    /**
     * The out-lap and the invalid lap are marked as such, have no delta to the best, and the best lap and the
     * automatic comparison are the two flying laps (2 and 4).
     */
    private static void assertLapTableMarksTheGamesLapKinds(final HeadlessChromium browser, final JsonNode comparison)
        throws Exception
    {
        final JsonNode rows = eval(browser, "[...document.querySelectorAll('#laps tbody tr')].map(tr => ({" +
            " lap: Number(tr.dataset.lap), timeS: Number(tr.dataset.timeS), kinds: tr.dataset.kinds," +
            " cls: tr.className, label: tr.cells[0].textContent, delta: tr.cells[2].textContent }))");
        double bestS = Double.MAX_VALUE;
        int best = -1;
        for (final JsonNode row : rows)
        {
            final int lap = row.path("lap").asInt();
            final String label = row.path("label").asText();
            if (lap == OUT_LAP || lap == INVALID_LAP)
            {
                final String kind = lap == OUT_LAP ? "out" : "invalid";
                assertEquals(kind, row.path("kinds").asText(), "lap " + lap + ": " + row);
                assertTrue(label.contains("(" + kind + ")") && "not-flying".equals(row.path("cls").asText()) &&
                    row.path("delta").asText().isEmpty(), "lap " + lap + " is marked " + kind + ": " + row);
            }
            else if (lap < 5)
            {
                assertEquals("", row.path("kinds").asText(), "lap " + lap + " is a flying lap: " + row);
                assertTrue(!row.path("delta").asText().isEmpty(), "a flying lap has its delta to the best: " + row);
                if (row.path("timeS").asDouble() < bestS)
                {
                    bestS = row.path("timeS").asDouble();
                    best = lap;
                }
            }
        }
        assertTrue(rows.size() >= 4, "laps 1 to 4 in the table: " + rows);
        assertEquals(best, eval(browser, "Number(document.querySelector('#laps tr.best').dataset.lap)").asInt(),
            "the faster flying lap is highlighted as best: " + rows);
        assertEquals(best, eval(browser, "pitgunLive.bestLap()").asInt(), "the page's best lap: " + rows);
        assertEquals(best, comparison.path("lapA").asInt(), "the best lap is the reference: " + comparison);
        assertEquals(best == 2 ? 4 : 2, comparison.path("lapB").asInt(),
            "the other flying lap against it: " + comparison);
    }
}
