package io.pitgun.replay;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ColumnMappingTest
{
    private static final ParameterRegistry SIM = ParameterRegistry.simV1();

    @Test
    void shouldMapNamesIgnoringCaseAndSeparators()
    {
        final ColumnMapping mapping = ColumnMapping.of(
            List.of("Timestamp-US", "LAP NUMBER", "sector", "engine-rpm", "ENGINE RPM2", "speed", "tyre.wear.fl"), SIM, false);

        assertEquals(0, mapping.timestampColumn());
        assertEquals(1, mapping.lapColumn());
        assertEquals(2, mapping.sectorColumn());
        assertEquals(3, mapping.channelCount());
        assertEquals("Engine_RPM", mapping.channel(0).name());
        assertEquals(3, mapping.channelColumn(0));
        assertEquals("Speed", mapping.channel(1).name());
        assertEquals("Tyre_Wear_FL", mapping.channel(2).name());
        assertEquals(1, mapping.unknownColumns().size());
        assertTrue(mapping.unknownColumns().get(0).startsWith("ENGINE RPM2 (did you mean Engine_RPM"),
            mapping.unknownColumns().toString());
    }

    @Test
    void shouldLeaveRestrictedChannelsOutUnlessAsked()
    {
        final List<String> header = List.of("timestamp_us", "Engine_Map", "Speed");

        final ColumnMapping withoutRestricted = ColumnMapping.of(header, SIM, false);
        assertEquals(List.of("Engine_Map"), withoutRestricted.restrictedSkipped());
        assertEquals(1, withoutRestricted.channelCount());

        final ColumnMapping withRestricted = ColumnMapping.of(header, SIM, true);
        assertEquals(List.of(), withRestricted.restrictedSkipped());
        assertEquals(2, withRestricted.channelCount());
    }

    @Test
    void shouldRefuseTwoColumnsForOneChannel()
    {
        final ReplayInputException ex = assertThrows(ReplayInputException.class,
            () -> ColumnMapping.of(List.of("timestamp_us", "Speed", "SPEED"), SIM, false));
        assertTrue(ex.getMessage().contains("'Speed' and 'SPEED' both map to Speed"), ex.getMessage());
    }

    @Test
    void shouldRequireTimestampColumn()
    {
        final ReplayInputException ex = assertThrows(ReplayInputException.class,
            () -> ColumnMapping.of(List.of("time", "Speed"), SIM, false));
        assertTrue(ex.getMessage().contains("no timestamp_us column"), ex.getMessage());
    }
}
