package io.pitgun.cli;

import io.pitgun.engine.CountersFileDescriptor;
import io.pitgun.gateway.GatewayServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pitgun stat DIR} reads a real gateway's counters file and prints what {@code /metrics} serves. */
class StatCommandTest
{
    private static final Path ENVELOPE = Path.of("..", "schemas", "src", "main", "resources", "examples",
        "pitgun-envelope", "v1", "valid", "multi-lap-batch.json");
    private static final Pattern STAT_LINE = Pattern.compile("\\s*(\\d+)\\s+(-?\\d+)  (.+)");
    private static final int ENVELOPES = 3;

    @TempDir
    Path dir;

    @Test
    void shouldPrintTheCountersMetricsServesFromARunningGateway() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final GatewayServer server = LoopbackGateway.start(dataDir);
        final Map<String, Long> printed;
        final String metrics;
        try
        {
            final String target = "http://127.0.0.1:" + server.address().getPort();
            final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            final String envelope = Files.readString(ENVELOPE);
            for (int i = 0; i < ENVELOPES; i++)
            {
                final String body = envelope.replace("3f1c2a9e-7b44-4d0e-9a6b-2c8e5f1d7a30", UUID.randomUUID().toString());
                assertEquals(202, post(client, target, body), body);
            }
            assertEquals(400, post(client, target, "{"));
            metrics = client.send(HttpRequest.newBuilder(URI.create(target + "/metrics")).GET()
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();

            final CliRun stat = CliRun.of("stat", dataDir.toString());
            assertEquals(0, stat.exitCode(), stat.out() + stat.err());
            printed = parse(stat.out());
        }
        finally
        {
            server.shutdown();
        }

        assertEquals(ENVELOPES * 3L, printed.get("frames accepted"), printed.toString());
        assertEquals(metric(metrics, "pitgun_frames_accepted_total"), printed.get("frames accepted"));
        assertEquals(metric(metrics, "pitgun_frames_journaled_total"), printed.get("frames journaled"));
        assertEquals(metric(metrics, "pitgun_gateway_envelopes_total{outcome=\"accepted\"}"),
            printed.get("gateway: envelopes accepted"));
        assertEquals(ENVELOPES, printed.get("gateway: envelopes accepted"));
        assertEquals(metric(metrics, "pitgun_gateway_frames_published_total"), printed.get("gateway: frames published"));
        assertEquals(metric(metrics, "pitgun_gateway_rejections_total{reason=\"malformed_json\"}"),
            printed.get("gateway rejections: malformed_json"));
        assertEquals(1L, printed.get("gateway rejections: malformed_json"));
    }

    @Test
    void shouldReadAStoppedGatewaysLastValuesAndRepeatOnAnInterval() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final GatewayServer server = LoopbackGateway.start(dataDir);
        final String target = "http://127.0.0.1:" + server.address().getPort();
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertEquals(400, post(client, target, "{"));
        server.shutdown();

        final CliRun stat = CliRun.of("stat", dataDir.toString(), "--interval-s", "1",
            "--count", "2");
        assertEquals(0, stat.exitCode(), stat.out() + stat.err());
        assertEquals(2, stat.out().lines().filter(line -> line.startsWith("# ")).count(), stat.out());
        // The gateway ran in this JVM, which still runs: the header names this process.
        assertTrue(stat.out().contains(" - pid " + ProcessHandle.current().pid() + " started "), stat.out());
        assertEquals(1L, parse(stat.out()).get("gateway rejections: malformed_json"));
    }

    @Test
    void shouldFailOnADirectoryWithoutACountersFile()
    {
        final CliRun stat = CliRun.of("stat", dir.toString());
        assertEquals(1, stat.exitCode());
        assertTrue(stat.err().contains(CountersFileDescriptor.FILE_NAME), stat.err());
    }

    private static int post(final HttpClient client, final String target, final String body) throws Exception
    {
        return client.send(HttpRequest.newBuilder(URI.create(target + "/beacon"))
            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode();
    }

    private static Map<String, Long> parse(final String out)
    {
        final Map<String, Long> byLabel = new HashMap<>();
        for (final String line : out.lines().toList())
        {
            final Matcher m = STAT_LINE.matcher(line);
            if (m.matches())
            {
                byLabel.put(m.group(3), Long.parseLong(m.group(2)));
            }
        }
        return byLabel;
    }

    private static long metric(final String metrics, final String series)
    {
        for (final String line : metrics.lines().toList())
        {
            if (line.startsWith(series + " "))
            {
                return (long)Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError(series + " not in /metrics:\n" + metrics);
    }
}
