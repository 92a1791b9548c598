package io.pitgun.systemtests;

import io.pitgun.scaleout.EdgeId;
import io.pitgun.scaleout.HiveConfig;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.GatewayClient;
import io.pitgun.testsupport.JournaledFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Signed shipping across a hive's {@code kill -9} (docs/scale-out.md, Authentication): a hive given
 * {@code --edge-secrets} is killed while a signed edge ships and started again on the same channel. The edge says
 * hello to the new hive (its batches carry the old run's nonce until then) and ships the rest; the hive then holds
 * the edge's journal exactly, every frame once. An edge signing with a key the hive does not trust stays refused
 * ({@code bad_mac}) by the restarted hive, which makes no journal for it.
 */
class SignedShippingHiveRestartProcessTest
{
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(120);
    private static final String TRUSTED_SECRET = "0123456789abcdef0123456789abcdef-signed-edge";
    private static final String LISTED_SECRET = "fedcba9876543210fedcba9876543210-listed-only";
    private static final String UNTRUSTED_SECRET = "00000000000000000000000000000000-not-the-hives";
    private static final String BAD_MAC = "pitgun_hive_unauthenticated_batches_total{reason=\"bad_mac\"}";

    @TempDir
    Path dir;

    @Test
    @Timeout(600)
    void shouldShipTheRestOnceAfterAHiveKillAndKeepRefusingAnUntrustedKey() throws Exception
    {
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + ShippingChaosTest.freeUdpPort();
        final Path hiveData = dir.resolve("hive");
        final Path signedData = dir.resolve("signed");
        final Path untrustedData = dir.resolve("untrusted");
        final String signedId = EdgeId.loadOrCreate(signedData).toString();
        final String untrustedId = EdgeId.loadOrCreate(untrustedData).toString();
        // The untrusted edge is listed under another secret than the one it signs with: its MACs are wrong.
        final Path secrets = Files.writeString(dir.resolve("edge-secrets"), signedId + " " + TRUSTED_SECRET + "\n" +
            untrustedId + " " + LISTED_SECRET + "\n");
        final Path signedSecret = Files.writeString(dir.resolve("signed-secret"), TRUSTED_SECRET + "\n");
        final Path untrustedSecret = Files.writeString(dir.resolve("untrusted-secret"), UNTRUSTED_SECRET + "\n");
        final HiveConfig hiveConfig = HiveConfig.of(channel, hiveData);
        final Path hiveJournal = hiveConfig.edgeJournal(signedId);
        final Path signedJournal = signedData.resolve("journal");

        RunningHive hive = startHive(hiveData, channel, secrets);
        try (GatewayProcess signed = GatewayProcess.start(signedData, "--ship-to", channel, "--ship-secret-file",
                signedSecret.toString());
             GatewayProcess untrusted = GatewayProcess.start(untrustedData, "--ship-to", channel,
                 "--ship-secret-file", untrustedSecret.toString()))
        {
            final UUID session = UUID.randomUUID();
            long sequence = 0;
            for (; sequence < 200; sequence += 10)
            {
                assertEquals(202, signed.beacon(Envelopes.batch(UUID.randomUUID(), session, sequence, 10))
                    .statusCode());
                assertEquals(202, untrusted.beacon(Envelopes.batch(UUID.randomUUID(), session, sequence, 10))
                    .statusCode());
            }
            Await.until("the hive holds part of the signed edge's journal", SETTLE_TIMEOUT, () ->
                Files.isDirectory(hiveJournal) && ShippingChaosTest.heldIndexWhileWritten(hiveJournal) >= 0);
            final RunningHive first = hive;
            Await.until("the hive refuses the untrusted edge", SETTLE_TIMEOUT,
                () -> first.metrics().metricOrNaN(BAD_MAC) > 0);

            hive.kill9();
            // Journaled at the edge while no hive runs: shipped once the new one answers.
            for (; sequence < 400; sequence += 10)
            {
                assertEquals(202, signed.beacon(Envelopes.batch(UUID.randomUUID(), session, sequence, 10))
                    .statusCode());
            }
            hive = startHive(hiveData, channel, secrets);
            final RunningHive restarted = hive;
            for (; sequence < 600; sequence += 10)
            {
                assertEquals(202, signed.beacon(Envelopes.batch(UUID.randomUUID(), session, sequence, 10))
                    .statusCode());
                assertEquals(202, untrusted.beacon(Envelopes.batch(UUID.randomUUID(), session, sequence, 10))
                    .statusCode());
            }

            final long last = ShippingChaosTest.lastIndex(signedJournal);
            Await.until("the restarted hive holds the signed edge's journal up to " + last, SETTLE_TIMEOUT,
                () -> ShippingChaosTest.heldIndexWhileWritten(hiveJournal) == last);
            Await.until("the signed edge has nothing unacknowledged", SETTLE_TIMEOUT,
                () -> signed.metric("pitgun_ship_lag_frames") == 0 && signed.metric("pitgun_ship_lag_seconds") == 0);
            Await.until("the restarted hive refuses the untrusted edge", SETTLE_TIMEOUT,
                () -> restarted.metrics().metricOrNaN(BAD_MAC) > 0);
            assertFalse(Files.exists(hiveConfig.edgeJournal(untrustedId)), "a journal for the untrusted edge\n" +
                restarted.process.logs());

            final String hiveLogs = restarted.process.logs();
            hive.process.close();
            hive = null;
            ShippingChaosTest.assertSameEntries(signedJournal, hiveJournal,
                "signed edge\n" + hiveLogs + signed.logs());
            assertEquals(Map.of(), JournaledFrames.read(hiveJournal.getParent()).duplicates(),
                "frames twice in the hive's journal of the signed edge");
            assertEquals(600, JournaledFrames.read(hiveJournal.getParent()).frames(), "every frame of 60 beacons");
        }
        finally
        {
            if (hive != null)
            {
                hive.process.close();
            }
        }
    }

    /** A hive process and the port of its {@code /metrics}. */
    private record RunningHive(HiveProcess process, int metricsPort)
    {
        void kill9() throws InterruptedException
        {
            process.kill9();
        }

        /** A client of its {@code /metrics}. */
        GatewayClient metrics()
        {
            return new GatewayClient(metricsPort);
        }
    }

    private static RunningHive startHive(final Path hiveData, final String channel, final Path secrets)
        throws Exception
    {
        final int metricsPort = ShippingChaosTest.freeTcpPort();
        return new RunningHive(HiveProcess.start(hiveData, channel, List.of(), "--edge-secrets", secrets.toString(),
            "--metrics-bind", "127.0.0.1:" + metricsPort), metricsPort);
    }
}
