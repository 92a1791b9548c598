package io.pitgun.cli;

import io.pitgun.f1.F1Channel;
import io.pitgun.f1.F1EventCode;
import io.pitgun.f1.F1PacketAdapter;
import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.replay.f1.F1SessionPackets;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.GatewayClient;
import io.pitgun.testsupport.JournaledFrames;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.pitgun.f1.F1PacketDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The game's path end to end: a real gateway started with {@code --udp}, {@code pitgun f1-udp-sim} sending a
 * session through UDP for a few seconds, then every frame of the player's car found in the journal, in order, with
 * the values the simulator sent (the simulator is deterministic: the test regenerates its packets and reads them
 * at the layout's offsets).
 */
class F1UdpRoundTripTest
{
    private static final long SEED = 7;
    private static final int CARS = 3;
    private static final int DURATION_S = 3;
    private static final Pattern SENT = Pattern.compile("sent (\\d+) packets");

    @TempDir
    Path dataDir;

    @Test
    void shouldJournalEveryFrameTheSimulatorSentWithItsValues() throws Exception
    {
        final CommandLine.ParseResult parsed = PitgunCommand.newCommandLine().parseArgs("gateway", "--bind",
            "127.0.0.1:0", "--data-dir", dataDir.toString(), "--udp", "127.0.0.1:0", "--rate-limit", "0");
        final GatewayCommand command = (GatewayCommand)parsed.subcommand().commandSpec().userObject();
        final GatewayServer server = GatewayServer.start(GatewayConfig.resolve(Map.of(), command.flags()));
        final long sent;
        try
        {
            final int udpPort = server.udpAddress().orElseThrow().getPort();
            final CliRun sim = CliRun.of("f1-udp-sim", "--target", "127.0.0.1:" + udpPort, "--duration",
                Integer.toString(DURATION_S), "--cars", Integer.toString(CARS), "--seed", Long.toString(SEED));
            assertEquals(0, sim.exitCode(), sim.err());
            final Matcher matcher = SENT.matcher(sim.out());
            assertTrue(matcher.find(), sim.out());
            sent = Long.parseLong(matcher.group(1));
            final GatewayClient client = new GatewayClient(server.address().getPort());
            Await.until("every packet decoded", () -> metric(client, "pitgun_f1_udp_packets_total{outcome=\"decoded\"}")
                == sent);
            final String metrics = client.get("/metrics").body();
            assertTrue(metrics.contains("pitgun_f1_udp_drops_total{reason=\"out_of_order\"} 0"), metrics);
            assertTrue(metrics.contains("pitgun_f1_udp_samples_out_of_range_total 0"), metrics);
        }
        finally
        {
            server.shutdown();
        }
        final List<Expected> expected = expectedPlayerFrames();
        final List<JournaledFrames.Frame> frames = new ArrayList<>(JournaledFrames.frames(dataDir.resolve("journal")));
        frames.removeIf(frame -> frame.sourceId() != F1SessionPackets.PLAYER);
        frames.sort(Comparator.comparingLong(JournaledFrames.Frame::sequence));
        assertEquals(expected.size(), frames.size(), "frames of the player's car (packets sent: " + sent + ")");
        final long anchorUs = frames.get(0).timestampUs() - expected.get(0).sessionTimeUs;
        for (int i = 0; i < expected.size(); i++)
        {
            final Expected want = expected.get(i);
            final JournaledFrames.Frame got = frames.get(i);
            final String where = "frame " + i + " (" + want.kind + ")";
            assertEquals(F1PacketAdapter.sessionId(SEED), got.sessionId(), where);
            assertEquals(i, got.sequence(), where);
            assertEquals(anchorUs + want.sessionTimeUs, got.timestampUs(), where);
            if (want.lap >= 0)
            {
                assertEquals(want.lap, got.lapNumber(), where);
                assertEquals(want.sector, got.sector(), where);
            }
            for (final Map.Entry<F1Channel, Double> value : want.values.entrySet())
            {
                assertEquals(value.getValue(), got.values().get(value.getKey().id()), where + " " + value.getKey());
            }
        }
        // journal dump names the channels with the dictionary the journal's ManifestLoaded names, unasked.
        final CliRun dump = CliRun.of("journal", "dump", dataDir.resolve("journal").toString());
        assertEquals(0, dump.exitCode(), dump.err());
        assertTrue(dump.out().contains("\"Engine_RPM\":") && dump.out().contains("\"Event_Code\":1096045395"),
            dump.out().lines().limit(5).toList().toString());
        // So does journal export: its columns are f1-25.v1's channels, not sim.v1's names for the same ids.
        final Path csv = dataDir.resolve("export");
        final CliRun export = CliRun.of("journal", "export", dataDir.resolve("journal").toString(), "--format", "csv",
            "--out", csv.toString());
        assertEquals(0, export.exitCode(), export.out() + export.err());
        final String header;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(csv))
        {
            final Path file = files.filter(f -> f.toString().endsWith(".csv")).findFirst().orElseThrow();
            header = java.nio.file.Files.readAllLines(file).get(0);
        }
        final List<String> columns = List.of(header.split(","));
        for (final Expected want : expected)
        {
            for (final F1Channel channel : want.values.keySet())
            {
                assertTrue(columns.contains(channel.channelName()), channel + " in " + header);
            }
        }
        // Every packet id the source decodes went through, and the session was opened and closed by its events.
        assertEquals(List.of("event SSTA", "motion", "telemetry", "lap data", "car status", "session", "event SEND"),
            expected.stream().map(e -> e.kind).distinct().toList());
    }

    /**
     * A duration that is not a number, or longer than the day of session time the gateway believes, is refused.
     * Before, {@code --duration NaN} passed the check ({@code NaN <= 0} is false) and sent 7 packets, and
     * {@code --duration Infinity} sent until stopped, the packets after a day dropped by the gateway as bad_time.
     */
    @Test
    void shouldRefuseADurationThatIsNotANumberOrBeyondADay()
    {
        for (final String duration : List.of("NaN", "Infinity", "86401"))
        {
            final CliRun sim = CliRun.of("f1-udp-sim", "--target", "127.0.0.1:9", "--duration", duration);
            assertEquals(2, sim.exitCode(), duration + ": " + sim.out());
            assertTrue(sim.err().contains("--duration > 0 (at most 86400 s, a day)"), sim.err());
        }
    }

    /**
     * A target whose port is 0, out of range or not a number is refused as a usage error naming it, as replay's is.
     * Before, port 0 printed "java.net.SocketException: Can't send to port 0" and the others Java's own texts ("For
     * input string", "port out of range:70000"), each with exit 1.
     */
    @Test
    void shouldRefuseATargetWithoutAPortToSendTo()
    {
        for (final String target : List.of("127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:abc"))
        {
            final CliRun sim = CliRun.of("f1-udp-sim", "--target", target, "--duration", "1");
            assertEquals(2, sim.exitCode(), target + ": " + sim.out() + sim.err());
            assertTrue(sim.err().contains("--target " + target + ": port"), sim.err());
        }
    }

    /**
     * Every one of 22 cars through a gateway with {@code --udp-all-cars}, then {@code journal export --manifest} with
     * the gateway's own F1 manifest: the export derives what the gateway derived, for every car (with the offline
     * tools' default of 16 streams it had dropped six cars).
     */
    @Test
    void shouldDeriveEveryCarOfTheGameAsTheGatewayDidWhenExported() throws Exception
    {
        final CommandLine.ParseResult parsed = PitgunCommand.newCommandLine().parseArgs("gateway", "--bind",
            "127.0.0.1:0", "--data-dir", dataDir.toString(), "--udp", "127.0.0.1:0", "--udp-all-cars", "--rate-limit",
            "0");
        final GatewayCommand command = (GatewayCommand)parsed.subcommand().commandSpec().userObject();
        final GatewayServer server = GatewayServer.start(GatewayConfig.resolve(Map.of(), command.flags()));
        try
        {
            final int udpPort = server.udpAddress().orElseThrow().getPort();
            final CliRun sim = CliRun.of("f1-udp-sim", "--target", "127.0.0.1:" + udpPort, "--duration", "2",
                "--cars", "22", "--seed", Long.toString(SEED));
            assertEquals(0, sim.exitCode(), sim.err());
            final Matcher matcher = SENT.matcher(sim.out());
            assertTrue(matcher.find(), sim.out());
            final long sent = Long.parseLong(matcher.group(1));
            final GatewayClient client = new GatewayClient(server.address().getPort());
            Await.until("every packet decoded", () -> metric(client, "pitgun_f1_udp_packets_total{outcome=\"decoded\"}")
                == sent);
        }
        finally
        {
            server.shutdown();
        }
        final Path manifest = Path.of("..", "ingress-netty", "src", "main", "resources", "gateway",
            "f1-25-laps-manifest.yaml");
        final Path out = dataDir.resolve("export");
        final CliRun export = CliRun.of("journal", "export", dataDir.resolve("journal").toString(), "--manifest",
            manifest.toString(), "--format", "csv", "--out", out.toString());
        assertEquals(0, export.exitCode(), export.out() + export.err());
        final java.util.Set<String> sources = new java.util.TreeSet<>();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(out.resolve("derived")))
        {
            for (final Path file : files.filter(f -> f.toString().endsWith(".csv")).toList())
            {
                final List<String> lines = java.nio.file.Files.readAllLines(file);
                final int column = List.of(lines.get(0).split(",")).indexOf("source_id");
                assertTrue(column >= 0, lines.get(0));
                for (final String line : lines.subList(1, lines.size()))
                {
                    sources.add(line.split(",", -1)[column]);
                }
            }
        }
        assertEquals(22, sources.size(), "cars with derived frames: " + sources);
    }

    private static long metric(final GatewayClient client, final String series) throws Exception
    {
        for (final String line : client.get("/metrics").body().split("\n"))
        {
            if (line.startsWith(series + " "))
            {
                return (long)Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        return -1;
    }

    /** What one frame of the player's car must hold. */
    private static final class Expected
    {
        final String kind;
        final long sessionTimeUs;
        final int lap;
        final int sector;
        final Map<F1Channel, Double> values = new LinkedHashMap<>();

        Expected(final String kind, final long sessionTimeUs, final int lap, final int sector)
        {
            this.kind = kind;
            this.sessionTimeUs = sessionTimeUs;
            this.lap = lap;
            this.sector = sector;
        }
    }

    /** The player's frames, in order, from the packets the simulator sends for this seed. */
    private static List<Expected> expectedPlayerFrames()
    {
        final F1SessionPackets session = new F1SessionPackets(SEED, CARS, (long)DURATION_S * F1SessionPackets.TICK_HZ);
        final List<Expected> expected = new ArrayList<>();
        final int[] lapAndSector = { -1, -1 };
        final int player = F1SessionPackets.PLAYER;
        while (!session.done())
        {
            session.nextTick((b, length) -> expected.add(expectedOf(b, player, lapAndSector)));
        }
        return expected;
    }

    private static Expected expectedOf(final UnsafeBuffer b, final int car, final int[] lapAndSector)
    {
        final int id = b.getByte(PACKET_ID);
        final long timeUs = Math.round(b.getFloat(SESSION_TIME, ORDER) * 1e6);
        if (id == LAP_DATA)
        {
            final int o = carOffset(car, LAP_CAR_LENGTH);
            lapAndSector[0] = b.getByte(o + LAP_CURRENT_LAP_NUM) & 0xFF;
            lapAndSector[1] = b.getByte(o + LAP_SECTOR) & 0xFF;
        }
        switch (id)
        {
            case CAR_TELEMETRY:
            {
                final int o = carOffset(car, TELEMETRY_CAR_LENGTH);
                final Expected e = new Expected("telemetry", timeUs, lapAndSector[0], lapAndSector[1]);
                e.values.put(F1Channel.SPEED, (double)(b.getShort(o + TELEMETRY_SPEED, ORDER) & 0xFFFF));
                e.values.put(F1Channel.ENGINE_RPM, (double)(b.getShort(o + TELEMETRY_ENGINE_RPM, ORDER) & 0xFFFF));
                e.values.put(F1Channel.GEAR, (double)b.getByte(o + TELEMETRY_GEAR));
                e.values.put(F1Channel.THROTTLE, (double)(float)(b.getFloat(o + TELEMETRY_THROTTLE, ORDER) * 100.0));
                e.values.put(F1Channel.BRAKE_TEMP_FL,
                    (double)(b.getShort(o + TELEMETRY_BRAKES_TEMPERATURE + 4, ORDER) & 0xFFFF));
                e.values.put(F1Channel.TYRE_PRESSURE_RR, (double)b.getFloat(o + TELEMETRY_TYRES_PRESSURE + 4, ORDER));
                return e;
            }
            case LAP_DATA:
            {
                final int o = carOffset(car, LAP_CAR_LENGTH);
                final Expected e = new Expected("lap data", timeUs, lapAndSector[0], lapAndSector[1]);
                e.values.put(F1Channel.LAP_DISTANCE, (double)b.getFloat(o + LAP_DISTANCE, ORDER));
                e.values.put(F1Channel.CURRENT_LAP, (double)lapAndSector[0]);
                e.values.put(F1Channel.CURRENT_LAP_TIME, (double)(b.getInt(o + LAP_CURRENT_LAP_TIME_MS, ORDER)));
                e.values.put(F1Channel.LAST_LAP_TIME, (double)(b.getInt(o + LAP_LAST_LAP_TIME_MS, ORDER)));
                e.values.put(F1Channel.CAR_POSITION, (double)(b.getByte(o + LAP_CAR_POSITION) & 0xFF));
                return e;
            }
            case MOTION:
            {
                final int o = carOffset(car, MOTION_CAR_LENGTH);
                final Expected e = new Expected("motion", timeUs, lapAndSector[0], lapAndSector[1]);
                e.values.put(F1Channel.WORLD_POSITION_X, (double)b.getFloat(o + MOTION_WORLD_POSITION_X, ORDER));
                e.values.put(F1Channel.G_LATERAL, (double)b.getFloat(o + MOTION_G_FORCE_LATERAL, ORDER));
                e.values.put(F1Channel.G_LONGITUDINAL, (double)b.getFloat(o + MOTION_G_FORCE_LONGITUDINAL, ORDER));
                return e;
            }
            case CAR_STATUS:
            {
                final int o = carOffset(car, STATUS_CAR_LENGTH);
                final Expected e = new Expected("car status", timeUs, lapAndSector[0], lapAndSector[1]);
                e.values.put(F1Channel.FUEL_IN_TANK, (double)b.getFloat(o + STATUS_FUEL_IN_TANK, ORDER));
                e.values.put(F1Channel.ERS_STORE_ENERGY, (double)b.getFloat(o + STATUS_ERS_STORE_ENERGY, ORDER));
                e.values.put(F1Channel.ENGINE_POWER_MGUK, (double)b.getFloat(o + STATUS_ENGINE_POWER_MGUK, ORDER));
                return e;
            }
            case SESSION:
            {
                final Expected e = new Expected("session", timeUs, lapAndSector[0], lapAndSector[1]);
                e.values.put(F1Channel.TRACK_LENGTH, (double)(b.getShort(SESSION_TRACK_LENGTH, ORDER) & 0xFFFF));
                e.values.put(F1Channel.SECTOR2_START, (double)b.getFloat(SESSION_SECTOR2_LAP_DISTANCE_START, ORDER));
                return e;
            }
            case EVENT:
            {
                final int code = b.getInt(EVENT_STRING_CODE, ORDER);
                final Expected e = new Expected("event " + F1EventCode.letters(code), timeUs, lapAndSector[0],
                    lapAndSector[1]);
                e.values.put(F1Channel.EVENT_CODE, (double)(code & 0xFFFF_FFFFL));
                return e;
            }
            default:
                throw new AssertionError("the simulator sent packet id " + id);
        }
    }
}
