package io.pitgun.storage;

/** The file format of an export. */
public enum ExportFormat
{
    /** Apache Parquet, typed columns, provenance in the footer. */
    PARQUET(".parquet"),
    /** Comma-separated text with a header line; the same columns, no footer. */
    CSV(".csv");

    private final String extension;

    ExportFormat(final String extension)
    {
        this.extension = extension;
    }

    /** The file name extension, dot included. */
    public String extension()
    {
        return extension;
    }
}
