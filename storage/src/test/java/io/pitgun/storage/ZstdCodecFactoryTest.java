package io.pitgun.storage;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ZstdCodecFactoryTest
{
    private static final byte[] PAGE = "Speed,Throttle_Position,Brake_Pedal ".repeat(200).getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldReadBackWhatItCompressesAsBytesAndThroughBuffers() throws Exception
    {
        final ZstdCodecFactory factory = new ZstdCodecFactory();
        final byte[] compressed = factory.getCompressor(CompressionCodecName.ZSTD).compress(BytesInput.from(PAGE))
            .toByteArray();
        final CompressionCodecFactory.BytesInputDecompressor decompressor =
            factory.getDecompressor(CompressionCodecName.ZSTD);

        assertArrayEquals(PAGE, decompressor.decompress(BytesInput.from(compressed), PAGE.length).toByteArray());
        final ByteBuffer output = ByteBuffer.allocate(PAGE.length);
        decompressor.decompress(ByteBuffer.wrap(compressed), compressed.length, output, PAGE.length);
        assertArrayEquals(PAGE, output.array());
    }

    @Test
    void shouldRefuseACodecItIsNotConfiguredFor()
    {
        assertThrows(IllegalArgumentException.class,
            () -> new ZstdCodecFactory().getDecompressor(CompressionCodecName.SNAPPY));
    }
}
