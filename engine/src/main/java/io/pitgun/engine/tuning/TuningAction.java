package io.pitgun.engine.tuning;

import java.util.Locale;

/**
 * What a tuning limit does with a sample outside it ({@code on_violation} in {@code tuning-policy/v1}).
 */
public enum TuningAction
{
    /** The frame, and the envelope or binary message carrying it, is refused (422 {@code tuning_limit_exceeded}). */
    REJECT,
    /** The frame is accepted, the sample's quality becomes {@code DEGRADED} and the sample is counted. */
    FLAG;

    /** The policy's spelling, e.g. {@code reject}. */
    public String symbol()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
