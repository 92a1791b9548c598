package io.pitgun.scaleout;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.journal.JournalException;
import io.pitgun.testsupport.Await;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the hive refuses and what the edge reports: batches that are not authenticated (a forged batch sent with a
 * raw Aeron publication, an edge not listed, a non-loopback edge without secrets), a second live edge under the same
 * edge id; and the edge's count of the journal entries the hive has not acknowledged.
 */
class ShippingGuardsTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final String SECRET = "0123456789abcdef0123456789abcdef-edge-one";

    @TempDir
    Path dir;

    private Path edgeData;
    private Path hiveData;
    private String channel;
    private Journal edgeJournal;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception
    {
        edgeData = dir.resolve("edge");
        hiveData = dir.resolve("hive");
        channel = "aeron:udp?endpoint=127.0.0.1:" + ShippingTest.freeUdpPort();
        edgeJournal = Journal.open(JournalConfig.of(edgeData.resolve("journal")));
    }

    @AfterEach
    void tearDown() throws Exception
    {
        for (int i = open.size() - 1; i >= 0; i--)
        {
            open.get(i).close();
        }
        edgeJournal.close();
    }

    @Test
    void shouldComputeTheSameMacAsTheJdk() throws Exception
    {
        final byte[] message = new byte[10_000];
        for (int i = 0; i < message.length; i++)
        {
            message[i] = (byte)(i * 7);
        }
        final Mac jdk = Mac.getInstance("HmacSHA256");
        jdk.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        final byte[] expected = jdk.doFinal(message);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[BatchAuthenticator.MAC_LENGTH]);
        new BatchAuthenticator(SECRET.getBytes(StandardCharsets.UTF_8)).sign(new UnsafeBuffer(message), 0,
            message.length, out, 0);
        assertArrayEquals(expected, out.byteArray());
    }

    @Test
    void shouldTakeASignedEdgeAndRefuseForgedBatchesFromARawPublication() throws Exception
    {
        final UUID edgeId = EdgeId.loadOrCreate(edgeData);
        final Path secrets = Files.writeString(dir.resolve("edge-secrets"), "# edge id, secret\n" + edgeId + " " +
            SECRET + "\n");
        final Path edgeSecret = Files.writeString(dir.resolve("edge-secret"), SECRET + "\n");
        final Hive hive = Hive.start(HiveConfig.of(channel, hiveData).withAeronDirectory(dir.resolve("aeron-hive"))
            .withEdgeSecrets(EdgeSecrets.read(secrets)));
        open.add(hive);
        ShippingTest.append(edgeJournal, 0, 1_500);
        final EdgeShipper shipper = EdgeShipper.start(edgeJournal, edgeData, shipperConfig()
            .withSecretFile(edgeSecret));
        open.add(shipper);
        awaitHiveHolds(edgeId, edgeJournal.lastIndex());
        final List<String> held = framesAtHive(edgeId);
        assertEquals(ShippingTest.read(edgeJournal, false), held, "the signed edge's frames, once, in order");
        final long heldIndex = edgeJournal.lastIndex();

        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(dir.resolve("aeron-forger").toString()).dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            ExclusivePublication forger = aeron.addExclusivePublication(channel, ShipperConfig.DEFAULT_STREAM_ID))
        {
            Await.until("the forger's publication connects", WAIT, forger::isConnected);
            // Well formed, in sequence after what the hive holds, claiming the real edge's id: unsigned, then with a
            // MAC made up without the secret; and a made-up edge id.
            offer(forger, forgedBatch(edgeId, heldIndex, ShippingDescriptor.TYPE_BATCH, 0));
            offer(forger, forgedBatch(edgeId, heldIndex, ShippingDescriptor.TYPE_BATCH_AUTHENTICATED,
                ShippingDescriptor.AUTHENTICATED_TRAILER_LENGTH));
            offer(forger, forgedBatch(UUID.randomUUID(), Journal.NO_INDEX, ShippingDescriptor.TYPE_BATCH, 0));
            Await.until("the forged batches are refused", WAIT, () ->
                hive.unauthenticatedBatches(HiveAgent.UnauthenticatedReason.MISSING_MAC) == 1 &&
                hive.unauthenticatedBatches(HiveAgent.UnauthenticatedReason.BAD_MAC) == 1 &&
                hive.unauthenticatedBatches(HiveAgent.UnauthenticatedReason.UNKNOWN_EDGE) == 1);
        }
        assertEquals(1, hive.edges().size(), "no journal for the made-up edge");
        ShippingTest.append(edgeJournal, 1_500, 100); // the real edge ships on
        awaitHiveHolds(edgeId, edgeJournal.lastIndex());
        assertEquals(ShippingTest.read(edgeJournal, false), framesAtHive(edgeId), "no forged frame at the hive");
        assertEquals(0, hive.unauthenticatedBatches(HiveAgent.UnauthenticatedReason.NOT_LOOPBACK));
    }

    @Test
    void shouldRefuseAnUnauthenticatedEdgeFromAnotherHostThanLoopbackUnlessInsecure() throws Exception
    {
        final String address = nonLoopbackAddress();
        assumeTrue(address != null, "this machine has no non-loopback IPv4 address");
        final String remoteChannel = "aeron:udp?endpoint=" + address + ":" + ShippingTest.freeUdpPort();
        ShippingTest.append(edgeJournal, 0, 200);
        final ShipperConfig config = ShipperConfig.to(remoteChannel).withFlushIntervalNs(5_000_000L)
            .withAckTimeoutNs(500_000_000L).withReplyChannel("aeron:udp?endpoint=" + address + ":0")
            .withAeronDirectory(dir.resolve("aeron-edge"));
        final UUID edgeId;
        try (Hive hive = Hive.start(HiveConfig.of(remoteChannel, hiveData).withAeronDirectory(dir.resolve("aeron-hive")));
            EdgeShipper shipper = EdgeShipper.start(edgeJournal, edgeData, config))
        {
            edgeId = shipper.edgeId();
            Await.until("the edge's batches are refused", WAIT,
                () -> hive.unauthenticatedBatches(HiveAgent.UnauthenticatedReason.NOT_LOOPBACK) >= 3);
            assertEquals(0, hive.edges().size(), "nothing taken");
            assertEquals(ShipperCounters.AWAITING_ACK, shipper.counters().connectionState());
        }
        try (Hive hive = Hive.start(HiveConfig.of(remoteChannel, hiveData).withAeronDirectory(dir.resolve("aeron-hive"))
                .withInsecure(true));
            EdgeShipper ignored = EdgeShipper.start(edgeJournal, edgeData, config))
        {
            awaitHiveHolds(edgeId, edgeJournal.lastIndex());
            assertEquals(0, hive.unauthenticatedBatches(HiveAgent.UnauthenticatedReason.NOT_LOOPBACK));
        }
    }

    @Test
    void shouldRefuseASecondLiveEdgeWithTheSameIdAndLetTheEdgeSaySo() throws Exception
    {
        final Hive hive = Hive.start(HiveConfig.of(channel, hiveData).withAeronDirectory(dir.resolve("aeron-hive")));
        open.add(hive);
        ShippingTest.append(edgeJournal, 0, 1_000);
        final EdgeShipper first = EdgeShipper.start(edgeJournal, edgeData, shipperConfig());
        open.add(first);
        awaitHiveHolds(first.edgeId(), edgeJournal.lastIndex());

        // A copy of the edge's data directory: the same edge-id, a journal of other frames.
        final Path copyData = dir.resolve("copy");
        Files.createDirectories(copyData);
        Files.copy(edgeData.resolve(EdgeId.FILE_NAME), copyData.resolve(EdgeId.FILE_NAME));
        try (Journal copy = Journal.open(JournalConfig.of(copyData.resolve("journal"))))
        {
            ShippingTest.append(copy, 0, 2_000);
            try (EdgeShipper second = EdgeShipper.start(copy, copyData,
                shipperConfig().withAeronDirectory(dir.resolve("aeron-copy"))))
            {
                assertEquals(first.edgeId(), second.edgeId());
                Await.until("the second edge says the hive refuses it", WAIT, () ->
                    second.counters().stalled() == ShipperCounters.STALLED_DUPLICATE_EDGE_ID);
                assertTrue(hive.edges().get(0).duplicateEdgeRefusals() > 0);
                assertEquals(0, second.counters().framesShipped(), "nothing shipped while refused");

                ShippingTest.append(edgeJournal, 1_000, 300); // the first edge ships on
                awaitHiveHolds(first.edgeId(), edgeJournal.lastIndex());
                assertEquals(ShippingTest.read(edgeJournal, false), framesAtHive(first.edgeId()),
                    "only the first edge's frames, none of the copy's");
                assertEquals(ShipperCounters.NOT_STALLED, first.counters().stalled());
            }
        }
    }

    /**
     * Two edges given one Aeron directory: the second is refused at start, naming the directory, and the first ships
     * on. Before, the second driver wiped the first's files at start (both started; the first never shipped again).
     * The default directories of two data directories whose paths have the same {@code String.hashCode} ({@code Aa},
     * {@code BB}) were one such directory.
     */
    @Test
    void shouldRefuseASecondEdgeOnTheSameAeronDirectory() throws Exception
    {
        final Hive hive = Hive.start(HiveConfig.of(channel, hiveData).withAeronDirectory(dir.resolve("aeron-hive")));
        open.add(hive);
        ShippingTest.append(edgeJournal, 0, 100);
        final EdgeShipper first = EdgeShipper.start(edgeJournal, edgeData, shipperConfig());
        open.add(first);
        awaitHiveHolds(first.edgeId(), edgeJournal.lastIndex());

        final Path otherData = dir.resolve("other");
        try (Journal other = Journal.open(JournalConfig.of(otherData.resolve("journal"))))
        {
            ShippingTest.append(other, 0, 10);
            final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> EdgeShipper.start(other, otherData, shipperConfig()));
            assertTrue(refused.getMessage().contains("the Aeron directory " + dir.resolve("aeron-edge") +
                " is in use by another media driver"), refused.getMessage());
        }
        ShippingTest.append(edgeJournal, 100, 100);
        awaitHiveHolds(first.edgeId(), edgeJournal.lastIndex());

        assertNotEquals(AeronDirectories.forRole(dir.resolve("Aa"), "edge"),
            AeronDirectories.forRole(dir.resolve("BB"), "edge"));
    }

    /**
     * An Aeron directory whose lock file cannot be made (its parent under a regular file: missing, and not creatable)
     * is said to be that, naming the settings; before, it was said to be "in use by another media driver".
     */
    @Test
    void shouldSayAnAeronDirectoryWhoseParentCannotBeCreatedIsNotInUse() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        final Path aeron = file.resolve("sub/aeron-edge");
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> EdgeShipper.start(edgeJournal, edgeData, shipperConfig().withAeronDirectory(aeron)));
        assertTrue(refused.getMessage().contains("the Aeron directory " + aeron + " cannot be used: its lock file " +
            "cannot be made in its parent " + aeron.getParent()) && refused.getMessage().contains("SHIP_AERON_DIR"),
            refused.getMessage());
        assertFalse(refused.getMessage().contains("in use"), refused.getMessage());
    }

    @Test
    void shouldCountTheJournalEntriesTheHiveHasNotAcknowledged() throws Exception
    {
        ShippingTest.append(edgeJournal, 0, 500);
        final long entries = edgeJournal.countEntries(edgeJournal.firstIndex(), edgeJournal.lastIndex());
        final EdgeShipper shipper = EdgeShipper.start(edgeJournal, edgeData, shipperConfig());
        open.add(shipper);
        Await.until("no hive: every entry is unacknowledged", WAIT,
            () -> shipper.counters().unacknowledgedEntries() == entries);
        final Hive hive = Hive.start(HiveConfig.of(channel, hiveData).withAeronDirectory(dir.resolve("aeron-hive")));
        open.add(hive);
        awaitHiveHolds(shipper.edgeId(), edgeJournal.lastIndex());
        Await.until("all acknowledged", WAIT, () -> shipper.counters().unacknowledgedEntries() == 0);
    }

    @Test
    void shouldRefuseACapturedBatchSentAgainFromAnotherPublicationAndLetTheRealEdgeShipOn() throws Exception
    {
        final UUID edgeId = EdgeId.loadOrCreate(edgeData);
        final Path secrets = Files.writeString(dir.resolve("edge-secrets"), edgeId + " " + SECRET + "\n");
        final Path edgeSecret = Files.writeString(dir.resolve("edge-secret"), SECRET + "\n");
        final Hive hive = Hive.start(HiveConfig.of(channel, hiveData).withAeronDirectory(dir.resolve("aeron-hive"))
            .withEdgeSecrets(EdgeSecrets.read(secrets)));
        open.add(hive);
        ShippingTest.append(edgeJournal, 0, 500);
        final UnsafeBuffer captured;
        try (EdgeShipper shipper = EdgeShipper.start(edgeJournal, edgeData, shipperConfig().withSecretFile(edgeSecret)))
        {
            awaitHiveHolds(edgeId, edgeJournal.lastIndex());
            // What an eavesdropper on the link records: a spy on the edge's own driver sees what its publication sends.
            try (Aeron edgeClient = Aeron.connect(new Aeron.Context()
                    .aeronDirectoryName(dir.resolve("aeron-edge").toString()));
                Subscription spy = edgeClient.addSubscription("aeron-spy:" + channel, ShipperConfig.DEFAULT_STREAM_ID))
            {
                final UnsafeBuffer[] batch = {null};
                final FragmentAssembler capture = new FragmentAssembler((buffer, offset, length, header) ->
                {
                    if (batch[0] == null && buffer.getInt(offset + ShippingDescriptor.FRAME_COUNT_OFFSET, ORDER) > 0)
                    {
                        batch[0] = new UnsafeBuffer(new byte[length]);
                        batch[0].putBytes(0, buffer, offset, length);
                    }
                });
                Await.until("the spy sees the edge's publication", WAIT, () -> spy.imageCount() > 0);
                ShippingTest.append(edgeJournal, 500, 100);
                Await.until("a signed batch is captured", WAIT, () ->
                {
                    spy.poll(capture, 64);
                    return batch[0] != null;
                });
                captured = batch[0];
            }
            awaitHiveHolds(edgeId, edgeJournal.lastIndex());
        }
        assertEquals(ShippingDescriptor.TYPE_BATCH_AUTHENTICATED,
            captured.getInt(ShippingDescriptor.TYPE_OFFSET, ORDER));
        final UnsafeBuffer hello = signedHello(captured);

        // The real edge is away (its connection closed); the captured batch and a signed hello come again, over and
        // over, from another publication, as the real edge comes back and ships on.
        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(dir.resolve("aeron-replayer").toString()).dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            ExclusivePublication replayer = aeron.addExclusivePublication(channel, ShipperConfig.DEFAULT_STREAM_ID))
        {
            Await.until("the replayer's publication connects", WAIT, replayer::isConnected);
            final long[] sent = {0};
            final Runnable replayOnce = () ->
            {
                sent[0] += replayer.offer(captured, 0, captured.capacity()) > 0 ? 1 : 0;
                replayer.offer(hello, 0, hello.capacity());
            };
            Await.until("the captured batch is refused as stale", WAIT, () ->
            {
                replayOnce.run();
                return hive.unauthenticatedBatches(HiveAgent.UnauthenticatedReason.STALE_NONCE) > 0;
            });
            try (EdgeShipper shipper = EdgeShipper.start(edgeJournal, edgeData,
                shipperConfig().withSecretFile(edgeSecret)))
            {
                ShippingTest.append(edgeJournal, 600, 200);
                final Path journal = HiveConfig.of(channel, hiveData).edgeJournal(edgeId.toString());
                final long last = edgeJournal.lastIndex();
                Await.until("the real edge ships on while the replays go on", WAIT, () ->
                {
                    replayOnce.run();
                    try (Journal atHive = Journal.open(JournalConfig.readOnly(journal)))
                    {
                        return HiveEdgeWriter.readHeldIndex(atHive) == last;
                    }
                });
                assertEquals(ShipperCounters.NOT_STALLED, shipper.counters().stalled(), "the real edge not refused");
            }
            assertTrue(sent[0] > 1, "the captured batch was sent again " + sent[0] + " times");
        }
        assertEquals(ShippingTest.read(edgeJournal, false), framesAtHive(edgeId), "every frame once, in order");
        assertEquals(0, hive.unauthenticatedBatches(HiveAgent.UnauthenticatedReason.BAD_MAC),
            "the replayed messages are genuine: refused for their nonce, not their MAC");
    }

    @Test
    void shouldRefuseForgedAcknowledgementsAtASignedEdge() throws Exception
    {
        final UUID edgeId = EdgeId.loadOrCreate(edgeData);
        final Path secrets = Files.writeString(dir.resolve("edge-secrets"), edgeId + " " + SECRET + "\n");
        final Path edgeSecret = Files.writeString(dir.resolve("edge-secret"), SECRET + "\n");
        final Hive hive = Hive.start(HiveConfig.of(channel, hiveData).withAeronDirectory(dir.resolve("aeron-hive"))
            .withEdgeSecrets(EdgeSecrets.read(secrets)));
        open.add(hive);
        final String reply = "aeron:udp?endpoint=127.0.0.1:" + ShippingTest.freeUdpPort();
        ShippingTest.append(edgeJournal, 0, 500);
        final EdgeShipper shipper = EdgeShipper.start(edgeJournal, edgeData,
            shipperConfig().withReplyChannel(reply).withSecretFile(edgeSecret));
        open.add(shipper);
        awaitHiveHolds(edgeId, edgeJournal.lastIndex()); // the hive's signed ACKs are taken
        final long rewinds = shipper.counters().rewinds();

        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(dir.resolve("aeron-forger").toString()).dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            ExclusivePublication forger = aeron.addExclusivePublication(reply,
                ShipperConfig.DEFAULT_REPLY_STREAM_ID))
        {
            Await.until("the forger reaches the edge's reply channel", WAIT, forger::isConnected);
            // An ACK telling the edge the hive holds nothing (a rewind to its journal's start) and a new nonce: without
            // a MAC, then with one made up without the secret.
            final UnsafeBuffer forged =
                new UnsafeBuffer(new byte[ShippingDescriptor.ACK_LENGTH + BatchAuthenticator.MAC_LENGTH]);
            forged.putInt(ShippingDescriptor.TYPE_OFFSET, ShippingDescriptor.TYPE_ACK, ORDER);
            forged.putInt(ShippingDescriptor.ACK_FLAGS_OFFSET, ShippingDescriptor.ACK_REWIND, ORDER);
            forged.putLong(ShippingDescriptor.EDGE_ID_MSB_OFFSET, edgeId.getMostSignificantBits(), ORDER);
            forged.putLong(ShippingDescriptor.EDGE_ID_LSB_OFFSET, edgeId.getLeastSignificantBits(), ORDER);
            forged.putLong(ShippingDescriptor.HELD_INDEX_OFFSET, Journal.NO_INDEX, ORDER);
            forged.putLong(ShippingDescriptor.NONCE_OFFSET, 7, ORDER);
            forged.setMemory(ShippingDescriptor.ACK_LENGTH, BatchAuthenticator.MAC_LENGTH, (byte)0x5A);
            final UnsafeBuffer unsigned = new UnsafeBuffer(new byte[ShippingDescriptor.ACK_LENGTH]);
            unsigned.putBytes(0, forged, 0, ShippingDescriptor.ACK_LENGTH);
            offer(forger, unsigned);
            offer(forger, forged);
            Await.until("the forged acknowledgements are refused", WAIT, () ->
                shipper.counters().acksRefused(ShipperCounters.AckRefusal.MISSING_MAC) == 1 &&
                shipper.counters().acksRefused(ShipperCounters.AckRefusal.BAD_MAC) == 1);
        }
        assertEquals(rewinds, shipper.counters().rewinds(), "no rewind on a forged acknowledgement");
        ShippingTest.append(edgeJournal, 500, 100); // the edge ships on, under its real nonce
        awaitHiveHolds(edgeId, edgeJournal.lastIndex());
        assertEquals(ShippingTest.read(edgeJournal, false), framesAtHive(edgeId), "every frame once, in order");
        assertEquals(0, hive.unauthenticatedBatches(HiveAgent.UnauthenticatedReason.STALE_NONCE),
            "the forged nonce was never taken");
    }

    @Test
    void shouldTakeAnEdgeAddedToTheSecretsFileWithoutAHiveRestart() throws Exception
    {
        final UUID edgeId = EdgeId.loadOrCreate(edgeData);
        final String other = UUID.randomUUID() + " another-secret-of-at-least-32-characters-0000\n";
        final Path secrets = Files.writeString(dir.resolve("edge-secrets"), other);
        final Path edgeSecret = Files.writeString(dir.resolve("edge-secret"), SECRET + "\n");
        final Hive hive = Hive.start(HiveConfig.of(channel, hiveData).withAeronDirectory(dir.resolve("aeron-hive"))
            .withEdgeSecrets(EdgeSecrets.read(secrets)));
        open.add(hive);
        ShippingTest.append(edgeJournal, 0, 300);
        final EdgeShipper shipper =
            EdgeShipper.start(edgeJournal, edgeData, shipperConfig().withSecretFile(edgeSecret));
        open.add(shipper);
        Await.until("the edge, not listed, is refused", WAIT,
            () -> hive.unauthenticatedBatches(HiveAgent.UnauthenticatedReason.UNKNOWN_EDGE) > 0);
        assertEquals(0, hive.edges().size(), "no journal for an edge not listed");

        // The edge is added: the file replaced by a rename, as an editor or a deployment tool does.
        Files.move(Files.writeString(dir.resolve("edge-secrets.next"), other + edgeId + " " + SECRET + "\n"), secrets,
            StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        awaitHiveHolds(edgeId, edgeJournal.lastIndex());
        assertEquals(ShippingTest.read(edgeJournal, false), framesAtHive(edgeId), "every frame once, in order");
        assertEquals(1, hive.edgeSecretsReloads());

        // A file that does not read leaves the secrets in force: the edge ships on.
        Files.move(Files.writeString(dir.resolve("edge-secrets.next"), "not-an-edge-id " + SECRET + "\n"), secrets,
            StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Await.until("the bad file is counted", WAIT, () -> hive.edgeSecretsReloadFailures() == 1);
        ShippingTest.append(edgeJournal, 300, 100);
        awaitHiveHolds(edgeId, edgeJournal.lastIndex());
        assertEquals(1, hive.edgeSecretsReloads());
    }

    /** A hello of the edge whose batch {@code batch} is, signed with the edge's secret: as genuine as a captured one
     *  (a hello carries no nonce the hive checks). */
    private static UnsafeBuffer signedHello(final UnsafeBuffer batch)
    {
        final int frames = ShippingDescriptor.framesOffset(
            batch.getInt(ShippingDescriptor.REPLY_CHANNEL_LENGTH_OFFSET, ORDER));
        final UnsafeBuffer hello = new UnsafeBuffer(new byte[frames + ShippingDescriptor.AUTHENTICATED_TRAILER_LENGTH]);
        hello.putBytes(0, batch, 0, frames);
        hello.putInt(ShippingDescriptor.FRAME_COUNT_OFFSET, 0, ORDER);
        hello.putLong(ShippingDescriptor.PREVIOUS_INDEX_OFFSET, Journal.NO_INDEX, ORDER);
        hello.putLong(ShippingDescriptor.FIRST_INDEX_OFFSET, Journal.NO_INDEX, ORDER);
        hello.putLong(ShippingDescriptor.LAST_INDEX_OFFSET, Journal.NO_INDEX, ORDER);
        hello.putLong(frames, ShippingDescriptor.NO_NONCE, ORDER);
        final int signed = frames + ShippingDescriptor.NONCE_LENGTH;
        new BatchAuthenticator(SECRET.getBytes(StandardCharsets.UTF_8)).sign(hello, 0, signed, hello, signed);
        return hello;
    }

    private ShipperConfig shipperConfig()
    {
        return ShipperConfig.to(channel).withFlushIntervalNs(5_000_000L).withAckTimeoutNs(500_000_000L)
            .withAeronDirectory(dir.resolve("aeron-edge"));
    }

    /** One frame of 16 bytes at {@code previous + 1}, replies to a loopback port, of {@code type}. */
    private static UnsafeBuffer forgedBatch(final UUID edgeId, final long previous, final int type, final int trailer)
    {
        final byte[] reply = "aeron:udp?endpoint=127.0.0.1:9".getBytes(StandardCharsets.US_ASCII);
        final int frames = ShippingDescriptor.framesOffset(reply.length);
        final int length = frames + ShippingDescriptor.FRAME_MESSAGE_OFFSET + 16 + trailer;
        final UnsafeBuffer batch = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
        batch.putInt(ShippingDescriptor.TYPE_OFFSET, type, ORDER);
        batch.putInt(ShippingDescriptor.FRAME_COUNT_OFFSET, 1, ORDER);
        batch.putLong(ShippingDescriptor.EDGE_ID_MSB_OFFSET, edgeId.getMostSignificantBits(), ORDER);
        batch.putLong(ShippingDescriptor.EDGE_ID_LSB_OFFSET, edgeId.getLeastSignificantBits(), ORDER);
        batch.putLong(ShippingDescriptor.PREVIOUS_INDEX_OFFSET, previous, ORDER);
        batch.putLong(ShippingDescriptor.FIRST_INDEX_OFFSET, previous + 1, ORDER);
        batch.putLong(ShippingDescriptor.LAST_INDEX_OFFSET, previous + 1, ORDER);
        batch.putInt(ShippingDescriptor.REPLY_STREAM_ID_OFFSET, ShipperConfig.DEFAULT_REPLY_STREAM_ID, ORDER);
        batch.putInt(ShippingDescriptor.REPLY_CHANNEL_LENGTH_OFFSET, reply.length, ORDER);
        batch.putBytes(ShippingDescriptor.REPLY_CHANNEL_OFFSET, reply);
        batch.putLong(frames + ShippingDescriptor.FRAME_POSITION_OFFSET, previous + 1, ORDER);
        batch.putLong(frames + ShippingDescriptor.FRAME_IDENTITY_OFFSET - JournalEntryDescriptor.IDENTITY_OFFSET +
            JournalEntryDescriptor.EVENT_ID_MSB_OFFSET, 42, ORDER);
        batch.putInt(frames + ShippingDescriptor.FRAME_LENGTH_OFFSET, 16, ORDER);
        batch.setMemory(frames + ShippingDescriptor.FRAME_MESSAGE_OFFSET, 16, (byte)0x66);
        batch.setMemory(length - trailer, trailer, (byte)0x5A); // a MAC made up without the secret
        return batch;
    }

    private static void offer(final ExclusivePublication publication, final UnsafeBuffer batch) throws Exception
    {
        Await.until("the forged batch is offered", WAIT, () -> publication.offer(batch, 0, batch.capacity()) > 0);
    }

    private static String nonLoopbackAddress() throws Exception
    {
        for (final NetworkInterface networkInterface : Collections.list(NetworkInterface.getNetworkInterfaces()))
        {
            if (!networkInterface.isUp() || networkInterface.isLoopback())
            {
                continue;
            }
            for (final InetAddress address : Collections.list(networkInterface.getInetAddresses()))
            {
                if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress())
                {
                    return address.getHostAddress();
                }
            }
        }
        return null;
    }

    private List<String> framesAtHive(final UUID edgeId)
    {
        try (Journal hive = Journal.open(JournalConfig.readOnly(
            HiveConfig.of(channel, hiveData).edgeJournal(edgeId.toString()))))
        {
            return ShippingTest.read(hive, true);
        }
    }

    private void awaitHiveHolds(final UUID edgeId, final long last) throws Exception
    {
        final Path journal = HiveConfig.of(channel, hiveData).edgeJournal(edgeId.toString());
        Await.until("the hive holds up to edge position " + last, WAIT, () ->
        {
            if (!journal.toFile().isDirectory())
            {
                return false;
            }
            try (Journal hive = Journal.open(JournalConfig.readOnly(journal)))
            {
                return hive.lastIndex() != Journal.NO_INDEX && HiveEdgeWriter.readHeldIndex(hive) == last;
            }
            catch (final JournalException notYet)
            {
                return false;
            }
            catch (final AssertionError chronicle)
            {
                // Chronicle's lastIndex, meeting a cycle file the hive is still creating, falls back to toStart()
                // on its backward tailer, which asserts the direction: only under -ea (tests), a race of the
                // wait, not of the hive. Anything else is rethrown.
                if (chronicle.getStackTrace().length == 0 ||
                    !chronicle.getStackTrace()[0].getClassName().startsWith("net.openhft.chronicle.queue."))
                {
                    throw chronicle;
                }
                return false;
            }
        });
    }
}
