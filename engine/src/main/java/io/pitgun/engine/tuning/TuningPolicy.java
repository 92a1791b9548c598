package io.pitgun.engine.tuning;

import java.nio.file.Path;
import java.util.List;

/**
 * A loaded {@code tuning-policy/v1}, resolved against one dictionary ({@link TuningPolicyLoader} makes one): its
 * channel limits as a {@link ChannelLimitTable} for the ingest path, the limits on derived channels and
 * {@code manifest_limits} for {@link ManifestLimitCheck}. Immutable.
 */
public final class TuningPolicy
{
    private final Path source;
    private final String name;
    private final ChannelLimitTable table;
    private final List<DerivedChannelLimit> derivedLimits;
    private final ManifestLimits manifestLimits;
    private final FrameLimits frameLimits;
    private final List<String> warnings;
    private final String sha256;
    private final String signerKeyId;

    TuningPolicy(final Path source, final String name, final ChannelLimitTable table,
        final List<DerivedChannelLimit> derivedLimits, final ManifestLimits manifestLimits,
        final FrameLimits frameLimits, final List<String> warnings, final String sha256, final String signerKeyId)
    {
        this.sha256 = sha256;
        this.signerKeyId = signerKeyId;
        this.frameLimits = frameLimits;
        this.source = source;
        this.name = name;
        this.table = table;
        this.derivedLimits = List.copyOf(derivedLimits);
        this.manifestLimits = manifestLimits;
        this.warnings = List.copyOf(warnings);
    }

    /** The file it was read from. */
    public Path source()
    {
        return source;
    }

    /** Its {@code name}, or the file name without extension. */
    public String name()
    {
        return name;
    }

    /** The limits on dictionary channels, precomputed for the hot path. */
    public ChannelLimitTable table()
    {
        return table;
    }

    /** The limits on channels a manifest must derive. */
    public List<DerivedChannelLimit> derivedLimits()
    {
        return derivedLimits;
    }

    /** Its {@code frame_limits}; {@link FrameLimits#NONE} when the policy has none. */
    public FrameLimits frameLimits()
    {
        return frameLimits;
    }

    /** {@code manifest_limits}; {@link ManifestLimits#NONE} when the policy has none. */
    public ManifestLimits manifestLimits()
    {
        return manifestLimits;
    }

    /** What of the policy is read but not enforced (e.g. {@code frame_limits}), to be logged at start. */
    public List<String> warnings()
    {
        return warnings;
    }

    /** Lower-case hex SHA-256 of the policy's text as read (for a signed policy, the bytes the signature covers). */
    public String sha256()
    {
        return sha256;
    }

    /**
     * The key id of the trusted key whose signature the policy carried, or {@code unsigned} when it was loaded
     * without a signature check: what the journal's {@code PolicyLoaded} entry records.
     */
    public String signerKeyId()
    {
        return signerKeyId;
    }

    @Override
    public String toString()
    {
        return "tuning policy " + name + " (" + source + ", " + table.limits().size() + " channel limits)";
    }
}
