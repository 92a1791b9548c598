package io.pitgun.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's {@code chromium}, headless, driven over the DevTools protocol with the JDK's WebSocket client, as the
 * solver's browser test drives it (same flags, same rule when it is missing: a failed test under {@code CI=true}, a
 * skipped one elsewhere); nothing is installed or downloaded at run time. One browser, one page: {@link #evaluate}
 * runs a script in it, {@link #call} any DevTools method, {@link #screenshot} saves a PNG, {@link #heapUsedBytes}
 * measures the page's JavaScript heap after a garbage collection.
 */
public final class HeadlessChromium implements AutoCloseable
{
    /** Where Debian installs it; {@code -Dpitgun.chromium=PATH} points elsewhere. */
    public static final String DEFAULT_EXECUTABLE = "/usr/bin/chromium";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path userDataDir;
    private final WebSocket socket;
    private final AtomicInteger nextId = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    /** DevTools events (messages without an id) in the order they came. */
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();

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
    public static Path requireExecutable()
    {
        final Path executable = Path.of(System.getProperty("pitgun.chromium", DEFAULT_EXECUTABLE));
        if (Files.isExecutable(executable))
        {
            return executable;
        }
        final String message = "Headless browser test needs Chromium at " + executable +
            " and it is missing. Install it with: apt-get install chromium" +
            " (or point -Dpitgun.chromium=<path> at a Chromium binary).";
        if ("true".equals(System.getenv("CI")))
        {
            fail(message);
        }
        System.err.println("\n********** SKIPPED: " + message + " **********\n");
        Assumptions.abort(message);
        return executable;
    }

    /** Starts the browser on {@code pageUrl} in a {@code width} × {@code height} window and connects to that page. */
    public static HeadlessChromium launch(final Path executable, final String pageUrl, final int width,
        final int height) throws Exception
    {
        final Path userDataDir = Files.createTempDirectory("pitgun-chromium-");
        final Process process = new ProcessBuilder(List.of(
            executable.toString(),
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=" + width + "," + height,
            "--user-data-dir=" + userDataDir,
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
            pageUrl))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        try
        {
            final URI browserUri = URI.create(awaitDevToolsUrl(process));
            final String pageSocketUrl = findPageSocket(browserUri, pageUrl);
            final HeadlessChromium[] self = new HeadlessChromium[1];
            final Listener listener = new Listener(message ->
            {
                if (self[0] != null)
                {
                    self[0].onMessage(message);
                }
            });
            final WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
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

    /**
     * Evaluates {@code expression} in the page (awaiting it if it is a promise) and returns its value as JSON (a
     * script that wants to return an object returns it, or its {@code JSON.stringify}).
     */
    public JsonNode evaluate(final String expression, final Duration timeout) throws Exception
    {
        final ObjectNode params = JSON.createObjectNode()
            .put("expression", expression)
            .put("awaitPromise", true)
            .put("returnByValue", true);
        final JsonNode result = call("Runtime.evaluate", params, timeout);
        if (result.has("exceptionDetails"))
        {
            throw new IllegalStateException("script failed in the browser: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Calls DevTools {@code method} with {@code params} (null: none) and returns its result. */
    public JsonNode call(final String method, final ObjectNode params, final Duration timeout) throws Exception
    {
        return callInSession(null, method, params, timeout);
    }

    /**
     * Calls {@code method} in the session of an attached target ({@code Target.setAutoAttach} with {@code flatten}:
     * a Web Worker, say; its {@code sessionId} is in the {@code Target.attachedToTarget} {@link #events() event}), or
     * in the page's own with a null {@code sessionId}.
     */
    public JsonNode callInSession(final String sessionId, final String method, final ObjectNode params,
        final Duration timeout) throws Exception
    {
        final int id = nextId.incrementAndGet();
        final CompletableFuture<JsonNode> response = new CompletableFuture<>();
        pending.put(id, response);
        final ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        if (sessionId != null)
        {
            message.put("sessionId", sessionId);
        }
        message.set("params", params == null ? JSON.createObjectNode() : params);
        socket.sendText(JSON.writeValueAsString(message), true).join();
        final JsonNode reply = response.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (reply.has("error"))
        {
            throw new IllegalStateException(method + " failed: " + reply.get("error"));
        }
        return reply.path("result");
    }

    /** Saves what the page shows now as a PNG. */
    public void screenshot(final Path png) throws Exception
    {
        final JsonNode shot = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"),
            Duration.ofSeconds(30));
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, Base64.getDecoder().decode(shot.path("data").asText()));
    }

    /**
     * The page's JavaScript memory in use, in bytes, right after a full garbage collection: the V8 heap plus the
     * backing stores of its ArrayBuffers (typed arrays keep their bytes outside the heap, so the heap alone would not
     * see them; Chromium reports them since version 113).
     */
    public long heapUsedBytes() throws Exception
    {
        call("HeapProfiler.collectGarbage", null, Duration.ofSeconds(30));
        final JsonNode usage = call("Runtime.getHeapUsage", null, Duration.ofSeconds(30));
        if (!usage.has("backingStorageSize"))
        {
            throw new IllegalStateException("this Chromium does not report ArrayBuffer backing stores: " + usage);
        }
        return usage.path("usedSize").asLong() + usage.path("backingStorageSize").asLong();
    }

    /** The DevTools events received so far (those of domains the page has enabled), oldest first. */
    public List<JsonNode> events()
    {
        return List.copyOf(events);
    }

    private void onMessage(final String text)
    {
        try
        {
            final JsonNode message = JSON.readTree(text);
            if (message.has("id"))
            {
                final CompletableFuture<JsonNode> future = pending.remove(message.get("id").asInt());
                if (future != null)
                {
                    future.complete(message);
                }
            }
            else
            {
                events.add(message);
            }
        }
        catch (final IOException ex)
        {
            // not JSON: DevTools always sends JSON, so this is noise from a dying browser
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

    private static String findPageSocket(final URI browserUri, final String pageUrl) throws Exception
    {
        final URI list = URI.create("http://" + browserUri.getHost() + ":" + browserUri.getPort() + "/json/list");
        final HttpClient client = HttpClient.newHttpClient();
        final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline)
        {
            final String body = client.send(HttpRequest.newBuilder(list).build(), HttpResponse.BodyHandlers.ofString())
                .body();
            for (final JsonNode page : JSON.readTree(body))
            {
                if ("page".equals(page.path("type").asText()) && page.hasNonNull("webSocketDebuggerUrl"))
                {
                    return page.get("webSocketDebuggerUrl").asText();
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
