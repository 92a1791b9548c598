package io.pitgun.engine.tuning;

/**
 * A {@code limits.channels} entry naming no dictionary channel: it must name a channel the manifest derives, and is
 * checked against that channel's declared range when the manifest is loaded ({@link ManifestLimitCheck}).
 *
 * @param channel the name as written.
 * @param min     lowest allowed value, {@code Double.NEGATIVE_INFINITY} when unbounded below.
 * @param max     highest allowed value, {@code Double.POSITIVE_INFINITY} when unbounded above.
 * @param where   the entry's place in the policy file, for messages ({@code policy.yaml:12:7}).
 */
public record DerivedChannelLimit(String channel, double min, double max, String where)
{
}
