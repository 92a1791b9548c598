package io.pitgun.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pitgun demo --live} as a user runs it, in a process of its own: it prints the live page's URL, the page is
 * there, the F1 UDP simulator's packets arrive through the gateway's UDP source, and Ctrl-C (SIGINT) or SIGTERM
 * ends it with status 0.
 */
class DemoLiveCommandTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = { "INT", "TERM" })
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldServeThePageWhileTheSimulatorDrivesAndExitZeroOnASignal(final String signal) throws Exception
    {
        final List<String> command = DocCommandsTest.pitgunProcess("demo", "--live", "--data-dir",
            dir.resolve("demo").toString());
        final Process demo = new ProcessBuilder(command).redirectErrorStream(true).start();
        final StringBuffer output = new StringBuffer();
        final CompletableFuture<String> pageUrl = new CompletableFuture<>();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(demo.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = lines.readLine()) != null)
                {
                    output.append(line).append('\n');
                    if (line.trim().startsWith("live page: "))
                    {
                        pageUrl.complete(line.trim().substring("live page: ".length()));
                    }
                }
            }
            catch (final java.io.IOException ignored)
            {
                // the process ended
            }
            pageUrl.completeExceptionally(new AssertionError("no page URL printed:\n" + output));
        }, "demo-output");
        reader.setDaemon(true);
        reader.start();
        try
        {
            final String url = pageUrl.get(90, TimeUnit.SECONDS);
            assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/live"), url);
            final HttpClient client = HttpClient.newHttpClient();
            final HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("Pitgun live"), page.body());
            // The F1 UDP simulator sends the player's car's packets at 60 Hz into the gateway's UDP source.
            assertTrue(output.toString().contains("to the gateway's UDP source 127.0.0.1:"), output.toString());
            final URI metricsUri = URI.create(url.replace("/live", "/metrics"));
            Await.until("the simulator's packets are decoded into frames", Duration.ofSeconds(60), () -> client.send(
                HttpRequest.newBuilder(metricsUri).build(), HttpResponse.BodyHandlers.ofString()).body().lines()
                .anyMatch(line -> line.startsWith("pitgun_f1_udp_frames_published_total ") &&
                    Double.parseDouble(line.substring(line.indexOf(' ') + 1)) >= 100));
            final String metrics = client.send(HttpRequest.newBuilder(metricsUri).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.lines().anyMatch(line -> line.startsWith(
                "pitgun_f1_udp_packets_total{outcome=\"decoded\"} ") && !line.endsWith(" 0")), metrics);
            // The dictionary is the game's: the page names its channels from it.
            assertEquals(200, client.send(HttpRequest.newBuilder(URI.create(url.replace("/live",
                "/dictionary/f1-25.v1"))).build(), HttpResponse.BodyHandlers.ofString()).statusCode());

            assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(demo.pid())).start().waitFor());
            assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "still running 60 s after SIG" + signal + ":\n" + output);
            reader.join(TimeUnit.SECONDS.toMillis(10));
            assertEquals(0, demo.exitValue(), "exit status after SIG" + signal + ":\n" + output);
        }
        finally
        {
            demo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
