package io.pitgun.cli;

import io.pitgun.engine.AckMode;
import io.pitgun.engine.FrameWriter;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.scaleout.EdgeId;
import io.pitgun.scaleout.Hive;
import io.pitgun.scaleout.HiveConfig;
import io.pitgun.scaleout.HiveMetricsServer;
import io.pitgun.scaleout.HivePipeline;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.DamagedJournal;
import io.pitgun.testsupport.EnvelopeJson;
import io.pitgun.testsupport.GatewayClient;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HiveCommandTest
{
    @TempDir
    Path dir;

    /** A hive data directory in {@code dir} with one edge's journal holding one record of {@code edgePosition}. */
    private HiveConfig edgeJournalHolding(final UUID edge, final long edgePosition)
    {
        final HiveConfig hive = HiveConfig.of("aeron:udp?endpoint=127.0.0.1:40456", dir);
        try (Journal journal = Journal.open(JournalConfig.of(hive.edgeJournal(edge.toString()))))
        {
            // A hive's record keeps the frame's edge position in its ingest-time field.
            journal.appender().append(new UnsafeBuffer(new byte[16]), 0, 16, edgePosition);
        }
        return hive;
    }

    @Test
    void shouldListEachEdgeWithTheLastEdgePositionHeld()
    {
        final UUID edge = UUID.randomUUID();
        edgeJournalHolding(edge, 4242L);
        final CliRun run = CliRun.of("hive", "status", "--data-dir", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("edges       1"), run.out());
        assertTrue(run.out().contains(edge + "  held edge position 4242"), run.out());
        assertTrue(run.out().contains(edge + "  derived output none"), run.out());
        assertTrue(run.out().contains(edge + "  derived mark none"), run.out());
    }

    /**
     * An edge whose derivation failed for good (its mark's failure line, docs/scale-out.md) is skipped at every start
     * until its journal or the pipeline changes; the status said nothing of it, so an operator saw an output that
     * stops early and no reason. The mark as a hive writes it (the layout HiveDerivedMark documents).
     */
    @Test
    void shouldSayWhyAnEdgesDerivationFailedForGood() throws Exception
    {
        final UUID edge = UUID.randomUUID();
        final HiveConfig hive = edgeJournalHolding(edge, 7L);
        final Path output = hive.edgeDerivedFile(edge.toString());
        Files.writeString(output, "");
        final Path mark = output.resolveSibling(HiveConfig.DERIVED_MARK_FILE);
        Files.writeString(mark, String.join("\n", "pitgun-hive-derived-output v3", "journal_last_index=42",
            "journal_files_sha256=00", "edge_position=7", "output_bytes=0", "output_sha256=00", "pipeline_sha256=00",
            "failure=journal entry 42: frames of dictionary team.v1, this pipeline's is sim.v1", ""));

        final CliRun failed = CliRun.of("hive", "status", "--data-dir", dir.toString());
        assertEquals(0, failed.exitCode(), failed.err());
        assertTrue(failed.out().contains(edge + "  derivation failed for good at journal index 42 (not tried again " +
            "until the journal or the hive's pipeline changes): journal entry 42: frames of dictionary team.v1"),
            failed.out());

        Files.writeString(mark, Files.readString(mark).replaceFirst("failure=.*\n", "failure=\n"));
        assertTrue(CliRun.of("hive", "status", "--data-dir", dir.toString()).out()
            .contains(edge + "  derived mark whole at journal index 42"));
        Files.writeString(mark, "not a mark");
        assertTrue(CliRun.of("hive", "status", "--data-dir", dir.toString()).out()
            .contains(edge + "  derived mark unreadable"));
    }

    @Test
    void shouldPrintTheSizeAndSha256OfEachEdgesDerivedOutput() throws Exception
    {
        final UUID edge = UUID.randomUUID();
        final HiveConfig hive = edgeJournalHolding(edge, 7L);
        Files.writeString(hive.edgeDerivedFile(edge.toString()), "abc");
        final CliRun run = CliRun.of("hive", "status", "--data-dir", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        // sha256("abc"), the FIPS 180-2 example
        assertTrue(run.out().contains(edge + "  derived output 3 bytes  sha256 " +
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), run.out());
    }

    @Test
    void shouldRefuseToStartWithAManifestThatIsNotSignedByATrustedKeyUnderTrust() throws Exception
    {
        assertEquals(0, CliRun.of("keys", "generate", "--out", dir.resolve("authority").toString()).exitCode());
        final Path manifest = dir.resolve("m.yaml");
        try (java.io.InputStream in = HiveCommandTest.class.getClassLoader()
            .getResourceAsStream("examples/pipeline-manifest/v1/valid/demo-reference.yaml"))
        {
            Files.write(manifest, in.readAllBytes());
        }
        final String trust = dir.resolve("authority.pub").toString();
        final CliRun unsigned = CliRun.of("hive", "--listen", "aeron:udp?endpoint=127.0.0.1:40456", "--data-dir",
            dir.resolve("data").toString(), "--manifest", manifest.toString(), "--trust", trust);
        assertEquals(1, unsigned.exitCode(), unsigned.out() + unsigned.err());
        assertTrue(unsigned.err().contains(manifest + ": refused: unsigned"), unsigned.err());

        assertEquals(0, CliRun.of("manifest", "sign", manifest.toString(), "--key",
            dir.resolve("authority.key").toString()).exitCode());
        Files.writeString(manifest, Files.readString(manifest) + " ");
        final CliRun tampered = CliRun.of("hive", "--listen", "aeron:udp?endpoint=127.0.0.1:40456", "--data-dir",
            dir.resolve("data").toString(), "--manifest", manifest.toString(), "--trust", trust);
        assertEquals(1, tampered.exitCode(), tampered.out() + tampered.err());
        assertTrue(tampered.err().contains(manifest + ": refused: tampered"), tampered.err());

        final CliRun builtIn = CliRun.of("hive", "--listen", "aeron:udp?endpoint=127.0.0.1:40456", "--data-dir",
            dir.resolve("data").toString(), "--trust", trust);
        assertEquals(2, builtIn.exitCode(), builtIn.out() + builtIn.err());
        assertTrue(builtIn.err().contains("--trust needs --manifest"), builtIn.err());
    }

    @Test
    void shouldRefuseADictionaryWithoutAManifest()
    {
        final CliRun run = CliRun.of("hive", "--listen", "aeron:udp?endpoint=127.0.0.1:40456", "--data-dir",
            dir.toString(), "--dictionary", dir.resolve("d.yaml").toString());
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("--dictionary needs --manifest"), run.err());
    }

    @Test
    void shouldShowEachEdgeFromARunningHivesMetricsWithTheLagItsGatewayReports() throws Exception
    {
        final String channel;
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0))
        {
            channel = "aeron:udp?endpoint=127.0.0.1:" + socket.getLocalPort();
        }
        try (Hive hive = Hive.start(HiveConfig.of(channel, dir.resolve("hive"))
                .withAeronDirectory(dir.resolve("aeron-hive")));
            HiveMetricsServer metrics = HiveMetricsServer.start(hive, new InetSocketAddress("127.0.0.1", 0));
            GatewayServer gateway = GatewayServer.start(GatewayConfig.resolve(Map.of(), Map.of(
                GatewaySetting.BIND, "127.0.0.1:0", GatewaySetting.DATA_DIR, dir.resolve("gateway").toString(),
                GatewaySetting.SHIP_TO, channel, GatewaySetting.SHIP_FLUSH_INTERVAL_MS, "1",
                GatewaySetting.SHIP_AERON_DIR, dir.resolve("aeron-edge").toString()))))
        {
            final GatewayClient client = new GatewayClient(gateway.address().getPort());
            assertEquals(202, client.beacon(EnvelopeJson.batch(UUID.randomUUID(),
                "2024-01-01T00:00:00Z", UUID.randomUUID(), 0, 25, 1, sequence -> 1_000_000L + sequence)).statusCode());
            final Journal journal = gateway.pipeline().journal().orElseThrow();
            Await.until("the hive holds the gateway's 25 frames", () -> !hive.edges().isEmpty() &&
                hive.edges().get(0).heldIndex() == journal.lastIndex() && journal.lastIndex() != Journal.NO_INDEX);
            final String edge = EdgeId.loadOrCreate(dir.resolve("gateway")).toString();
            final String hiveUrl = "http://127.0.0.1:" + metrics.address().getPort() + "/metrics";
            final String gatewayUrl = "http://127.0.0.1:" + gateway.address().getPort() + "/metrics";
            Await.until("the status shows the edge caught up", () ->
                CliRun.of("hive", "status", "--metrics-url", hiveUrl, "--edge-metrics", gatewayUrl).out()
                    .contains("lag 0 frames, 0.000 s, shipping"));

            final CliRun run = CliRun.of("hive", "status", "--metrics-url", hiveUrl, "--edge-metrics", gatewayUrl);
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("edges       1 held: heard from since the hive started"), run.out());
            // 25 frames and the gateway's ManifestLoaded entry: the journal is shipped message for message.
            assertTrue(run.out().contains(edge + "  held edge position " + journal.lastIndex() +
                "  frames written 26  last seen 20"), run.out());
            assertTrue(run.out().contains("lag 0 frames, 0.000 s, shipping (" + gatewayUrl + ")"), run.out());

            final CliRun withoutEdges = CliRun.of("hive", "status", "--metrics-url", hiveUrl);
            assertEquals(0, withoutEdges.exitCode(), withoutEdges.err());
            assertTrue(withoutEdges.out().contains("give --edge-metrics URL to show it here"), withoutEdges.out());
        }
    }

    /**
     * A cycle file deleted from the middle of the hive's journal of an edge: the hive's /metrics counted it
     * ({@code pitgun_hive_derive_journal_gaps_total}), but {@code hive status} showed every other per-edge figure and
     * not this one, so an operator checking it did not learn that the derived output lacks what the file held. The
     * journal: three cycle files an hour apart (each part's file renamed to an earlier hour's), the middle deleted.
     */
    @Test
    void shouldShowTheCycleFilesTheDerivedOutputFoundMissingFromAnEdgesJournal() throws Exception
    {
        final String channel;
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0))
        {
            channel = "aeron:udp?endpoint=127.0.0.1:" + socket.getLocalPort();
        }
        final HiveConfig config =
            HiveConfig.of(channel, dir.resolve("hive")).withAeronDirectory(dir.resolve("aeron-h"));
        final String edge = UUID.randomUUID().toString();
        final Path journal = config.edgeJournal(edge);
        final Path manifest = Files.writeString(dir.resolve("frames.yaml"), String.join("\n", "version: v1",
            "name: frames", "pipeline:", "  - type: output", "    contracts: [pitgun-envelope/v1]", ""));
        writeFrames(journal, manifest, 0);
        DamagedJournal.moveLastCycleFileBack(journal, 2);
        writeFrames(journal, manifest, 10);
        final Path deleted = DamagedJournal.moveLastCycleFileBack(journal, 1);
        writeFrames(journal, manifest, 20);
        Files.delete(deleted);

        try (Hive hive = Hive.start(config, HivePipeline.of(ManifestCommand.compile(manifest, null)));
            HiveMetricsServer metrics = HiveMetricsServer.start(hive, new InetSocketAddress("127.0.0.1", 0)))
        {
            final String hiveUrl = "http://127.0.0.1:" + metrics.address().getPort() + "/metrics";
            Await.until("the derived output read across the gap", () -> hive.derivedOutputs().stream()
                .anyMatch(deriver -> deriver.journalGaps() > 0));
            final CliRun run = CliRun.of("hive", "status", "--metrics-url", hiveUrl);
            assertEquals(0, run.exitCode(), run.err());
            // Listed although not heard from since the hive started: its writer's figures are not known.
            assertTrue(run.out().lines().anyMatch(line -> line.startsWith(edge + "  held edge position ?") &&
                line.contains("  derive journal gaps 1")), run.out());
        }
    }

    /** Ten frames numbered from {@code from}, journaled by a pipeline of their own into {@code journal}. */
    private static void writeFrames(final Path journal, final Path manifest, final int from) throws Exception
    {
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(manifest)
            .config(PipelineConfig.builder().journalDirectory(journal).ackMode(AckMode.JOURNALED).build()).build();
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 0);
            for (int i = from; i < from + 10; i++)
            {
                writer.begin(i, 1_000_000L + i * 1_000L).putDouble(3, 100 + i).commit();
            }
        }
        finally
        {
            pipeline.close();
        }
    }

    /**
     * {@code journal replay --edge-positions} of the hive's journal of an edge writes what replaying the edge's own
     * journal writes; of the gateway's journal it is refused: its ingest times would be read as edge positions (the
     * insights' journal_range said 31852636053798 for 137180568239472768, with exit 0).
     */
    @Test
    void shouldReplayAHivesJournalByEdgePositionsAndRefuseAnyOtherJournal() throws Exception
    {
        final String channel;
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0))
        {
            channel = "aeron:udp?endpoint=127.0.0.1:" + socket.getLocalPort();
        }
        final HiveConfig config =
            HiveConfig.of(channel, dir.resolve("hive")).withAeronDirectory(dir.resolve("aeron-h"));
        final Path gatewayJournal = dir.resolve("gateway").resolve("journal");
        try (Hive hive = Hive.start(config);
            GatewayServer gateway = GatewayServer.start(GatewayConfig.resolve(Map.of(), Map.of(
                GatewaySetting.BIND, "127.0.0.1:0", GatewaySetting.DATA_DIR, dir.resolve("gateway").toString(),
                GatewaySetting.SHIP_TO, channel, GatewaySetting.SHIP_FLUSH_INTERVAL_MS, "1",
                GatewaySetting.SHIP_AERON_DIR, dir.resolve("aeron-e").toString()))))
        {
            assertEquals(202, new GatewayClient(gateway.address().getPort()).beacon(EnvelopeJson.batch(
                UUID.randomUUID(), "2024-01-01T00:00:00Z", UUID.randomUUID(), 0, 25, 1, n -> 1_000_000L + n))
                .statusCode());
            final Journal journal = gateway.pipeline().journal().orElseThrow();
            Await.until("the hive holds the gateway's 25 frames", () -> !hive.edges().isEmpty() &&
                hive.edges().get(0).heldIndex() == journal.lastIndex() && journal.lastIndex() != Journal.NO_INDEX);
        }
        final Path manifest = Files.writeString(dir.resolve("m.yaml"), String.join("\n", "version: v1",
            "name: laps", "pipeline:", "  - type: segment", "    by: lap", "    aggregates:",
            "      - { channel: Speed, stats: [max] }", "  - type: output",
            "    contracts: [pitgun-envelope/v1, insight-contract/v1]", ""));
        final Path hiveJournal = config.edgeJournal(EdgeId.loadOrCreate(dir.resolve("gateway")).toString());

        final CliRun edge = CliRun.of("journal", "replay", gatewayJournal.toString(), "--manifest",
            manifest.toString(), "--out", dir.resolve("edge.jsonl").toString());
        final CliRun hive = CliRun.of("journal", "replay", hiveJournal.toString(), "--manifest", manifest.toString(),
            "--out", dir.resolve("hive.jsonl").toString(), "--edge-positions");
        assertEquals(0, edge.exitCode(), edge.err());
        assertEquals(0, hive.exitCode(), hive.err());
        assertTrue(Files.readString(dir.resolve("edge.jsonl")).contains("journal_range"), "no insight");
        assertEquals(Files.readString(dir.resolve("edge.jsonl")), Files.readString(dir.resolve("hive.jsonl")));

        final CliRun refused = CliRun.of("journal", "replay", gatewayJournal.toString(), "--manifest",
            manifest.toString(), "--out", dir.resolve("wrong.jsonl").toString(), "--edge-positions");
        assertEquals(CliErrorHandler.FAILED, refused.exitCode(), refused.out());
        assertEquals(gatewayJournal + ": not a hive's journal of an edge (it has no edge-positions.txt, which the " +
            "hive writes); --edge-positions reads only those\n", refused.err());
        assertFalse(Files.exists(dir.resolve("wrong.jsonl")), "written before the refusal");
    }

    @Test
    void shouldFailWhenTheHivesMetricsCannotBeRead() throws Exception
    {
        final int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0))
        {
            port = socket.getLocalPort();
        }
        final String url = "http://127.0.0.1:" + port + "/metrics";
        final CliRun run = CliRun.of("hive", "status", "--metrics-url", url);
        assertEquals(CliErrorHandler.FAILED, run.exitCode(), run.out());
        // It said 'cannot read: null' (the JDK's ConnectException has no message).
        assertEquals("pitgun hive status: " + url + ": cannot read: connection refused (nothing listens there)\n",
            run.err());
    }

    @Test
    void shouldRefuseToServeMetricsBeyondLoopbackUnlessAllowed()
    {
        final CliRun run = CliRun.of("hive", "--listen", "aeron:udp?endpoint=127.0.0.1:40456", "--data-dir",
            dir.toString(), "--metrics-bind", "0.0.0.0:9464");
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("--metrics-allow-non-loopback"), run.err());
        final CliRun idle = CliRun.of("hive", "--listen", "aeron:udp?endpoint=127.0.0.1:40456", "--data-dir",
            dir.toString(), "--idle-strategy", "lazy");
        assertEquals(2, idle.exitCode(), idle.out() + idle.err());
        assertTrue(idle.err().contains("'lazy' is not an idle strategy"), idle.err());
        final CliRun buffer = CliRun.of("hive", "--listen", "aeron:udp?endpoint=127.0.0.1:40456", "--data-dir",
            dir.toString(), "--socket-rcvbuf", "100");
        assertEquals(2, buffer.exitCode(), buffer.out() + buffer.err());
        assertTrue(buffer.err().contains("socket receive buffer: 100 bytes; at least 4096"), buffer.err());
    }

    @Test
    void shouldRefuseAnEdgeSecretsFileWithAShortSecret() throws Exception
    {
        final java.nio.file.Path secrets = java.nio.file.Files.writeString(dir.resolve("edge-secrets"),
            java.util.UUID.randomUUID() + " short\n");
        final CliRun run = CliRun.of("hive", "--listen", "aeron:udp?endpoint=127.0.0.1:40456", "--data-dir",
            dir.toString(), "--edge-secrets", secrets.toString());
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("line 1: a secret of 5 characters; at least 32"), run.err());
    }

    @Test
    void shouldSayWhenTheDirectoryHoldsNoEdges()
    {
        final CliRun run = CliRun.of("hive", "status", "--data-dir", dir.toString());
        assertEquals(CliErrorHandler.FAILED, run.exitCode());
        assertTrue(run.err().contains("no edges"), run.err());
    }

    @Test
    // Before the check each of these started a hive, which runs until stopped: the timeout makes that a failure.
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseAStreamIdNoEdgeCanShipOnAndASwitchThatIsNeitherOneNorZero()
    {
        for (final String[] option : new String[][] {{"--stream-id", "0", "stream id: 0; from 1 to 2147483647"},
            {"--stream-id", "-5", "stream id: -5; from 1 to 2147483647"}, {"--record", "2", "--record: 2 must be 1 or 0"},
            {"--derive", "-1", "--derive: -1 must be 1 or 0"}})
        {
            final CliRun run = CliRun.of("hive", "--listen", "aeron:udp?endpoint=127.0.0.1:40456", "--data-dir",
                dir.toString(), option[0], option[1]);
            assertEquals(2, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains(option[2]), run.err());
        }
    }

    /**
     * A --listen Aeron would refuse is refused before anything starts. Before, the media driver and the archive
     * started first (the archive's directory and the lock made in --data-dir), then Aeron's own words ("port out of
     * range:99999", "unresolved - endpoint=999.0.0.1:40456") ended the start with status 1, naming no option; and
     * aeron:ipc, which no edge can reach, started a hive.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseAListenChannelAeronWouldRefuseBeforeStartingAnything()
    {
        for (final String[] refused : new String[][] {
            {"aeron:udp?endpoint=999.0.0.1:40456", "endpoint must be host:port"},
            {"aeron:udp?endpoint=127.0.0.1:99999", "endpoint must be host:port"},
            {"aeron:udp?endpoint=hive.invalid:40456", "endpoint host 'hive.invalid' does not resolve"},
            {"aeron:udp", "must be an Aeron UDP channel"},
            {"aeron:udp?mtu=1408", "names no endpoint"},
            {"aeron:ipc", "must be an Aeron UDP channel"}})
        {
            final Path data = dir.resolve("data");
            final CliRun run = CliRun.of("hive", "--listen", refused[0], "--data-dir", data.toString(),
                "--aeron-dir", dir.resolve("aeron").toString());
            assertEquals(2, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains("listen channel: '" + refused[0] + "': " + refused[1]), run.err());
            assertFalse(Files.exists(data), refused[0] + ": " + data + " was made");
            assertFalse(Files.exists(dir.resolve("aeron")), refused[0] + ": the media driver started");
        }
    }

    @Test
    void shouldAskForTheChannelToListenOn()
    {
        final CliRun run = CliRun.of("hive", "--data-dir", dir.toString());
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("--listen"), run.err());
    }
}
