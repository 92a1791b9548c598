package io.pitgun.engine;

import org.agrona.UnsafeApi;

import java.nio.ByteOrder;

/**
 * Little-endian reads and writes at {@code (array, address)} — a buffer's {@code byteArray()} and
 * {@code addressOffset() + index} — without Agrona's per-access bounds check, for the manifest stage's per-sample
 * loops.
 *
 * <p>Why: Agrona checks every access while {@code agrona.disable.bounds.checks} is unset, and Pitgun keeps it
 * unset, because the gateway's buffers see untrusted input. In the manifest stage those checks (some eighty per
 * six-sample frame) cost as much as the rest of the stage: turning them off JVM-wide doubled the processing stage's
 * frames/s in {@code PipelineThroughputBenchmark}. So the stage checks the whole extent it touches once per frame
 * ({@code DirectBuffer.boundsCheck}) and then uses these; use them only where the extent was checked first.
 */
final class UncheckedAccess
{
    private static final boolean SWAP = ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN;

    private UncheckedAccess()
    {
    }

    static long getLong(final byte[] array, final long address)
    {
        final long v = UnsafeApi.getLong(array, address);
        return SWAP ? Long.reverseBytes(v) : v;
    }

    static int getInt(final byte[] array, final long address)
    {
        final int v = UnsafeApi.getInt(array, address);
        return SWAP ? Integer.reverseBytes(v) : v;
    }

    static int getUnsignedShort(final byte[] array, final long address)
    {
        final short v = UnsafeApi.getShort(array, address);
        return (SWAP ? Short.reverseBytes(v) : v) & 0xFFFF;
    }

    static byte getByte(final byte[] array, final long address)
    {
        return UnsafeApi.getByte(array, address);
    }

    static void putLong(final byte[] array, final long address, final long value)
    {
        UnsafeApi.putLong(array, address, SWAP ? Long.reverseBytes(value) : value);
    }

    static void putInt(final byte[] array, final long address, final int value)
    {
        UnsafeApi.putInt(array, address, SWAP ? Integer.reverseBytes(value) : value);
    }

    static void putShort(final byte[] array, final long address, final short value)
    {
        UnsafeApi.putShort(array, address, SWAP ? Short.reverseBytes(value) : value);
    }

    static void putByte(final byte[] array, final long address, final byte value)
    {
        UnsafeApi.putByte(array, address, value);
    }
}
