package io.pitgun.storage;

/** The key-value metadata every exported Parquet file carries in its footer. */
public final class ProvenanceKeys
{
    /** The Pitgun version that wrote the file. */
    public static final String VERSION = "pitgun.version";
    /** The git commit Pitgun was built from ({@code unknown} when the build did not say). */
    public static final String BUILD_COMMIT = "pitgun.build_commit";
    /** The session (run) id of every row of the file. */
    public static final String SESSION = "pitgun.session";
    /** {@code frames} (journal frames) or {@code derived} (the manifest's derived frames). */
    public static final String TABLE = "pitgun.table";
    /** The dictionary's name, e.g. {@code sim.v1}. */
    public static final String DICTIONARY_NAME = "pitgun.dictionary_name";
    /** SHA-256 of the dictionary document as compact JSON (the digest insights carry). */
    public static final String DICTIONARY_SHA256 = "pitgun.dictionary_sha256";
    /** The manifest's name, only when the export ran one. */
    public static final String MANIFEST_NAME = "pitgun.manifest_name";
    /** SHA-256 of the manifest the export ran, only when it ran one. */
    public static final String MANIFEST_SHA256 = "pitgun.manifest_sha256";
    /**
     * First journal index of the file's rows. For a derived file (whose frames do not name their journal index):
     * the first index of the export's selection (the live sink's: the journal's first message, where its manifest
     * ran from; at a restart the sink counts the derived files' rows as already written only if it still is).
     */
    public static final String JOURNAL_FIRST_INDEX = "pitgun.journal_first_index";
    /**
     * Last journal index of the file's rows. For a derived file: of the last message of the selection read when the
     * file was completed (at the end of an export, the selection's last).
     */
    public static final String JOURNAL_LAST_INDEX = "pitgun.journal_last_index";
    /** When the export started, ISO-8601 UTC. */
    public static final String EXPORTED_AT = "pitgun.exported_at";
    /** True if restricted channels were exported ({@code --include-restricted}). */
    public static final String INCLUDES_RESTRICTED = "pitgun.includes_restricted";

    private ProvenanceKeys()
    {
    }
}
