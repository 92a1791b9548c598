package io.pitgun.perf;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.engine.AckMode;
import io.pitgun.engine.FrameWriter;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.JournalThread;
import io.pitgun.engine.ProducerMode;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.engine.WaitStrategyKind;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import org.agrona.MutableDirectBuffer;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The embedded pipeline the engine's benchmarks measure, stated once: the ten-formula manifest, the 6-sample frame
 * (written through a {@link FrameWriter}, or as the same bytes by hand for the baselines), a journal in a temporary
 * directory and a single producer. {@link PipelineThroughputBenchmark} (saturated) and
 * {@link io.pitgun.perf.paced.PacedLatencyMain} (paced) both build theirs here.
 */
public final class BenchPipeline
{
    /** The benchmark manifest: ten derived channels over the six channels of each frame. */
    public static final String TEN_FORMULAS = String.join("\n",
        "version: v1",
        "name: ten-formulas",
        "pipeline:",
        "  - type: formula",
        "    derived_channels:",
        "      - { name: Power_kW, expr: \"Torque_Nm * Engine_RPM / 9549.0\", unit: kW }",
        "      - { name: Speed_ms, expr: \"Speed / 3.6\", unit: m/s }",
        "      - { name: Accel_Long, expr: \"derivative(Speed_ms)\", unit: m/s^2 }",
        "      - { name: Energy_kJ, expr: \"integral(max(Power_kW, 0))\", unit: kJ }",
        "      - { name: Throttle_Smooth, expr: \"ema(Throttle_Position, 0.1)\", unit: \"%\" }",
        "      - { name: Brake_Heavy, expr: \"Brake_Pedal > 50\", data_type: bool }",
        "      - { name: Rpm_Per_Kmh, expr: \"Speed > 1 ? Engine_RPM / Speed : 0\", unit: \"1\" }",
        "      - { name: Throttle_Mean_10, expr: \"mean(Throttle_Position, 10)\", unit: \"%\" }",
        "      - { name: Gear_Change, expr: \"default(delta(Gear), 0) != 0\", data_type: bool }",
        "      - { name: Power_Peak, expr: \"max(Power_kW, prev(Power_kW))\", unit: kW }",
        "");

    static final int ENGINE_RPM = 1;
    static final int THROTTLE = 2;
    static final int SPEED = 3;
    static final int TORQUE = 4;
    static final int GEAR = 6;
    static final int BRAKE = 7;
    private static final int SAMPLES_PER_FRAME = 6;

    /** Bytes of the 6-sample frame every variant publishes (the SBE message, header included). */
    public static final int FRAME_BYTES = FrameDescriptor.SAMPLES + SAMPLES_PER_FRAME * FrameDescriptor.SAMPLE_LENGTH;

    /** The default journal layout, journal and processing on one consumer thread (see {@link #open}). */
    public static final String JOURNAL_SHARED = "shared";

    private BenchPipeline()
    {
    }

    /** The ten-formula manifest compiled against {@code sim.v1}. */
    public static CompiledManifest manifest() throws ManifestException
    {
        return ManifestCompiler.compile(ManifestLoader.parse(Path.of("ten-formulas.yaml"), TEN_FORMULAS),
            ParameterRegistry.simV1());
    }

    /**
     * A started pipeline named {@code bench}, single producer, journaled acks unless {@code journal} is
     * {@code none}.
     *
     * @param journal   {@code shared}: journal and processing on one consumer thread (the default layout);
     *                  {@code separate}: the journal on its own thread; {@code none}: no journal stage.
     * @param directory the journal's directory (unused with {@code none}).
     * @param settings  anything else a variant changes (the wait strategy, a profile), applied last.
     */
    public static TelemetryPipeline open(final String journal, final Path directory,
        final UnaryOperator<PipelineConfig.Builder> settings) throws ManifestException
    {
        final boolean journaled = !"none".equals(journal);
        final PipelineConfig.Builder config = PipelineConfig.builder().journalDirectory(journaled ? directory : null)
            .journalThread("separate".equals(journal) ? JournalThread.SEPARATE : JournalThread.PROCESS)
            .ackMode(journaled ? AckMode.JOURNALED : AckMode.ACCEPTED).producerMode(ProducerMode.SINGLE);
        return TelemetryPipeline.builder().name("bench").manifest(manifest()).config(settings.apply(config).build())
            .build();
    }

    /** {@link #open(String, Path, UnaryOperator)} with a wait strategy and nothing else changed. */
    public static TelemetryPipeline open(final String journal, final Path directory, final WaitStrategyKind wait)
        throws ManifestException
    {
        return open(journal, directory, b -> b.waitStrategy(wait));
    }

    /** Begins frame {@code i} and writes its six samples; the caller commits. Allocation-free. */
    public static FrameWriter writeFrame(final FrameWriter writer, final long i)
    {
        return writer.begin(i, i * 1_000L)
            .lapNumber(1 + (int)(i >>> 16))
            .putLong(ENGINE_RPM, 4_000 + (i & 8_191))
            .putDouble(THROTTLE, i & 63)
            .putDouble(SPEED, 100 + (i & 127))
            .putDouble(TORQUE, 300 + (i & 255))
            .putLong(GEAR, 1 + (i & 7))
            .putDouble(BRAKE, (i & 31) == 0 ? 80 : 0);
    }

    /**
     * Writes frame {@code i} as {@link #writeFrame} would, by hand ({@link FrameDescriptor}'s offsets), at
     * {@code o}: {@link #FRAME_BYTES} bytes, for the baselines that have no pipeline. Allocation-free.
     */
    public static void encodeFrame(final MutableDirectBuffer b, final int o, final long i)
    {
        final ByteOrder le = FrameDescriptor.ORDER;
        b.putLong(o, FrameDescriptor.FRAME_HEADER_WORD, le);
        b.putLong(o + FrameDescriptor.SESSION_MSB, 1, le);
        b.putLong(o + FrameDescriptor.SESSION_LSB, 2, le);
        b.putLong(o + FrameDescriptor.PRODUCER_MSB, 3, le);
        b.putLong(o + FrameDescriptor.PRODUCER_LSB, 4, le);
        b.putLong(o + FrameDescriptor.SEQUENCE, i, le);
        b.putLong(o + FrameDescriptor.TIMESTAMP_US, i * 1_000L, le);
        b.putShort(o + FrameDescriptor.SOURCE_ID, (short)0, le);
        b.putShort(o + FrameDescriptor.LAP_NUMBER, (short)(1 + (i >>> 16)), le);
        b.putByte(o + FrameDescriptor.SECTOR, (byte)FrameDescriptor.NULL_SECTOR);
        b.putByte(o + FrameDescriptor.FLAGS, (byte)0);
        b.putShort(o + FrameDescriptor.GROUP_HEADER, (short)FrameDescriptor.SAMPLE_LENGTH, le);
        b.putShort(o + FrameDescriptor.GROUP_HEADER + FrameDescriptor.GROUP_COUNT_OFFSET, (short)SAMPLES_PER_FRAME,
            le);
        final int s = o + FrameDescriptor.SAMPLES;
        final int n = FrameDescriptor.SAMPLE_LENGTH;
        // Value types as sim.v1 declares them (what the FrameWriter stores): 1 u16, 7 f32, 3 i8 (ValueType).
        sample(b, s, ENGINE_RPM, 1, 4_000 + (i & 8_191));
        sample(b, s + n, THROTTLE, 7, Double.doubleToRawLongBits(i & 63));
        sample(b, s + 2 * n, SPEED, 7, Double.doubleToRawLongBits(100 + (i & 127)));
        sample(b, s + 3 * n, TORQUE, 7, Double.doubleToRawLongBits(300 + (i & 255)));
        sample(b, s + 4 * n, GEAR, 3, 1 + (i & 7));
        sample(b, s + 5 * n, BRAKE, 7, Double.doubleToRawLongBits((i & 31) == 0 ? 80 : 0));
    }

    private static void sample(final MutableDirectBuffer b, final int at, final int id, final int type,
        final long bits)
    {
        b.putLong(at + FrameDescriptor.SAMPLE_VALUE, bits, FrameDescriptor.ORDER);
        b.putInt(at + FrameDescriptor.SAMPLE_ID, id | (type << 16), FrameDescriptor.ORDER);
    }

    /** Deletes a benchmark's temporary journal directory and everything in it. */
    public static void delete(final Path directory) throws IOException
    {
        if (directory == null || !Files.exists(directory))
        {
            return;
        }
        try (Stream<Path> files = Files.walk(directory))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
