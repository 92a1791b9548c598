package io.pitgun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.replay.sim.CarSimulator;
import io.pitgun.replay.sim.SessionGenerator;
import io.pitgun.replay.sim.SimulatedSessionFeed;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.GatewayClient;
import io.pitgun.testsupport.HeadlessChromium;
import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live page (docs/live.md) in headless Chromium against a real gateway fed by the car simulator over
 * {@code POST /beacon}: what a person sees is asserted through the page's DOM and its state, and the lap times are
 * the ones the gateway's lap insights say (read here by a WebSocket subscriber of our own). Saves a screenshot to
 * {@code target/live-page.png}.
 */
class LivePageBrowserTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SCRIPT = Duration.ofSeconds(20);
    /** What the page charts and compares; fewer channels than the simulator's 73 keep the stream small. */
    private static final Set<String> CHANNELS = Set.of("Speed", "Throttle_Position", "Brake_Pedal", "Engine_RPM",
        "Torque_Nm", "Gear", "Lap_Distance", "LapTime");
    private static final int LAPS = 3;
    private static final long SOAK_S = 60;
    /**
     * The shortest soak that measures anything: the 2,048-sample window fills in 20.5 s at the simulator's 100 Hz
     * (sooner over UDP, whose player session gets several packet types' frames), and the growth is measured from then
     * on (a shorter soak ended before the window was full and failed waiting for it).
     */
    private static final long MIN_SOAK_S = 25;
    /**
     * The page's JavaScript memory (heap and typed-array backing stores) after a garbage collection: uPlot, the rings
     * (2 × 2,048 doubles per channel, about 2 MB for the simulator's channels), a lap trace, the DOM's wrappers.
     */
    private static final long HEAP_LIMIT_BYTES = 32L << 20;
    /**
     * Growth allowed once the window is full: the lap being driven keeps its trace for the comparison (distance,
     * time and six channels: about 0.25 MB more between 20 and 60 s at 100 Hz) and V8 keeps some compiled code and
     * caches (one run measured 3.85 MB with the window full, 4.71 MB at 60 s); keeping every sample of every channel
     * would add over 2 MB more in those 40 s, keeping the messages far more.
     */
    private static final long HEAP_GROWTH_LIMIT_BYTES = 2L << 20;
    /**
     * How far the comparison's delta at the finish may be from the difference of the two lap times: a lap's time is
     * from its first sample to its last, and each of those falls up to one sample period after (first) or before
     * (last) the line, at a distance the other lap's samples do not share; the delta, read at the distances both
     * laps covered, can therefore miss the difference by up to one period at each end.
     */
    private static final double DELTA_TOLERANCE_S = 2 * CarSimulator.STEP_US / 1e6;
    /**
     * What the page counted when it stops short, to set beside the gateway's counts: the gateway's
     * pitgun_gateway_subscriber_messages_total counts insights as well as frames (53 in the UDP soak: 9 lap summaries
     * early, then 22 lap and 22 session summaries after the last frame), the page's framesReceived frames only. One
     * failure (316,750 of 316,880 frames; 316,803 messages and outputs encoded) could not be placed without the
     * page's insight count and pitgun_derived_frames_total: frames the gateway wrote but the page never had, or
     * outputs the gateway never took from the pipeline.
     */
    private static final String PAGE_COUNTS = "({frames: pitgunLive.framesReceived(), " +
        "insights: pitgunLive.insightsReceived(), sessions: pitgunLive.sessions().length})";

    @TempDir
    Path dataDir;

    private static GatewayServer gateway(final Path dataDir, final Map<GatewaySetting, String> more) throws Exception
    {
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        flags.putAll(more);
        flags.put(GatewaySetting.BIND, "127.0.0.1:0");
        flags.put(GatewaySetting.DATA_DIR, dataDir.toString());
        flags.put(GatewaySetting.RATE_LIMIT, "0");
        // The feed runs as fast as the gateway acknowledges: the browser must not be dropped as a slow subscriber
        // while it catches up (16 MiB holds the whole run).
        flags.put(GatewaySetting.SUBSCRIBER_BUFFER_BYTES, String.valueOf(1 << 24));
        return GatewayServer.start(GatewayConfig.resolve(Map.of(), flags));
    }

    private static JsonNode eval(final HeadlessChromium browser, final String script) throws Exception
    {
        return browser.evaluate(script, SCRIPT);
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shouldShowTheSessionItsChartsLapsAndALapComparisonAsTheInsightsSay() throws Exception
    {
        final Path chromium = HeadlessChromium.requireExecutable();
        final GatewayServer server = gateway(dataDir, Map.of());
        final String base = "http://127.0.0.1:" + server.address().getPort();
        final UUID sessionId = UUID.randomUUID();
        try (HeadlessChromium browser = HeadlessChromium.launch(chromium, base + "/live", 1400, 1500))
        {
            // Our own subscriber: the lap insights the page must agree with.
            final WebSocketMessages insights = new WebSocketMessages();
            final WebSocket ws = WebSocketMessages.connect(HttpClient.newHttpClient(),
                URI.create("ws://127.0.0.1:" + server.address().getPort() + "/ws?subscribe=derived"), insights,
                Duration.ofSeconds(10));
            Await.until("the page is loaded and subscribed", () ->
                eval(browser, "typeof pitgunLive === 'object' && pitgunLive.status()").asText().equals("live"));

            final SimulatedSessionFeed feed = new SimulatedSessionFeed(URI.create(base), sessionId,
                SessionGenerator.SAMPLE_SEED, SessionGenerator.SAMPLE_START_US, CHANNELS, 100);
            final AtomicBoolean stop = new AtomicBoolean();
            final CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return feed.run(LAPS, false, stop::get);
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            try
            {
                Await.until("the session appears in the page's session list", () -> eval(browser,
                    "[...document.querySelectorAll('#session option')].some(o => o.value.startsWith('" + sessionId +
                        "'))").asBoolean());
                Await.until("the strip charts receive points", () -> eval(browser,
                    "pitgunLive.charts().length > 0 && pitgunLive.charts()[0].points > 100").asBoolean());
                final double firstX = eval(browser, "pitgunLive.charts()[0].lastX").asDouble();
                Await.until("the charts' points move on", () ->
                    eval(browser, "pitgunLive.charts()[0].lastX").asDouble() > firstX + 1.0);
                assertTrue(sent.get(180, TimeUnit.SECONDS) > 0);
            }
            finally
            {
                stop.set(true);
            }

            // The lap insights, as any subscriber receives them: lap → time (end − start of the lap's window).
            final Map<Integer, Double> lapTimes = new TreeMap<>();
            Await.until("the gateway's lap summaries of laps 0.." + (LAPS + 1), () ->
            {
                String text;
                while ((text = insights.texts.poll()) != null)
                {
                    final JsonNode message = JSON.readTree(text);
                    final JsonNode insight = message.path("insight");
                    if ("insight".equals(message.path("type").asText()) &&
                        "lap_summary".equals(insight.path("kind").asText()) &&
                        sessionId.toString().equals(insight.path("session_id").asText()))
                    {
                        final JsonNode window = insight.path("window");
                        lapTimes.put(insight.path("lap_number").asInt(), (window.path("end_timestamp_us").asLong() -
                            window.path("start_timestamp_us").asLong()) / 1e6);
                    }
                }
                return lapTimes.size() == LAPS + 2; // the out-lap, LAPS laps, and the lap the session ended in
            });
            ws.abort();

            // The lap table lists the same laps with the same times, and only finished laps are compared.
            Await.until("the lap table lists every lap summary", () ->
                eval(browser, "document.querySelectorAll('#laps tbody tr').length").asInt() == lapTimes.size());
            final JsonNode rows = eval(browser, "[...document.querySelectorAll('#laps tbody tr')]" +
                ".map(tr => ({lap: Number(tr.dataset.lap), timeS: Number(tr.dataset.timeS), " +
                "text: tr.cells[1].textContent}))");
            for (final JsonNode row : rows)
            {
                final double expected = lapTimes.get(row.path("lap").asInt());
                assertEquals(expected, row.path("timeS").asDouble(), 1e-9, row.toString());
                assertEquals(formatLapTime(expected), row.path("text").asText(), row.toString());
            }

            // The comparison the page picked by itself: the best lap against the latest finished one.
            Await.until("the comparison view computes a delta", () ->
                eval(browser, "pitgunLive.comparison().finalDeltaS !== null").asBoolean());
            assertComparison(browser, lapTimes);
            // And two laps chosen by hand, through the page's selects.
            // What the page reports in the same task as the change events has not been drawn yet: it must still be a
            // comparison whose laps and figures belong together (once, the new laps came with the old delta).
            final JsonNode duringChange = eval(browser, "(() => { const a = document.getElementById('lap-a');" +
                " a.value = '2'; a.dispatchEvent(new Event('change')); const b = document.getElementById('lap-b');" +
                " b.value = '1'; b.dispatchEvent(new Event('change')); return pitgunLive.comparison(); })()");
            assertComparison(duringChange, lapTimes);
            Await.until("the comparison of laps 2 and 1", () -> eval(browser,
                "pitgunLive.comparison().lapA === 2 && pitgunLive.comparison().lapB === 1").asBoolean());
            assertComparison(browser, lapTimes);
            assertTrue(eval(browser, "document.querySelectorAll('#compare-chart canvas, #delta-chart canvas').length")
                .asInt() >= 2, "the comparison draws its overlay and its delta trace");

            // Everything the page loaded came from the gateway.
            final JsonNode foreign = eval(browser, "performance.getEntriesByType('resource').map(e => e.name)" +
                ".filter(n => !n.startsWith(location.origin + '/'))");
            assertEquals(0, foreign.size(), "requests outside the gateway: " + foreign);
            final JsonNode refused = eval(browser, "pitgunLive.policyViolations()");
            assertEquals(0, refused.size(), "what the page's Content-Security-Policy refused: " + refused);

            final Path png = Path.of("target", "live-page.png");
            Await.until("the page has drawn its last frame", () -> eval(browser,
                "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))").asBoolean());
            browser.screenshot(png);
            assertTrue(Files.size(png) > 10_000, "a screenshot with something on it: " + png.toAbsolutePath());
        }
        finally
        {
            server.shutdown();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldSubscribeWithTheTokenFromItsFormKeptInSessionStorageAndNeverInTheUrl() throws Exception
    {
        final Path chromium = HeadlessChromium.requireExecutable();
        final Path tokens = dataDir.resolve("tokens.json");
        final CliRun add = CliRun.of("token", "add", "--file", tokens.toString(), "--id", "viewer", "--capability",
            "subscribe");
        assertEquals(0, add.exitCode(), add.err());
        final String token = add.out().trim();
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        flags.put(GatewaySetting.BIND, "127.0.0.1:0");
        flags.put(GatewaySetting.DATA_DIR, dataDir.resolve("data").toString());
        flags.put(GatewaySetting.TOKENS_FILE, tokens.toString());
        final GatewayServer server = GatewayServer.start(GatewayConfig.resolve(Map.of(), flags));
        final String page = "http://127.0.0.1:" + server.address().getPort() + "/live";
        try (HeadlessChromium browser = HeadlessChromium.launch(chromium, page, 1200, 800))
        {
            // The page itself is public; its subscription is refused until it presents a token.
            Await.until("the page says it is not connected", () ->
                eval(browser, "typeof pitgunLive === 'object' && pitgunLive.status()").asText().startsWith("disconnected"));
            eval(browser, "(() => { document.getElementById('token').value = '" + token + "';" +
                " document.getElementById('token-form').requestSubmit(); return true; })()");
            Await.until("subscribed with the token", () -> eval(browser, "pitgunLive.status()").asText().equals("live"));
            assertEquals(token, eval(browser, "sessionStorage.getItem('pitgun.token')").asText());
            assertEquals(page, eval(browser, "location.href").asText(), "the token is not in the URL");
        }
        finally
        {
            server.shutdown();
        }
    }

    /**
     * The page open for {@value #SOAK_S} s (-Dpitgun.live.soakSeconds) at the simulator's full rate, every channel
     * (100 Hz, more than the game's fastest 60 Hz), over HTTP.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void shouldKeepThePagesMemoryBoundedAtFullRate() throws Exception
    {
        final GatewayServer server = gateway(dataDir, Map.of());
        final String base = "http://127.0.0.1:" + server.address().getPort();
        final SimulatedSessionFeed feed = new SimulatedSessionFeed(URI.create(base), UUID.randomUUID(),
            SessionGenerator.SAMPLE_SEED, TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()), null, 10);
        assertPageMemoryBounded(server, (soakS, stop) -> feed.run(Integer.MAX_VALUE, true, stop));
    }

    /**
     * The same over the F1 game's UDP source, as the game sends at its highest rate: {@code pitgun f1-udp-sim} with all
     * 22 cars, 60 Hz per packet type, into a gateway with {@code --udp} and {@code --udp-all-cars}, the page on the
     * player's session (the other 21 are listed and counted, not kept).
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void shouldKeepThePagesMemoryBoundedAtTheGamesFullRateOverUdp() throws Exception
    {
        final GatewayServer server = gateway(dataDir, Map.of(GatewaySetting.UDP_BIND, "127.0.0.1:0",
            GatewaySetting.UDP_ALL_CARS, "1"));
        final int udpPort = server.udpAddress().orElseThrow().getPort();
        final GatewayClient client = new GatewayClient(server.address().getPort());
        assertPageMemoryBounded(server, (soakS, stop) ->
        {
            final CliRun sim = CliRun.of("f1-udp-sim", "--target", "127.0.0.1:" + udpPort, "--duration",
                Long.toString(soakS), "--cars", "22");
            assertEquals(0, sim.exitCode(), sim.err());
            final Matcher matcher = Pattern.compile("sent (\\d+) packets").matcher(sim.out());
            assertTrue(matcher.find(), sim.out());
            final long packets = Long.parseLong(matcher.group(1));
            // Received is counted on arrival, decoded (ignored, dropped) once the packet's frames are published:
            // wait for the latter, so that the last packet's frames are in the count below.
            Await.until("the gateway handled every packet sent", () ->
                metric(client, "pitgun_f1_udp_packets_total{outcome=\"received\"}") == packets &&
                packetsHandled(client) == packets);
            // Every packet is in; what the source published is what the page must receive.
            return metric(client, "pitgun_f1_udp_frames_published_total");
        });
    }

    /** A feed for {@link #assertPageMemoryBounded}: sends for {@code soakS} s, returns the frames the page must get. */
    @FunctionalInterface
    private interface SoakFeed
    {
        long run(long soakS, BooleanSupplier stop) throws Exception;
    }

    /**
     * Opens the page with a 2,048-sample window (the rings wrap several times), selects source 0's session, runs the
     * feed for the soak's length and checks that the page received every frame the feed says the gateway published
     * and that its JavaScript heap, measured after a garbage collection, did not grow once the window was full.
     * Shuts the server down.
     */
    private static void assertPageMemoryBounded(final GatewayServer server, final SoakFeed soakFeed) throws Exception
    {
        final Path chromium = HeadlessChromium.requireExecutable();
        final long soakS = Long.getLong("pitgun.live.soakSeconds", SOAK_S);
        if (soakS < MIN_SOAK_S)
        {
            throw new IllegalArgumentException("-Dpitgun.live.soakSeconds=" + soakS + " is shorter than the " +
                MIN_SOAK_S + " s a soak needs: the page's 2,048-sample window takes 20.5 s to fill at 100 Hz");
        }
        final String base = "http://127.0.0.1:" + server.address().getPort();
        try (HeadlessChromium browser = HeadlessChromium.launch(chromium, base + "/live?window=2048", 1400, 1000))
        {
            Await.until("the page is loaded and subscribed", () ->
                eval(browser, "typeof pitgunLive === 'object' && pitgunLive.status()").asText().equals("live"));
            final long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(soakS);
            final CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return soakFeed.run(soakS, () -> System.nanoTime() > endNs);
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            Await.until("source 0's session is selected", () -> eval(browser, "(() => {" +
                " const s = pitgunLive.sessions().find(s => s.sourceId === 0); if (!s) return false;" +
                " if (pitgunLive.selected() !== s.key) pitgunLive.select(s.key); return true; })()").asBoolean());
            Await.until("the window is full", Duration.ofSeconds(60), () ->
                eval(browser, "pitgunLive.ringSize()").asInt() == 2048);
            final long fullBytes = browser.heapUsedBytes();
            final String selectedFrames = "pitgunLive.sessions().find(s => s.key === pitgunLive.selected()).frames";
            final long framesWhenFull = eval(browser, selectedFrames).asLong();
            final long sentFrames = sent.get(soakS + 60, TimeUnit.SECONDS);
            // The page works through what the gateway sent at its own pace, and a busy machine (the whole build's
            // tests) slows the browser most: wait while it keeps making progress, and fail once it has made none
            // for 60 s, or after 180 s in all (within the test's 300 s).
            final long[] received = {-1};
            final long[] progressNs = {System.nanoTime()};
            try
            {
                Await.until("the page has every frame", Duration.ofSeconds(180), () ->
                {
                    final long now = eval(browser, "pitgunLive.framesReceived()").asLong();
                    if (now != received[0])
                    {
                        received[0] = now;
                        progressNs[0] = System.nanoTime();
                    }
                    else if (System.nanoTime() - progressNs[0] > TimeUnit.SECONDS.toNanos(60))
                    {
                        throw new AssertionError("the page made no progress for 60 s");
                    }
                    return now == sentFrames;
                });
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError("the page received " + received[0] + " of " + sentFrames + " frames, the " +
                    "last one " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - progressNs[0]) + " s ago; " +
                    "status " + eval(browser, "pitgunLive.status()") + "; gateway: " +
                    new GatewayClient(server.address().getPort()).get("/metrics").body().lines()
                        .filter(l -> l.startsWith("pitgun_gateway_subscriber") || l.startsWith("pitgun_f1_udp") ||
                            l.startsWith("pitgun_frames_dropped") || l.startsWith("pitgun_derived_frames_total") ||
                            l.startsWith("pitgun_insights_total") || l.startsWith("pitgun_subscribers_dropped_total") ||
                            l.startsWith("pitgun_gateway_open_subscribers") ||
                            l.startsWith("pitgun_gateway_ws_closes_total") && !l.endsWith(" 0"))
                        .toList() + "; page: " + eval(browser, PAGE_COUNTS), ex);
            }
            final long endBytes = browser.heapUsedBytes();
            System.out.printf("live page heap: %,d B with the window full, %,d B after %d s (%,d frames)%n",
                fullBytes, endBytes, soakS, sentFrames);
            assertTrue(endBytes < HEAP_LIMIT_BYTES, "heap " + endBytes + " B");
            assertTrue(endBytes - fullBytes < HEAP_GROWTH_LIMIT_BYTES,
                "heap grew from " + fullBytes + " to " + endBytes + " B once the window was full");
            assertTrue(eval(browser, selectedFrames).asLong() > framesWhenFull, "the selected session kept going");
            assertTrue(eval(browser, "pitgunLive.charts()[0].points").asInt() == 2048);
        }
        finally
        {
            server.shutdown();
        }
    }

    /** UDP packets decoded, ignored or dropped so far (ring_full drops count frames of decoded packets). */
    private static long packetsHandled(final GatewayClient client) throws Exception
    {
        long handled = 0;
        for (final String line : client.get("/metrics").body().split("\n"))
        {
            if (line.startsWith("pitgun_f1_udp_packets_total{outcome=\"decoded\"} ") ||
                line.startsWith("pitgun_f1_udp_packets_total{outcome=\"ignored\"} ") ||
                line.startsWith("pitgun_f1_udp_drops_total{") && !line.contains("reason=\"ring_full\""))
            {
                handled += (long)Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return handled;
    }

    private static long metric(final GatewayClient client, final String series) throws Exception
    {
        for (final String line : client.get("/metrics").body().split("\n"))
        {
            if (line.startsWith(series + " "))
            {
                return (long)Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        return -1;
    }

    private static void assertComparison(final HeadlessChromium browser, final Map<Integer, Double> lapTimes)
        throws Exception
    {
        assertComparison(eval(browser, "pitgunLive.comparison()"), lapTimes);
    }

    private static void assertComparison(final JsonNode comparison, final Map<Integer, Double> lapTimes)
    {
        final int lapA = comparison.path("lapA").asInt();
        final int lapB = comparison.path("lapB").asInt();
        assertTrue(lapA >= 1 && lapA <= LAPS && lapB >= 1 && lapB <= LAPS && lapA != lapB,
            "two finished flying laps: " + comparison);
        assertTrue(comparison.path("points").asInt() > 1000, "the delta trace has points: " + comparison);
        final double difference = lapTimes.get(lapB) - lapTimes.get(lapA);
        assertEquals(difference, comparison.path("finalDeltaS").asDouble(), DELTA_TOLERANCE_S,
            "the delta at the finish is lap B's time minus lap A's: " + comparison);
    }

    /** As the page writes a lap time: m:ss.mmm. */
    private static String formatLapTime(final double seconds)
    {
        final int minutes = (int)Math.floor(seconds / 60);
        final double rest = seconds - minutes * 60;
        return minutes + ":" + (rest < 10 ? "0" : "") + String.format(java.util.Locale.ROOT, "%.3f", rest);
    }
}
