package io.pitgun.systemtests;

import io.pitgun.scaleout.EdgeId;
import io.pitgun.scaleout.HiveConfig;
import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process that stands still (SIGSTOP, a suspended VM, a long pause) past Aeron's timeouts, then runs on: Aeron
 * closes its client for good. Before, an edge shipped nothing ever again while it journaled on (connection state 0,
 * not stalled, only its lag growing), and a hive ran on taking nothing, its {@code /metrics} still served. Now the
 * edge connects a new client, and the hive stops (status 3) to be started again. The Aeron timeouts are lowered to
 * {@link #AERON_TIMEOUT_MS} in the paused child (Aeron's own system properties), so the stop need not last 10 s.
 */
class ShippingPauseProcessTest
{
    private static final long AERON_TIMEOUT_MS = 2_000;
    /** The stop: longer than every Aeron timeout above, with room for a loaded machine. */
    private static final Duration STOP = Duration.ofMillis(3 * AERON_TIMEOUT_MS);
    private static final List<String> SHORT_AERON_TIMEOUTS = List.of(
        "-Daeron.client.liveness.timeout=" + TimeUnit.MILLISECONDS.toNanos(AERON_TIMEOUT_MS),
        "-Daeron.driver.timeout=" + AERON_TIMEOUT_MS);
    private static final Duration HELD_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void anEdgeStoppedPastAeronsTimeoutsShipsAgainOnceItRuns() throws Exception
    {
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        final Path hiveData = dir.resolve("hive");
        final Path edgeData = dir.resolve("edge");
        try (HiveProcess hive = HiveProcess.start(hiveData, channel);
             GatewayProcess edge = GatewayProcess.start(edgeData, SHORT_AERON_TIMEOUTS, Map.of(), "--ship-to",
                 channel))
        {
            final UUID session = UUID.randomUUID();
            final Path hiveJournal = HiveConfig.of(channel, hiveData).edgeJournal(EdgeId.loadOrCreate(edgeData)
                .toString());
            final Held held = new Held(edgeData.resolve("journal"), hiveJournal, edge, hive);
            held.sendAndAwait(session, 0);

            signal("STOP", edge.pid());
            Thread.sleep(STOP.toMillis()); // the stop itself, not a wait for something to happen
            signal("CONT", edge.pid());

            held.sendAndAwait(session, 10);
            assertTrue(edge.metric("pitgun_ship_client_reconnects_total") >= 1, edge.logs());
            assertEquals(0, edge.metric("pitgun_ship_stalled"), edge.logs());
        }
    }

    @Test
    @Timeout(240)
    void aHiveStoppedPastAeronsTimeoutsExitsToBeStartedAgain() throws Exception
    {
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        final Path hiveData = dir.resolve("hive");
        final Path edgeData = dir.resolve("edge");
        try (GatewayProcess edge = GatewayProcess.start(edgeData, "--ship-to", channel))
        {
            final UUID session = UUID.randomUUID();
            final Path hiveJournal = HiveConfig.of(channel, hiveData).edgeJournal(EdgeId.loadOrCreate(edgeData)
                .toString());
            try (HiveProcess hive = HiveProcess.start(hiveData, channel, SHORT_AERON_TIMEOUTS))
            {
                new Held(edgeData.resolve("journal"), hiveJournal, edge, hive).sendAndAwait(session, 0);

                signal("STOP", hive.pid());
                Thread.sleep(STOP.toMillis()); // the stop itself, not a wait for something to happen
                signal("CONT", hive.pid());

                assertEquals(3, hive.exitStatusWithin(HELD_TIMEOUT), hive.logs());
                assertTrue(hive.logs().contains("pitgun hive: stopping: Aeron closed the hive's client"), hive.logs());
            }
            try (HiveProcess hive = HiveProcess.start(hiveData, channel))
            {
                new Held(edgeData.resolve("journal"), hiveJournal, edge, hive).sendAndAwait(session, 10);
            }
        }
    }

    /** An edge and the hive's journal of it. */
    private record Held(Path edgeJournal, Path hiveJournal, GatewayProcess edge, HiveProcess hive)
    {
        /** Sends one envelope of 10 frames to the edge and waits until the hive holds the edge's whole journal. */
        void sendAndAwait(final UUID session, final long first) throws Exception
        {
            assertEquals(202, edge.beacon(Envelopes.batch(UUID.randomUUID(), session, first, 10)).statusCode(),
                edge.logs());
            final long last = ShippingChaosTest.lastIndex(edgeJournal);
            try
            {
                Await.until("the hive holds the edge's journal up to " + last, HELD_TIMEOUT, () ->
                    Files.isDirectory(hiveJournal) && ShippingChaosTest.heldIndexWhileWritten(hiveJournal) == last);
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError(ex.getMessage() + "; shipped " +
                    edge.metric("pitgun_events_shipped_total") + "\n" + edge.logs() + hive.logs(), ex);
            }
        }
    }

    private static void signal(final String signal, final long pid) throws IOException, InterruptedException
    {
        final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + pid);
    }

    private static int freeUdpPort() throws IOException
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
