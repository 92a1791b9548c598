package io.pitgun.storage;

import java.util.List;

/**
 * What an export did.
 *
 * @param files          the journal-frame files written.
 * @param derivedFiles   the derived-frame files written (none without a manifest).
 * @param messagesRead   journal messages read in the index range.
 * @param frameRows      journal frames written (one row each).
 * @param samplesOutOfType journal samples left out (empty in their row): an integer value their channel's type
 *                       cannot hold.
 * @param derivedRows    derived frames written.
 * @param derivedOutOfType derived samples left out (null in their row): an integer value their declared
 *                       {@code data_type} cannot hold.
 * @param derivedDropped frames the manifest's pipeline dropped, deriving nothing: more (session, source) streams
 *                       at once than its {@code max_sources}.
 * @param skipped        messages skipped because they are not well-formed (named by the first).
 * @param firstProblem   what is wrong with the first skipped one, or null.
 * @param restrictedLeftOut restricted and internal channels left out (dictionary and derived) (0 with {@code --include-restricted}).
 * @param elapsedNs      how long the export took.
 */
public record ExportSummary(List<ExportedFile> files, List<ExportedFile> derivedFiles, long messagesRead,
    long frameRows, long samplesOutOfType, long derivedRows, long derivedOutOfType, long derivedDropped, long skipped,
    String firstProblem, int restrictedLeftOut, long elapsedNs)
{
    /** Bytes of every file written. */
    public long totalBytes()
    {
        long bytes = 0;
        for (final ExportedFile file : files)
        {
            bytes += file.sizeBytes();
        }
        for (final ExportedFile file : derivedFiles)
        {
            bytes += file.sizeBytes();
        }
        return bytes;
    }
}
