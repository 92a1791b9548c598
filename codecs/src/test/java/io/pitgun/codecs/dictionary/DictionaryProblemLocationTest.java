package io.pitgun.codecs.dictionary;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A dictionary file's problems say where they are (line:column), the semantic ones too, every one at once. */
class DictionaryProblemLocationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldLocateDuplicateIdsNamesAndEmptyRangesInTheFile() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("mine.yaml"), String.join("\n",
            "schema_version: metrics-dictionary/v1",
            "name: mine",
            "parameters:",
            "  - id: 1",
            "    name: Speed",
            "    unit: km/h",
            "    data_type: f32",
            "    range: { min: 0, max: 400 }",
            "    dimension: velocity",
            "    access: public",
            "  - id: 1",
            "    name: speed",
            "    unit: rpm",
            "    data_type: u16",
            "    range: { min: 9000, max: 100 }",
            "    dimension: angular_velocity",
            "    access: public",
            ""));

        final DictionaryException ex = assertThrows(DictionaryException.class, () -> ParameterRegistry.load(file));

        assertEquals(List.of(
            "11:9: parameters[1] 'speed': duplicate id 1 (already used by 'Speed')",
            "12:11: parameters[1] 'speed': duplicate name (already defined as 'Speed'; names are compared " +
                "case-insensitively so producers cannot drift between spellings)",
            "15:12: parameters[1] 'speed': empty range, min 9000 > max 100"), ex.problems());
    }
}
