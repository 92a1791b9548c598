package io.pitgun.f1;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A packet written field after field in the order of EA's F1 25 specification, little-endian, with no offsets
 * from {@link F1PacketDescriptor}: what the decoder reads must be where the specification's structs put it.
 */
final class SpecPacket
{
    final ByteBuffer bytes = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);

    static SpecPacket header(final int format, final int packetId, final long sessionUid, final float sessionTime,
        final int frameIdentifier, final int overallFrameIdentifier, final int playerCarIndex)
    {
        final SpecPacket p = new SpecPacket();
        p.u16(format).u8(format % 100).u8(1).u8(2).u8(1).u8(packetId).u64(sessionUid).f32(sessionTime)
            .u32(frameIdentifier).u32(overallFrameIdentifier).u8(playerCarIndex).u8(255);
        return p;
    }

    /**
     * Sets the header's {@code playerCarIndex} to 255, as while spectating: byte 27, after packetFormat (2),
     * gameYear, gameMajorVersion, gameMinorVersion, packetVersion, packetId (1 each), sessionUID (8), sessionTime,
     * frameIdentifier and overallFrameIdentifier (4 each).
     */
    SpecPacket spectating()
    {
        bytes.put(27, (byte)255);
        return this;
    }

    SpecPacket u8(final int v)
    {
        bytes.put((byte)v);
        return this;
    }

    SpecPacket u16(final int v)
    {
        bytes.putShort((short)v);
        return this;
    }

    SpecPacket u32(final long v)
    {
        bytes.putInt((int)v);
        return this;
    }

    SpecPacket u64(final long v)
    {
        bytes.putLong(v);
        return this;
    }

    SpecPacket f32(final float v)
    {
        bytes.putFloat(v);
        return this;
    }

    SpecPacket zeros(final int n)
    {
        for (int i = 0; i < n; i++)
        {
            bytes.put((byte)0);
        }
        return this;
    }

    int length()
    {
        return bytes.position();
    }

    UnsafeBuffer buffer()
    {
        return new UnsafeBuffer(bytes.array());
    }

    /** One CarTelemetryData (60 bytes). */
    SpecPacket telemetryCar(final int speed, final float throttle, final float steer, final float brake,
        final int clutch, final int gear, final int rpm, final int drs, final int brakeTempBase, final int tyreBase,
        final float pressureBase)
    {
        u16(speed).f32(throttle).f32(steer).f32(brake).u8(clutch).u8(gear).u16(rpm).u8(drs).u8(40).u16(0x7FFF);
        for (int w = 0; w < 4; w++)
        {
            u16(brakeTempBase + w);
        }
        for (int w = 0; w < 4; w++)
        {
            u8(tyreBase + w);
        }
        for (int w = 0; w < 4; w++)
        {
            u8(tyreBase + 10 + w);
        }
        u16(105);
        for (int w = 0; w < 4; w++)
        {
            f32(pressureBase + w);
        }
        return zeros(4); // surface type
    }

    /** One LapData (57 bytes). */
    SpecPacket lapCar(final long lastLapMs, final long currentLapMs, final long sector1Ms, final float lapDistance,
        final int position, final int lap, final int sector, final int resultStatus)
    {
        u32(lastLapMs).u32(currentLapMs);
        u16((int)(sector1Ms % 60_000)).u8((int)(sector1Ms / 60_000));
        u16(0).u8(0); // sector 2
        u16(1_234).u8(0); // delta to car in front
        u16(5_678).u8(1); // delta to leader: 1 min 5.678 s
        f32(lapDistance).f32(lapDistance + 10_000f).f32(0f);
        u8(position).u8(lap).u8(0).u8(1).u8(sector).u8(0).u8(3).u8(0).u8(0).u8(0).u8(0).u8(position).u8(1)
            .u8(resultStatus);
        u8(0).u16(0).u16(0).u8(0).f32(301.5f).u8(255);
        return this;
    }

    /** One CarMotionData (60 bytes). */
    SpecPacket motionCar(final float x, final float gLat, final float yaw)
    {
        f32(x).f32(1f).f32(2f).f32(70f).f32(0f).f32(-1f);
        for (int i = 0; i < 6; i++)
        {
            u16(i == 0 ? 32767 : 0);
        }
        return f32(gLat).f32(-1.5f).f32(1.1f).f32(yaw).f32(0.01f).f32(-0.02f);
    }

    /** One CarStatusData (55 bytes). */
    SpecPacket statusCar(final float fuel, final float ersStore, final int compound)
    {
        u8(1).u8(0).u8(1).u8(56).u8(0);
        f32(fuel).f32(110f).f32(3.5f);
        u16(13_000).u16(4_000).u8(8).u8(1).u16(0);
        u8(compound).u8(16).u8(4).u8(-1);
        f32(560_000f).f32(-120_000f).f32(ersStore).u8(2).f32(100_000f).f32(0f).f32(250_000f).u8(0);
        return this;
    }
}
