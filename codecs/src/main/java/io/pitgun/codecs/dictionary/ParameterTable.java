package io.pitgun.codecs.dictionary;

import java.util.Arrays;

/**
 * A dense table over the 16-bit id space of the SBE schema: for each id, what a per-sample hot path needs at one
 * array load instead of a map lookup. Parameter ids key it; so may the other u16 ids of a frame (the merge stage
 * keys source ids by it). Columns:
 * <pre>
 *   id (0..65535) ─▶ valueType  dictionary value type ({@code ValueType} code), {@link #NO_VALUE_TYPE} if undefined
 *                    min, max   dictionary range (0 when undefined)
 *                    slot       an index the owner assigns (a program input, a listed source), {@link #NO_SLOT}
 *                    kind       a small code the owner gives the slot (how to read the value), 0 when unset
 *                    selected   a yes/no the owner chooses per id (kept in the output, say), false when unset
 * </pre>
 * Build it once on a cold path ({@link #builder()}); it is immutable afterwards and safe to share between threads
 * through a final field. Only the columns a builder wrote are allocated (about 1.1 MiB for the dictionary columns,
 * 320 KiB for slot and kind, 64 KiB for the selection); the others read their defaults from one shared array per
 * column. Ids must be in {@code [0, }{@value #ID_COUNT}{@code )}: callers mask a u16 read ({@code & 0xFFFF}).
 */
public final class ParameterTable
{
    /** Ids are unsigned 16-bit: the table has one row per possible id. */
    public static final int ID_COUNT = 1 << 16;
    /** {@link #valueType} of an id no dictionary parameter has. */
    public static final int NO_VALUE_TYPE = -1;
    /** {@link #slot} of an id that was given none. */
    public static final int NO_SLOT = -1;

    private static final byte[] NO_VALUE_TYPES = filled(new byte[ID_COUNT], (byte)NO_VALUE_TYPE);
    private static final double[] ZEROS = new double[ID_COUNT];
    private static final int[] NO_SLOTS = filled(new int[ID_COUNT], NO_SLOT);
    private static final byte[] NO_KINDS = new byte[ID_COUNT];
    private static final boolean[] NONE_SELECTED = new boolean[ID_COUNT];

    private final byte[] valueTypes;
    private final double[] mins;
    private final double[] maxs;
    private final int[] slots;
    private final byte[] kinds;
    private final boolean[] selected;

    private ParameterTable(final Builder builder)
    {
        valueTypes = builder.valueTypes != null ? builder.valueTypes : NO_VALUE_TYPES;
        mins = builder.mins != null ? builder.mins : ZEROS;
        maxs = builder.maxs != null ? builder.maxs : ZEROS;
        slots = builder.slots != null ? builder.slots : NO_SLOTS;
        kinds = builder.kinds != null ? builder.kinds : NO_KINDS;
        selected = builder.selected != null ? builder.selected : NONE_SELECTED;
    }

    /** A builder of an empty table: every id undefined, without slot, unselected. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** A table of the dictionary's value types and ranges. */
    public static ParameterTable of(final ParameterRegistry registry)
    {
        return builder().dictionary(registry).build();
    }

    /** True when a dictionary parameter has this id. */
    public boolean isDefined(final int id)
    {
        return valueTypes[id] != NO_VALUE_TYPE;
    }

    /** The dictionary value type ({@code ValueType} code) of {@code id}, or {@link #NO_VALUE_TYPE}. */
    public int valueType(final int id)
    {
        return valueTypes[id];
    }

    /** The smallest expected value of {@code id} (0 when undefined). */
    public double min(final int id)
    {
        return mins[id];
    }

    /** The largest expected value of {@code id} (0 when undefined). */
    public double max(final int id)
    {
        return maxs[id];
    }

    /** True when {@code value} lies in the dictionary range of {@code id} (NaN never does). */
    public boolean inRange(final int id, final double value)
    {
        return value >= mins[id] && value <= maxs[id];
    }

    /** The slot the owner gave {@code id}, or {@link #NO_SLOT}. */
    public int slot(final int id)
    {
        return slots[id];
    }

    /** The kind code the owner gave {@code id}'s slot, or 0. */
    public int kind(final int id)
    {
        return kinds[id];
    }

    /** Whether the owner selected {@code id}. */
    public boolean isSelected(final int id)
    {
        return selected[id];
    }

    /** Fills a table; {@link #build()} hands its columns over, so a builder builds once. Not thread-safe. */
    public static final class Builder
    {
        private byte[] valueTypes;
        private double[] mins;
        private double[] maxs;
        private int[] slots;
        private byte[] kinds;
        private boolean[] selected;
        private boolean built;

        private Builder()
        {
        }

        /** Defines every parameter of the dictionary. */
        public Builder dictionary(final ParameterRegistry registry)
        {
            for (final ParameterDefinition parameter : registry.parameters())
            {
                define(parameter);
            }
            return this;
        }

        /** Records the parameter's value type and range under its id (a later definition of the id wins). */
        public Builder define(final ParameterDefinition parameter)
        {
            final int id = checkId(parameter.id());
            if (valueTypes == null)
            {
                valueTypes = filled(new byte[ID_COUNT], (byte)NO_VALUE_TYPE);
                mins = new double[ID_COUNT];
                maxs = new double[ID_COUNT];
            }
            valueTypes[id] = (byte)parameter.dataType().valueType().value();
            mins[id] = parameter.min();
            maxs[id] = parameter.max();
            return this;
        }

        /**
         * Gives {@code id} a slot and its kind.
         *
         * @param slot a non-negative index.
         * @param kind a code in {@code [0, 127]} the owner reads back with {@link ParameterTable#kind}.
         */
        public Builder slot(final int id, final int slot, final int kind)
        {
            checkId(id);
            if (slot < 0 || kind < 0 || kind > Byte.MAX_VALUE)
            {
                throw new IllegalArgumentException("slot " + slot + ", kind " + kind + ": slot must be >= 0 and " +
                    "kind in [0, 127]");
            }
            if (slots == null)
            {
                slots = filled(new int[ID_COUNT], NO_SLOT);
                kinds = new byte[ID_COUNT];
            }
            slots[id] = slot;
            kinds[id] = (byte)kind;
            return this;
        }

        /** Selects {@code id} or not. */
        public Builder select(final int id, final boolean isSelected)
        {
            checkId(id);
            if (selected == null)
            {
                selected = new boolean[ID_COUNT];
            }
            selected[id] = isSelected;
            return this;
        }

        /** The table. */
        public ParameterTable build()
        {
            checkNotBuilt();
            built = true;
            return new ParameterTable(this);
        }

        private int checkId(final int id)
        {
            checkNotBuilt();
            if (id < 0 || id >= ID_COUNT)
            {
                throw new IllegalArgumentException("id " + id + " is outside 0.." + (ID_COUNT - 1));
            }
            return id;
        }

        private void checkNotBuilt()
        {
            if (built)
            {
                throw new IllegalStateException("this builder already built its table");
            }
        }
    }

    private static byte[] filled(final byte[] array, final byte value)
    {
        Arrays.fill(array, value);
        return array;
    }

    private static int[] filled(final int[] array, final int value)
    {
        Arrays.fill(array, value);
        return array;
    }
}
