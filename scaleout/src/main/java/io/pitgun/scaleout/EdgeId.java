package io.pitgun.scaleout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * An edge's stable identity: a random UUID generated once and kept in {@value #FILE_NAME} in the edge's data
 * directory, so that the same journal is always shipped under the same id (the hive keeps one journal per id).
 */
public final class EdgeId
{
    /** The file in the data directory that holds the id (one line, the UUID's text). */
    public static final String FILE_NAME = "edge-id";

    private EdgeId()
    {
    }

    /**
     * Reads the id kept in {@code dataDirectory}, creating it (written to a temporary file and moved into place,
     * so a crash never leaves half an id) when there is none.
     *
     * @throws UncheckedIOException  if the file cannot be read or written.
     * @throws IllegalStateException if the file does not hold a UUID.
     */
    public static UUID loadOrCreate(final Path dataDirectory)
    {
        final Path file = dataDirectory.resolve(FILE_NAME);
        try
        {
            if (!Files.exists(file))
            {
                Files.createDirectories(dataDirectory);
                final Path temporary = Files.createTempFile(dataDirectory, FILE_NAME, ".tmp");
                Files.writeString(temporary, UUID.randomUUID() + "\n", StandardCharsets.US_ASCII);
                try
                {
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
                }
                catch (final AtomicMoveNotSupportedException | FileAlreadyExistsException ex)
                {
                    Files.deleteIfExists(temporary); // another process won the race, or no atomic move: read theirs
                    if (!Files.exists(file))
                    {
                        throw ex;
                    }
                }
            }
            final String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            try
            {
                return UUID.fromString(text);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalStateException(file + ": does not hold an edge id (a UUID): '" + text + "'", ex);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot read or create the edge id: " + ex.getMessage(), ex);
        }
    }
}
