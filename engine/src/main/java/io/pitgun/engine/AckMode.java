package io.pitgun.engine;

import java.util.Locale;

/**
 * When a producer is told its frame is safe.
 */
public enum AckMode
{
    /** After the journal stage appended the frame to the journal (survives a killed process). The default. */
    JOURNALED,
    /** As soon as the frame is in the ring (fast; lost if the process dies before the journal stage runs). */
    ACCEPTED;

    /** The configuration spelling, e.g. {@code journaled}. */
    public String symbol()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
