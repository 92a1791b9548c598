package io.pitgun.solver.browser;

import io.pitgun.solver.json.JsonReader;
import io.pitgun.solver.json.JsonWriter;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.HeadlessChromium;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The solver page served on loopback and opened in headless Chromium; {@link #solve} runs a request in
 * the page's Web Worker exactly as the page does (chunked, with progress messages).
 */
final class WasmSolverRunner implements AutoCloseable
{
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);
    /** Chromium's own headless default, which the page was written against. */
    private static final int WINDOW_WIDTH = 800;
    private static final int WINDOW_HEIGHT = 600;

    private final StaticFileServer server;
    private final HeadlessChromium browser;

    /** What the worker sent back. */
    record WorkerOutcome(String resultJson, String error, double solveMs, int progressMessages)
    {
    }

    private WasmSolverRunner(final StaticFileServer server, final HeadlessChromium browser)
    {
        this.server = server;
        this.browser = browser;
    }

    /** The directory TeaVM wrote the page, wasm and runtime into (set by the pom for tests). */
    static Path webDirectory()
    {
        final Path dir = Path.of(System.getProperty("pitgun.solver.web.dir", "target/classes/solver"));
        if (!Files.isRegularFile(dir.resolve("pitgun-solver.wasm")))
        {
            throw new IllegalStateException("no pitgun-solver.wasm in " + dir.toAbsolutePath()
                + "; build the module with Maven (the TeaVM step runs in process-classes)");
        }
        return dir;
    }

    static WasmSolverRunner open(final Path chromium) throws Exception
    {
        final StaticFileServer server = new StaticFileServer(webDirectory());
        try
        {
            final String pageUrl = server.url("index.html");
            final HeadlessChromium browser = HeadlessChromium.launch(chromium, pageUrl, WINDOW_WIDTH, WINDOW_HEIGHT);
            try
            {
                Await.until("the solver page has loaded", LOAD_TIMEOUT, () -> browser.evaluate(
                    "location.href + ' ' + document.readyState", LOAD_TIMEOUT).asText().equals(pageUrl + " complete"));
                return new WasmSolverRunner(server, browser);
            }
            catch (final Throwable ex)
            {
                // Throwable: a load that times out fails with Await's AssertionError, and the browser must still go.
                browser.close();
                throw ex;
            }
        }
        catch (final Throwable ex)
        {
            server.close();
            throw ex;
        }
    }

    /** Runs {@code requestJson} in a fresh Web Worker of the page. */
    @SuppressWarnings("unchecked")
    WorkerOutcome solve(final String requestJson, final Duration timeout) throws Exception
    {
        final String requestLiteral = new JsonWriter().value(requestJson).toJson().trim();
        final String script = String.join("\n",
            "new Promise((resolve) => {",
            "  const worker = new Worker('solver-worker.js');",
            "  let progress = 0;",
            "  const finish = (outcome) => { worker.terminate(); outcome.progress = progress;"
                + " resolve(JSON.stringify(outcome)); };",
            "  worker.onmessage = (event) => {",
            "    const m = event.data;",
            "    if (m.type === 'progress') { progress++; return; }",
            "    if (m.type === 'result') { finish({ resultJson: m.resultJson, solveMs: m.solveMs }); }",
            "    else { finish({ error: m.message }); }",
            "  };",
            "  worker.onerror = (e) => finish({ error: 'worker failed: ' + e.message });",
            "  worker.postMessage({ id: 1, requestJson: " + requestLiteral + ", chunkScenarios: 500 });",
            "})");
        final Map<String, Object> outcome = (Map<String, Object>)JsonReader.parse(browser.evaluate(script, timeout).asText());
        final Object resultJson = outcome.get("resultJson");
        final Object error = outcome.get("error");
        final Object solveMs = outcome.get("solveMs");
        return new WorkerOutcome(
            resultJson == null ? null : resultJson.toString(),
            error == null ? null : error.toString(),
            solveMs == null ? -1 : Double.parseDouble(solveMs.toString()),
            Integer.parseInt(outcome.get("progress").toString()));
    }

    @Override
    public void close()
    {
        try
        {
            browser.close();
        }
        finally
        {
            server.close();
        }
    }
}
