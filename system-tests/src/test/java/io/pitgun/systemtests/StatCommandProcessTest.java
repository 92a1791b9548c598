package io.pitgun.systemtests;

import io.pitgun.cli.PitgunCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pitgun stat DIR} in this JVM reads the counters of a gateway running in another process, live: what it
 * prints matches the gateway's {@code /metrics}, and moves when the gateway counts.
 */
class StatCommandProcessTest
{
    private static final Pattern STAT_LINE = Pattern.compile("\\s*(\\d+)\\s+(-?\\d+)  (.+)");

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldReadTheLiveCountersOfAGatewayInAnotherProcess() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final UUID session = UUID.randomUUID();
        try (GatewayProcess gateway = GatewayProcess.start(dataDir))
        {
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), session, 0, 10)).statusCode());
            final Map<String, Long> first = stat(dataDir);
            assertTrue(lastOut.contains(" - pid " + gateway.pid() + " started ") && lastOut.contains(", running"),
                lastOut);
            assertEquals(10L, first.get("frames accepted"), first.toString());
            assertEquals((long)gateway.metric("pitgun_frames_accepted_total"), first.get("frames accepted"));
            assertEquals((long)gateway.metric("pitgun_frames_journaled_total"), first.get("frames journaled"));
            assertEquals((long)gateway.metric("pitgun_gateway_frames_published_total"),
                first.get("gateway: frames published"));
            assertEquals((long)gateway.metric("pitgun_gateway_envelopes_total{outcome=\"accepted\"}"),
                first.get("gateway: envelopes accepted"));

            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), session, 10, 5)).statusCode());
            final Map<String, Long> second = stat(dataDir);
            assertEquals(15L, second.get("frames accepted"), second.toString());
            assertEquals(2L, second.get("gateway: envelopes accepted"), second.toString());
            assertEquals(0, gateway.terminate(Duration.ofSeconds(10)), gateway.logs());
        }
        final Map<String, Long> last = stat(dataDir);
        assertEquals(15L, last.get("frames journaled"), "a stopped gateway's last values: " + last);
        assertTrue(lastOut.contains(", not running"), lastOut);
    }

    private static String lastOut = "";

    private static Map<String, Long> stat(final Path dataDir)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = PitgunCommand.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        assertEquals(0, commandLine.execute("stat", dataDir.toString()), err.toString());
        lastOut = out.toString();
        final Map<String, Long> byLabel = new HashMap<>();
        for (final String line : out.toString().lines().toList())
        {
            final Matcher m = STAT_LINE.matcher(line);
            if (m.matches())
            {
                byLabel.put(m.group(3), Long.parseLong(m.group(2)));
            }
        }
        return byLabel;
    }
}
