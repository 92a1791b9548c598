package io.pitgun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.HeadlessChromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The solver page as a person uses it, served by a real gateway (so under its Content-Security-Policy) in headless
 * Chromium: it solves, it refuses what {@code pitgun solve} refuses with the same located message, and a Web Worker
 * that dies mid-run is reported and the page can run again.
 */
class SolverPageBrowserTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SCRIPT = Duration.ofSeconds(20);
    private static final Duration SOLVE = Duration.ofSeconds(120);
    private static final String EXAMPLE = "examples/risk-analysis-request/v1/valid/wet-risk-given-strategies.json";

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void shouldSolveRefuseLikeTheCommandLineAndSurviveItsWorkerDying() throws Exception
    {
        final Path chromium = HeadlessChromium.requireExecutable();
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        flags.put(GatewaySetting.BIND, "127.0.0.1:0");
        flags.put(GatewaySetting.DATA_DIR, dataDir.toString());
        final GatewayServer server = GatewayServer.start(GatewayConfig.resolve(Map.of(), flags));
        final String base = "http://127.0.0.1:" + server.address().getPort();
        final String example = example();
        final String small = example.replace("\"scenarios_count\": 2000", "\"scenarios_count\": 600");
        final String huge = example.replace("\"scenarios_count\": 2000", "\"scenarios_count\": 1000000");
        assertTrue(!small.equals(example) && !huge.equals(example), "example request changed shape");
        try (HeadlessChromium browser = HeadlessChromium.launch(chromium, base + "/solver/", 1000, 900))
        {
            Await.until("the page has loaded its example request", SCRIPT,
                () -> eval(browser, "(document.getElementById('request') || { value: '' }).value.length > 0").asBoolean());
            // The style is a file of its own: the policy allows no inline style.
            assertEquals("pre-wrap", eval(browser, "getComputedStyle(document.getElementById('error')).whiteSpace").asText());

            // Under the gateway's policy the worker still compiles and runs the module.
            run(browser, small);
            awaitSolved(browser);

            // What pitgun solve refuses (an unknown property), the page refuses with the same located message.
            run(browser, example.replace("\"strategies\"", "\"strategie\""));
            Await.until("the page reports the misspelt property", SOLVE, () -> !text(browser, "error").isEmpty());
            assertEquals("/strategie: unknown property; allowed here: base_config, laps, scenarios_count, seed, "
                + "risk_factors, strategies, strategy_search", text(browser, "error"));
            assertTrue(eval(browser, "document.getElementById('result').hidden").asBoolean());

            // The worker dies mid-run: its run is ended from DevTools (no event reaches the page for that), then an
            // error it does not catch kills it (that the page hears of).
            browser.call("Target.setAutoAttach", JSON.createObjectNode().put("autoAttach", true)
                .put("waitForDebuggerOnStart", false).put("flatten", true), SCRIPT);
            final String worker = awaitWorkerSession(browser, null);
            run(browser, huge);
            Await.until("the long run reports progress", SOLVE, () -> text(browser, "status").endsWith(" / 1000000 scenarios"));
            browser.callInSession(worker, "Runtime.terminateExecution", null, SCRIPT);
            browser.callInSession(worker, "Runtime.evaluate", JSON.createObjectNode()
                .put("expression", "setTimeout(() => { throw new Error('killed by the test'); }, 0); 1"), SCRIPT);
            Await.until("the page reports the dead worker", SCRIPT, () -> !text(browser, "error").isEmpty());
            assertEquals("the solver worker failed: Uncaught Error: killed by the test; press Run to try again",
                text(browser, "error"));
            assertEquals("Run", text(browser, "run"));
            run(browser, small);
            awaitSolved(browser);

            // A worker that dies without a word leaves the run going: the button stops it, and the page runs again.
            final String second = awaitWorkerSession(browser, worker);
            run(browser, huge);
            Await.until("the long run reports progress", SOLVE, () -> text(browser, "status").endsWith(" / 1000000 scenarios"));
            browser.callInSession(second, "Runtime.terminateExecution", null, SCRIPT);
            assertEquals("Stop", text(browser, "run"));
            eval(browser, "document.getElementById('run').click(); 1");
            assertEquals("stopped", text(browser, "status"));
            assertEquals("Run", text(browser, "run"));
            run(browser, small);
            awaitSolved(browser);
        }
        finally
        {
            server.close();
        }
    }

    private static void run(final HeadlessChromium browser, final String request) throws Exception
    {
        assertEquals("Run", text(browser, "run"));
        eval(browser, "document.getElementById('request').value = " + JSON.writeValueAsString(request)
            + "; document.getElementById('run').click(); 1");
    }

    private static void awaitSolved(final HeadlessChromium browser) throws Exception
    {
        Await.until("the page shows a result", SOLVE, () -> text(browser, "status").startsWith("solved in")
            || !text(browser, "error").isEmpty());
        assertEquals("", text(browser, "error"));
        assertFalse(eval(browser, "document.getElementById('result').hidden").asBoolean());
        assertFalse(text(browser, "recommended").isEmpty());
    }

    /**
     * The DevTools session of the page's newest Web Worker, other than {@code previous} (the page starts a new worker
     * for the run after one failed or was stopped).
     */
    private static String awaitWorkerSession(final HeadlessChromium browser, final String previous) throws Exception
    {
        final String[] session = new String[1];
        Await.until("DevTools attaches to the page's worker", SCRIPT, () ->
        {
            for (final JsonNode event : browser.events())
            {
                if (event.path("method").asText().equals("Target.attachedToTarget")
                    && event.path("params").path("targetInfo").path("type").asText().equals("worker"))
                {
                    session[0] = event.path("params").path("sessionId").asText();
                }
            }
            return session[0] != null && !session[0].equals(previous);
        });
        return session[0];
    }

    private static String text(final HeadlessChromium browser, final String id) throws Exception
    {
        return eval(browser, "document.getElementById('" + id + "').textContent").asText();
    }

    private static JsonNode eval(final HeadlessChromium browser, final String script) throws Exception
    {
        return browser.evaluate(script, SCRIPT);
    }

    private static String example() throws IOException
    {
        try (InputStream in = SolverPageBrowserTest.class.getClassLoader().getResourceAsStream(EXAMPLE))
        {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
