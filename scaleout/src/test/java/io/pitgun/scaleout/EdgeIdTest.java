package io.pitgun.scaleout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EdgeIdTest
{
    @TempDir
    Path dir;

    @Test
    void shouldCreateTheIdOnceAndReadTheSameOneAfterwards() throws Exception
    {
        final UUID first = EdgeId.loadOrCreate(dir.resolve("data"));
        assertEquals(first, EdgeId.loadOrCreate(dir.resolve("data")));
        assertEquals(first.toString(), Files.readString(dir.resolve("data").resolve(EdgeId.FILE_NAME)).trim());
        try (var files = Files.list(dir.resolve("data")))
        {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void shouldRefuseAFileThatHoldsNoId() throws Exception
    {
        Files.writeString(dir.resolve(EdgeId.FILE_NAME), "not-a-uuid\n");
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> EdgeId.loadOrCreate(dir));
        assertTrue(ex.getMessage().contains("not-a-uuid"), ex.getMessage());
    }
}
