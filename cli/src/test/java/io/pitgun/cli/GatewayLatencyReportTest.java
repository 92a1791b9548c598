package io.pitgun.cli;

import io.pitgun.gateway.GatewayServer;
import io.pitgun.perf.latency.PercentileDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's {@code GET /latency} bodies, saved as files the way {@code curl -o} saves them, are read by
 * {@code pitgun report latency} like the CLI's own {@code .hgrm} and {@code .hlog} files.
 */
class GatewayLatencyReportTest
{
    private static final int ENVELOPES = 100;
    private static final int FRAMES = ENVELOPES * 3;

    @TempDir
    Path dir;

    @Test
    void shouldReportTheBodiesOfGetLatencySavedAsFiles() throws Exception
    {
        final GatewayServer server = LoopbackGateway.start(dir.resolve("data"));
        final Path hgrm = dir.resolve("journaled.hgrm");
        final Path hlog = dir.resolve("gateway.hlog");
        try
        {
            final String target = "http://127.0.0.1:" + server.address().getPort();
            final CliRun load = CliRun.of("loadgen", "--target", target, "--mode", "http", "--rate", "100", "--duration", "1",
                "--connections", "1", "--frames-per-envelope", "3", "--out", dir.resolve("run").toString());
            assertEquals(0, load.exitCode(), load.out() + load.err());
            assertEquals(FRAMES, server.counters().framesAccepted(), load.out());

            final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (final Map.Entry<String, Path> get : Map.of("/latency?stage=journaled", hgrm, "/latency?format=hlog", hlog)
                .entrySet())
            {
                final HttpResponse<Path> response = client.send(HttpRequest.newBuilder(URI.create(target + get.getKey()))
                    .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofFile(get.getValue()));
                assertEquals(200, response.statusCode(), get.getKey());
            }
        }
        finally
        {
            server.shutdown();
        }

        // Journaled ack mode: each of loadgen's accepted envelopes was journaled before its answer.
        final PercentileDistribution journaled = PercentileDistribution.readHgrm(hgrm);
        assertEquals(FRAMES, journaled.totalCount());
        assertTrue(journaled.valueAt(0.5) > 0 && journaled.maxValue() < 60_000_000, journaled.toString());
        final List<PercentileDistribution> logged = PercentileDistribution.readHlog(hlog);
        assertEquals(List.of("gateway:publish_to_journaled", "gateway:publish_to_processed"),
            logged.stream().map(PercentileDistribution::name).toList());
        assertEquals(FRAMES, logged.get(0).totalCount());

        final Path html = dir.resolve("report.html");
        final CliRun report = CliRun.of("report", "latency", hgrm.toString(), hlog.toString(), "--out", html.toString());
        assertEquals(0, report.exitCode(), report.out() + report.err());
        final String page = Files.readString(html);
        for (final String series : List.of("journaled", "gateway:publish_to_journaled", "gateway:publish_to_processed"))
        {
            assertTrue(page.contains("data-series=\"" + series + "\""), series);
        }
    }


}
