package io.pitgun.engine;

import org.agrona.BitUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * The layout of the counters file ({@code DATA_DIR/pitgun-counters.dat}), which a running gateway or pipeline
 * writes and any other process may map and read live ({@code pitgun stat}), the way Aeron's {@code CncFileDescriptor}
 * lays out its {@code cnc.dat}. The metadata and values sections are an Agrona {@code CountersManager}'s two buffers.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Magic 'PGCN' (int)                        |
 *  +---------------------------------------------------------------+
 *  |            Layout version (int, written last, release)        |
 *  +---------------------------------------------------------------+
 *  |                  Metadata section length (int)                |
 *  +---------------------------------------------------------------+
 *  |                   Values section length (int)                 |
 *  +---------------------------------------------------------------+
 *  |                     Writer's process id (long)                |
 *  +---------------------------------------------------------------+
 *  |                 Writer's start time, epoch ms (long)          |
 *  +---------------------------------------------------------------+
 *  |                 Reserved up to HEADER_LENGTH                 ...
 *  +---------------------------------------------------------------+
 *  |  Metadata: one CountersReader.METADATA_LENGTH record a counter ...
 *  +---------------------------------------------------------------+
 *  |  Values: one CountersReader.COUNTER_LENGTH record a counter    ...
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * A reader that finds version 0 is looking at a file still being created and should try again.
 */
public final class CountersFileDescriptor
{
    /** The file's name in a data directory. */
    public static final String FILE_NAME = "pitgun-counters.dat";
    /** 'PGCN' in ASCII, little-endian. */
    public static final int MAGIC = 0x4E434750;
    /** The layout version this code writes and reads. */
    public static final int LAYOUT_VERSION = 1;
    /** Offset of the magic number. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the layout version, written last. */
    public static final int VERSION_OFFSET = MAGIC_OFFSET + BitUtil.SIZE_OF_INT;
    /** Offset of the metadata section's length. */
    public static final int METADATA_LENGTH_OFFSET = VERSION_OFFSET + BitUtil.SIZE_OF_INT;
    /** Offset of the values section's length. */
    public static final int VALUES_LENGTH_OFFSET = METADATA_LENGTH_OFFSET + BitUtil.SIZE_OF_INT;
    /** Offset of the writer's process id. */
    public static final int PID_OFFSET = VALUES_LENGTH_OFFSET + BitUtil.SIZE_OF_INT;
    /** Offset of the writer's start time in epoch milliseconds. */
    public static final int START_TIME_MS_OFFSET = PID_OFFSET + BitUtil.SIZE_OF_LONG;
    /** The header's length: two cache lines, so the sections that follow stay aligned. */
    public static final int HEADER_LENGTH = 128;
    /** Counters the gateway's file has room for (the pipeline's, the gateway's and each refusal reason's). */
    public static final int DEFAULT_MAX_COUNTERS = 512;

    private CountersFileDescriptor()
    {
    }

    /** Length of the metadata section for {@code maxCounters}. */
    public static int metadataLength(final int maxCounters)
    {
        return maxCounters * CountersReader.METADATA_LENGTH;
    }

    /** Length of the values section for {@code maxCounters}. */
    public static int valuesLength(final int maxCounters)
    {
        return maxCounters * CountersReader.COUNTER_LENGTH;
    }

    /** Length of the whole file for {@code maxCounters}. */
    public static int fileLength(final int maxCounters)
    {
        return HEADER_LENGTH + metadataLength(maxCounters) + valuesLength(maxCounters);
    }

    /** True once the header is complete and of the layout this code reads. */
    public static boolean isReadable(final AtomicBuffer header)
    {
        return header.getIntVolatile(VERSION_OFFSET) == LAYOUT_VERSION && header.getInt(MAGIC_OFFSET) == MAGIC;
    }
}
