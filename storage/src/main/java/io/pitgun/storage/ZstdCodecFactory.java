package io.pitgun.storage;

import com.github.luben.zstd.Zstd;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Parquet's ZSTD page compression through zstd-jni directly. parquet-java's own codec factory reaches ZSTD through
 * Hadoop's {@code CompressionCodec} and a Hadoop {@code Configuration}, which drags in most of Hadoop's runtime (its
 * XML parser first); with this one the writer runs without any Hadoop jar. A Parquet ZSTD page is one standard zstd
 * frame, which is what {@link Zstd#compress(byte[], int)} makes, and {@link Zstd#decompress(byte[], int)} reads back
 * (the export and the live sink only write; the decompressor serves any reader given this factory).
 */
final class ZstdCodecFactory implements CompressionCodecFactory
{
    /** zstd's own default level: a good ratio at several hundred MB/s per core. */
    static final int LEVEL = 3;

    private final BytesInputCompressor compressor = new BytesInputCompressor()
    {
        @Override
        public BytesInput compress(final BytesInput bytes) throws IOException
        {
            return BytesInput.from(Zstd.compress(bytes.toByteArray(), LEVEL));
        }

        @Override
        public CompressionCodecName getCodecName()
        {
            return CompressionCodecName.ZSTD;
        }

        @Override
        public void release()
        {
        }
    };

    @Override
    public BytesInputCompressor getCompressor(final CompressionCodecName codecName)
    {
        if (codecName != CompressionCodecName.ZSTD)
        {
            throw new IllegalArgumentException("only ZSTD is configured, not " + codecName);
        }
        return compressor;
    }

    private final BytesInputDecompressor decompressor = new BytesInputDecompressor()
    {
        @Override
        public BytesInput decompress(final BytesInput bytes, final int decompressedSize) throws IOException
        {
            return BytesInput.from(Zstd.decompress(bytes.toByteArray(), decompressedSize));
        }

        @Override
        public void decompress(final ByteBuffer input, final int compressedSize, final ByteBuffer output,
            final int decompressedSize) throws IOException
        {
            final byte[] compressed = new byte[compressedSize];
            input.get(compressed);
            output.put(Zstd.decompress(compressed, decompressedSize));
        }

        @Override
        public void release()
        {
        }
    };

    @Override
    public BytesInputDecompressor getDecompressor(final CompressionCodecName codecName)
    {
        if (codecName != CompressionCodecName.ZSTD)
        {
            throw new IllegalArgumentException("only ZSTD is configured, not " + codecName);
        }
        return decompressor;
    }

    @Override
    public void release()
    {
    }
}
