package io.pitgun.replay.sim;

import java.util.Random;

/**
 * A deterministic lap simulation of one car on a {@link Circuit}, sampled every {@value #STEP_US} µs.
 * <p>
 * Each step a driver model picks throttle and brake so the car follows the {@link SpeedEnvelope} (full throttle
 * up to the traction limit, partial throttle to hold a corner speed, braking just hard enough to make the next
 * corner); the car then moves under engine torque through the selected gear, MGU-K power, drag, rolling
 * resistance and brakes. Everything else follows from that motion: engine speed from road speed and gear, lateral
 * g from speed and curvature, tyre and brake temperatures from the work they do, fuel from the throttle, the ERS
 * store from deployment and harvesting, timing from the distance covered. The only randomness is a seeded
 * {@link Random} (fully specified by the JDK) for lap-to-lap driver variation and sensor noise, and all maths is
 * {@link StrictMath}: one seed gives the same session, bit for bit, on every JVM.
 * <p>
 * The car starts 400 m before the line on its out-lap (lap 0, negative lap distance) and then runs flying laps.
 */
public final class CarSimulator
{
    /** Time between two samples, µs (100 Hz). */
    public static final long STEP_US = 10_000;

    private static final double DT = STEP_US / 1e6;
    private static final double START_BEFORE_LINE_M = 400.0;
    private static final double START_FUEL_KG = 62.0;
    private static final double AIR_TEMP_C = 26.0;
    private static final double TRACK_TEMP_C = 38.0;
    private static final double COLD_PRESSURE_KPA = 137.0;
    private static final double COLD_PRESSURE_TEMP_C = 25.0;
    private static final double BRAKE_BIAS = 0.57;
    private static final int ENGINE_MAP = 5;
    /** Front wheels are 0 and 1, left wheels 0 and 2 (FL, FR, RL, RR). */
    private static final double[] STATIC_SHARE = { 0.225, 0.225, 0.275, 0.275 };
    private static final double[] SIDE = { 1, -1, 1, -1 };
    private static final double[] AXLE = { 1, 1, -1, -1 };
    private static final double[] BRAKE_HEAT_CAPACITY = { 1350, 1350, 1100, 1100 };
    /** Brake duct cooling per corner: the right-hand ducts are a little smaller on a clockwise circuit. */
    private static final double[] BRAKE_COOLING = { 0.020, 0.0185, 0.019, 0.0175 };

    private final Circuit circuit;
    private final Random random;
    private final long startTimestampUs;
    private final double[] values = new double[SimChannel.all().length];

    private SpeedEnvelope envelope;
    private long stepIndex;
    private int lap;
    private double distanceM;
    private double speedMs;
    private double accelerationMs2;
    private int gear;
    private double throttle;
    private double brake;
    private boolean drsOpen;
    private boolean tractionLimited;
    private double torqueNm;
    private double lapTimeS;
    private double sector1S;
    private double sector2S;
    private double sector3S;
    private double lastLapS;
    private double bestLapS;
    private double fuelKg = START_FUEL_KG;
    private double fuelAtLapStartKg = START_FUEL_KG;
    private double fuelPerLapKg = 1.75;
    private double fuelUsedKg;
    private double ersStoreKj = 3200.0;
    private double ersDeployedLapKj;
    private double ersHarvestedLapKj;
    private double mgukKw;
    private double batteryKw;
    private int deployMode;
    private double engineLoad;
    private double waterTempC = 84.0;
    private double oilTempC = 98.0;
    private final double[] tyreSurfaceC = { 88, 88, 86, 86 };
    private final double[] tyreInnerC = { 92, 92, 90, 90 };
    private final double[] tyreWear = new double[4];
    private final double[] brakeTempC = { 320, 320, 280, 280 };
    private double steeringNoise;
    private double bumpNoise;

    /**
     * @param circuit          the track.
     * @param seed             seed of the driver variation and sensor noise.
     * @param startTimestampUs capture time of the first sample, µs since the epoch.
     */
    public CarSimulator(final Circuit circuit, final long seed, final long startTimestampUs)
    {
        this.circuit = circuit;
        this.random = new Random(seed);
        this.startTimestampUs = startTimestampUs;
        this.distanceM = -START_BEFORE_LINE_M;
        this.envelope = SpeedEnvelope.compute(circuit, massKg(), lapGripFactor());
        this.speedMs = StrictMath.min(envelope.speedAt(distanceM), 60.0);
        this.gear = gearFor(speedMs);
        chooseDeployMode();
        sample();
    }

    /** Capture time of the current sample, µs since the epoch. */
    public long timestampUs()
    {
        return startTimestampUs + stepIndex * STEP_US;
    }

    /** The lap the car is on: 0 on the out-lap, then 1, 2, ... */
    public int lapNumber()
    {
        return lap;
    }

    /** The sector (1..3) the car is in. */
    public int sector()
    {
        return circuit.sectorAt(distanceM);
    }

    /** Number of laps completed (timed) so far. */
    public int completedLaps()
    {
        return StrictMath.max(0, lap - 1);
    }

    /** The current value of a channel, in its dictionary unit (booleans as 0 or 1). */
    public double value(final SimChannel channel)
    {
        return values[channel.ordinal()];
    }

    /** Advances the simulation by one sample period. */
    public void step()
    {
        drive();
        move();
        stepIndex++;
        sample();
    }

    private double massKg()
    {
        return CarSpec.DRY_MASS_KG + fuelKg;
    }

    // The driver's commitment varies a little lap to lap; worn tyres grip less.
    private double lapGripFactor()
    {
        double wear = 0;
        for (final double w : tyreWear)
        {
            wear += w;
        }
        return (0.955 + 0.025 * random.nextDouble()) * (1.0 - 0.0012 * wear / 4.0);
    }

    private void drive()
    {
        final double mass = massKg();
        final double target = envelope.speedAt(distanceM + speedMs * DT);
        drsOpen = circuit.inDrsZone(distanceM) && lap > 0 && (drsOpen || throttle > 0.98);
        if (ersStoreKj <= 50.0 || ersDeployedLapKj >= CarSpec.ERS_DEPLOY_LIMIT_KJ_PER_LAP)
        {
            deployMode = 0;
        }

        final double resist = CarSpec.dragN(speedMs, drsOpen) + CarSpec.ROLLING_RESISTANCE * mass * CarSpec.G +
            mass * CarSpec.G * circuit.slope(distanceM);
        final double full = driveForceN(1.0);
        final double closed = driveForceN(0.0);
        final double tractionCap = CarSpec.TRACTION_GRIP * CarSpec.REAR_WEIGHT_SHARE *
            (mass * CarSpec.G + CarSpec.downforceN(speedMs));
        final double fullCapped = StrictMath.min(full, tractionCap);
        final double fullAccel = (fullCapped - resist) / mass;
        final double coastAccel = (closed - resist) / mass;

        double throttleWanted;
        double brakeWanted;
        if (speedMs + fullAccel * DT <= target)
        {
            throttleWanted = (fullCapped - closed) / (full - closed);
            brakeWanted = 0;
            tractionLimited = full > tractionCap;
        }
        else
        {
            tractionLimited = false;
            final double needed = (target - speedMs) / DT;
            if (needed >= coastAccel)
            {
                throttleWanted = (needed - coastAccel) / (fullAccel - coastAccel);
                brakeWanted = 0;
            }
            else
            {
                throttleWanted = 0;
                brakeWanted = (coastAccel - needed) * mass / maxBrakeForceN(mass);
            }
        }
        // Feet move fast, not instantly (0 → 100 % throttle in about 80 ms, brake in 50 ms), and one pedal is
        // released before the other is pressed.
        final double brakeTarget = clamp(brakeWanted, 0, 1);
        if (brakeTarget > 0)
        {
            throttle = approach(throttle, 0, 0.25);
            brake = throttle > 0 ? 0 : approach(brake, brakeTarget, 0.2);
        }
        else
        {
            brake = approach(brake, 0, 0.25);
            throttle = brake > 0 ? 0 : approach(throttle, clamp(throttleWanted, 0, 1), 0.125);
        }
        if (brake > 0)
        {
            drsOpen = false;
        }
    }

    private double driveForceN(final double pedal)
    {
        final double rpm = StrictMath.max(CarSpec.IDLE_RPM, CarSpec.engineRpm(speedMs, gear));
        final double fullTorque = rpm >= CarSpec.REV_LIMIT_RPM ? 0.0 : CarSpec.fullLoadTorqueNm(rpm);
        final double torque = pedal * fullTorque + (1.0 - pedal) * CarSpec.overrunTorqueNm(rpm);
        final double engineForce = torque * CarSpec.OVERALL_RATIO[gear] * CarSpec.DRIVELINE_EFFICIENCY /
            CarSpec.WHEEL_RADIUS_M;
        final double deployKw = deployMode == 2 ? CarSpec.MGUK_MAX_KW : deployMode == 1 ? 60.0 : 0.0;
        final double ersForce = speedMs > 15.0 ? pedal * deployKw * 1000.0 / speedMs : 0.0;
        return engineForce + ersForce;
    }

    private double maxBrakeForceN(final double mass)
    {
        return CarSpec.BRAKING_GRIP * (mass * CarSpec.G + CarSpec.downforceN(speedMs));
    }

    private void move()
    {
        final double mass = massKg();
        final double rpm = StrictMath.max(CarSpec.IDLE_RPM, CarSpec.engineRpm(speedMs, gear));
        final double fullTorque = rpm >= CarSpec.REV_LIMIT_RPM ? 0.0 : CarSpec.fullLoadTorqueNm(rpm);
        torqueNm = throttle * fullTorque + (1.0 - throttle) * CarSpec.overrunTorqueNm(rpm);

        final double deployCapKw = deployMode == 2 ? CarSpec.MGUK_MAX_KW : deployMode == 1 ? 60.0 : 0.0;
        final double deployKw = speedMs > 15.0 ? throttle * deployCapKw : 0.0;
        final double brakeForce = brake * maxBrakeForceN(mass);
        double harvestKw = 0;
        if (brakeForce > 0 && ersHarvestedLapKj < CarSpec.ERS_HARVEST_LIMIT_KJ_PER_LAP && ersStoreKj < CarSpec.ERS_STORE_MAX_KJ)
        {
            harvestKw = StrictMath.min(CarSpec.MGUK_MAX_KW, 0.5 * brakeForce * speedMs / 1000.0);
        }
        mgukKw = deployKw - harvestKw;
        final double mguhKw = throttle > 0.9 && rpm > 10000 ? CarSpec.MGUH_HARVEST_KW : 0.0;
        batteryKw = mgukKw - mguhKw;

        double engineForce = torqueNm * CarSpec.OVERALL_RATIO[gear] * CarSpec.DRIVELINE_EFFICIENCY / CarSpec.WHEEL_RADIUS_M;
        engineForce += speedMs > 15.0 ? deployKw * 1000.0 / speedMs : 0.0;
        final double tractionCap = CarSpec.TRACTION_GRIP * CarSpec.REAR_WEIGHT_SHARE *
            (mass * CarSpec.G + CarSpec.downforceN(speedMs));
        engineForce = StrictMath.min(engineForce, tractionCap);
        final double resist = CarSpec.dragN(speedMs, drsOpen) + CarSpec.ROLLING_RESISTANCE * mass * CarSpec.G +
            mass * CarSpec.G * circuit.slope(distanceM);
        accelerationMs2 = (engineForce - brakeForce - resist) / mass;

        final double previousDistance = distanceM;
        final double previousLapTime = lapTimeS;
        speedMs = StrictMath.max(1.0, speedMs + accelerationMs2 * DT);
        distanceM += speedMs * DT;
        lapTimeS += DT;

        // Energy: what the MGU-K deploys leaves the store, what it and the MGU-H harvest goes in.
        ersStoreKj = clamp(ersStoreKj - batteryKw * DT, 0, CarSpec.ERS_STORE_MAX_KJ);
        ersDeployedLapKj += deployKw * DT;
        ersHarvestedLapKj += (harvestKw + mguhKw) * DT;

        // Fuel flow follows power: the throttle at this engine speed, with a small idle flow.
        final double flow = CarSpec.MAX_FUEL_FLOW_KG_PER_S *
            (0.02 + 0.98 * throttle * StrictMath.min(1.0, rpm / 10500.0));
        final double burnt = StrictMath.min(fuelKg, flow * DT);
        fuelKg -= burnt;
        fuelUsedKg += burnt;

        engineLoad += (throttle - engineLoad) * DT / 8.0;
        waterTempC += (88.0 + 12.0 * engineLoad - waterTempC) * DT / 40.0;
        oilTempC += (100.0 + 22.0 * engineLoad - oilTempC) * DT / 60.0;

        final double gLat = speedMs * speedMs * circuit.curvature(distanceM) / CarSpec.G;
        final double gLong = accelerationMs2 / CarSpec.G;
        updateTyres(gLat, gLong);
        updateBrakes(brakeForce - harvestKw * 1000.0 / StrictMath.max(speedMs, 1.0));
        shift();
        timing(previousDistance, previousLapTime);
    }

    // The energy strategy is set once per sector, with hysteresis from the store: spend when full, recover when low.
    private void chooseDeployMode()
    {
        deployMode = ersStoreKj > 2400.0 ? 2 : ersStoreKj > 1000.0 ? 1 : 0;
    }

    private void updateTyres(final double gLat, final double gLong)
    {
        final double work = (StrictMath.abs(gLat) + StrictMath.abs(gLong) + 0.6) * speedMs;
        final double trackTemp = trackTempC();
        for (int i = 0; i < 4; i++)
        {
            final double load = StrictMath.max(0.2, 4.0 * STATIC_SHARE[i] *
                (1.0 + 0.22 * SIDE[i] * gLat - 0.12 * AXLE[i] * gLong));
            final double heating = 0.092 * load * work;
            final double cooling = 0.05 * (1.0 + speedMs / 30.0) * (tyreSurfaceC[i] - AIR_TEMP_C);
            final double toCore = 0.3 * (tyreSurfaceC[i] - tyreInnerC[i]);
            tyreSurfaceC[i] += (heating - cooling - toCore) * DT;
            tyreInnerC[i] += (0.02 * (tyreSurfaceC[i] - tyreInnerC[i]) - 0.0015 * (tyreInnerC[i] - trackTemp)) * DT;
            final double overheating = 1.0 + StrictMath.max(0.0, tyreSurfaceC[i] - 110.0) / 40.0;
            final double grip = StrictMath.abs(gLat) + StrictMath.abs(gLong) + 0.1;
            tyreWear[i] = StrictMath.min(100.0, tyreWear[i] + 1.3e-4 * load * grip * speedMs * DT * overheating);
        }
    }

    private void updateBrakes(final double frictionForceN)
    {
        final double power = StrictMath.max(0.0, frictionForceN) * speedMs;
        for (int i = 0; i < 4; i++)
        {
            final double share = i < 2 ? BRAKE_BIAS / 2 : (1.0 - BRAKE_BIAS) / 2;
            final double cooling = BRAKE_COOLING[i] * (1.0 + speedMs / 25.0) * (brakeTempC[i] - AIR_TEMP_C);
            brakeTempC[i] += (power * share / BRAKE_HEAT_CAPACITY[i] - cooling) * DT;
        }
    }

    // Seamless-shift gearbox: up at the shift point, down while slowing once the lower gear has room.
    private void shift()
    {
        final double rpm = CarSpec.engineRpm(speedMs, gear);
        if (rpm >= CarSpec.UPSHIFT_RPM && gear < CarSpec.GEARS && brake == 0)
        {
            gear++;
        }
        else if (gear > 1 && (accelerationMs2 < 0 || throttle < 0.5) && rpm < CarSpec.DOWNSHIFT_RPM &&
            CarSpec.engineRpm(speedMs, gear - 1) < CarSpec.UPSHIFT_RPM - 400)
        {
            gear--;
        }
    }

    private void timing(final double previousDistance, final double previousLapTime)
    {
        final double length = circuit.lengthM();
        final double crossingFraction;
        if (distanceM >= length || (previousDistance < 0 && distanceM >= 0))
        {
            final double line = distanceM >= length ? length : 0.0;
            crossingFraction = (line - previousDistance) / (distanceM - previousDistance);
        }
        else
        {
            crossingFraction = -1;
        }
        if (circuit.sectorAt(previousDistance) != circuit.sectorAt(distanceM))
        {
            chooseDeployMode();
        }
        if (lap > 0)
        {
            final double s2 = circuit.sectorStartM(2);
            final double s3 = circuit.sectorStartM(3);
            if (previousDistance < s2 && distanceM >= s2)
            {
                sector1S = previousLapTime + DT * (s2 - previousDistance) / (distanceM - previousDistance);
            }
            if (previousDistance < s3 && distanceM >= s3)
            {
                sector2S = previousLapTime + DT * (s3 - previousDistance) / (distanceM - previousDistance) - sector1S;
            }
        }
        if (crossingFraction < 0)
        {
            return;
        }
        final double crossingLapTime = previousLapTime + DT * crossingFraction;
        if (lap > 0)
        {
            sector3S = crossingLapTime - sector1S - sector2S;
            lastLapS = crossingLapTime;
            bestLapS = bestLapS == 0 ? lastLapS : StrictMath.min(bestLapS, lastLapS);
            fuelPerLapKg = fuelAtLapStartKg - fuelKg;
            distanceM -= length;
        }
        fuelAtLapStartKg = fuelKg;
        lap++;
        lapTimeS = DT * (1.0 - crossingFraction);
        sector1S = 0;
        sector2S = 0;
        ersDeployedLapKj = 0;
        ersHarvestedLapKj = 0;
        envelope = SpeedEnvelope.compute(circuit, massKg(), lapGripFactor());
    }

    private double trackTempC()
    {
        // The track warms slowly under the afternoon sun: +1.5 °C over an hour.
        return TRACK_TEMP_C + 1.5 * stepIndex * DT / 3600.0;
    }

    private int gearFor(final double speed)
    {
        for (int g = 1; g < CarSpec.GEARS; g++)
        {
            if (CarSpec.engineRpm(speed, g) < CarSpec.UPSHIFT_RPM - 1500)
            {
                return g;
            }
        }
        return CarSpec.GEARS;
    }

    private void sample()
    {
        final double curvature = circuit.curvature(distanceM);
        final double gLat = speedMs * speedMs * curvature / CarSpec.G;
        final double gLong = accelerationMs2 / CarSpec.G;
        final double slope = circuit.slope(distanceM);
        steeringNoise = 0.9 * steeringNoise + 0.3 * random.nextGaussian();
        bumpNoise = 0.6 * bumpNoise + 0.4 * random.nextGaussian();
        final double gVert = StrictMath.cos(StrictMath.atan(slope)) +
            speedMs * speedMs * circuit.verticalCurvature(distanceM) / CarSpec.G + 0.03 * bumpNoise;
        final double rpm = StrictMath.max(CarSpec.IDLE_RPM, CarSpec.engineRpm(speedMs, gear));
        final double kmh = speedMs * 3.6;

        set(SimChannel.ENGINE_RPM, StrictMath.rint(StrictMath.min(rpm, 15000)));
        set(SimChannel.THROTTLE_POSITION, 100.0 * throttle);
        set(SimChannel.SPEED, kmh);
        set(SimChannel.TORQUE_NM, torqueNm);
        set(SimChannel.LAP_TIME, lapTimeS);
        set(SimChannel.GEAR, gear);
        set(SimChannel.BRAKE_PEDAL, 100.0 * brake);
        set(SimChannel.STEERING_ANGLE, clamp(CarSpec.STEERING_RATIO *
            StrictMath.toDegrees(StrictMath.atan(CarSpec.WHEELBASE_M * curvature)) + 1.2 * gLat + 0.4 * steeringNoise,
            -450, 450));
        set(SimChannel.CLUTCH_POSITION, 0.0);
        set(SimChannel.DRS_OPEN, drsOpen ? 1 : 0);
        set(SimChannel.DRS_AVAILABLE, lap > 0 && circuit.inDrsZone(distanceM) ? 1 : 0);
        set(SimChannel.ERS_STORE_ENERGY, ersStoreKj);
        set(SimChannel.ERS_DEPLOYED_LAP, StrictMath.min(4000, ersDeployedLapKj));
        set(SimChannel.ERS_HARVESTED_LAP, StrictMath.min(4000, ersHarvestedLapKj));
        set(SimChannel.MGUK_POWER, mgukKw);
        set(SimChannel.ERS_DEPLOY_MODE, deployMode);
        set(SimChannel.FUEL_MASS, fuelKg);
        set(SimChannel.FUEL_REMAINING_LAPS, clamp(fuelKg / StrictMath.max(0.5, fuelPerLapKg), -20, 100));
        set(SimChannel.FUEL_FLOW_SENSOR_COUNT, StrictMath.floor(fuelUsedKg * CarSpec.FUEL_PULSES_PER_KG));
        set(SimChannel.ENGINE_MAP, ENGINE_MAP);
        set(SimChannel.BRAKE_BIAS, 100.0 * BRAKE_BIAS);
        final SimChannel[] surface = { SimChannel.TYRE_SURFACE_TEMP_FL, SimChannel.TYRE_SURFACE_TEMP_FR,
            SimChannel.TYRE_SURFACE_TEMP_RL, SimChannel.TYRE_SURFACE_TEMP_RR };
        for (int i = 0; i < 4; i++)
        {
            final int offset = i;
            set(surface[i], tyreSurfaceC[i]);
            set(SimChannel.all()[SimChannel.TYRE_INNER_TEMP_FL.ordinal() + offset], tyreInnerC[i]);
            // Gas in a closed tyre: pressure follows absolute temperature (carcass temperature dominates).
            set(SimChannel.all()[SimChannel.TYRE_PRESSURE_FL.ordinal() + offset], COLD_PRESSURE_KPA *
                (tyreInnerC[i] + 273.15) / (COLD_PRESSURE_TEMP_C + 273.15));
            set(SimChannel.all()[SimChannel.TYRE_WEAR_FL.ordinal() + offset], tyreWear[i]);
            set(SimChannel.all()[SimChannel.BRAKE_TEMP_FL.ordinal() + offset], clamp(brakeTempC[i], -40, 1200));
        }

        // Suspension: aero load compresses it with speed²; lateral and longitudinal load transfer add or remove.
        final double aeroFront = 0.0024 * speedMs * speedMs;
        final double aeroRear = 0.0029 * speedMs * speedMs;
        final double heave = 9.0 * (gVert - 1.0);
        final double[] travel = new double[4];
        for (int i = 0; i < 4; i++)
        {
            final double aero = i < 2 ? aeroFront : aeroRear;
            final double lateral = (i < 2 ? 6.0 : 7.0) * SIDE[i] * gLat;
            final double pitch = (i < 2 ? 5.0 : 4.0) * -AXLE[i] * gLong;
            travel[i] = clamp(aero + lateral + pitch + heave, -50, 150);
            set(SimChannel.all()[SimChannel.SUSPENSION_TRAVEL_FL.ordinal() + i], travel[i]);
            // Outside wheels cover more ground in a corner; fronts slip back under braking, rears spin up under
            // power at the traction limit.
            double wheel = kmh * (1.0 + SIDE[i] * curvature * CarSpec.HALF_TRACK_M);
            wheel *= i < 2 ? 1.0 - 0.03 * brake : 1.0 + (tractionLimited ? 0.04 : 0.005) * throttle - 0.015 * brake;
            set(SimChannel.all()[SimChannel.WHEEL_SPEED_FL.ordinal() + i], clamp(wheel, 0, 400));
        }
        set(SimChannel.ENGINE_WATER_TEMP, waterTempC);
        set(SimChannel.ENGINE_OIL_TEMP, oilTempC);
        set(SimChannel.ENGINE_OIL_PRESSURE, clamp(1.2 + 4.6 * rpm / 12000.0 - 0.01 * (oilTempC - 100.0), 0, 12));
        set(SimChannel.LAP_DISTANCE, distanceM);
        set(SimChannel.POSITION_X, circuit.x(distanceM));
        set(SimChannel.POSITION_Y, circuit.y(distanceM));
        set(SimChannel.POSITION_Z, circuit.z(distanceM));
        set(SimChannel.G_LATERAL, clamp(gLat + 0.02 * bumpNoise, -8, 8));
        set(SimChannel.G_LONGITUDINAL, clamp(gLong + 0.015 * bumpNoise, -8, 8));
        set(SimChannel.G_VERTICAL, clamp(gVert, -8, 8));
        set(SimChannel.YAW_RATE, clamp(StrictMath.toDegrees(speedMs * curvature), -360, 360));
        set(SimChannel.PITCH_ANGLE, clamp(StrictMath.toDegrees(StrictMath.atan(slope)) + 0.3 * gLong, -15, 15));
        set(SimChannel.ROLL_ANGLE, clamp(-0.4 * gLat, -15, 15));
        set(SimChannel.RIDE_HEIGHT_FRONT, clamp(40.0 - 0.55 * 0.5 * (travel[0] + travel[1]), 2, 150));
        set(SimChannel.RIDE_HEIGHT_REAR, clamp(74.0 - 0.8 * 0.5 * (travel[2] + travel[3]), 2, 200));
        set(SimChannel.SECTOR1_TIME, sector1S);
        set(SimChannel.SECTOR2_TIME, sector2S);
        set(SimChannel.SECTOR3_TIME, sector3S);
        set(SimChannel.LAST_LAP_TIME, lastLapS);
        set(SimChannel.BEST_LAP_TIME, bestLapS);
        set(SimChannel.AIR_TEMP, AIR_TEMP_C);
        set(SimChannel.TRACK_TEMP, trackTempC());
        // Pack voltage sags with discharge current and rises with state of charge; P = V·I.
        final double openCircuitV = 720.0 + 100.0 * ersStoreKj / CarSpec.ERS_STORE_MAX_KJ;
        final double currentA = batteryKw * 1000.0 / openCircuitV;
        set(SimChannel.ERS_BATTERY_VOLTAGE, openCircuitV - 0.08 * currentA);
        set(SimChannel.ERS_BATTERY_CURRENT, currentA);
    }

    private void set(final SimChannel channel, final double value)
    {
        values[channel.ordinal()] = value;
    }

    private static double approach(final double current, final double target, final double maxStep)
    {
        return current + clamp(target - current, -maxStep, maxStep);
    }

    private static double clamp(final double value, final double min, final double max)
    {
        return value < min ? min : value > max ? max : value;
    }
}
