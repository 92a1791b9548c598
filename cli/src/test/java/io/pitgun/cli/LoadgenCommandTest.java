package io.pitgun.cli;

import io.pitgun.gateway.GatewayServer;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogProcessor;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pitgun loadgen} against a real gateway on a free loopback port, in each mode. */
class LoadgenCommandTest
{
    @TempDir
    Path dir;

    private GatewayServer server;

    @BeforeEach
    void startGateway() throws Exception
    {
        server = LoopbackGateway.start(dir.resolve("data"));
    }

    @AfterEach
    void stopGateway()
    {
        server.shutdown();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:PORT", "http://127.0.0.1:PORT", "http://127.0.0.1:PORT/beacon"})
    void shouldTakeTheTargetFormsReplayTakes(final String form) throws Exception
    {
        final String target = form.replace("PORT", Integer.toString(server.address().getPort()));

        final CliRun run = CliRun.of("loadgen", "--target", target, "--rate", "50", "--duration", "1", "--out",
            dir.resolve("run").toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("sent 50, accepted 50, refused or failed 0"), run.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "ws", "ws-binary"})
    void shouldLoadTheGatewayAndWriteHdrFilesThatHdrHistogramAndTheReportRead(final String mode) throws Exception
    {
        final Path out = dir.resolve("run");
        final CliRun run = CliRun.of("loadgen", "--target", "http://127.0.0.1:" + server.address().getPort(),
            "--mode", mode, "--rate", "200", "--duration", "2", "--connections", "2", "--frames-per-envelope", "3",
            "--samples-per-frame", "5", "--out", out.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        final Matcher sent = Pattern.compile("sent (\\d+), accepted (\\d+), refused or failed 0").matcher(run.out());
        assertTrue(sent.find(), run.out());
        assertEquals(400, Long.parseLong(sent.group(1)), run.out());
        assertEquals(400, Long.parseLong(sent.group(2)), run.out());
        // Every frame of every envelope reached the gateway's ring.
        assertEquals(1200, server.counters().framesAccepted(), run.out());

        final String hgrm = Files.readString(out.resolve("loadgen.hgrm"));
        assertTrue(hgrm.contains("Value     Percentile TotalCount 1/(1-Percentile)"), hgrm);
        assertTrue(hgrm.contains("Total count    =          400]"), hgrm);

        final Histogram fromLog = new Histogram(3);
        int intervals = 0;
        final HistogramLogReader reader = new HistogramLogReader(out.resolve("loadgen.hlog").toString());
        for (EncodableHistogram h = reader.nextIntervalHistogram(); h != null; h = reader.nextIntervalHistogram())
        {
            assertEquals(null, h.getTag());
            fromLog.add((Histogram)h);
            intervals++;
        }
        reader.close();
        assertTrue(intervals >= 2, "one interval per second of a 2 s run, got " + intervals);
        assertEquals(400, fromLog.getTotalCount());

        // HdrHistogram's own log processor, with its defaults, reads the interval log back to the same 400 values.
        final Path processed = dir.resolve("processed");
        new HistogramLogProcessor(new String[] {"-i", out.resolve("loadgen.hlog").toString(), "-o", processed.toString()})
            .run();
        final String summary = Files.readString(dir.resolve("processed.hgrm"));
        assertTrue(summary.contains("Total count    =          400]"), summary);

        final Path html = dir.resolve("report.html");
        final CliRun report = CliRun.of("report", "latency", out.resolve("loadgen.hgrm").toString(), "--out", html.toString());
        assertEquals(0, report.exitCode(), report.out() + report.err());
        final String page = Files.readString(html);
        assertTrue(page.contains("<svg") && page.contains("99.9%"), page);
    }

    @Test
    void shouldSweepTheGatewayAndTheBareServerAndPrintBothSustainableRates()
    {
        // Generous limits: this checks the sweep's steps and report, not the machine's speed (a CI run once sent
        // only 166 of 200 envelopes/s to the bare server in its one-second step, under the default 95 %).
        final CliRun run = CliRun.of("loadgen", "--sweep", "--duration", "1", "--sweep-start-rate", "100",
            "--sweep-factor", "2", "--sweep-max-rate", "200", "--p999-limit-ms", "60000", "--max-error-ratio", "1",
            "--min-achieved-ratio", "0", "--connections", "2");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("gateway (embedded, ack after journal) (http://127.0.0.1:"), run.out());
        assertTrue(run.out().contains("bare Netty (reads the body, answers 202, 1 event loop) (http://127.0.0.1:"), run.out());
        // Two steps (100/s, 200/s) for each target, both held under these limits.
        final Matcher steps = Pattern.compile("(?m)^\\s+(100|200)\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+\\s+ok$")
            .matcher(run.out());
        int count = 0;
        while (steps.find())
        {
            count++;
        }
        assertEquals(4, count, run.out());
        assertTrue(run.out().contains("Sustainable rate: gateway 200 envelopes/s, bare Netty 200 envelopes/s"), run.out());
    }

    @Test
    void shouldRefuseARemoteTargetUnlessAllowed()
    {
        final CliRun run = CliRun.of("loadgen", "--target", "http://192.0.2.1:8080", "--duration", "1");
        assertEquals(CliErrorHandler.USAGE, run.exitCode());
        assertTrue(run.err().contains("--target 192.0.2.1 is not a loopback address"), run.err());
    }

    @Test
    void shouldNameTheBadOption()
    {
        final CliRun zeroRate = CliRun.of("loadgen", "--rate", "0");
        assertEquals(CliErrorHandler.USAGE, zeroRate.exitCode(), "a usage error, as an unparsable --rate is");
        assertTrue(zeroRate.err().contains("--rate must be a positive number"));
        assertTrue(CliRun.of("loadgen", "--mode", "udp").err().contains("--mode must be http, ws or ws-binary, got 'udp'"));
        assertTrue(CliRun.of("loadgen", "--samples-per-frame", "10000").err().contains("--samples-per-frame must be in [1, "));
        assertTrue(CliRun.of("loadgen", "--rate", "1000000", "--duration", "3600").err().contains("at most 50000000"));
        assertTrue(CliRun.of("loadgen", "--sweep", "--mode", "ws").err().contains("--sweep compares the gateway with a bare HTTP server"));
    }


}
