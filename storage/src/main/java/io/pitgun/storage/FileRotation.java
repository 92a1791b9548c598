package io.pitgun.storage;

/**
 * When an export file is closed and the next one begun. Besides these limits, a file never spans two UTC hours: a
 * frame of a new hour starts a new file (seed 002's time rotation, one hour).
 *
 * @param maxFileBytes close a file once it holds at least this many bytes (Parquet: written plus buffered); &gt; 0.
 * @param maxFileRows  close a file once it holds this many rows; 0 for no row limit.
 */
public record FileRotation(long maxFileBytes, long maxFileRows)
{
    /** 256 MiB, seed 002's default file size. */
    public static final long DEFAULT_MAX_FILE_BYTES = 256L << 20;
    /** No row limit by default: size and hour decide. */
    public static final long DEFAULT_MAX_FILE_ROWS = 0;

    /** Checks the limits. */
    public FileRotation
    {
        if (maxFileBytes <= 0)
        {
            throw new IllegalArgumentException("max file bytes must be positive, got " + maxFileBytes);
        }
        if (maxFileRows < 0)
        {
            throw new IllegalArgumentException("max file rows must be 0 (no limit) or positive, got " + maxFileRows);
        }
    }

    /** The defaults: 256 MiB, no row limit, one hour. */
    public static FileRotation defaults()
    {
        return new FileRotation(DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILE_ROWS);
    }
}
