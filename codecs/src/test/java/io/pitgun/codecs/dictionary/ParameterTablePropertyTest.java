package io.pitgun.codecs.dictionary;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The dense table answers every id exactly as a {@link HashMap} of what was written, with its defaults elsewhere. */
class ParameterTablePropertyTest
{
    /** One write to the table: a definition, a slot or a selection of one id. */
    sealed interface Write permits Define, Slot, Select
    {
        int id();
    }

    record Define(ParameterDefinition parameter) implements Write
    {
        @Override
        public int id()
        {
            return parameter.id();
        }
    }

    record Slot(int id, int slot, int kind) implements Write
    {
    }

    record Select(int id, boolean isSelected) implements Write
    {
    }

    /** What the reference map holds per id. */
    static final class Row
    {
        ParameterDefinition parameter;
        int slot = ParameterTable.NO_SLOT;
        int kind;
        boolean isSelected;
    }

    @Property(tries = 300)
    void shouldAnswerLikeAMapOfTheWrites(
        @ForAll("writes") final List<Write> writes,
        @ForAll @Size(max = 50) final List<@IntRange(min = 0, max = 65_535) Integer> probes)
    {
        final ParameterTable.Builder builder = ParameterTable.builder();
        final Map<Integer, Row> reference = new HashMap<>();
        for (final Write write : writes)
        {
            final Row row = reference.computeIfAbsent(write.id(), id -> new Row());
            if (write instanceof Define define)
            {
                builder.define(define.parameter());
                row.parameter = define.parameter();
            }
            else if (write instanceof Slot slot)
            {
                builder.slot(slot.id(), slot.slot(), slot.kind());
                row.slot = slot.slot();
                row.kind = slot.kind();
            }
            else if (write instanceof Select select)
            {
                builder.select(select.id(), select.isSelected());
                row.isSelected = select.isSelected();
            }
        }
        final ParameterTable table = builder.build();

        final Set<Integer> ids = new HashSet<>(reference.keySet());
        ids.addAll(probes);
        ids.add(0);
        ids.add(ParameterTable.ID_COUNT - 1);
        for (final int id : ids)
        {
            final Row row = reference.getOrDefault(id, new Row());
            final ParameterDefinition parameter = row.parameter;
            assertEquals(parameter != null, table.isDefined(id), "isDefined " + id);
            assertEquals(parameter == null ? ParameterTable.NO_VALUE_TYPE :
                parameter.dataType().valueType().value(), table.valueType(id), "valueType " + id);
            assertEquals(parameter == null ? 0 : parameter.min(), table.min(id), "min " + id);
            assertEquals(parameter == null ? 0 : parameter.max(), table.max(id), "max " + id);
            for (final double value : new double[] {table.min(id), table.max(id), table.max(id) + 1, Double.NaN})
            {
                assertEquals(parameter != null ? parameter.inRange(value) : value == 0, table.inRange(id, value),
                    "inRange " + id + " " + value);
            }
            assertEquals(row.slot, table.slot(id), "slot " + id);
            assertEquals(row.kind, table.kind(id), "kind " + id);
            assertEquals(row.isSelected, table.isSelected(id), "isSelected " + id);
        }
    }

    @Property(tries = 20)
    void shouldRefuseIdsOutsideTheSixteenBitSpace(@ForAll("outsideIds") final int id)
    {
        final ParameterTable.Builder builder = ParameterTable.builder();
        assertThrows(IllegalArgumentException.class, () -> builder.slot(id, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> builder.select(id, true));
    }

    @Property(tries = 1)
    void shouldBuildOnce()
    {
        final ParameterTable.Builder builder = ParameterTable.builder().select(1, true);
        builder.build();
        assertThrows(IllegalStateException.class, () -> builder.select(2, true));
        assertThrows(IllegalStateException.class, builder::build);
    }

    @Provide
    Arbitrary<Integer> outsideIds()
    {
        return Arbitraries.oneOf(Arbitraries.integers().between(Integer.MIN_VALUE, -1),
            Arbitraries.integers().between(ParameterTable.ID_COUNT, Integer.MAX_VALUE));
    }

    @Provide
    Arbitrary<List<Write>> writes()
    {
        // Few distinct ids, so that writes often overwrite one another, plus the edges of the id space.
        final Arbitrary<Integer> ids = Arbitraries.oneOf(Arbitraries.integers().between(0, 40),
            Arbitraries.integers().between(0, ParameterTable.ID_COUNT - 1), Arbitraries.of(0, 65_535));
        final Arbitrary<Write> define = Combinators.combine(ids, Arbitraries.of(DataType.class),
            Arbitraries.doubles().between(-1e9, 1e9), Arbitraries.doubles().between(0, 1e9))
            .as((id, type, min, span) -> new Define(new ParameterDefinition(id, "p" + id, Unit.DIMENSIONLESS, type,
                min, min + span, Dimension.DIMENSIONLESS, AccessLevel.PUBLIC, "", Conversion.IDENTITY)));
        final Arbitrary<Write> slot = Combinators.combine(ids, Arbitraries.integers().between(0, 1 << 20),
            Arbitraries.integers().between(0, 127)).as(Slot::new);
        final Arbitrary<Write> select = Combinators.combine(ids, Arbitraries.of(true, false)).as(Select::new);
        return Arbitraries.oneOf(define, slot, select).list().ofMaxSize(200);
    }
}
