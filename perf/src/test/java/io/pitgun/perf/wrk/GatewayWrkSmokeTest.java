package io.pitgun.perf.wrk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole driver at one short point: the real {@code bin/pitgun gateway} and the bare server as processes, wrk
 * with the script against both, the journal check, the block. Opt-in ({@code -Dpitgun.wrk.smoke=true}): it needs
 * wrk, which {@code .ci/run} does not install, and the CLI jar that {@code bin/pitgun} runs (or builds).
 */
class GatewayWrkSmokeTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void shouldMeasureBothServersAndFindEveryAcknowledgedFrameJournaled() throws Exception
    {
        assumeTrue(Boolean.getBoolean("pitgun.wrk.smoke"),
            "opt-in: -Dpitgun.wrk.smoke=true (needs wrk and bin/pitgun)");
        final Path summary = dir.resolve("summary.txt");

        GatewayWrkMain.main(new String[] {"--summary", summary.toString(), "--raw-dir", dir.resolve("raw").toString(),
            "--points", "1x4,100x4", "--seconds", "2", "--warmup-seconds", "1", "--first-warmup-seconds", "1",
            "--pitgun", Path.of("..", "bin", "pitgun").toString()});

        final String text = Files.readString(summary, StandardCharsets.UTF_8);
        // The gateway, the bare server and the journaling bare server at each of the two points.
        assertEquals(6, text.lines().filter(l -> l.startsWith("point ")).count(), text);
        final String block = GatewayWrkTable.render(text);
        assertTrue(block.contains("every acknowledged frame journaled (the gateway's `pitgun_frames_journaled_total` " +
            "against wrk's 2xx × frames): **yes**"), block);
        assertTrue(block.contains("- non-2xx answers and socket errors: gateway 0, bare 0\n"), block);
        assertTrue(Files.exists(dir.resolve("raw").resolve("gateway-f100-c4.txt")));
        assertTrue(block.contains("The journaling floor"), block);
        assertTrue(block.contains("| 100 | 4 | "), block);
        // The CPU was read and the threads told apart by their full names: the gateway's event loop and pipeline
        // threads, the bare server's event loop.
        assertTrue(block.contains("CPU per request"), block);
        for (final String line : text.lines().filter(l -> l.startsWith("point ")).toList())
        {
            final GatewayWrkTable.Run run = GatewayWrkTable.run(line.substring("point ".length()));
            assertTrue(run.cpu().serverUs()[ThreadCpu.Role.EVENT_LOOP.ordinal()] > 0, line);
            assertTrue(run.cpu().wrkUs() > 0, line);
            if (run.server().equals("gateway"))
            {
                assertTrue(run.cpu().serverUs()[ThreadCpu.Role.PIPELINE.ordinal()] > 0, line);
            }
            if (run.server().equals(GatewayWrkTable.FLOOR) && run.frames() == 100)
            {
                // Its pretoucher populated the pages 2 s of 100-frame bodies need (hundreds of MB).
                assertTrue(run.cpu().serverUs()[ThreadCpu.Role.PRETOUCH.ordinal()] > 0, line);
            }
        }
    }

    /**
     * {@code --tls on}: the gateway with the JDK's provider, with OpenSSL and without TLS, each over wrk at one point,
     * every acknowledged frame journaled by each (the path bin/bench's GatewayWrkTls block takes).
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void shouldMeasureTheGatewayWithEachTlsProviderAndWithoutTls() throws Exception
    {
        assumeTrue(Boolean.getBoolean("pitgun.wrk.smoke"),
            "opt-in: -Dpitgun.wrk.smoke=true (needs wrk, openssl and bin/pitgun)");
        final Path summary = dir.resolve("summary.txt");

        GatewayWrkMain.main(new String[] {"--summary", summary.toString(), "--raw-dir", dir.resolve("raw").toString(),
            "--points", "1x4", "--seconds", "2", "--warmup-seconds", "1", "--first-warmup-seconds", "1",
            "--pitgun", Path.of("..", "bin", "pitgun").toString(), "--tls", "on"});

        final String text = Files.readString(summary, StandardCharsets.UTF_8);
        final java.util.List<String> points = text.lines().filter(l -> l.startsWith("point ")).toList();
        assertEquals(GatewayWrkMain.TLS_SERVERS.size(), points.size(), text);
        for (final String line : points)
        {
            final GatewayWrkTable.Run run = GatewayWrkTable.run(line.substring("point ".length()));
            assertTrue(GatewayWrkMain.TLS_SERVERS.contains(run.server()), line);
            // Each server is a gateway: its journal holds every frame wrk saw acknowledged, and wrk saw no errors.
            assertTrue(line.contains(" acked_frames="), line);
            final long acked = Long.parseLong(line.replaceAll(".* acked_frames=(\\d+) .*", "$1"));
            final long journaled = Long.parseLong(line.replaceAll(".* journaled_frames=(\\d+) .*", "$1"));
            assertTrue(acked > 0 && journaled >= acked, line);
        }
        final String block = GatewayWrkTable.render(text);
        assertTrue(block.contains("TLS (JDK)") && block.contains("TLS (OpenSSL)"), block);
    }
}
