package io.pitgun.replay;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvTelemetryReaderTest
{
    private static CsvTelemetryReader reader(final String csv) throws IOException
    {
        return CsvTelemetryReader.open("test.csv", new BufferedReader(new StringReader(csv)),
            ParameterRegistry.simV1(), false);
    }

    private static String failure(final String csv)
    {
        return assertThrows(ReplayInputException.class, () ->
        {
            try (CsvTelemetryReader reader = reader(csv))
            {
                while (reader.next() != null)
                {
                    // read to the problem
                }
            }
        }).getMessage();
    }

    @Test
    void shouldReadRowsAsTypedJsonValues() throws IOException
    {
        try (CsvTelemetryReader reader = reader(
            "timestamp_us,lap_number,sector,Engine_RPM,DRS_Open,Speed,Gear\r\n" +
            "1000,1,2,11840,1,291.4,+7\r\n" +
            "\r\n" +
            "2000,1,2,\"11905\",false,.5,\r\n"))
        {
            final TelemetryRow first = reader.next();
            assertEquals(2, first.lineNumber());
            assertEquals(1000, first.timestampUs());
            assertEquals(1, first.lapNumber());
            assertEquals(2, first.sector());
            assertArrayEquals(new String[] { "11840", "true", "291.4", "7" }, first.jsonValues());

            final TelemetryRow second = reader.next();
            assertEquals(4, second.lineNumber());
            // The empty Gear cell is no sample; ".5" becomes a JSON number.
            assertArrayEquals(new String[] { "11905", "false", "0.5" }, second.jsonValues());
            assertEquals(3, second.channels().length);
            assertNull(reader.next());
        }
    }

    @Test
    void shouldConvertAColumnMarkedWithTheDictionarysRawUnit() throws IOException
    {
        // sim.v1: Tyre_Surface_Temp_FL is in degC, converted from K (offset -273.15).
        try (CsvTelemetryReader reader = reader(
            "timestamp_us,Tyre_Surface_Temp_FL[K],Tyre_Surface_Temp_FR[degC],Tyre_Surface_Temp_RL\n" +
            "1000,368.15,95.5,96.5\n"))
        {
            final TelemetryRow row = reader.next();
            assertEquals(95.0, Double.parseDouble(row.jsonValues()[0]), 1e-9, "368.15 K is 95 °C");
            assertEquals("95.5", row.jsonValues()[1]);
            assertEquals("96.5", row.jsonValues()[2]);
        }
    }

    @Test
    void shouldRefuseARawUnitTheDictionaryDoesNotConvertFrom()
    {
        assertTrue(failure("timestamp_us,Tyre_Surface_Temp_FL[degF]\n1000,200\n")
            .contains("Tyre_Surface_Temp_FL is in degC; the dictionary converts only from K"));
        assertTrue(failure("timestamp_us,Speed[mph]\n1000,200\n")
            .contains("Speed is in km/h and the dictionary gives no conversion"));
    }

    @Test
    void shouldNameLineAndColumnOfBadValues()
    {
        assertEquals("test.csv:3: column Engine_RPM: '12.5' is not a whole number (Engine_RPM is u16)",
            failure("timestamp_us,Engine_RPM\n1,12000\n2,12.5\n"));
        assertEquals("test.csv:2: column DRS_Open: 'yes' is not a boolean (true, false, 1 or 0)",
            failure("timestamp_us,DRS_Open\n1,yes\n"));
        assertEquals("test.csv:2: column Speed: 'fast' is not a number",
            failure("timestamp_us,Speed\n1,fast\n"));
        assertEquals("test.csv:2: column Speed: 'NaN' is not a finite decimal number",
            failure("timestamp_us,Speed\n1,NaN\n"));
        assertEquals("test.csv:3: has 3 values but the header has 2 columns",
            failure("timestamp_us,Speed\n1,2\n2,3,4\n"));
        assertEquals("test.csv:3: timestamp_us goes backwards (5 after 9): rows must be in time order",
            failure("timestamp_us,Speed\n9,1\n5,1\n"));
        assertEquals("test.csv:2: column timestamp_us: 9007199254740992 is outside [0, 9007199254740991]",
            failure("timestamp_us,Speed\n9007199254740992,1\n"));
        assertEquals("test.csv:2: column lap_number: 'x' is not a whole number",
            failure("timestamp_us,lap_number,Speed\n1,x,1\n"));
        assertEquals("test.csv:2: unterminated quoted value",
            failure("timestamp_us,Speed\n1,\"2\n"));
        assertTrue(failure("").contains("empty file"));
    }
}
