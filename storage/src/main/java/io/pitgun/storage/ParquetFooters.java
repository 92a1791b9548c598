package io.pitgun.storage;

import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.Util;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a Parquet file's footer key-values with parquet-java's own Thrift reader ({@link Util#readFileMetaData}):
 * the file ends with the footer, its 4-byte little-endian length and {@code PAR1}. Used instead of
 * {@code ParquetFileReader}, whose default options reach Hadoop's run-time classes (not on the class path).
 */
final class ParquetFooters
{
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    private ParquetFooters()
    {
    }

    /** A complete file's footer: its key-value metadata and its row count. */
    record Footer(Map<String, String> keyValues, long rows)
    {
    }

    /** The footer's key-value metadata. @throws IOException if the file is not a complete Parquet file. */
    static Map<String, String> keyValues(final Path file) throws IOException
    {
        return read(file).keyValues();
    }

    /** The footer. @throws IOException if the file is not a complete Parquet file. */
    static Footer read(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            if (size < 12)
            {
                throw new IOException(file + " is too short for a Parquet file (" + size + " bytes)");
            }
            final ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, tail, size - 8);
            for (int i = 0; i < 4; i++)
            {
                if (tail.get(4 + i) != MAGIC[i])
                {
                    throw new IOException(file + " does not end with PAR1: not a complete Parquet file");
                }
            }
            final int length = tail.getInt(0);
            if (length <= 0 || length > size - 12)
            {
                throw new IOException(file + " names a footer of " + length + " bytes in a file of " + size);
            }
            final ByteBuffer footer = ByteBuffer.allocate(length);
            readFully(channel, footer, size - 8 - length);
            final FileMetaData metaData = Util.readFileMetaData(new ByteArrayInputStream(footer.array()));
            final Map<String, String> values = new HashMap<>();
            if (metaData.getKey_value_metadata() != null)
            {
                for (final KeyValue kv : metaData.getKey_value_metadata())
                {
                    values.put(kv.getKey(), kv.getValue());
                }
            }
            return new Footer(values, metaData.getNum_rows());
        }
    }

    private static void readFully(final FileChannel channel, final ByteBuffer buffer, final long position)
        throws IOException
    {
        long at = position;
        while (buffer.hasRemaining())
        {
            final int read = channel.read(buffer, at);
            if (read < 0)
            {
                throw new IOException("unexpected end of file");
            }
            at += read;
        }
    }
}
