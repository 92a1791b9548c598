package io.pitgun.engine.tuning;

import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.frame.FrameFlyweight;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ChannelLimitTable} against a plain reference: a list of limits searched sample by sample. Random policies
 * (several limits per channel, both actions, one- and two-sided) over channels of every value type, random frames
 * with values anywhere in the dictionary range and random qualities.
 */
class ChannelLimitTablePropertyTest
{
    private static final ParameterRegistry SIM = ParameterRegistry.simV1();
    /** Channels of several value types: u16, f32, i8, bool, f32, f32. */
    private static final String[] CHANNELS = {"Engine_RPM", "Speed", "Gear", "DRS_Open", "Tyre_Pressure_FL",
        "Steering_Angle"};

    @Property(tries = 300)
    void shouldAgreeWithReference(@ForAll final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<TuningLimit> limits = randomLimits(random);
        final ChannelLimitTable table = new ChannelLimitTable(limits, SIM.maxId() + 1);
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(4096));
        final int samples = 1 + random.nextInt(12);
        final int[] ids = new int[samples];
        final double[] values = new double[samples];
        final int[] qualities = new int[samples];
        encode(random, buffer, ids, values, qualities);

        final int expectedRejected = referenceFirstRejected(limits, ids, values);
        final FrameFlyweight view = new FrameFlyweight().wrap(buffer, 0);
        final int rejected = table.firstRejected(view);
        assertEquals(expectedRejected, rejected, "limits " + limits);
        if (rejected != ChannelLimitTable.WITHIN_LIMITS)
        {
            final ChannelLimitTable.Violation violation = table.violation(view, rejected);
            assertSame(TuningAction.REJECT, violation.limit().action());
            assertEquals(ids[rejected], violation.limit().parameterId());
            assertEquals(values[rejected], violation.value());
            assertTrue(violation.limit().violatedBy(values[rejected]), violation.describe());
            return;
        }
        int expectedFlagged = 0;
        final boolean[] flagged = new boolean[samples];
        for (int i = 0; i < samples; i++)
        {
            for (final TuningLimit limit : limits)
            {
                if (limit.action() == TuningAction.FLAG && limit.parameterId() == ids[i] &&
                    limit.violatedBy(values[i]))
                {
                    flagged[i] = true;
                }
            }
            expectedFlagged += flagged[i] ? 1 : 0;
        }
        assertEquals(expectedFlagged, table.flag(view));
        for (int i = 0; i < samples; i++)
        {
            final int expectedQuality = flagged[i] && qualities[i] == FrameDescriptor.QUALITY_GOOD ?
                FrameDescriptor.QUALITY_DEGRADED : qualities[i];
            assertEquals(expectedQuality, quality(buffer, i), "sample " + i);
        }
    }

    private static int referenceFirstRejected(final List<TuningLimit> limits, final int[] ids, final double[] values)
    {
        for (int i = 0; i < ids.length; i++)
        {
            for (final TuningLimit limit : limits)
            {
                if (limit.action() == TuningAction.REJECT && limit.parameterId() == ids[i] &&
                    limit.violatedBy(values[i]))
                {
                    return i;
                }
            }
        }
        return ChannelLimitTable.WITHIN_LIMITS;
    }

    private static List<TuningLimit> randomLimits(final SplittableRandom random)
    {
        final List<TuningLimit> limits = new ArrayList<>();
        final int n = random.nextInt(8);
        for (int i = 0; i < n; i++)
        {
            final ParameterDefinition channel = SIM.byName(CHANNELS[random.nextInt(CHANNELS.length)]);
            final double a = valueIn(random, channel);
            final double b = valueIn(random, channel);
            final int sides = random.nextInt(3);
            final double min = sides == 1 ? Double.NEGATIVE_INFINITY : Math.min(a, b);
            final double max = sides == 2 ? Double.POSITIVE_INFINITY : Math.max(a, b);
            limits.add(new TuningLimit("limit" + i, channel.name(), channel.id(), min, max,
                random.nextBoolean() ? TuningAction.REJECT : TuningAction.FLAG));
        }
        return limits;
    }

    private static void encode(final SplittableRandom random, final UnsafeBuffer buffer, final int[] ids,
        final double[] values, final int[] qualities)
    {
        final TelemetryFrameEncoder frame = new TelemetryFrameEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).sequence(1).timestampUs(1).sourceId(1)
            .lapNumber(1).sector((short)0);
        frame.flags().clear();
        final TelemetryFrameEncoder.SamplesEncoder group = frame.samplesCount(ids.length);
        final SignalQuality[] qualityChoices = {SignalQuality.GOOD, SignalQuality.GOOD, SignalQuality.DEGRADED,
            SignalQuality.ESTIMATED, SignalQuality.INVALID};
        for (int i = 0; i < ids.length; i++)
        {
            // Repeated channels too: the table must not care (the validator refuses them before it anyway).
            final ParameterDefinition channel = SIM.byName(CHANNELS[random.nextInt(CHANNELS.length)]);
            ids[i] = channel.id();
            values[i] = valueIn(random, channel);
            final SignalQuality quality = qualityChoices[random.nextInt(qualityChoices.length)];
            qualities[i] = quality.value();
            final long bits = channel.dataType().isFloat() ? Double.doubleToRawLongBits(values[i]) :
                (long)values[i];
            group.next().value(bits).parameterId(ids[i]).valueType(channel.dataType().valueType()).quality(quality);
        }
    }

    /** A value a frame may carry for {@code channel}: within its range, of its type (often a round number). */
    private static double valueIn(final SplittableRandom random, final ParameterDefinition channel)
    {
        if (!channel.dataType().isFloat())
        {
            return (double)random.nextLong((long)channel.min(), (long)channel.max() + 1);
        }
        final double value = channel.min() + random.nextDouble() * (channel.max() - channel.min());
        return random.nextInt(4) == 0 ? Math.rint(value) : (double)(float)value;
    }

    private static int quality(final UnsafeBuffer buffer, final int sample)
    {
        return buffer.getByte(FrameDescriptor.SAMPLES + sample * FrameDescriptor.SAMPLE_LENGTH +
            FrameDescriptor.SAMPLE_QUALITY) & 0xFF;
    }
}
