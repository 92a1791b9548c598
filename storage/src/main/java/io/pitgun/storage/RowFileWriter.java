package io.pitgun.storage;

import java.io.IOException;
import java.util.Map;

/** One open export file: takes rows, then is closed with the file's provenance. */
interface RowFileWriter
{
    void write(FrameRow row) throws IOException;

    /** Bytes written so far plus what is buffered for the file (Parquet: its row group in memory). */
    long sizeBytes();

    /** Writes what is buffered and the footer ({@code provenance} for Parquet), and closes the file. */
    void close(Map<String, String> provenance) throws IOException;
}
