package io.pitgun.storage;

import java.nio.file.Path;

/**
 * One file an export wrote.
 *
 * @param path            where it is (its final name: it was written under a temporary one and renamed when complete).
 * @param session         the session of its rows.
 * @param rows            rows in it.
 * @param sizeBytes       its size on disk.
 * @param firstJournalIndex journal index of its first row; for a derived file, of the first message the export
 *                          selected ({@code SelectionRange}).
 * @param lastJournalIndex  journal index of its last row; for a derived file, of the last message selected when the
 *                          file was completed.
 */
public record ExportedFile(Path path, String session, long rows, long sizeBytes, long firstJournalIndex,
    long lastJournalIndex)
{
}
