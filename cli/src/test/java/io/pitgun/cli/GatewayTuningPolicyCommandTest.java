package io.pitgun.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pitgun gateway --tuning-policy FILE} refuses to start, exit status 1 and one line naming the setting and
 * the problem, when the policy cannot be used or the manifest is over one of its limits.
 */
class GatewayTuningPolicyCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseToStartWhenTheManifestIsOverAManifestLimit() throws Exception
    {
        final Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "version: v1\nsigned_by: authority.pitgun.io\nlimits:\n  max_engine_rpm: 15000\n" +
            "manifest_limits:\n  max_stages: 1\n");
        final CliRun run = CliRun.of("gateway", "--bind", "127.0.0.1:0", "--data-dir", dir.resolve("data").toString(),
            "--tuning-policy", policy.toString());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().startsWith("pitgun gateway: PITGUN_GATEWAY_MANIFEST (--manifest) over a limit of " +
            "PITGUN_GATEWAY_TUNING_POLICY (--tuning-policy): "), run.err());
        assertTrue(run.err().contains("stages, above manifest_limits.max_stages 1 (tuning policy policy, " + policy +
            ")"), run.err());
        assertTrue(!run.out().contains("listening"), run.out());
    }

    @Test
    void shouldRefuseToStartWithAPolicyItCannotEnforce() throws Exception
    {
        final Path policy = dir.resolve("clamp.yaml");
        Files.writeString(policy, "version: v1\nsigned_by: authority.pitgun.io\nlimits:\n  channels:\n" +
            "    Steering_Angle: {min: -360, max: 360, on_violation: clamp}\n");
        final CliRun run = CliRun.of("gateway", "--bind", "127.0.0.1:0", "--data-dir", dir.resolve("data").toString(),
            "--tuning-policy", policy.toString());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().startsWith("pitgun gateway: PITGUN_GATEWAY_TUNING_POLICY (--tuning-policy): " + policy +
            ":5:"), run.err());
        assertTrue(run.err().contains("on_violation clamp is not supported"), run.err());
    }
}
