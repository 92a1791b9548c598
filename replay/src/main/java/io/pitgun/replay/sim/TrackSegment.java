package io.pitgun.replay.sim;

/**
 * One piece of a circuit's centre line: a straight, or a constant-radius corner turning through an angle.
 *
 * @param lengthM    length along the centre line, metres.
 * @param curvature  1/radius in 1/m; positive turns right (clockwise seen from above), 0 for a straight.
 */
record TrackSegment(double lengthM, double curvature)
{
    static TrackSegment straight(final double lengthM)
    {
        return new TrackSegment(lengthM, 0.0);
    }

    static TrackSegment right(final double radiusM, final double angleDeg)
    {
        return new TrackSegment(radiusM * StrictMath.toRadians(angleDeg), 1.0 / radiusM);
    }

    static TrackSegment left(final double radiusM, final double angleDeg)
    {
        return new TrackSegment(radiusM * StrictMath.toRadians(angleDeg), -1.0 / radiusM);
    }

    boolean isStraight()
    {
        return curvature == 0.0;
    }

    double headingChange()
    {
        return lengthM * curvature;
    }
}
