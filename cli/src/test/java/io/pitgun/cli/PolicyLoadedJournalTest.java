package io.pitgun.cli;

import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway started with a TUNING_POLICY journals a {@code PolicyLoaded} control entry right after its
 * {@code ManifestLoaded} one (the policy's SHA-256, name and signer, or {@code unsigned}); {@code journal stats}
 * counts it and {@code journal dump} prints it. A gateway without a policy writes none.
 */
class PolicyLoadedJournalTest
{
    private static final Pattern KEY_ID = Pattern.compile("key id: ([0-9a-f]{16})");

    @TempDir
    Path dir;

    @Test
    void shouldRecordTheSignedPolicyAndItsSignerAfterTheManifest() throws Exception
    {
        final String keyId = keys("authority");
        final Path manifest = copy("examples/pipeline-manifest/v1/valid/demo-reference.yaml", "m.yaml");
        final Path policy = copy("examples/tuning-policy/v1/valid/seed-policy.yaml", "tuning.v1.yaml");
        for (final Path file : List.of(manifest, policy))
        {
            final CliRun sign = CliRun.of(file == manifest ? "manifest" : "policy", "sign", file.toString(), "--key",
                dir.resolve("authority.key").toString());
            assertEquals(0, sign.exitCode(), sign.err());
        }
        final Path data = dir.resolve("signed");
        runGateway(data, Map.of(GatewaySetting.MANIFEST, manifest.toString(), GatewaySetting.TUNING_POLICY,
            policy.toString(), GatewaySetting.TRUST, dir.resolve("authority.pub").toString()));

        final List<String> control = controlLines(data, "1 manifest loaded, 1 policy loaded, 1 pipeline drained");
        assertTrue(control.get(0).contains("\"message\":\"ManifestLoaded\""), control.toString());
        final String loaded = control.get(1);
        assertTrue(loaded.contains("\"message\":\"PolicyLoaded\""), control.toString());
        assertTrue(loaded.contains("\"policy_digest\":\"" + sha256(policy) + "\""), loaded);
        assertTrue(loaded.contains("\"policy_name\":\"tuning.v1\""), loaded);
        assertTrue(loaded.contains("\"signer_key_id\":\"" + keyId + "\""), loaded);
        assertTrue(loaded.matches("\\{\"index\":\\d+,\"message\":\"PolicyLoaded\",\"timestamp_us\":\\d+,.*\\}"),
            loaded);
    }

    @Test
    void shouldRecordAPolicyLoadedWithoutTrustAsUnsignedAndNoneWithoutAPolicy() throws Exception
    {
        final Path policy = copy("examples/tuning-policy/v1/valid/seed-policy.yaml", "tuning.v1.yaml");
        final Path unsigned = dir.resolve("unsigned");
        runGateway(unsigned, Map.of(GatewaySetting.TUNING_POLICY, policy.toString()));
        final String loaded = controlLines(unsigned, "1 manifest loaded, 1 policy loaded, 1 pipeline drained").get(1);
        assertTrue(loaded.contains("\"policy_digest\":\"" + sha256(policy) + "\""), loaded);
        assertTrue(loaded.contains("\"signer_key_id\":\"unsigned\""), loaded);

        final Path none = dir.resolve("none");
        runGateway(none, Map.of());
        final List<String> control = controlLines(none, "1 manifest loaded, 0 policy loaded, 1 pipeline drained");
        assertEquals(1, control.size(), control.toString());
    }

    private static void runGateway(final Path data, final Map<GatewaySetting, String> settings) throws Exception
    {
        try (GatewayServer gateway = LoopbackGateway.start(data, settings))
        {
            assertTrue(gateway.pipeline().journal().isPresent(), "the gateway journals");
        }
    }

    // Checks journal stats' control line (the gateway stopped gracefully: one PipelineDrained too), then returns the
    // dump's ManifestLoaded and PolicyLoaded lines in order.
    private static List<String> controlLines(final Path data, final String counted)
    {
        final String journal = data.resolve("journal").toString();
        final CliRun stats = CliRun.of("journal", "stats", journal);
        assertEquals(0, stats.exitCode(), stats.err());
        assertTrue(stats.out().contains("0 session end, " + counted + "\n"), stats.out());
        final CliRun dump = CliRun.of("journal", "dump", journal);
        assertEquals(0, dump.exitCode(), dump.err());
        return dump.out().lines().filter(line -> line.contains("\"message\":\"ManifestLoaded\"") ||
            line.contains("\"message\":\"PolicyLoaded\"")).toList();
    }

    private String keys(final String name)
    {
        final CliRun run = CliRun.of("keys", "generate", "--out", dir.resolve(name).toString());
        assertEquals(0, run.exitCode(), run.err());
        final Matcher matcher = KEY_ID.matcher(run.out());
        assertTrue(matcher.find(), run.out());
        return matcher.group(1);
    }

    private Path copy(final String resource, final String name) throws IOException
    {
        final Path file = dir.resolve(name);
        try (InputStream in = PolicyLoadedJournalTest.class.getClassLoader().getResourceAsStream(resource))
        {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    private static String sha256(final Path file) throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
