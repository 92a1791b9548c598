package io.pitgun.engine.tuning;

import io.pitgun.codecs.dictionary.AccessLevel;

/**
 * A policy's {@code manifest_limits}; each null when the policy sets none.
 *
 * @param maxStages           most stages in a manifest's pipeline.
 * @param maxDerivedChannels  most derived channels.
 * @param maxExpressionLength most characters in one formula ({@code expr}, a filter's {@code where}).
 * @param maxExpressionDepth  deepest nesting of one formula's syntax tree (a name or number is depth 1).
 * @param maxAccess           the highest dictionary access level a manifest may read.
 */
public record ManifestLimits(Integer maxStages, Integer maxDerivedChannels, Integer maxExpressionLength,
    Integer maxExpressionDepth, AccessLevel maxAccess)
{
    /** No manifest limits. */
    public static final ManifestLimits NONE = new ManifestLimits(null, null, null, null, null);
}
