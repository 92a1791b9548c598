package io.pitgun.engine.tuning;

/**
 * One bound a tuning policy sets on one dictionary channel, resolved at load: a named limit
 * ({@code max_engine_rpm}) gives one per channel it covers, a {@code limits.channels} entry one.
 *
 * @param name        how the policy names it: the named limit's key, or {@code channels.<Channel>}.
 * @param channel     the dictionary channel's canonical name.
 * @param parameterId the channel's id.
 * @param min         lowest allowed value, {@code Double.NEGATIVE_INFINITY} when unbounded below.
 * @param max         highest allowed value, {@code Double.POSITIVE_INFINITY} when unbounded above.
 * @param action      what a sample outside it does.
 */
public record TuningLimit(String name, String channel, int parameterId, double min, double max, TuningAction action)
{
    /** True when {@code value} lies outside the limit (NaN always does). */
    public boolean violatedBy(final double value)
    {
        return !(value >= min && value <= max);
    }

    /** The bound {@code value} passes, for messages: {@code max} above, {@code min} below. */
    public double boundPassedBy(final double value)
    {
        return value > max ? max : min;
    }
}
