package io.pitgun.storage;

import java.nio.file.Path;

/**
 * One file an export wrote.
 *
 * @param path            where it is (its final name: it was written under a temporary one and renamed when complete).
 * @param session         the session of its rows.
 * @param rows            rows in it.
 * @param sizeBytes       its size on disk.
 * @param firstJournalIndex journal index of its first row (-1 for a derived file).
 * @param lastJournalIndex  journal index of its last row (-1 for a derived file).
 */
public record ExportedFile(Path path, String session, long rows, long sizeBytes, long firstJournalIndex,
    long lastJournalIndex)
{
}
