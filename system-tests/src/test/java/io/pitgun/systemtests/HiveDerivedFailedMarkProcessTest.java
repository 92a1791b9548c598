package io.pitgun.systemtests;

import io.pitgun.scaleout.EdgeId;
import io.pitgun.scaleout.HiveConfig;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.GatewayClient;
import io.pitgun.testsupport.SimV1Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A derivation that fails for good (docs/scale-out.md, <i>Restart</i>): an edge gateway running a dictionary of its
 * own ({@code team.v1}) ships to a hive deriving with {@code sim.v1}, whose pipeline refuses that edge's journal at
 * its {@code ManifestLoaded}, as {@code pitgun journal replay} of it does, every time. The hive marks the output
 * failed; a restarted hive does not derive it again (before, it did so at every start, to fail alike), logs it and
 * counts it ({@code pitgun_hive_derive_edges_skipped_failed_total}); a hive with the edge's dictionary derives it
 * whole.
 */
class HiveDerivedFailedMarkProcessTest
{
    private static final Pattern FAILURE = Pattern.compile("\nfailure=(.*)\n");
    private static final String TEAM_MANIFEST = """
        version: v1
        name: team-passthrough
        dictionary: team.v1
        pipeline:
          - type: output
            contracts: [pitgun-envelope/v1]
        """;

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void shouldNotDeriveAgainAnEdgeWhoseDerivationFailsForGoodUntilThePipelineChanges() throws Exception
    {
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + ShippingChaosTest.freeUdpPort();
        final Path hiveData = dir.resolve("hive");
        final Path edgeData = dir.resolve("edge");
        final Path team = SimV1Variant.write(dir.resolve("team.v1.yaml"), "team.v1");
        HiveDerivedMarkCrashProcessTest.shipOneEdge(channel, hiveData, edgeData, 2, "--dictionary", team.toString());
        final HiveConfig config = HiveConfig.of(channel, hiveData);
        final String edgeId = EdgeId.loadOrCreate(edgeData).toString();
        final Path mark = config.edgeDerivedMark(edgeId);
        final Path journal = config.edgeJournal(edgeId);
        final long lastIndex = ShippingChaosTest.lastIndex(journal);

        // The shipping hive marked it failed where its journal ended then: this one marks it failed at its end.
        final HiveProcess second = HiveProcess.start(hiveData, channel);
        try
        {
            Await.until("the edge's output marked failed at journal index " + lastIndex, HiveProcess.START_TIMEOUT,
                () -> Files.exists(mark) && Files.readString(mark).contains("\njournal_last_index=" + lastIndex +
                    "\n") && !failure(mark).isEmpty());
        }
        finally
        {
            second.close();
        }
        assertTrue(failure(mark).contains("written with dictionary 'team.v1', not 'sim.v1'"), Files.readString(mark));
        final FileTime marked = Files.getLastModifiedTime(mark);
        final byte[] failedOutput = Files.readAllBytes(config.edgeDerivedFile(edgeId));

        final int metricsPort = ShippingChaosTest.freeTcpPort();
        final HiveProcess third = HiveProcess.start(hiveData, channel, List.of(), "--metrics-bind",
            "127.0.0.1:" + metricsPort);
        try
        {
            final GatewayClient metrics = new GatewayClient(metricsPort);
            assertEquals(1.0, metrics.metricOrNaN("pitgun_hive_derive_edges_skipped_failed_total"), third.logs());
            assertEquals(0.0, metrics.metricOrNaN("pitgun_hive_derive_edges_skipped_total"), third.logs());
            assertEquals(0.0, metrics.metricOrNaN("pitgun_hive_derive_edges_completed_total"), third.logs());
        }
        finally
        {
            third.close();
        }
        assertTrue(third.logs().contains("edge " + edgeId + ": not derived again: its derivation failed"),
            third.logs());
        assertEquals(marked, Files.getLastModifiedTime(mark), "not derived again: its mark untouched");
        assertArrayEquals(failedOutput, Files.readAllBytes(config.edgeDerivedFile(edgeId)));

        // Another pipeline: derived again, whole, as the replay with the edge's dictionary.
        final Path manifest = Files.writeString(dir.resolve("team-manifest.yaml"), TEAM_MANIFEST);
        final HiveProcess fourth = HiveProcess.start(hiveData, channel, List.of(), "--manifest", manifest.toString(),
            "--dictionary", team.toString());
        try
        {
            Await.until("the edge derived whole with its dictionary", HiveProcess.START_TIMEOUT,
                () -> Files.exists(mark) && !Files.getLastModifiedTime(mark).equals(marked));
        }
        finally
        {
            fourth.close();
        }
        assertEquals("", failure(mark), Files.readString(mark) + fourth.logs());
        final Path replayed = dir.resolve("replayed.jsonl");
        final InProcessCli replay = InProcessCli.run("journal", "replay", "--edge-positions", "--manifest",
            manifest.toString(), "--dictionary", team.toString(), "--out", replayed.toString(), journal.toString());
        assertEquals(0, replay.exitCode(), replay.out() + replay.err());
        assertArrayEquals(Files.readAllBytes(replayed), Files.readAllBytes(config.edgeDerivedFile(edgeId)));
    }

    /** The mark's failure line: empty for a whole output. */
    private static String failure(final Path mark) throws Exception
    {
        final Matcher failure = FAILURE.matcher(Files.readString(mark));
        assertTrue(failure.find(), Files.readString(mark));
        return failure.group(1);
    }
}
