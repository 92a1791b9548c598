package io.pitgun.manifest.runtime;

import java.util.Arrays;

/**
 * The values of one frame as a compiled manifest sees them: a dense, pre-sized table of slots, each holding a
 * double, a long or a boolean and a presence flag, plus the frame's {@code timestamp_us}.
 *
 * <p>The compiler gives every channel a manifest reads (and every channel it derives) a slot number; the engine
 * fills an input table from a decoded frame, calls {@link FrameProgram#onFrame}, then reads the output table.
 * Nothing here allocates after construction. Each slot has one {@link ValueKind} fixed by the plan: doubles are
 * held in {@link #doubleValue(int)}, longs and booleans (as 0 or 1) in {@link #longValue(int)}.
 *
 * <p>Not thread-safe: one table belongs to one pipeline stage.
 */
public final class FrameValues
{
    private final double[] doubles;
    private final long[] longs;
    // A slot is present when its stamp equals the current generation, so clear() is one increment instead of a
    // fill over every slot, whatever the number of channels. A stamp of minus the generation marks a derived value
    // its declared data type cannot hold (absent, and told apart so the engine can count it); the generation stays
    // in [1, Integer.MAX_VALUE - 1], so neither mark ever equals the other or 0.
    private final int[] stamps;
    private int generation = 1;
    private long timestampUs;

    /**
     * @param slotCount number of slots, from the plan ({@code inputSlotCount()} or {@code derivedChannelCount()}).
     */
    public FrameValues(final int slotCount)
    {
        doubles = new double[slotCount];
        longs = new long[slotCount];
        stamps = new int[slotCount];
    }

    /** Number of slots. */
    public int slotCount()
    {
        return stamps.length;
    }

    /** Marks every slot absent; call before filling the table from a new frame. */
    public void clear()
    {
        if (++generation == Integer.MAX_VALUE)
        {
            Arrays.fill(stamps, 0);
            generation = 1;
        }
    }

    /** The frame's capture time, microseconds since the Unix epoch. */
    public long timestampUs()
    {
        return timestampUs;
    }

    /** Sets the frame's capture time, microseconds since the Unix epoch. */
    public void timestampUs(final long timestampUs)
    {
        this.timestampUs = timestampUs;
    }

    /** True when the slot holds a value in this frame. */
    public boolean isPresent(final int slot)
    {
        return stamps[slot] == generation;
    }

    /** The value of a {@link ValueKind#DOUBLE} slot (meaningful only when present). */
    public double doubleValue(final int slot)
    {
        return doubles[slot];
    }

    /** The value of a {@link ValueKind#LONG} slot (meaningful only when present). */
    public long longValue(final int slot)
    {
        return longs[slot];
    }

    /** The value of a {@link ValueKind#BOOLEAN} slot (meaningful only when present). */
    public boolean booleanValue(final int slot)
    {
        return longs[slot] != 0;
    }

    /**
     * Stores a double and marks the slot present. Every NaN is stored as the canonical {@link Double#NaN}: CPUs
     * differ in the sign and payload of the NaNs their arithmetic produces, and replay must be byte-exact.
     */
    public void putDouble(final int slot, final double value)
    {
        doubles[slot] = value != value ? Double.NaN : value;
        stamps[slot] = generation;
    }

    /** Stores a long and marks the slot present. */
    public void putLong(final int slot, final long value)
    {
        longs[slot] = value;
        stamps[slot] = generation;
    }

    /** Stores a boolean and marks the slot present. */
    public void putBoolean(final int slot, final boolean value)
    {
        longs[slot] = value ? 1L : 0L;
        stamps[slot] = generation;
    }

    /** Marks one slot absent. */
    public void putAbsent(final int slot)
    {
        stamps[slot] = 0;
    }

    /**
     * Marks one derived slot absent because its value lies outside the channel's declared data type (a {@code u8}
     * formula that gave 400): the channel is absent, as if its formula had been, and {@link #isOutOfType} tells
     * that this was why.
     */
    public void putOutOfType(final int slot)
    {
        stamps[slot] = -generation;
    }

    /** True when the slot is absent in this frame because {@link #putOutOfType} marked it. */
    public boolean isOutOfType(final int slot)
    {
        return stamps[slot] == -generation;
    }
}
