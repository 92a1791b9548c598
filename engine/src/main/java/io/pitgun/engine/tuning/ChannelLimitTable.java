package io.pitgun.engine.tuning;

import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.Arrays;
import java.util.List;

import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_BLOCK_LENGTH_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_COUNT_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_HEADER_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.HEADER_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.ORDER;
import static io.pitgun.codecs.frame.FrameDescriptor.QUALITY_DEGRADED;
import static io.pitgun.codecs.frame.FrameDescriptor.QUALITY_GOOD;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_ID;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_QUALITY;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_VALUE;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_VALUE_TYPE;

/**
 * A tuning policy's limits precomputed into arrays indexed by parameter id, for the ingest hot path: checking a
 * frame reads each sample once, looks its bounds up by id and allocates nothing. Immutable and stateless once
 * built, so every event loop shares one.
 * <p>
 * Per channel and per side the tightest bound of each action is kept (several limits may cover one channel:
 * {@code min_tire_pressure_kpa} and {@code max_tire_pressure_kpa}, or a named limit and a {@code channels} entry);
 * a channel without a bound of a kind has infinite ones. A value outside a {@code reject} bound refuses the frame;
 * else a value outside a {@code flag} bound flags the sample.
 * <p>
 * Frames must have passed {@code FrameValidator} (dictionary level): ids are then the dictionary's and the reads
 * here trust the structure. Any acting layout is read (a newer schema's longer blocks); messages other than
 * {@code TelemetryFrame} have no samples and always pass.
 */
public final class ChannelLimitTable
{
    /** What {@link #firstRejected} returns for a frame within every reject limit. */
    public static final int WITHIN_LIMITS = -1;
    private static final int NO_LIMIT = -1;

    private final List<TuningLimit> limits;
    private final double[] rejectMin;
    private final double[] rejectMax;
    private final int[] rejectMinLimit;
    private final int[] rejectMaxLimit;
    private final double[] flagMin;
    private final double[] flagMax;
    private final boolean hasFlagLimits;

    /**
     * @param limits   the resolved limits; each's parameter id below {@code idCount}.
     * @param idCount  one more than the highest parameter id a checked frame can carry (the dictionary's max id + 1).
     */
    public ChannelLimitTable(final List<TuningLimit> limits, final int idCount)
    {
        this.limits = List.copyOf(limits);
        rejectMin = filled(idCount, Double.NEGATIVE_INFINITY);
        rejectMax = filled(idCount, Double.POSITIVE_INFINITY);
        flagMin = filled(idCount, Double.NEGATIVE_INFINITY);
        flagMax = filled(idCount, Double.POSITIVE_INFINITY);
        rejectMinLimit = new int[idCount];
        rejectMaxLimit = new int[idCount];
        Arrays.fill(rejectMinLimit, NO_LIMIT);
        Arrays.fill(rejectMaxLimit, NO_LIMIT);
        boolean flags = false;
        for (int i = 0; i < this.limits.size(); i++)
        {
            final TuningLimit limit = this.limits.get(i);
            final int id = limit.parameterId();
            if (limit.action() == TuningAction.FLAG)
            {
                flags = true;
                flagMin[id] = Math.max(flagMin[id], limit.min());
                flagMax[id] = Math.min(flagMax[id], limit.max());
                continue;
            }
            // Strictly tighter replaces: on a tie the limit listed first is the one an answer names.
            if (limit.min() > rejectMin[id])
            {
                rejectMin[id] = limit.min();
                rejectMinLimit[id] = i;
            }
            if (limit.max() < rejectMax[id])
            {
                rejectMax[id] = limit.max();
                rejectMaxLimit[id] = i;
            }
        }
        hasFlagLimits = flags;
    }

    /** The limits, in policy order. */
    public List<TuningLimit> limits()
    {
        return limits;
    }

    /** The lowest value of channel {@code id} its reject limits let in ({@code -Infinity} when none). Cold path. */
    public double rejectMin(final int id)
    {
        return id < rejectMin.length ? rejectMin[id] : Double.NEGATIVE_INFINITY;
    }

    /** The highest value of channel {@code id} its reject limits let in ({@code Infinity} when none). Cold path. */
    public double rejectMax(final int id)
    {
        return id < rejectMax.length ? rejectMax[id] : Double.POSITIVE_INFINITY;
    }

    /** True when some limit flags rather than refuses, so {@link #flag} has work to do. */
    public boolean hasFlagLimits()
    {
        return hasFlagLimits;
    }

    /**
     * The index of the first sample of the validated message at {@code offset} outside a {@code reject} bound, or
     * {@link #WITHIN_LIMITS}. Allocation-free; any thread.
     */
    public int firstRejected(final DirectBuffer buffer, final int offset)
    {
        if (FrameDescriptor.templateId(buffer, offset) != TelemetryFrameDecoder.TEMPLATE_ID)
        {
            return WITHIN_LIMITS;
        }
        final int groupHeader = offset + HEADER_LENGTH + FrameDescriptor.blockLength(buffer, offset);
        final int stride = buffer.getShort(groupHeader + GROUP_BLOCK_LENGTH_OFFSET, ORDER) & 0xFFFF;
        final int count = buffer.getShort(groupHeader + GROUP_COUNT_OFFSET, ORDER) & 0xFFFF;
        final double[] rejectMin = this.rejectMin;
        final double[] rejectMax = this.rejectMax;
        int sample = groupHeader + GROUP_HEADER_LENGTH;
        for (int i = 0; i < count; i++, sample += stride)
        {
            final int id = buffer.getShort(sample + SAMPLE_ID, ORDER) & 0xFFFF;
            if (id < rejectMin.length)
            {
                final double value = FrameDescriptor.doubleValue(buffer.getByte(sample + SAMPLE_VALUE_TYPE) & 0xFF,
                    buffer.getLong(sample + SAMPLE_VALUE, ORDER));
                if (!(value >= rejectMin[id] && value <= rejectMax[id]))
                {
                    return i;
                }
            }
        }
        return WITHIN_LIMITS;
    }

    /**
     * Flags the samples of the validated message at {@code offset} outside a {@code flag} bound: their quality
     * becomes {@code DEGRADED} when it was {@code GOOD} (a producer's own worse quality is kept). Allocation-free.
     *
     * @return how many samples were outside a flag bound.
     */
    public int flag(final MutableDirectBuffer buffer, final int offset)
    {
        if (!hasFlagLimits || FrameDescriptor.templateId(buffer, offset) != TelemetryFrameDecoder.TEMPLATE_ID)
        {
            return 0;
        }
        final int groupHeader = offset + HEADER_LENGTH + FrameDescriptor.blockLength(buffer, offset);
        final int stride = buffer.getShort(groupHeader + GROUP_BLOCK_LENGTH_OFFSET, ORDER) & 0xFFFF;
        final int count = buffer.getShort(groupHeader + GROUP_COUNT_OFFSET, ORDER) & 0xFFFF;
        final double[] flagMin = this.flagMin;
        final double[] flagMax = this.flagMax;
        int flagged = 0;
        int sample = groupHeader + GROUP_HEADER_LENGTH;
        for (int i = 0; i < count; i++, sample += stride)
        {
            final int id = buffer.getShort(sample + SAMPLE_ID, ORDER) & 0xFFFF;
            if (id < flagMin.length)
            {
                final double value = FrameDescriptor.doubleValue(buffer.getByte(sample + SAMPLE_VALUE_TYPE) & 0xFF,
                    buffer.getLong(sample + SAMPLE_VALUE, ORDER));
                if (!(value >= flagMin[id] && value <= flagMax[id]))
                {
                    flagged++;
                    if ((buffer.getByte(sample + SAMPLE_QUALITY) & 0xFF) == QUALITY_GOOD)
                    {
                        buffer.putByte(sample + SAMPLE_QUALITY, (byte)QUALITY_DEGRADED);
                    }
                }
            }
        }
        return flagged;
    }

    /**
     * What refused sample {@code sampleIndex} of the message at {@code offset} (as {@link #firstRejected} found):
     * the limit, the channel, the value and the bound, as a sentence. Cold path: allocates.
     */
    public Violation violation(final DirectBuffer buffer, final int offset, final int sampleIndex)
    {
        final int groupHeader = offset + HEADER_LENGTH + FrameDescriptor.blockLength(buffer, offset);
        final int stride = buffer.getShort(groupHeader + GROUP_BLOCK_LENGTH_OFFSET, ORDER) & 0xFFFF;
        final int sample = groupHeader + GROUP_HEADER_LENGTH + sampleIndex * stride;
        final int id = buffer.getShort(sample + SAMPLE_ID, ORDER) & 0xFFFF;
        final double value = FrameDescriptor.doubleValue(buffer.getByte(sample + SAMPLE_VALUE_TYPE) & 0xFF,
            buffer.getLong(sample + SAMPLE_VALUE, ORDER));
        // A value is never below its minimum and above its maximum at once: min <= max is checked at load.
        int index = value < rejectMin[id] ? rejectMinLimit[id] : rejectMaxLimit[id];
        if (index == NO_LIMIT) // NaN, which the dictionary check refuses first; named by whichever bound exists
        {
            index = Math.max(rejectMinLimit[id], rejectMaxLimit[id]);
        }
        return new Violation(limits.get(index), value);
    }

    /**
     * A sample outside a limit.
     *
     * @param limit the limit it passes.
     * @param value the sample's value.
     */
    public record Violation(TuningLimit limit, double value)
    {
        /** E.g. {@code Engine_RPM 15500 is above 15000, the tuning limit max_engine_rpm}. */
        public String describe()
        {
            final boolean above = value > limit.max();
            return limit.channel() + " " + number(value) + " is " + (above ? "above " + number(limit.max()) :
                "below " + number(limit.min())) + ", the tuning limit " + limit.name() + " (" + limit.action().symbol() +
                ")";
        }

        /** The bound passed. */
        public double bound()
        {
            return limit.boundPassedBy(value);
        }
    }

    /** A number as a policy writes it: {@code 15000}, not {@code 15000.0}. */
    public static String number(final double value)
    {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long)value) :
            Double.toString(value);
    }

    private static double[] filled(final int n, final double value)
    {
        final double[] array = new double[n];
        Arrays.fill(array, value);
        return array;
    }
}
