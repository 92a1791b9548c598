package io.pitgun.journal;

/**
 * Layout of one journal entry: a Chronicle Queue document whose content is the ingest time followed by the SBE
 * message exactly as accepted.
 * <pre>
 *   cycle file (.cq4), documents 4-byte aligned
 *   0                 4                    12                                      12 + messageLength
 *   +-----------------+--------------------+---------------------------------------+
 *   | Chronicle       | ingestTimeNs       | SBE message                           |
 *   | header (int32): | int64, little      | messageHeader (8 bytes: blockLength,  |
 *   | content length, | endian             | templateId, schemaId 7301, version)   |
 *   | bit 31 = not    |                    | + root block + groups + var data      |
 *   | complete yet,   |                    | (TelemetryFrame, SessionStart,        |
 *   | bit 30 = meta   |                    | SessionEnd or ManifestLoaded)         |
 *   +-----------------+--------------------+---------------------------------------+
 *                     |&lt;--------------- entry = document content -------------------&gt;|
 * </pre>
 * Chronicle writes the header with "not complete" set, then the content, then publishes the final length with an
 * ordered store; readers see an entry only once it is complete. A process killed between the two leaves a header
 * that readers stop at (nothing before it is lost) and that the next writer recovers.
 * <p>
 * The ingest time is metadata for latency measurement and never reaches derived output; the SBE message is the
 * public binary contract, so any language sbe-tool supports can read the journal.
 */
public final class JournalEntryDescriptor
{
    /** Offset of the ingest time (int64, nanoseconds from the ingesting process's clock) in an entry. */
    public static final int INGEST_TIME_OFFSET = 0;

    /** Offset of the SBE message (its message header) in an entry. */
    public static final int MESSAGE_OFFSET = INGEST_TIME_OFFSET + Long.BYTES;

    /**
     * Largest SBE message accepted, in bytes. Far above any frame we write (a 16-sample frame is ~270 bytes, the
     * SBE group limit of 65,535 samples is ~1 MiB) and well inside what one Chronicle document may hold with the
     * default 64 MiB block size.
     */
    public static final int MAX_MESSAGE_LENGTH = 4 * 1024 * 1024;

    private JournalEntryDescriptor()
    {
    }
}
