package io.pitgun.systemtests;

import io.aeron.CncFileDescriptor;
import io.aeron.driver.status.SystemCounterDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.status.CountersReader;

import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a system counter of an Aeron media driver from its {@code cnc.dat}, as Aeron's {@code AeronStat} does: live,
 * or after the driver was killed (the file stays until the next driver in that directory wipes it), so a test can
 * tell what the transport did (NAKs, retransmits) across the lives of a driver.
 */
final class DriverCounters
{
    private DriverCounters()
    {
    }

    /**
     * The value of {@code counter} in the driver whose directory is {@code aeronDirectory}, or 0 when there is no
     * {@code cnc.dat} there (the driver never started).
     */
    static long value(final Path aeronDirectory, final SystemCounterDescriptor counter)
    {
        final Path cnc = aeronDirectory.resolve(CncFileDescriptor.CNC_FILE);
        if (!Files.exists(cnc))
        {
            return 0;
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(cnc.toFile(), CncFileDescriptor.CNC_FILE);
        try
        {
            final DirectBuffer metaData = CncFileDescriptor.createMetaDataBuffer(mapped);
            final CountersReader counters = new CountersReader(
                CncFileDescriptor.createCountersMetaDataBuffer(mapped, metaData),
                CncFileDescriptor.createCountersValuesBuffer(mapped, metaData));
            final long[] value = {0};
            // System counters have type 0 and the descriptor's label (SystemCounterDescriptor.newCounter).
            counters.forEach((counterId, typeId, keyBuffer, label) ->
            {
                if (typeId == SystemCounterDescriptor.SYSTEM_COUNTER_TYPE_ID && label.equals(counter.label()))
                {
                    value[0] = counters.getCounterValue(counterId);
                }
            });
            return value[0];
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }
}
