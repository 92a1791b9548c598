package io.pitgun.gateway;

import io.pitgun.f1.F1EventCode;
import io.pitgun.f1.F1PacketAdapter;
import io.pitgun.f1.F1PacketDescriptor;
import io.pitgun.f1.F1PacketEncoder;
import io.pitgun.testsupport.Await;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's F1 UDP source ({@code --udp}): broken datagrams are counted by reason in {@code /metrics} and the
 * source carries on; a dictionary without the F1 channels stops the start.
 */
class GatewayUdpIntegrationTest
{
    private static final Path SIM_V1 = Path.of("..", "schemas", "src", "main", "resources", "dictionaries",
        "sim.v1.yaml");

    @TempDir
    Path dataDir;

    @Test
    void shouldCountBrokenPacketsByReasonAndKeepDecoding() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.UDP_BIND, "127.0.0.1:0"));
             DatagramChannel game = DatagramChannel.open())
        {
            final InetSocketAddress target = gateway.server.udpAddress().orElseThrow();
            final UnsafeBuffer packet = new UnsafeBuffer(new byte[F1PacketDescriptor.MAX_PACKET_BYTES]);
            final int length = F1PacketEncoder.header(packet, F1PacketDescriptor.CAR_TELEMETRY, 42L, 1.0f, 1, 0);
            send(game, target, packet, length - 10); // truncated
            packet.putShort(F1PacketDescriptor.PACKET_FORMAT, (short)0xE907, F1PacketDescriptor.ORDER);
            send(game, target, packet, length); // 2025 written big-endian
            packet.putShort(F1PacketDescriptor.PACKET_FORMAT, (short)F1PacketDescriptor.FORMAT_2025,
                F1PacketDescriptor.ORDER);
            packet.putByte(F1PacketDescriptor.PACKET_ID, (byte)99);
            send(game, target, packet, length); // unknown packet id
            packet.putByte(F1PacketDescriptor.PACKET_ID, (byte)F1PacketDescriptor.CAR_TELEMETRY);
            send(game, target, packet, length); // whole
            // A packet is counted received on arrival, and decoded only once its frames are published, after the
            // whole one's cold path (its session's start): wait for that last counter, then check each exactly.
            Await.until("four datagrams received and the whole one decoded", () ->
                gateway.metric("pitgun_f1_udp_packets_total{outcome=\"received\"}") == 4 &&
                gateway.metric("pitgun_f1_udp_packets_total{outcome=\"decoded\"}") >= 1);
            assertEquals(1, gateway.metric("pitgun_f1_udp_drops_total{reason=\"truncated\"}"));
            assertEquals(1, gateway.metric("pitgun_f1_udp_drops_total{reason=\"wrong_format\"}"));
            assertEquals(1, gateway.metric("pitgun_f1_udp_drops_total{reason=\"unknown_packet_id\"}"));
            assertEquals(1, gateway.metric("pitgun_f1_udp_packets_total{outcome=\"decoded\"}"));
            assertEquals(1, gateway.metric("pitgun_f1_udp_frames_published_total"));
            assertTrue(gateway.get("/dictionary").body().contains("f1-25.v1"), "the default dictionary with --udp");
        }
    }

    /**
     * With {@code --udp-all-cars} every one of the game's 22 cars is a stream of its own, which the pipeline's
     * default {@code max_sources} (64) holds: no car's frames are dropped as too many sources (at 16 six were).
     */
    @Test
    void shouldProcessTheFramesOfAll22CarsAsStreamsOfTheirOwn() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.UDP_BIND, "127.0.0.1:0",
            GatewaySetting.UDP_ALL_CARS, "1"));
             DatagramChannel game = DatagramChannel.open())
        {
            final InetSocketAddress target = gateway.server.udpAddress().orElseThrow();
            final UnsafeBuffer packet = new UnsafeBuffer(new byte[F1PacketDescriptor.MAX_PACKET_BYTES]);
            // Lap data first: it says which cars are active (result status 2), each gets a frame.
            int length = F1PacketEncoder.header(packet, F1PacketDescriptor.LAP_DATA, 42L, 1.0f, 1, 0);
            for (int car = 0; car < F1PacketDescriptor.MAX_CARS; car++)
            {
                packet.putByte(F1PacketDescriptor.carOffset(car, F1PacketDescriptor.LAP_CAR_LENGTH) +
                    F1PacketDescriptor.LAP_RESULT_STATUS, (byte)2);
            }
            send(game, target, packet, length);
            length = F1PacketEncoder.header(packet, F1PacketDescriptor.CAR_TELEMETRY, 42L, 1.1f, 2, 0);
            send(game, target, packet, length);
            final int frames = 2 * F1PacketDescriptor.MAX_CARS;
            Await.until("every frame through the pipeline", () ->
                gateway.metric("pitgun_frames_processed_total") +
                    gateway.metric("pitgun_frames_dropped_too_many_sources_total") == frames);
            assertEquals(frames, gateway.metric("pitgun_f1_udp_frames_published_total"));
            assertEquals(0, gateway.metric("pitgun_frames_dropped_too_many_sources_total"));
        }
    }

    /**
     * One datagram of another session id (stray, or forged: UDP carries no token) replaces the game's session, and the
     * game's next packets are at first dropped as stragglers of the session it replaced; once they keep coming
     * (SESSION_TAKE_BACK_AFTER, 8, in a row) the game's session is taken back and goes on with its sequences. Before,
     * every later packet of the game's session was dropped as out of order until the game started another session.
     */
    @Test
    void shouldTakeTheGamesSessionBackAfterOneDatagramOfAnotherSession() throws Exception
    {
        final long gameSession = 42L;
        final int before = 5;
        final int after = 130;
        final int stragglers = F1PacketAdapter.SESSION_TAKE_BACK_AFTER - 1; // the 8th in a row takes it back
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.UDP_BIND, "127.0.0.1:0"));
             DatagramChannel game = DatagramChannel.open())
        {
            final InetSocketAddress target = gateway.server.udpAddress().orElseThrow();
            final UnsafeBuffer packet = new UnsafeBuffer(new byte[F1PacketDescriptor.MAX_PACKET_BYTES]);
            for (int frame = 1; frame <= before + after; frame++)
            {
                if (frame == before + 1)
                {
                    send(game, target, packet, F1PacketEncoder.header(packet, F1PacketDescriptor.CAR_TELEMETRY,
                        7L, 0.5f, 1, 0));
                }
                send(game, target, packet, F1PacketEncoder.header(packet, F1PacketDescriptor.CAR_TELEMETRY,
                    gameSession, frame / 60f, frame, 0));
            }
            final int received = before + 1 + after;
            Await.until("every datagram received and decoded or dropped", () ->
                gateway.metric("pitgun_f1_udp_packets_total{outcome=\"received\"}") == received &&
                gateway.metric("pitgun_f1_udp_packets_total{outcome=\"decoded\"}") +
                    gateway.metric("pitgun_f1_udp_drops_total{reason=\"out_of_order\"}") == received);
            assertEquals(stragglers, gateway.metric("pitgun_f1_udp_drops_total{reason=\"out_of_order\"}"));
        }
        final List<Long> sequences = GatewayHarness.journaledSequences(dataDir);
        final List<Long> expected = new ArrayList<>();
        LongStream.range(0, before).forEach(expected::add);
        expected.add(0L); // the other session's one frame
        LongStream.range(before, before + after - stragglers).forEach(expected::add);
        assertEquals(expected, sequences, "the game's frames, its session taken back after the stragglers");
    }

    /**
     * Two stray datagrams of two other session ids: the game's session was then no longer the one just replaced, and
     * its next packet started it again as a new session, its stream from sequence 0 (each sequence journaled twice).
     * Now every session replaced of the last few is remembered: the game's is taken back as after one datagram.
     */
    @Test
    void shouldTakeTheGamesSessionBackAfterDatagramsOfTwoOtherSessions() throws Exception
    {
        final long gameSession = 42L;
        final long[] strays = {7L, 8L};
        final int before = 5;
        final int after = 20;
        final int stragglers = F1PacketAdapter.SESSION_TAKE_BACK_AFTER - 1;
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.UDP_BIND, "127.0.0.1:0"));
             DatagramChannel game = DatagramChannel.open())
        {
            final InetSocketAddress target = gateway.server.udpAddress().orElseThrow();
            final UnsafeBuffer packet = new UnsafeBuffer(new byte[F1PacketDescriptor.MAX_PACKET_BYTES]);
            for (int frame = 1; frame <= before + after; frame++)
            {
                if (frame == before + 1)
                {
                    for (final long stray : strays)
                    {
                        send(game, target, packet, F1PacketEncoder.header(packet, F1PacketDescriptor.CAR_TELEMETRY,
                            stray, 0.5f, 1, 0));
                    }
                }
                send(game, target, packet, F1PacketEncoder.header(packet, F1PacketDescriptor.CAR_TELEMETRY,
                    gameSession, frame / 60f, frame, 0));
            }
            final int received = before + strays.length + after;
            Await.until("every datagram received and decoded or dropped", () ->
                gateway.metric("pitgun_f1_udp_packets_total{outcome=\"received\"}") == received &&
                gateway.metric("pitgun_f1_udp_packets_total{outcome=\"decoded\"}") +
                    gateway.metric("pitgun_f1_udp_drops_total{reason=\"out_of_order\"}") == received);
            assertEquals(stragglers, gateway.metric("pitgun_f1_udp_drops_total{reason=\"out_of_order\"}"));
        }
        final List<Long> expected = new ArrayList<>();
        LongStream.range(0, before).forEach(expected::add);
        expected.add(0L); // each other session's one frame
        expected.add(0L);
        LongStream.range(before, before + after - stragglers).forEach(expected::add);
        assertEquals(expected, GatewayHarness.journaledSequences(dataDir), "the game's frames, each sequence once");
    }

    /**
     * The game goes on sending a session it ended ({@code SEND}) while it shows the results; one such packet that
     * arrives after the next session began is of an ended session too. Before, it reopened the ended session (its
     * stream again from sequence 0, a duplicate), ended the next one, and that one's next 7 packets were dropped as
     * stragglers until it was taken back.
     */
    @Test
    void shouldDropAPacketOfTheEndedSessionThatArrivesAfterTheNextOneBegan() throws Exception
    {
        final long ended = 42L;
        final long next = 43L;
        final int endedFrames = 3;
        final int nextFrames = 12;
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.UDP_BIND, "127.0.0.1:0"));
             DatagramChannel game = DatagramChannel.open())
        {
            final InetSocketAddress target = gateway.server.udpAddress().orElseThrow();
            final UnsafeBuffer packet = new UnsafeBuffer(new byte[F1PacketDescriptor.MAX_PACKET_BYTES]);
            for (int frame = 1; frame <= endedFrames; frame++)
            {
                send(game, target, packet, F1PacketEncoder.header(packet, F1PacketDescriptor.CAR_TELEMETRY, ended,
                    frame / 60f, frame, 0));
            }
            final int sessionEnd = F1PacketEncoder.header(packet, F1PacketDescriptor.EVENT, ended,
                (endedFrames + 1) / 60f, endedFrames + 1, 0);
            packet.putInt(F1PacketDescriptor.EVENT_STRING_CODE, F1EventCode.SESSION_ENDED, F1PacketDescriptor.ORDER);
            send(game, target, packet, sessionEnd);
            for (int frame = 1; frame <= nextFrames; frame++)
            {
                if (frame == 2)
                {
                    send(game, target, packet, F1PacketEncoder.header(packet, F1PacketDescriptor.CAR_TELEMETRY,
                        ended, (endedFrames + 2) / 60f, endedFrames + 2, 0));
                }
                send(game, target, packet, F1PacketEncoder.header(packet, F1PacketDescriptor.CAR_TELEMETRY, next,
                    frame / 60f, frame, 0));
            }
            final int received = endedFrames + 1 + 1 + nextFrames;
            Await.until("every datagram received and decoded or dropped", () ->
                gateway.metric("pitgun_f1_udp_packets_total{outcome=\"received\"}") == received &&
                gateway.metric("pitgun_f1_udp_packets_total{outcome=\"decoded\"}") +
                    gateway.metric("pitgun_f1_udp_drops_total{reason=\"out_of_order\"}") +
                    gateway.metric("pitgun_f1_udp_drops_total{reason=\"after_session_end\"}") == received);
            assertEquals(1, gateway.metric("pitgun_f1_udp_drops_total{reason=\"after_session_end\"}"));
            assertEquals(0, gateway.metric("pitgun_f1_udp_drops_total{reason=\"out_of_order\"}"));
        }
        final List<Long> expected = new ArrayList<>();
        LongStream.rangeClosed(0, endedFrames).forEach(expected::add); // its frames and the SEND event's
        LongStream.range(0, nextFrames).forEach(expected::add);
        assertEquals(expected, GatewayHarness.journaledSequences(dataDir), "each session's frames once, in order");
    }

    /**
     * With a tuning policy, one car's frame outside a reject limit is refused by the pipeline: that frame is counted
     * ({@code frame_refused}) and the packet's other cars go on. Before, the refusal escaped the decoder: the cars
     * after it in the packet were lost without a count, the packet was neither decoded nor dropped, and the log had
     * a warning per packet.
     */
    @Test
    void shouldCountACarsFrameRefusedByATuningLimitAndKeepTheOtherCars() throws Exception
    {
        final Path policy = dataDir.resolve("policy.yaml");
        Files.writeString(policy, """
            version: v1
            limits:
              channels:
                Speed: {max: 350, on_violation: reject}
            signed_by: authority.pitgun.io
            """);
        final int cars = 3;
        final int overLimit = 1;
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.UDP_BIND, "127.0.0.1:0",
            GatewaySetting.UDP_ALL_CARS, "1", GatewaySetting.TUNING_POLICY, policy.toString()));
             DatagramChannel game = DatagramChannel.open())
        {
            final InetSocketAddress target = gateway.server.udpAddress().orElseThrow();
            final UnsafeBuffer packet = new UnsafeBuffer(new byte[F1PacketDescriptor.MAX_PACKET_BYTES]);
            int length = F1PacketEncoder.header(packet, F1PacketDescriptor.LAP_DATA, 42L, 1.0f, 1, 0);
            for (int car = 0; car < cars; car++)
            {
                packet.putByte(F1PacketDescriptor.carOffset(car, F1PacketDescriptor.LAP_CAR_LENGTH) +
                    F1PacketDescriptor.LAP_RESULT_STATUS, (byte)2);
            }
            send(game, target, packet, length);
            length = F1PacketEncoder.header(packet, F1PacketDescriptor.CAR_TELEMETRY, 42L, 1.1f, 2, 0);
            packet.putShort(F1PacketDescriptor.carOffset(overLimit, F1PacketDescriptor.TELEMETRY_CAR_LENGTH) +
                F1PacketDescriptor.TELEMETRY_SPEED, (short)400, F1PacketDescriptor.ORDER);
            send(game, target, packet, length);
            length = F1PacketEncoder.header(packet, F1PacketDescriptor.EVENT, 42L, 1.2f, 3, 0);
            packet.putInt(F1PacketDescriptor.EVENT_STRING_CODE, F1EventCode.SESSION_ENDED, F1PacketDescriptor.ORDER);
            send(game, target, packet, length);
            // The SEND, last, ends every car's stream: their SessionEnd markers say each packet was handled.
            Await.until("every packet handled and the cars' streams ended", () ->
                gateway.metric("pitgun_f1_udp_packets_total{outcome=\"received\"}") == 3 &&
                gateway.metric("pitgun_session_markers_total") == 2 * cars);
            assertEquals(3, gateway.metric("pitgun_f1_udp_packets_total{outcome=\"decoded\"}"));
            assertEquals(1, gateway.metric("pitgun_f1_udp_drops_total{reason=\"frame_refused\"}"));
            assertEquals(1, gateway.metric("pitgun_frames_dropped_tuning_limit_total"));
            assertEquals(cars + cars - 1 + 1, gateway.metric("pitgun_f1_udp_frames_published_total"));
        }
        // Lap data of cars 0, 1, 2; telemetry of cars 0 and 2 (car 1's refused); the SEND event on car 0.
        assertEquals(List.of(0L, 0L, 0L, 1L, 1L, 2L), GatewayHarness.journaledSequences(dataDir));
    }

    @Test
    void shouldRefuseToStartWithADictionaryWithoutTheF1Channels()
    {
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> new GatewayHarness(dataDir,
            Map.of(GatewaySetting.UDP_BIND, "127.0.0.1:0", GatewaySetting.DICTIONARY, SIM_V1.toString())));
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_UDP_BIND (--udp)"), ex.getMessage());
        assertTrue(ex.getMessage().contains("use f1-25.v1"), ex.getMessage());
    }

    private static void send(final DatagramChannel channel, final InetSocketAddress target, final UnsafeBuffer packet,
        final int length) throws Exception
    {
        final ByteBuffer bytes = ByteBuffer.allocate(length);
        packet.getBytes(0, bytes, length);
        bytes.flip();
        channel.send(bytes, target);
    }
}
