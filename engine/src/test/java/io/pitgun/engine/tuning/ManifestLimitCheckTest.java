package io.pitgun.engine.tuning;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestLimitCheckTest
{
    private static final ParameterRegistry SIM = ParameterRegistry.simV1();
    private static final String MANIFEST = String.join("\n",
        "version: v1",
        "name: power",
        "pipeline:",
        "  - type: formula",
        "    derived_channels:",
        "      - name: Power_kW",
        "        expr: \"Torque_Nm * Engine_RPM / 9549.0\"",
        "        unit: kW",
        "        range: {min: -500, max: 1300}",
        "      - name: Hybrid_kW",
        "        expr: \"abs(MGUK_Power) + max(0, Power_kW)\"",
        "        unit: kW",
        "  - type: segment",
        "    by: lap",
        "    aggregates:",
        "      - channel: Power_kW",
        "        stats: [max]",
        "  - type: output",
        "    contracts: [insight-contract/v1]",
        "");
    private static final String POLICY_HEAD = "version: v1\nsigned_by: a.pitgun.io\nlimits:\n  max_engine_rpm: 15000\n";

    @TempDir
    Path dir;

    @Test
    void shouldAcceptAManifestWithinEveryLimit() throws Exception
    {
        // Power_kW = Torque_Nm * Engine_RPM / 9549: within [-600, 1300] once the policy bounds Torque_Nm to 800.
        final TuningPolicy policy = policy(POLICY_HEAD + "  channels:\n    Power_kW: {min: -600, max: 1300}\n" +
            "    Torque_Nm: {max: 800}\n" +
            "manifest_limits:\n  max_stages: 3\n  max_derived_channels: 2\n  max_expression_length: 34\n" +
            "  max_expression_depth: 3\n  max_access: internal\n");
        assertDoesNotThrow(() -> ManifestLimitCheck.check(policy, manifest()));
    }

    @Test
    void shouldRefuseEveryManifestLimitPassedWithItsPlace() throws Exception
    {
        final TuningPolicy policy = policy(POLICY_HEAD + "manifest_limits:\n  max_stages: 2\n" +
            "  max_derived_channels: 1\n  max_expression_length: 32\n  max_expression_depth: 2\n" +
            "  max_access: public\n");
        final TuningPolicyException ex = assertThrows(TuningPolicyException.class,
            () -> ManifestLimitCheck.check(policy, manifest()));
        final String all = ex.getMessage();
        assertEquals(6, ex.problems().size(), all);
        assertTrue(all.contains("3 stages, above manifest_limits.max_stages 2"), all);
        assertTrue(all.contains("2 derived channels, above manifest_limits.max_derived_channels 1"), all);
        assertTrue(all.contains("manifest.yaml:11:15: the formula has 34 characters, above " +
            "manifest_limits.max_expression_length 32"), all);
        // (Torque_Nm * Engine_RPM) / 9549.0 and abs(x) + max(0, y) both nest 3 deep.
        assertTrue(all.contains("manifest.yaml:7:15: the formula nests 3 deep, above " +
            "manifest_limits.max_expression_depth 2"), all);
        assertTrue(all.contains("manifest.yaml:11:15: the formula nests 3 deep"), all);
        assertTrue(all.contains("reads MGUK_Power, an internal channel, above manifest_limits.max_access public"),
            all);
        assertTrue(all.contains("tuning policy policy"), all);
    }

    @Test
    void shouldRefuseADerivedChannelWhoseRangeExceedsItsLimitOrIsNotDeclared() throws Exception
    {
        final TuningPolicy policy = policy(POLICY_HEAD +
            "  channels:\n    Power_kW: {max: 1000}\n    Hybrid_kW: {max: 900}\n");
        final TuningPolicyException ex = assertThrows(TuningPolicyException.class,
            () -> ManifestLimitCheck.check(policy, manifest()));
        assertEquals(2, ex.problems().size(), ex.getMessage());
        assertTrue(ex.problems().get(0).startsWith(dir.resolve("manifest.yaml") + ":6:") &&
            ex.problems().get(0).contains("derived channel Power_kW declares range [-500, 1300], beyond the tuning " +
            "limit channels.Power_kW (at most 1000) at " + dir.resolve("policy.yaml") + ":6:"), ex.getMessage());
        assertTrue(ex.problems().get(1).contains("derived channel Hybrid_kW declares no range"), ex.getMessage());
    }

    @Test
    void shouldRefuseADerivedChannelWhoseFormulaCanLeaveItsLimit() throws Exception
    {
        // Declared [-500, 1300], but Torque_Nm 1200 at 15000 rpm makes 1885 kW; a flag limit lets such frames in.
        final TuningPolicy policy = policy(POLICY_HEAD + "  channels:\n    Power_kW: {min: -600, max: 1300}\n" +
            "    Torque_Nm: {max: 800, on_violation: flag}\n");
        final TuningPolicyException ex = assertThrows(TuningPolicyException.class,
            () -> ManifestLimitCheck.check(policy, manifest()));
        assertEquals(List.of(dir.resolve("manifest.yaml") + ":7:15: the formula of derived channel Power_kW can " +
            "reach [-471.2535, 1885.0141] over the ranges of the channels it reads (the dictionary's, tightened by " +
            "the policy's reject limits), beyond the tuning limit channels.Power_kW [-600, 1300] at " +
            dir.resolve("policy.yaml") + ":6:15; bound its inputs in the policy, or clamp() it in the formula"),
            ex.problems());
    }

    @Test
    void shouldRefuseALimitOnAChannelNeitherTheDictionaryNorTheManifestHas() throws Exception
    {
        final TuningPolicy policy = policy(POLICY_HEAD + "  channels:\n    Engine_RMP: {max: 12000}\n");
        final TuningPolicyException ex = assertThrows(TuningPolicyException.class,
            () -> ManifestLimitCheck.check(policy, manifest()));
        assertTrue(ex.getMessage().startsWith(dir.resolve("policy.yaml") + ":6:") &&
            ex.getMessage().contains("limits.channels.Engine_RMP names no channel of dictionary sim.v1 nor one the " +
            "manifest") && ex.getMessage().contains("nearest dictionary channels: Engine_RPM"), ex.getMessage());
    }

    private CompiledManifest manifest() throws IOException, ManifestException
    {
        final Path file = dir.resolve("manifest.yaml");
        Files.writeString(file, MANIFEST);
        return ManifestCompiler.compile(ManifestLoader.load(file), SIM);
    }

    private TuningPolicy policy(final String text) throws IOException
    {
        final Path file = dir.resolve("policy.yaml");
        Files.writeString(file, text);
        return TuningPolicyLoader.load(file, SIM);
    }
}
