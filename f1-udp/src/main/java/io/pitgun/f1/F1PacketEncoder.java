package io.pitgun.f1;

import org.agrona.MutableDirectBuffer;

import static io.pitgun.f1.F1PacketDescriptor.*;

/**
 * Writes F1 25 packets at {@link F1PacketDescriptor}'s offsets: the header here, the per-car fields by the caller
 * at {@link F1PacketDescriptor#carOffset}. The simulator's side of the layout ({@code pitgun f1-udp-sim}); the
 * decoder's tests build their packets independently, byte by byte.
 */
public final class F1PacketEncoder
{
    private F1PacketEncoder()
    {
    }

    /**
     * Zeroes the packet's bytes and writes its header.
     *
     * @return the packet's length.
     */
    public static int header(final MutableDirectBuffer buffer, final int packetId, final long sessionUid,
        final float sessionTime, final long frameIdentifier, final int playerCarIndex)
    {
        final int length = lengthOf(packetId);
        buffer.setMemory(0, length, (byte)0);
        buffer.putShort(PACKET_FORMAT, (short)FORMAT_2025, ORDER);
        buffer.putByte(GAME_YEAR, (byte)25);
        buffer.putByte(GAME_MAJOR_VERSION, (byte)1);
        buffer.putByte(GAME_MINOR_VERSION, (byte)0);
        buffer.putByte(PACKET_VERSION, (byte)1);
        buffer.putByte(PACKET_ID, (byte)packetId);
        buffer.putLong(SESSION_UID, sessionUid, ORDER);
        buffer.putFloat(SESSION_TIME, sessionTime, ORDER);
        buffer.putInt(FRAME_IDENTIFIER, (int)frameIdentifier, ORDER);
        buffer.putInt(OVERALL_FRAME_IDENTIFIER, (int)frameIdentifier, ORDER);
        buffer.putByte(PLAYER_CAR_INDEX, (byte)playerCarIndex);
        buffer.putByte(SECONDARY_PLAYER_CAR_INDEX, (byte)255);
        return length;
    }

    /** Writes a time in ms as the lap data's minutes part (u8) and milliseconds part (u16). */
    public static void minutesAndMs(final MutableDirectBuffer buffer, final int minutesAt, final int msAt,
        final long timeMs)
    {
        buffer.putByte(minutesAt, (byte)(timeMs / 60_000));
        buffer.putShort(msAt, (short)(timeMs % 60_000), ORDER);
    }
}
