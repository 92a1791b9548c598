package io.pitgun.scaleout;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.engine.AckMode;
import io.pitgun.engine.FrameWriter;
import io.pitgun.engine.JournalReplayer;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalAppender;
import io.pitgun.journal.JournalConfig;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestLoader;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.DamagedJournal;
import io.pitgun.testsupport.SimV1Variant;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.DatagramSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Edges ship real telemetry (a pipeline with a journal at each edge) into a hive that runs a manifest over each
 * edge's journal, live: each edge's {@code derived.jsonl} must be, byte for byte, what replaying that edge's own
 * journal through the same manifest writes ({@link JournalReplayer}, the engine API behind
 * {@code pitgun journal replay}) — also across a hive restart, and whatever another edge ships.
 */
class HiveDerivedOutputTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String MANIFEST = """
        version: v1
        name: hive-derived-test
        pipeline:
          - type: formula
            derived_channels:
              - name: Power_kW
                expr: "Torque_Nm * Engine_RPM / 9549.0"
                unit: kW
          - type: segment
            by: lap
            aggregates:
              - channel: Speed
                stats: [count, min, max, mean]
          - type: segment
            by: session
            aggregates:
              - channel: Speed
                stats: [max]
          - type: output
            contracts: [pitgun-envelope/v1, insight-contract/v1]
        """;

    @TempDir
    Path dir;

    private String channel;
    private CompiledManifest manifest;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception
    {
        channel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        manifest = ManifestCompiler.compile(ManifestLoader.parse(Path.of("hive-derived-test.yaml"), MANIFEST),
            ParameterRegistry.simV1());
    }

    @AfterEach
    void tearDown() throws Exception
    {
        for (int i = open.size() - 1; i >= 0; i--)
        {
            open.get(i).close();
        }
    }

    @Test
    void shouldDeriveEachEdgesOutputAsReplayingItsOwnJournalDoes() throws Exception
    {
        final Edge first = new Edge("edge-1", 1);
        final Edge second = new Edge("edge-2", 2);
        first.publish(0, 3_000);
        second.publish(0, 2_000);
        final Hive hive = startHive();
        first.ship();
        second.ship();

        first.awaitDerived(hive);
        second.awaitDerived(hive);
        // Idle: what the hive has written so far is the replay's output less what only closing flushes (open laps
        // and sessions), so an external reader sees complete lines up to there.
        final byte[] reference = first.replayOwnJournal();
        Await.until("the idle hive wrote out the first edge's output so far", WAIT,
            () -> isNonEmptyPrefix(first.derivedFile(hive), reference));

        first.publish(3_000, 1_500); // more after an idle period
        first.awaitDerived(hive);
        final HiveEdgeDeriver deriver = first.deriver(hive);
        assertEquals(first.journal.lastIndex(), deriver.derivedPosition(), "names frames by their edge positions");
        assertTrue(deriver.failure().isEmpty());

        hive.close();
        assertSameBytes(first.replayOwnJournal(), first.derivedFile(hive));
        assertSameBytes(second.replayOwnJournal(), second.derivedFile(hive));
        assertEquals(HiveEdgeDeriver.sha256(first.derivedFile(hive)), deriver.fileSha256());
        assertTrue(deriver.outputDigest().isPresent(), "the pipeline's digest, once the hive stopped");
    }

    @Test
    void shouldEndByteIdenticalAcrossAHiveRestartMidStream() throws Exception
    {
        final Edge edge = new Edge("edge", 7);
        edge.publish(0, 2_000);
        final HiveConfig config = hiveConfig();
        final Hive first = Hive.start(config, HivePipeline.of(manifest));
        edge.ship();
        Await.until("some output derived", WAIT,
            () -> !first.derivedOutputs().isEmpty() && first.derivedOutputs().get(0).derivedMessages() > 500);
        edge.publish(2_000, 1_000); // in flight while the hive stops
        first.close();
        edge.publish(3_000, 1_000); // while no hive runs

        final Hive second = Hive.start(config, HivePipeline.of(manifest));
        open.add(second);
        edge.publish(4_000, 1_000);
        edge.awaitDerived(second);
        second.close();
        assertSameBytes(edge.replayOwnJournal(), config.edgeDerivedFile(edge.id().toString()));
    }

    @Test
    void shouldKeepDerivingOtherEdgesWhenOneEdgesFramesAreRejected() throws Exception
    {
        final Edge good = new Edge("good", 3);
        final Path badData = dir.resolve("bad");
        final Journal bad = Journal.open(JournalConfig.of(badData.resolve("journal")));
        open.add(bad);
        appendNotPitgunMessages(bad, 300);
        good.publish(0, 2_000);
        final Hive hive = startHive();
        final EdgeShipper badShipper = EdgeShipper.start(bad, badData,
            shipperConfig().withAeronDirectory(dir.resolve("aeron-bad")));
        open.add(badShipper);
        good.ship();

        Await.until("the rejected edge's derivation failed", WAIT, () -> hive.derivedOutputs().stream()
            .anyMatch(d -> d.edgeId().equals(badShipper.edgeId().toString()) && d.failure().isPresent()));
        good.publish(2_000, 1_000);
        good.awaitDerived(hive);
        Await.until("the hive holds all of the rejected edge's journal", WAIT, () -> hive.edges().stream()
            .anyMatch(w -> w.edgeId().equals(badShipper.edgeId()) && w.heldIndex() == bad.lastIndex()));

        hive.close();
        assertSameBytes(good.replayOwnJournal(), good.derivedFile(hive));
        final HiveEdgeDeriver failed = hive.derivedOutputs().stream()
            .filter(d -> d.edgeId().equals(badShipper.edgeId().toString())).findFirst().orElseThrow();
        assertEquals(0, failed.derivedMessages(), "nothing derived from messages that are not Pitgun's");
    }

    @Test
    void shouldNameTheManifestsSignerInEveryInsightWhenTheManifestWasVerified() throws Exception
    {
        final java.security.KeyPair pair = io.pitgun.schemas.signing.Ed25519Keys.generate();
        final Path key = dir.resolve("authority.key");
        final Path pub = dir.resolve("authority.pub");
        io.pitgun.schemas.signing.Ed25519Keys.write(pair, key, pub);
        final Path file = dir.resolve("hive-derived-test.yaml");
        Files.writeString(file, MANIFEST);
        io.pitgun.schemas.signing.DocumentSigner.fromKeyFiles(key, pub).signFile(file);
        final io.pitgun.schemas.signing.VerifiedDocument source = new io.pitgun.schemas.signing.SignatureVerifier(
            io.pitgun.schemas.signing.TrustedKeys.load(List.of(pub))).read(file);

        final Edge edge = new Edge("edge-1", 1);
        edge.publish(0, 2_000);
        final Hive hive = Hive.start(hiveConfig(),
            new HivePipeline(manifest, io.pitgun.engine.PipelineConfig.defaults(), source));
        open.add(hive);
        edge.ship();
        edge.awaitDerived(hive);
        hive.close();

        final List<String> insights = Files.readAllLines(edge.derivedFile(hive)).stream()
            .filter(line -> line.contains("\"schema_version\":\"insight-contract/v1\"")).toList();
        assertFalse(insights.isEmpty(), "the session's insight, written at close");
        final String signer = "\"signer_key_id\":\"" + io.pitgun.schemas.signing.Ed25519Keys.keyId(pair.getPublic()) +
            "\"";
        insights.forEach(line -> assertTrue(line.contains(signer), line));
    }

    /**
     * A cycle file deleted from the middle of the hive's journal of an edge (to free disk space): the derivation,
     * reading that journal from its start when the hive starts, went from the file before it to the one after it
     * without a word, as across an hour without data, and the output lacked what the file held unannounced. Now it
     * counts the gap ({@code pitgun_hive_derive_journal_gaps_total}, per edge) and says at WARN which entries are
     * missing. Three hive runs an hour apart, made by renaming each run's cycle file to an earlier hour's name.
     */
    @Test
    void shouldCountACycleFileDeletedFromTheMiddleOfAnEdgesJournal() throws Exception
    {
        final Edge edge = new Edge("edge", 5);
        edge.publish(0, 500);
        final HiveConfig config = hiveConfig();
        Hive hive = Hive.start(config, HivePipeline.of(manifest));
        edge.ship();
        edge.awaitDerived(hive);
        hive.close();
        final Path hiveJournal = config.edgeJournal(edge.id().toString());
        DamagedJournal.moveLastCycleFileBack(hiveJournal, 2);
        hive = Hive.start(config, HivePipeline.of(manifest));
        edge.publish(500, 500);
        edge.awaitDerived(hive);
        assertEquals(0, edge.deriver(hive).journalGaps(), "an hour without entries leaves no file: not a gap");
        hive.close();
        final Path deleted = DamagedJournal.moveLastCycleFileBack(hiveJournal, 1);
        hive = Hive.start(config, HivePipeline.of(manifest));
        edge.publish(1_000, 500);
        edge.awaitDerived(hive);
        hive.close();
        Files.delete(deleted);

        hive = startHive();
        edge.awaitDerived(hive);
        assertEquals(1, edge.deriver(hive).journalGaps());
        assertTrue(HiveMetrics.render(hive).contains("pitgun_hive_derive_journal_gaps_total{edge=\"" + edge.id() +
            "\"} 1\n"), HiveMetrics.render(hive));
    }

    /**
     * A hive run for months holds the journals of edges long replaced. It started a pipeline and its thread for every
     * edge directory on disk, all at once and for as long as it ran (80 copies of one edge's directory: 34 threads to
     * 115), not bounded by {@code --max-edges}. Now those the writer has not taken are derived a few at a time, each
     * closed, its thread ended, once its journal is read whole, with its output then complete, and counted; an edge
     * among them that ships again is followed again.
     */
    @Test
    void shouldDeriveTheEdgesOnDiskAFewAtATimeClosingEachOnceWhole() throws Exception
    {
        final Edge edge = new Edge("edge", 6);
        final HiveConfig config = hiveConfig();
        final List<Path> copies = shippedThenCopiedOnDisk(edge, config, 7);
        final List<Path> outputs = new ArrayList<>(List.of(config.edgeDerivedFile(edge.id().toString())));
        outputs.addAll(copies);

        final Hive hive = startHive();
        final int[] mostAtOnce = new int[1];
        // The edge's own output was derived whole and marked by the first run's stop: not derived again.
        Await.until("every copy on disk derived and closed", WAIT, () ->
        {
            mostAtOnce[0] = Math.max(mostAtOnce[0], derivePipelineThreads());
            return hive.deriveEdgesCompleted() == copies.size();
        });
        assertTrue(mostAtOnce[0] <= HiveDeriveAgent.CATCH_UP_PIPELINES, mostAtOnce[0] + " pipelines at once");
        assertEquals(0, derivePipelineThreads(), "each pipeline's thread ended once its output was whole");
        final byte[] reference = edge.replayOwnJournal();
        for (final Path output : outputs)
        {
            assertSameBytes(reference, output); // whole while the hive runs, not only once it stops
        }
        final String metrics = HiveMetrics.render(hive);
        assertTrue(metrics.contains("\npitgun_hive_derive_edges_completed_total 7\n") &&
            metrics.contains("\npitgun_hive_derive_edges_skipped_total 1\n") &&
            metrics.contains("\npitgun_hive_derive_edges_waiting 0\n") &&
            metrics.contains("\npitgun_hive_derive_pipelines 0\n"), metrics);

        edge.publish(1_500, 500);
        edge.ship(); // the edge comes back: followed again from its journal's first frame
        edge.awaitDerived(hive);
        assertEquals(1, derivePipelineThreads());
        hive.close();
        assertSameBytes(edge.replayOwnJournal(), edge.derivedFile(hive));
    }

    /**
     * {@code --max-edges} counted the edges heard from since the hive started: once as many had come and gone (edges
     * replaced), every new edge was refused until a restart, the gone ones' journals and pipelines held open. Now a
     * new edge at the bound releases one whose connection has gone: its journal is closed, its output completed
     * whole and its pipeline closed, counted; and it is taken again when it ships again.
     */
    @Test
    void shouldReleaseAnEdgeWhoseConnectionHasGoneForANewEdgeAtTheBound() throws Exception
    {
        final Edge gone = new Edge("gone", 9);
        final Edge next = new Edge("next", 10);
        gone.publish(0, 1_500);
        next.publish(0, 1_000);
        final List<ILoggingEvent> warnings = capturedAtWarn(HiveAgent.class);
        final Hive hive = Hive.start(hiveConfig().withMaxEdges(1), HivePipeline.of(manifest));
        open.add(hive);
        gone.ship();
        gone.awaitDerived(hive);
        gone.shipper.close(); // replaced: its connection ends

        next.ship();
        next.awaitDerived(hive); // its batches are refused (counted) until the driver sees the gone connection end
        assertEquals(1, hive.edgesReleased());
        assertEquals(List.of(next.id()), hive.edges().stream().map(HiveEdgeWriter::edgeId).toList());
        Await.until("the released edge's output completed and its pipeline closed", WAIT,
            () -> hive.deriveEdgesCompleted() == 1 && derivePipelineThreads() == 1);
        assertSameBytes(gone.replayOwnJournal(), gone.derivedFile(hive)); // whole while the hive runs
        final String metrics = HiveMetrics.render(hive);
        assertTrue(metrics.contains("\npitgun_hive_edges_released_total 1\n") &&
            metrics.contains("\npitgun_hive_edges 1\n"), metrics);
        // At WARN, which the CLI shows (it logs from WARN up): at INFO an operator never saw an edge released.
        assertTrue(List.copyOf(warnings).stream().anyMatch(event -> event.getFormattedMessage()
            .equals("edge " + gone.id() + ": released, its connection gone, to make room for a new edge " +
                "(--max-edges 1)")), "no WARN of the release: " + List.copyOf(warnings));

        next.shipper.close();
        gone.publish(1_500, 500);
        gone.ship(); // back: taken again in place of the next one, its output derived again from the first frame
        gone.awaitDerived(hive);
        assertEquals(2, hive.edgesReleased());
        hive.close();
        assertSameBytes(next.replayOwnJournal(), next.derivedFile(hive));
        assertSameBytes(gone.replayOwnJournal(), gone.derivedFile(hive));
    }

    /**
     * Every hive start derived every edge on disk again, two at a time, and a stop completed those still waiting:
     * start and stop took longer the more history the hive held. Now a whole derivation leaves a mark of what it
     * covered ({@code derived.complete}), and an edge whose mark matches its journal and output is not derived
     * again, at start nor when it ships again with nothing new; a journal grown since, a mark cut short, one of
     * another pipeline, or an output cut short (a re-derivation killed) is derived again. Every output stays the
     * replay's, byte for byte.
     */
    @Test
    void shouldNotDeriveAgainAnEdgeWhoseOutputIsWholeAndUnchangedSince() throws Exception
    {
        final Edge edge = new Edge("edge", 11);
        final HiveConfig config = hiveConfig();
        final List<Path> copies = shippedThenCopiedOnDisk(edge, config, 4); // the edge's output marked, not theirs
        final Hive second = Hive.start(config, HivePipeline.of(manifest));
        open.add(second);
        Await.until("the copies derived", WAIT, () -> second.deriveEdgesCompleted() == copies.size());
        final String skipped = HiveMetrics.render(second);
        assertTrue(skipped.contains("\npitgun_hive_derive_edges_skipped_total 1\n"), skipped);
        second.close();

        final Path cutShort = copies.get(0).resolveSibling(HiveConfig.DERIVED_MARK_FILE);
        Files.writeString(cutShort, Files.readString(cutShort).substring(0, 40));
        final Path foreign = copies.get(1).resolveSibling(HiveConfig.DERIVED_MARK_FILE);
        Files.writeString(foreign, Files.readString(foreign).replaceAll("pipeline_sha256=[0-9a-f]+", // another manifest
            "pipeline_sha256=" + "0".repeat(64)));
        final byte[] whole = Files.readAllBytes(copies.get(2));
        Files.write(copies.get(2), Arrays.copyOf(whole, whole.length / 2)); // a kill -9 cut its re-derivation short
        final Hive third = Hive.start(config, HivePipeline.of(manifest));
        open.add(third);
        Await.until("the three edges whose mark is not trusted derived", WAIT,
            () -> third.deriveEdgesCompleted() == 3);
        final String metrics = HiveMetrics.render(third);
        assertTrue(metrics.contains("\npitgun_hive_derive_edges_skipped_total 2\n") &&
            metrics.contains("\npitgun_hive_derive_marks_distrusted_total{reason=\"unreadable\"} 1\n") &&
            metrics.contains("\npitgun_hive_derive_marks_distrusted_total{reason=\"pipeline\"} 1\n") &&
            metrics.contains("\npitgun_hive_derive_marks_distrusted_total{reason=\"journal\"} 0\n") &&
            metrics.contains("\npitgun_hive_derive_marks_distrusted_total{reason=\"output\"} 1\n"), metrics);
        edge.publish(1_500, 500);
        edge.ship(); // its journal grows: derived again
        edge.awaitDerived(third);
        third.close();
        final byte[] reference = edge.replayOwnJournal();
        assertSameBytes(reference, edge.derivedFile(third));
        final byte[] copied = Files.readAllBytes(copies.get(3)); // derived by the second run, before the edge grew
        for (final Path copy : copies)
        {
            assertSameBytes(copied, copy);
        }

        final Hive fourth = Hive.start(config, HivePipeline.of(manifest));
        open.add(fourth);
        Await.until("the hive looked at the edges on disk", WAIT, () -> HiveMetrics.render(fourth)
            .contains("\npitgun_hive_derive_edges_skipped_total " + (copies.size() + 1) + "\n"));
        edge.shipper.close();
        edge.ship(); // the edge starts again, with nothing new: taken, not derived again
        Await.until("the edge taken", WAIT, () -> fourth.edges().stream()
            .anyMatch(w -> w.edgeId().equals(edge.id()) && w.heldIndex() == edge.journal.lastIndex()));
        fourth.close();
        assertEquals(0, fourth.deriveEdgesCompleted());
        assertEquals(List.of(), fourth.derivedOutputs(), "no edge derived again, at start, when taken or at stop");
        assertSameBytes(reference, edge.derivedFile(fourth));
        final Path edgeJournal = config.edgeJournal(edge.id().toString());
        try (Journal held = Journal.open(JournalConfig.readOnly(edgeJournal)))
        {
            assertEquals(null, HiveDerivedMark.check(config.edgeDerivedMark(edge.id().toString()),
                edge.derivedFile(fourth), edgeJournal, held.lastIndex(),
                HiveDerivedMark.pipelineIdentity(HivePipeline.of(manifest))), "the next start trusts it still");
        }
        for (final Path copy : copies)
        {
            assertSameBytes(copied, copy);
        }
    }

    /**
     * An output edited in place, its length kept (one byte flipped), is no longer trusted by its mark: its SHA-256
     * differs from the one marked. Before, the mark named only the length, so the edited output stood for good.
     */
    @Test
    void shouldDeriveAgainAnOutputEditedInPlaceKeepingItsLength() throws Exception
    {
        final Edge edge = new Edge("edge", 12);
        final HiveConfig config = hiveConfig();
        final Path copy = shippedThenCopiedOnDisk(edge, config, 1).get(0);
        final Hive second = Hive.start(config, HivePipeline.of(manifest));
        open.add(second);
        Await.until("the copy derived", WAIT, () -> second.deriveEdgesCompleted() == 1);
        second.close();
        final byte[] whole = Files.readAllBytes(copy);
        final byte[] edited = whole.clone();
        edited[whole.length / 2] ^= 0x01;
        Files.write(copy, edited, StandardOpenOption.WRITE); // in place: same file, same length

        final Hive third = Hive.start(config, HivePipeline.of(manifest));
        open.add(third);
        Await.until("the edited output derived again", WAIT, () -> third.deriveEdgesCompleted() == 1);
        final String metrics = HiveMetrics.render(third);
        assertTrue(metrics.contains("\npitgun_hive_derive_marks_distrusted_total{reason=\"content\"} 1\n") &&
            metrics.contains("\npitgun_hive_derive_marks_distrusted_total{reason=\"output\"} 0\n") &&
            metrics.contains("\npitgun_hive_derive_edges_skipped_total 1\n"), metrics);
        third.close();
        assertSameBytes(whole, copy);
    }

    /**
     * A cycle file of an edge's journal replaced by another of the same name and the same last index (restored from
     * another backup, edited) but of another size is no longer trusted by the mark: the edge is derived again. Before,
     * the mark named the cycle files by name and the journal's last index only, so the output derived from the old
     * file stood for good. Here the file is the same entries in a longer file (a chunk more), so the output derived
     * again is the same bytes.
     */
    @Test
    void shouldDeriveAgainAnEdgeWhoseCycleFileWasReplacedByOneOfAnotherSize() throws Exception
    {
        final Edge edge = new Edge("edge", 13);
        final HiveConfig config = hiveConfig();
        final Path copy = shippedThenCopiedOnDisk(edge, config, 1).get(0);
        final Hive second = Hive.start(config, HivePipeline.of(manifest));
        open.add(second);
        Await.until("the copy derived", WAIT, () -> second.deriveEdgesCompleted() == 1);
        second.close();
        final byte[] whole = Files.readAllBytes(copy);
        final Path journal = copy.resolveSibling(HiveConfig.JOURNAL_DIRECTORY);
        final List<Path> cycleFiles;
        try (var files = Files.list(journal))
        {
            cycleFiles = files.filter(file -> file.toString().endsWith(".cq4")).toList();
        }
        assertEquals(1, cycleFiles.size(), cycleFiles.toString());
        final long lastIndex;
        try (Journal held = Journal.open(JournalConfig.readOnly(journal)))
        {
            lastIndex = held.lastIndex();
        }
        try (var file = FileChannel.open(cycleFiles.get(0), StandardOpenOption.WRITE))
        {
            file.write(ByteBuffer.allocate(1), file.size() + (1 << 20)); // a sparse MiB more, the same entries
        }
        try (Journal held = Journal.open(JournalConfig.readOnly(journal)))
        {
            assertEquals(lastIndex, held.lastIndex(), "the same name and last index");
        }

        final Hive third = Hive.start(config, HivePipeline.of(manifest));
        open.add(third);
        // Derived again, or (as before) both edges skipped, the copy's mark trusted.
        Await.until("the hive looked at the edges on disk", WAIT, () -> third.deriveEdgesCompleted() == 1 ||
            HiveMetrics.render(third).contains("\npitgun_hive_derive_edges_skipped_total 2\n"));
        final String metrics = HiveMetrics.render(third);
        assertTrue(metrics.contains("\npitgun_hive_derive_marks_distrusted_total{reason=\"journal\"} 1\n") &&
            metrics.contains("\npitgun_hive_derive_edges_skipped_total 1\n"), metrics);
        third.close();
        assertSameBytes(whole, copy);
    }

    /** A hive stopped before the edges on disk had their turn derives them first: no output is left half made. */
    @Test
    void shouldDeriveTheEdgesOnDiskStillWaitingWhenTheHiveStops() throws Exception
    {
        final Edge edge = new Edge("edge", 8);
        final HiveConfig config = hiveConfig();
        final List<Path> outputs = shippedThenCopiedOnDisk(edge, config, 6);

        Hive.start(config, HivePipeline.of(manifest)).close();
        final byte[] reference = edge.replayOwnJournal();
        for (final Path output : outputs)
        {
            assertSameBytes(reference, output);
        }
    }

    /**
     * The edge ships 1,500 frames to a hive that derives them and stops; then the edge goes (replaced), and its
     * journal is copied under {@code copies} new edge ids, each beside an output a killed run left half made: the
     * edges a hive run for months holds on disk. Returns the copies' outputs.
     */
    private List<Path> shippedThenCopiedOnDisk(final Edge edge, final HiveConfig config, final int copies)
        throws Exception
    {
        edge.publish(0, 1_500);
        final Hive first = Hive.start(config, HivePipeline.of(manifest));
        edge.ship();
        edge.awaitDerived(first);
        first.close();
        edge.shipper.close();
        final List<Path> outputs = new ArrayList<>();
        for (int i = 0; i < copies; i++)
        {
            final String copy = UUID.randomUUID().toString();
            copyTree(config.edgeJournal(edge.id().toString()), config.edgeJournal(copy));
            Files.writeString(config.edgeDerivedFile(copy), "{\"left by a killed run\""); // to be derived again
            outputs.add(config.edgeDerivedFile(copy));
        }
        return outputs;
    }

    /** Threads of derived-output pipelines alive now, counted by edge: each is named pitgun-hive-EDGE8-STAGE. */
    private static int derivePipelineThreads()
    {
        return (int)Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
            .map(thread -> PIPELINE_THREAD.matcher(thread.getName()))
            .filter(java.util.regex.Matcher::matches).map(m -> m.group(1)).distinct().count();
    }

    /**
     * What {@code of} logs at WARN and above from now until the test ends (a list appender on its logger, detached
     * at tear-down), read with {@code List.copyOf}: the hive's threads append to it.
     */
    private List<ILoggingEvent> capturedAtWarn(final Class<?> of)
    {
        final Logger logger = (Logger)LoggerFactory.getLogger(of);
        final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        final ThresholdFilter warnAndAbove = new ThresholdFilter();
        warnAndAbove.setLevel("WARN");
        warnAndAbove.start();
        appender.addFilter(warnAndAbove);
        appender.start();
        logger.addAppender(appender);
        open.add(() -> logger.detachAppender(appender));
        return appender.list;
    }

    private static final java.util.regex.Pattern PIPELINE_THREAD =
        java.util.regex.Pattern.compile("pitgun-hive-([0-9a-f]{8})-.+");

    private static void copyTree(final Path from, final Path to) throws Exception
    {
        Files.createDirectories(to.getParent());
        try (java.util.stream.Stream<Path> files = Files.walk(from))
        {
            for (final Path file : files.toList())
            {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
            }
        }
    }

    private Hive startHive()
    {
        final Hive hive = Hive.start(hiveConfig(), HivePipeline.of(manifest));
        open.add(hive);
        return hive;
    }

    private HiveConfig hiveConfig()
    {
        return HiveConfig.of(channel, dir.resolve("hive")).withAeronDirectory(dir.resolve("aeron-hive"));
    }

    private ShipperConfig shipperConfig()
    {
        return ShipperConfig.to(channel).withFlushIntervalNs(5_000_000L).withAckTimeoutNs(500_000_000L);
    }

    private static boolean isNonEmptyPrefix(final Path file, final byte[] whole) throws Exception
    {
        if (!Files.isRegularFile(file))
        {
            return false;
        }
        final byte[] bytes = Files.readAllBytes(file);
        return bytes.length > 0 && bytes.length <= whole.length &&
            Arrays.equals(bytes, 0, bytes.length, whole, 0, bytes.length) && bytes[bytes.length - 1] == '\n';
    }

    private static void assertSameBytes(final byte[] expected, final Path actual) throws Exception
    {
        final byte[] bytes = Files.readAllBytes(actual);
        assertTrue(expected.length > 0, "the reference derives something");
        assertEquals(expected.length, bytes.length, actual + ": size");
        assertArrayEquals(expected, bytes, actual.toString());
    }

    /**
     * An edge whose gateway ran a dictionary of its own ({@code team.v1}: sim.v1 with Engine_RPM restricted) ships to
     * a hive deriving with sim.v1, where Engine_RPM is public: the hive derived that edge's frames by sim.v1's access
     * levels and wrote the restricted channel into its {@code derived.jsonl}. Now that edge's derivation stops at its
     * journal's {@code ManifestLoaded}, naming both dictionaries, as {@code pitgun journal replay} of it does; the hive
     * still holds its journal, and other edges go on.
     */
    @Test
    void shouldNotDeriveAnEdgeWrittenWithAnotherDictionaryThanTheHives() throws Exception
    {
        final Path teamFile = SimV1Variant.write(dir.resolve("team.v1.yaml"), "team.v1", "Engine_RPM");
        final CompiledManifest teamManifest = ManifestCompiler.compile(ManifestLoader.parse(
            Path.of("hive-derived-team.yaml"), "dictionary: team.v1\n" + MANIFEST), ParameterRegistry.load(teamFile));
        final Edge other = new Edge("team", 4, teamManifest);
        final Edge good = new Edge("good", 5);
        other.publish(0, 1_000);
        good.publish(0, 1_000);
        final Hive hive = startHive();
        other.ship();
        good.ship();

        Await.until("the other dictionary's edge stopped deriving", WAIT, () -> hive.derivedOutputs().stream()
            .anyMatch(d -> d.edgeId().equals(other.id().toString()) && d.failure().isPresent()));
        good.awaitDerived(hive);
        Await.until("the hive holds all of the other dictionary's edge", WAIT, () -> hive.edges().stream()
            .anyMatch(w -> w.edgeId().equals(other.id()) && w.heldIndex() == other.journal.lastIndex()));
        final HiveEdgeDeriver refused = other.deriver(hive);
        final String why = refused.failure().orElseThrow().getMessage();
        assertTrue(why.contains("written with dictionary 'team.v1', not 'sim.v1'"), why);

        hive.close();
        assertEquals(0, refused.derivedMessages(), "nothing derived under the wrong dictionary");
        final String derived = Files.readString(other.derivedFile(hive));
        assertFalse(derived.contains("Engine_RPM"), derived.length() > 300 ? derived.substring(0, 300) : derived);
        assertSameBytes(good.replayOwnJournal(), good.derivedFile(hive));
    }

    /** Messages that are not Pitgun SBE messages: the hive journals them, its pipeline rejects the first. */
    private static void appendNotPitgunMessages(final Journal journal, final int count)
    {
        final JournalAppender appender = journal.appender();
        final UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
        for (int i = 0; i < count; i++)
        {
            message.setMemory(0, 64, (byte)(0xA0 + i % 16));
            appender.append(message, 0, 64, 1_000L + i);
        }
    }

    /** An edge: a pipeline journaling real frames (one source's laps and sessions) and, once started, a shipper. */
    private final class Edge
    {
        private final Path data;
        private final Journal journal;
        private final TelemetryPipeline pipeline;
        private final FrameWriter writer;
        private EdgeShipper shipper;

        Edge(final String name, final int sourceId) throws Exception
        {
            this(name, sourceId, manifest);
        }

        /** An edge whose pipeline runs {@code edgeManifest} (and its dictionary) instead of the hive's. */
        Edge(final String name, final int sourceId, final CompiledManifest edgeManifest) throws Exception
        {
            data = dir.resolve(name);
            journal = Journal.open(JournalConfig.of(data.resolve("journal")));
            open.add(journal);
            pipeline = TelemetryPipeline.builder().name(name).manifest(edgeManifest)
                .dictionary(edgeManifest.registry()).journal(journal)
                .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).build()).build();
            open.add(pipeline);
            writer = pipeline.newFrameWriter(new UUID(sourceId, 42), new UUID(sourceId, 43), sourceId);
        }

        /** Frames {@code [from, from + count)}: a session of 2,500 frames, a lap every 200, varying values. */
        void publish(final int from, final int count)
        {
            final int speed = pipeline.channelId("Speed");
            final int torque = pipeline.channelId("Torque_Nm");
            final int rpm = pipeline.channelId("Engine_RPM");
            long last = -1;
            for (int i = from; i < from + count; i++)
            {
                final long timestampUs = 1_000_000L + i * 10_000L;
                if (i % 2_500 == 0)
                {
                    if (i > 0)
                    {
                        writer.sessionEnd(timestampUs - 1, "session " + (i / 2_500 - 1));
                    }
                    writer.sessionStart(timestampUs, "session " + i / 2_500);
                }
                last = writer.begin(i, timestampUs).lapNumber(1 + (i % 2_500) / 200)
                    .putDouble(speed, 100 + (i * 37) % 180)
                    .putDouble(torque, 200 + (i * 13) % 300)
                    .putDouble(rpm, 6_000 + (i * 101) % 6_000)
                    .commit();
            }
            assertTrue(pipeline.awaitJournaled(last, TimeUnit.SECONDS.toNanos(30)), "journaled at the edge");
        }

        void ship()
        {
            shipper = EdgeShipper.start(journal, data,
                shipperConfig().withAeronDirectory(dir.resolve("aeron-" + data.getFileName())));
            open.add(shipper);
        }

        UUID id()
        {
            return shipper.edgeId();
        }

        HiveEdgeDeriver deriver(final Hive hive)
        {
            return hive.derivedOutputs().stream().filter(d -> d.edgeId().equals(id().toString())).findFirst()
                .orElseThrow();
        }

        Path derivedFile(final Hive hive)
        {
            return hive.config().edgeDerivedFile(id().toString());
        }

        /** Waits until the hive has run every frame this edge journaled through its pipeline. */
        void awaitDerived(final Hive hive) throws Exception
        {
            final long last = journal.lastIndex();
            Await.until("the hive derived " + data.getFileName() + " up to edge position " + last, WAIT,
                () -> hive.derivedOutputs().stream().anyMatch(
                    d -> d.edgeId().equals(id().toString()) && d.derivedPosition() == last));
        }

        /** The reference: this edge's own journal replayed through the same manifest, as JSON lines. */
        byte[] replayOwnJournal() throws Exception
        {
            final Path out = Files.createTempFile(dir, "replay-", ".jsonl");
            try (Journal readOnly = Journal.open(JournalConfig.readOnly(data.resolve("journal"))))
            {
                final TelemetryPipeline replay = TelemetryPipeline.builder().name("reference").manifest(manifest)
                    .config(JournalReplayer.replayConfig(PipelineConfig.defaults(), out)).build();
                try
                {
                    JournalReplayer.replay(readOnly, replay, null);
                }
                finally
                {
                    replay.close();
                }
            }
            return Files.readAllBytes(out);
        }
    }

    private static int freeUdpPort() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
