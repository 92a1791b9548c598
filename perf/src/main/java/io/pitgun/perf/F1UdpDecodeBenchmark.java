package io.pitgun.perf;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.engine.AckMode;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.f1.F1Channel;
import io.pitgun.f1.F1DropReason;
import io.pitgun.f1.F1PacketAdapter;
import io.pitgun.f1.F1PacketDescriptor;
import io.pitgun.f1.F1UdpCounters;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestLoader;
import io.pitgun.replay.f1.F1SessionPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The F1 game's UDP source's decoder ({@link F1PacketAdapter}) on one packet of each id it decodes, as the game
 * sends them for 22 cars (built by the simulator, {@link F1SessionPackets}), decoded with {@code allCars} into the
 * slots of a real pipeline's ring (pass-through manifest, no journal): ops/s is packets/s, and with
 * {@code -prof gc} {@code gc.alloc.rate.norm} is the bytes allocated per packet (must be 0). Each packet is stamped
 * with a newer {@code overallFrameIdentifier} so that none is dropped as out of order. An invocation decodes
 * {@value #BATCH} packets in a row and counts as that many operations: a session or event packet takes tens of
 * nanoseconds, so JMH's own work per invocation (its loop, the result's blackhole) was a visible share of one; a
 * batch spreads it over {@value #BATCH} packets, and the figure stays the cost of one packet. When the pipeline
 * thread falls behind, frames meet a full ring and are dropped and counted (the tear-down prints how many): the
 * figure is then the decoder's cost, not the pipeline's.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class F1UdpDecodeBenchmark
{
    /** Cars on track: the game's maximum; every car is decoded into a frame of its own. */
    static final int CARS = 22;
    /** Packets decoded per invocation (one JMH operation each). */
    static final int BATCH = 100;

    private static final String MANIFEST = "version: v1\nname: f1-bench-passthrough\ndictionary: f1-25.v1\n" +
        "description: Frames as received.\npipeline:\n  - type: output\n    contracts: [pitgun-envelope/v1]\n";

    /** The packet id decoded: motion 0, session 1, lap data 2, event 3, car telemetry 6, car status 7. */
    @Param({ "0", "1", "2", "3", "6", "7" })
    public int packetId;

    private TelemetryPipeline pipeline;
    private F1PacketAdapter adapter;
    private F1UdpCounters counters;
    private UnsafeBuffer packet;
    private int length;
    private int frame;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        final ParameterRegistry registry = ParameterRegistry.loadResource(F1Channel.DICTIONARY_RESOURCE);
        pipeline = TelemetryPipeline.builder().name("f1-udp-bench").dictionary(registry)
            .manifest(ManifestCompiler.compile(ManifestLoader.parse(Path.of("f1-bench-passthrough.yaml"), MANIFEST),
                registry))
            .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).build())
            .build();
        counters = new F1UdpCounters();
        adapter = new F1PacketAdapter(pipeline, true, counters);
        // The first packet of the id the simulator sends (session every 30 ticks, the SSTA event first), and the
        // first lap data packet before it: lap data says which cars are active, so all 22 get a frame each.
        final F1SessionPackets session = new F1SessionPackets(2025, CARS, 10 * F1SessionPackets.TICK_HZ);
        final byte[][] found = new byte[2][];
        while ((found[0] == null || found[1] == null) && !session.done())
        {
            session.nextTick((buffer, packetLength) ->
            {
                final int id = buffer.getByte(F1PacketDescriptor.PACKET_ID) & 0xFF;
                if (found[0] == null && id == packetId)
                {
                    found[0] = copy(buffer, packetLength);
                }
                if (found[1] == null && id == F1PacketDescriptor.LAP_DATA)
                {
                    found[1] = copy(buffer, packetLength);
                }
            });
        }
        if (found[0] == null || found[1] == null)
        {
            throw new IllegalStateException("the simulator sent no packet of id " + packetId + " or no lap data");
        }
        if (!adapter.onPacket(new UnsafeBuffer(found[1]), 0, found[1].length))
        {
            throw new IllegalStateException("the decoder refused the simulator's lap data");
        }
        packet = new UnsafeBuffer(found[0]);
        length = found[0].length;
        frame = packet.getInt(F1PacketDescriptor.OVERALL_FRAME_IDENTIFIER, F1PacketDescriptor.ORDER);
        if (!decodeOne())
        {
            throw new IllegalStateException("the decoder refused the simulator's packet of id " + packetId);
        }
    }

    private static byte[] copy(final UnsafeBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    /** Decodes one packet as the next game frame's; false if the decoder refused it. */
    private boolean decodeOne()
    {
        packet.putInt(F1PacketDescriptor.OVERALL_FRAME_IDENTIFIER, ++frame, F1PacketDescriptor.ORDER);
        return adapter.onPacket(packet, 0, length);
    }

    /** {@value #BATCH} packets; returns how many the decoder took (all, unless it refused one). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int decode()
    {
        int decoded = 0;
        for (int i = 0; i < BATCH; i++)
        {
            if (decodeOne())
            {
                decoded++;
            }
        }
        return decoded;
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        System.out.printf("%nF1 UDP decode, packet id %d: %,d packets decoded, %,d frames published, %,d frames " +
            "found the ring full%n", packetId, counters.get(F1UdpCounters.Total.PACKETS_DECODED),
            counters.get(F1UdpCounters.Total.FRAMES_PUBLISHED), counters.drops(F1DropReason.RING_FULL));
        pipeline.close();
    }
}
