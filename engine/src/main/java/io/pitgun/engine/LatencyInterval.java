package io.pitgun.engine;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One interval of one {@link LatencyStage}, kept in HdrHistogram's compressed encoding (tens to hundreds of bytes
 * instead of the hundreds of kilobytes of a live histogram), so a bounded history of them stays small. It is an
 * {@link EncodableHistogram}: {@code HistogramLogWriter} writes it as a tagged {@code .hlog} line without decoding.
 *
 * <p>Immutable but for the setters {@link EncodableHistogram} requires, which only change the copy's stamps.
 */
public final class LatencyInterval extends EncodableHistogram
{
    private final LatencyStage stage;
    private final byte[] compressed;
    private final long totalCount;
    private final long maxValueNs;
    private long startMs;
    private long endMs;
    private String tag;

    LatencyInterval(final LatencyStage stage, final Histogram nanos, final long startMs, final long endMs)
    {
        this.stage = stage;
        final ByteBuffer buffer = ByteBuffer.allocate(nanos.getNeededByteBufferCapacity());
        final int length = nanos.encodeIntoCompressedByteBuffer(buffer);
        this.compressed = Arrays.copyOf(buffer.array(), length);
        this.totalCount = nanos.getTotalCount();
        this.maxValueNs = nanos.getMaxValue();
        this.startMs = startMs;
        this.endMs = endMs;
        this.tag = stage.logTag();
    }

    /** The stage this interval measures. */
    public LatencyStage stage()
    {
        return stage;
    }

    /** Latencies recorded in this interval. */
    public long totalCount()
    {
        return totalCount;
    }

    /** Bytes kept for this interval (its compressed encoding). */
    public int sizeBytes()
    {
        return compressed.length;
    }

    @Override
    public int getNeededByteBufferCapacity()
    {
        return compressed.length;
    }

    @Override
    public int encodeIntoCompressedByteBuffer(final ByteBuffer targetBuffer, final int compressionLevel)
    {
        targetBuffer.put(compressed);
        return compressed.length;
    }

    @Override
    public long getStartTimeStamp()
    {
        return startMs;
    }

    @Override
    public void setStartTimeStamp(final long timeStampMsec)
    {
        this.startMs = timeStampMsec;
    }

    @Override
    public long getEndTimeStamp()
    {
        return endMs;
    }

    @Override
    public void setEndTimeStamp(final long timeStampMsec)
    {
        this.endMs = timeStampMsec;
    }

    @Override
    public String getTag()
    {
        return tag;
    }

    @Override
    public void setTag(final String tag)
    {
        this.tag = tag;
    }

    @Override
    public double getMaxValueAsDouble()
    {
        return maxValueNs;
    }
}
