package io.pitgun.solver.browser;

import io.pitgun.solver.json.JsonReader;
import io.pitgun.solver.json.JsonWriter;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's {@code chromium}, headless, driven over the DevTools protocol with the JDK's WebSocket client:
 * nothing is installed or downloaded at run time. One browser, one page, {@link #evaluate} runs a script
 * in the page and returns its (awaited) string value.
 */
final class HeadlessChromium implements AutoCloseable
{
    static final String DEFAULT_EXECUTABLE = "/usr/bin/chromium";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path userDataDir;
    private final WebSocket socket;
    private final AtomicInteger nextId = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(final Process process, final Path userDataDir, final WebSocket socket)
    {
        this.process = process;
        this.userDataDir = userDataDir;
        this.socket = socket;
    }

    /**
     * The browser executable, or (when it is missing) a failed test under CI={@code true} and a skipped one
     * elsewhere, with how to install it.
     */
    static Path requireExecutable()
    {
        final Path executable = Path.of(System.getProperty("pitgun.chromium", DEFAULT_EXECUTABLE));
        if (Files.isExecutable(executable))
        {
            return executable;
        }
        final String message = "Headless browser test needs Chromium at " + executable
            + " and it is missing. Install it with: apt-get install chromium"
            + " (or point -Dpitgun.chromium=<path> at a Chromium binary).";
        if ("true".equals(System.getenv("CI")))
        {
            fail(message);
        }
        System.err.println("\n********** SKIPPED: " + message + " **********\n");
        Assumptions.abort(message);
        return executable;
    }

    /** Starts the browser on {@code pageUrl} and connects to that page. */
    static HeadlessChromium launch(final Path executable, final String pageUrl) throws Exception
    {
        final Path userDataDir = Files.createTempDirectory("pitgun-chromium-");
        final Process process = new ProcessBuilder(List.of(
            executable.toString(),
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=" + userDataDir,
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
            pageUrl))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        try
        {
            final URI browserUri = URI.create(awaitDevToolsUrl(process));
            final String pageSocketUrl = findPageSocket(browserUri, pageUrl);
            final HttpClient client = HttpClient.newHttpClient();
            final HeadlessChromium[] self = new HeadlessChromium[1];
            final Listener listener = new Listener(message ->
            {
                if (self[0] != null)
                {
                    self[0].onMessage(message);
                }
            });
            final WebSocket socket = client.newWebSocketBuilder()
                .buildAsync(URI.create(pageSocketUrl), listener)
                .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            self[0] = new HeadlessChromium(process, userDataDir, socket);
            return self[0];
        }
        catch (final Exception ex)
        {
            destroy(process);
            deleteTree(userDataDir);
            throw ex;
        }
    }

    /** Evaluates {@code expression} in the page (awaiting it if it is a promise) and returns its value as a string. */
    String evaluate(final String expression, final Duration timeout) throws Exception
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        final Map<String, Object> result = call("Runtime.evaluate", expression, deadline);
        final Object exception = result.get("exceptionDetails");
        if (exception != null)
        {
            throw new IllegalStateException("script failed in the browser: " + exception);
        }
        @SuppressWarnings("unchecked")
        final Map<String, Object> value = (Map<String, Object>)result.get("result");
        return String.valueOf(value.get("value"));
    }

    /** Polls until the page's document has finished loading, bounded by {@code timeout}. */
    void awaitLoaded(final String pageUrl, final Duration timeout) throws Exception
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final String state = evaluate("location.href + ' ' + document.readyState", timeout);
            if (state.equals(pageUrl + " complete"))
            {
                return;
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("page did not load: " + state);
            }
            Thread.sleep(50);
        }
    }

    private Map<String, Object> call(final String method, final String expression, final long deadlineNs)
        throws Exception
    {
        final int id = nextId.incrementAndGet();
        final CompletableFuture<Map<String, Object>> response = new CompletableFuture<>();
        pending.put(id, response);
        final String message = new JsonWriter()
            .beginObject()
            .name("id").value(id)
            .name("method").value(method)
            .name("params").beginObject()
            .name("expression").value(expression)
            .name("awaitPromise").value(true)
            .name("returnByValue").value(true)
            .endObject()
            .endObject()
            .toJson();
        socket.sendText(message, true).join();
        final long waitNs = Math.max(1, deadlineNs - System.nanoTime());
        final Map<String, Object> reply = response.get(waitNs, TimeUnit.NANOSECONDS);
        if (reply.containsKey("error"))
        {
            throw new IllegalStateException(method + " failed: " + reply.get("error"));
        }
        @SuppressWarnings("unchecked")
        final Map<String, Object> result = (Map<String, Object>)reply.get("result");
        return result;
    }

    @SuppressWarnings("unchecked")
    private void onMessage(final String text)
    {
        final Map<String, Object> message = (Map<String, Object>)JsonReader.parse(text);
        final Object id = message.get("id");
        if (id != null)
        {
            final CompletableFuture<Map<String, Object>> future = pending.remove(Integer.parseInt(id.toString()));
            if (future != null)
            {
                future.complete(message);
            }
        }
    }

    private static String awaitDevToolsUrl(final Process process) throws Exception
    {
        final CompletableFuture<String> url = new CompletableFuture<>();
        final StringBuilder log = new StringBuilder();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader err = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = err.readLine()) != null)
                {
                    final int at = line.indexOf("ws://");
                    if (line.startsWith("DevTools listening on") && at >= 0)
                    {
                        url.complete(line.substring(at).trim());
                    }
                    else if (!url.isDone())
                    {
                        synchronized (log)
                        {
                            log.append(line).append('\n');
                        }
                    }
                }
            }
            catch (final IOException ignored)
            {
                // the browser went away; the caller times out or has closed it
            }
            url.completeExceptionally(new IllegalStateException("chromium exited before DevTools started"));
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try
        {
            return url.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            synchronized (log)
            {
                throw new IllegalStateException("chromium did not start DevTools; its output:\n" + log, ex);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static String findPageSocket(final URI browserUri, final String pageUrl) throws Exception
    {
        final URI list = URI.create("http://" + browserUri.getHost() + ":" + browserUri.getPort() + "/json/list");
        final HttpClient client = HttpClient.newHttpClient();
        final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline)
        {
            final String body = client.send(HttpRequest.newBuilder(list).build(), HttpResponse.BodyHandlers.ofString())
                .body();
            for (final Object target : (List<Object>)JsonReader.parse(body))
            {
                final Map<String, Object> page = (Map<String, Object>)target;
                if ("page".equals(page.get("type")) && page.get("webSocketDebuggerUrl") != null)
                {
                    return page.get("webSocketDebuggerUrl").toString();
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no page target for " + pageUrl);
    }

    @Override
    public void close()
    {
        try
        {
            socket.abort();
        }
        finally
        {
            destroy(process);
            deleteTree(userDataDir);
        }
    }

    private static void destroy(final Process process)
    {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try
        {
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(final Path dir)
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (final IOException ignored)
        {
            // a temp directory left behind is harmless
        }
    }

    /** Collects (possibly fragmented) text frames into whole messages. */
    private static final class Listener implements WebSocket.Listener
    {
        private final java.util.function.Consumer<String> onMessage;
        private final StringBuilder partial = new StringBuilder();

        Listener(final java.util.function.Consumer<String> onMessage)
        {
            this.onMessage = onMessage;
        }

        @Override
        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            partial.append(data);
            if (last)
            {
                final String message = partial.toString();
                partial.setLength(0);
                onMessage.accept(message);
            }
            webSocket.request(1);
            return null;
        }
    }
}
