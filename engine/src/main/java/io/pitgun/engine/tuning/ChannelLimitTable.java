package io.pitgun.engine.tuning;

import io.pitgun.codecs.frame.FrameFlyweight;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;

import java.util.Arrays;
import java.util.List;

import static io.pitgun.codecs.frame.FrameDescriptor.QUALITY_DEGRADED;
import static io.pitgun.codecs.frame.FrameDescriptor.QUALITY_GOOD;

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
 * here trust the structure. Frames are read through the caller's {@link FrameFlyweight} (one per thread), at their
 * acting layout (a newer schema's longer blocks); messages other than {@code TelemetryFrame} have no samples and
 * always pass.
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
     * The index of the first sample of the validated message {@code frame} is wrapped around outside a
     * {@code reject} bound, or {@link #WITHIN_LIMITS}. Allocation-free; any thread (the flyweight is the caller's).
     */
    public int firstRejected(final FrameFlyweight frame)
    {
        if (frame.templateId() != TelemetryFrameDecoder.TEMPLATE_ID)
        {
            return WITHIN_LIMITS;
        }
        final double[] rejectMin = this.rejectMin;
        final double[] rejectMax = this.rejectMax;
        final int count = frame.sampleCount();
        for (int i = 0; i < count; i++)
        {
            final int id = frame.sampleParameterId(i);
            if (id < rejectMin.length)
            {
                final double value = frame.sampleDoubleValue(i);
                if (!(value >= rejectMin[id] && value <= rejectMax[id]))
                {
                    return i;
                }
            }
        }
        return WITHIN_LIMITS;
    }

    /**
     * Flags the samples of the validated message {@code frame} is wrapped around (in a buffer the caller may change)
     * outside a {@code flag} bound: their quality becomes {@code DEGRADED} when it was {@code GOOD} (a producer's own
     * worse quality is kept). Allocation-free.
     *
     * @return how many samples were outside a flag bound.
     */
    public int flag(final FrameFlyweight frame)
    {
        if (!hasFlagLimits || frame.templateId() != TelemetryFrameDecoder.TEMPLATE_ID)
        {
            return 0;
        }
        final double[] flagMin = this.flagMin;
        final double[] flagMax = this.flagMax;
        final int count = frame.sampleCount();
        int flagged = 0;
        for (int i = 0; i < count; i++)
        {
            final int id = frame.sampleParameterId(i);
            if (id < flagMin.length)
            {
                final double value = frame.sampleDoubleValue(i);
                if (!(value >= flagMin[id] && value <= flagMax[id]))
                {
                    flagged++;
                    if (frame.sampleQuality(i) == QUALITY_GOOD)
                    {
                        frame.sampleQuality(i, QUALITY_DEGRADED);
                    }
                }
            }
        }
        return flagged;
    }

    /**
     * What refused sample {@code sampleIndex} of the message {@code frame} is wrapped around (as
     * {@link #firstRejected} found): the limit, the channel, the value and the bound, as a sentence. Cold path:
     * allocates.
     */
    public Violation violation(final FrameFlyweight frame, final int sampleIndex)
    {
        final int id = frame.sampleParameterId(sampleIndex);
        final double value = frame.sampleDoubleValue(sampleIndex);
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
