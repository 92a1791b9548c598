package io.pitgun.engine.tuning;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TuningPolicyLoaderTest
{
    private static final ParameterRegistry SIM = ParameterRegistry.simV1();
    private static final Path EXAMPLES = Path.of("../schemas/src/main/resources/examples/tuning-policy/v1/valid");

    @TempDir
    Path dir;

    @Test
    void shouldMapTheSeedPolicysNamedLimitsToTheirChannels()
    {
        final TuningPolicy policy = TuningPolicyLoader.load(EXAMPLES.resolve("seed-policy.yaml"), SIM);
        final List<TuningLimit> limits = policy.table().limits();
        assertEquals(List.of("max_engine_rpm Engine_RPM", "min_tire_pressure_kpa Tyre_Pressure_FL",
            "min_tire_pressure_kpa Tyre_Pressure_FR", "min_tire_pressure_kpa Tyre_Pressure_RL",
            "min_tire_pressure_kpa Tyre_Pressure_RR", "max_ers_deployment_kj ERS_Deployed_Lap"),
            limits.stream().map(l -> l.name() + " " + l.channel()).toList());
        final TuningLimit rpm = limits.get(0);
        assertEquals(SIM.byName("Engine_RPM").id(), rpm.parameterId());
        assertEquals(15000, rpm.max());
        assertEquals(Double.NEGATIVE_INFINITY, rpm.min());
        assertEquals(140, limits.get(1).min());
        assertTrue(limits.stream().allMatch(l -> l.action() == TuningAction.REJECT), "reject is the default");
    }

    @Test
    void shouldApplyThePolicysModeUnlessALimitSetsItsOwn()
    {
        final TuningPolicy policy = TuningPolicyLoader.load(EXAMPLES.resolve("flag-mode.yaml"), SIM);
        for (final TuningLimit limit : policy.table().limits())
        {
            assertEquals(limit.channel().equals("Speed") ? TuningAction.REJECT : TuningAction.FLAG, limit.action(),
                limit.toString());
        }
        assertTrue(policy.table().hasFlagLimits());
    }

    @Test
    void shouldRefuseClampNamingWhy()
    {
        final TuningPolicyException ex = assertThrows(TuningPolicyException.class,
            () -> TuningPolicyLoader.load(EXAMPLES.resolve("league-policy.json"), SIM));
        assertEquals(1, ex.problems().size(), ex.getMessage());
        assertTrue(ex.problems().get(0).contains("league-policy.json:24:") &&
            ex.problems().get(0).contains("on_violation clamp is not supported"), ex.getMessage());
    }

    @Test
    void shouldRefuseAPolicyForAnotherDictionary() throws IOException
    {
        final TuningPolicyException ex = assertThrows(TuningPolicyException.class, () -> load(
            "version: v1\ndictionary: f1-generic\nlimits:\n  max_engine_rpm: 12000\nsigned_by: a.pitgun.io\n"));
        assertTrue(ex.getMessage().contains("policy.yaml:2:") && ex.getMessage().contains("'f1-generic'") &&
            ex.getMessage().contains("'sim.v1'"), ex.getMessage());
    }

    @Test
    void shouldRefuseLimitsThatAllowNothingAndMinAboveMax() throws IOException
    {
        final TuningPolicyException ex = assertThrows(TuningPolicyException.class, () -> load(
            "version: v1\nlimits:\n  min_tire_pressure_kpa: 200\n  max_tire_pressure_kpa: 150\n" +
            "  channels:\n    Speed: {min: 300, max: 200}\nsigned_by: a.pitgun.io\n"));
        assertEquals(5, ex.problems().size(), ex.getMessage()); // Speed, and each of the four tyres
        assertTrue(ex.getMessage().contains("min 300 is above max 200"), ex.getMessage());
        assertTrue(ex.getMessage().contains("the limits on Tyre_Pressure_FL allow no value: at least 200 and at " +
            "most 150"), ex.getMessage());
    }

    @Test
    void shouldRefuseADocumentThatIsNotAPolicyWithItsPlace() throws IOException
    {
        final TuningPolicyException ex = assertThrows(TuningPolicyException.class, () -> load(
            "version: v1\nlimits:\n  max_speed_kmh: 300\nsigned_by: a.pitgun.io\n"));
        assertTrue(ex.getMessage().contains("policy.yaml:3:") && ex.getMessage().contains("max_speed_kmh"),
            ex.getMessage());
    }

    @Test
    void shouldRefuseANamedLimitWhoseChannelsAreMissingOrInAnotherUnit() throws IOException
    {
        final Path dictionary = dir.resolve("bar.yaml");
        Files.writeString(dictionary, "schema_version: metrics-dictionary/v1\nname: bar.v1\ntitle: Bar\n" +
            "description: pressures in bar\nparameters:\n" +
            "  - {id: 1, name: Tyre_Pressure_FL, unit: bar, data_type: f32, range: {min: 0, max: 4}, " +
            "dimension: pressure, access: public}\n");
        final Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "version: v1\nlimits:\n  min_tire_pressure_kpa: 140\nsigned_by: a.pitgun.io\n");
        final TuningPolicyException ex = assertThrows(TuningPolicyException.class,
            () -> TuningPolicyLoader.load(policy, ParameterRegistry.load(dictionary)));
        assertEquals(List.of(
            policy + ":3:26: min_tire_pressure_kpa is in kPa but channel Tyre_Pressure_FL of dictionary bar.v1 is in " +
                "bar; bound it under limits.channels in its own unit",
            policy + ":3:26: min_tire_pressure_kpa bounds channel Tyre_Pressure_FR, which dictionary bar.v1 does not " +
                "have; bound that dictionary's own channel under limits.channels",
            policy + ":3:26: min_tire_pressure_kpa bounds channel Tyre_Pressure_RL, which dictionary bar.v1 does not " +
                "have; bound that dictionary's own channel under limits.channels",
            policy + ":3:26: min_tire_pressure_kpa bounds channel Tyre_Pressure_RR, which dictionary bar.v1 does not " +
                "have; bound that dictionary's own channel under limits.channels"), ex.problems());
    }

    private TuningPolicy load(final String text) throws IOException
    {
        final Path file = dir.resolve("policy.yaml");
        Files.writeString(file, text);
        return TuningPolicyLoader.load(file, SIM);
    }
}
