package io.pitgun.journal;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a journal lives and how it is opened.
 *
 * @param directory the queue directory (one Chronicle Queue: its {@code .cq4} cycle files and {@code metadata.cq4t}).
 * @param rollCycle the name of a Chronicle roll cycle ({@code RollCycles}, {@code LargeRollCycles} or
 *                  {@code TestRollCycles}), e.g. {@value #DEFAULT_ROLL_CYCLE}. A journal that already exists keeps
 *                  the roll cycle it was created with (Chronicle reads it from the queue's metadata).
 * @param readOnly  open for reading only: the directory must already hold a journal, nothing is created and no
 *                  appender is available.
 * @param minFreeBytes headroom on the journal's file system: an append that would leave less free space is held
 *                  back until space returns ({@link JournalSpaceGuard}); 0 turns the check off. Default
 *                  {@link JournalSpaceGuard#DEFAULT_MIN_FREE_BYTES}.
 */
public record JournalConfig(Path directory, String rollCycle, boolean readOnly, long minFreeBytes)
{
    /**
     * Default roll cycle: one file per hour. Hourly files keep a busy journal's files a size that can be copied,
     * archived or deleted one at a time, and {@code FAST_HOURLY} still allows 2^32 entries per hour. The cycle is
     * chosen by Chronicle's wall clock; it only names files and never affects what replay derives.
     */
    public static final String DEFAULT_ROLL_CYCLE = "FAST_HOURLY";

    public JournalConfig
    {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(rollCycle, "rollCycle");
        RollCycleNames.byName(rollCycle); // fail here, naming the field, rather than inside Chronicle
        if (minFreeBytes < 0)
        {
            throw new IllegalArgumentException("minFreeBytes: " + minFreeBytes + " is negative");
        }
    }

    /** A journal with the {@linkplain JournalSpaceGuard#DEFAULT_MIN_FREE_BYTES default headroom}. */
    public JournalConfig(final Path directory, final String rollCycle, final boolean readOnly)
    {
        this(directory, rollCycle, readOnly, JournalSpaceGuard.DEFAULT_MIN_FREE_BYTES);
    }

    /** A writable journal in {@code directory} with the {@linkplain #DEFAULT_ROLL_CYCLE default roll cycle}. */
    public static JournalConfig of(final Path directory)
    {
        return new JournalConfig(directory, DEFAULT_ROLL_CYCLE, false);
    }

    /** An existing journal in {@code directory}, opened for reading only (the inspection tools use this). */
    public static JournalConfig readOnly(final Path directory)
    {
        return new JournalConfig(directory, DEFAULT_ROLL_CYCLE, true);
    }

    /** The same journal with another roll cycle. */
    public JournalConfig withRollCycle(final String name)
    {
        return new JournalConfig(directory, name, readOnly, minFreeBytes);
    }

    /** The same journal with another free-space headroom (0: no check). */
    public JournalConfig withMinFreeBytes(final long bytes)
    {
        return new JournalConfig(directory, rollCycle, readOnly, bytes);
    }
}
