package io.pitgun.replay.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Physical consistency of the simulated channels, checked sample by sample over a whole lap. */
class CarSimulatorTest
{
    @Test
    void shouldKeepChannelsConsistentWithTheMotion()
    {
        final Circuit circuit = Circuit.monzaLike();
        final CarSimulator car = new CarSimulator(circuit, 1, 0);
        double previousSpeed = car.value(SimChannel.SPEED);
        double previousFuel = car.value(SimChannel.FUEL_MASS);
        double maxBrakeTemp = 0;
        int brakingSamples = 0;
        int lap = car.lapNumber();
        double sectors12 = 0;
        int lapsChecked = 0;
        while (car.completedLaps() < 2)
        {
            car.step();
            final double speedKmh = car.value(SimChannel.SPEED);
            final double speed = speedKmh / 3.6;
            // Longitudinal g is the change of speed (before rounding and a little sensor noise).
            final double gLong = (speedKmh - previousSpeed) / 3.6 / 0.01 / 9.80665;
            assertEquals(gLong, car.value(SimChannel.G_LONGITUDINAL), 0.12, "g long at " + car.timestampUs());
            // Lateral g is v² κ.
            final double curvature = circuit.curvature(car.value(SimChannel.LAP_DISTANCE));
            assertEquals(speed * speed * curvature / 9.80665, car.value(SimChannel.G_LATERAL), 0.12);
            // Engine speed follows road speed through the selected gear.
            final int gear = (int)car.value(SimChannel.GEAR);
            assertTrue(gear >= 1 && gear <= 8);
            assertEquals(Math.max(CarSpec.IDLE_RPM, CarSpec.engineRpm(speed, gear)), car.value(SimChannel.ENGINE_RPM), 1.0);
            // Never on both pedals; fuel only goes down.
            assertTrue(car.value(SimChannel.THROTTLE_POSITION) == 0 || car.value(SimChannel.BRAKE_PEDAL) == 0);
            assertTrue(car.value(SimChannel.FUEL_MASS) <= previousFuel);
            if (car.value(SimChannel.BRAKE_PEDAL) > 50)
            {
                brakingSamples++;
                assertTrue(car.value(SimChannel.G_LONGITUDINAL) < -1.0, "hard braking decelerates");
            }
            if (car.lapNumber() != lap)
            {
                // On the line: the last lap is the sum of its three sectors, and the new lap starts with none.
                if (lap >= 1)
                {
                    assertEquals(car.value(SimChannel.LAST_LAP_TIME), sectors12 + car.value(SimChannel.SECTOR3_TIME), 1e-9);
                    lapsChecked++;
                }
                assertEquals(0.0, car.value(SimChannel.SECTOR1_TIME));
                assertEquals(0.0, car.value(SimChannel.SECTOR2_TIME));
                lap = car.lapNumber();
            }
            sectors12 = car.value(SimChannel.SECTOR1_TIME) + car.value(SimChannel.SECTOR2_TIME);
            maxBrakeTemp = Math.max(maxBrakeTemp, car.value(SimChannel.BRAKE_TEMP_FL));
            previousSpeed = speedKmh;
            previousFuel = car.value(SimChannel.FUEL_MASS);
        }
        assertTrue(brakingSamples > 100, "braking zones exist: " + brakingSamples);
        assertTrue(maxBrakeTemp > 500, "brakes heat up under braking: " + maxBrakeTemp);
        assertEquals(2, lapsChecked);
        final double lastLap = car.value(SimChannel.LAST_LAP_TIME);
        assertTrue(lastLap > 70 && lastLap < 100, "lap time " + lastLap);
    }

    @Test
    void shouldFollowTheTrackWithAClosedLine()
    {
        final Circuit circuit = Circuit.monzaLike();
        final double length = circuit.lengthM();
        assertEquals(circuit.x(0), circuit.x(length - 1e-9), 1e-3);
        assertEquals(circuit.z(0), circuit.z(length - 1e-9), 1e-3);
        assertEquals(circuit.heading(0) + 2 * Math.PI, circuit.heading(length - 1e-9), 1e-6);
        // Consecutive points half a step apart are half a step apart in the world.
        for (double s = 0; s < length - 1; s += 97.3)
        {
            final double dx = circuit.x(s + 0.25) - circuit.x(s);
            final double dz = circuit.z(s + 0.25) - circuit.z(s);
            assertEquals(0.25, Math.sqrt(dx * dx + dz * dz), 1e-3, "at " + s);
        }
    }

    @Test
    void shouldRoundWithoutTrailingZerosOrNegativeZero()
    {
        assertEquals("97.5", rounded(97.5, 2));
        assertEquals("100", rounded(99.999, 2));
        assertEquals("0", rounded(-0.0004, 3));
        assertEquals("-1.05", rounded(-1.049999, 2));
        assertEquals("0.007", rounded(0.0065, 3));
        assertEquals("12000", rounded(12000, 0));
    }

    private static String rounded(final double value, final int decimals)
    {
        final StringBuilder sb = new StringBuilder();
        SessionCsvWriter.appendRounded(sb, value, decimals);
        return sb.toString();
    }
}
