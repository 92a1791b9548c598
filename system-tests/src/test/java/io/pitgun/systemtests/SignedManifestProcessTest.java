package io.pitgun.systemtests;

import io.pitgun.cli.PitgunCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signed manifests as an operator uses them: keys and signatures made with {@code pitgun keys generate} and
 * {@code pitgun manifest sign}, a real {@code pitgun gateway --trust} process that starts with a signed manifest and
 * journals who signed it, and one that refuses to start (exit 1, the file and the reason on stderr) when the
 * manifest was changed after signing.
 */
class SignedManifestProcessTest
{
    private static final Pattern KEY_ID = Pattern.compile("key id: ([0-9a-f]{16})");

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void shouldStartWithASignedManifestAndRecordItsSignerInTheJournal() throws Exception
    {
        final String keyId = generateKeys("authority");
        final Path manifest = demoManifest();
        final InProcessCli sign =
            InProcessCli.run("manifest", "sign", manifest.toString(), "--key", dir.resolve("authority.key").toString());
        assertEquals(0, sign.exitCode(), sign.err());
        final InProcessCli verify = InProcessCli.run("manifest", "verify", manifest.toString(), "--trust",
            dir.resolve("authority.pub").toString());
        assertEquals(0, verify.exitCode(), verify.err());
        assertTrue(verify.out().contains("signed by trusted key " + keyId), verify.out());

        final Path dataDir = dir.resolve("data");
        try (GatewayProcess gateway = GatewayProcess.start(dataDir, "--manifest", manifest.toString(), "--trust",
            dir.resolve("authority.pub").toString()))
        {
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), UUID.randomUUID(), 0, 20))
                .statusCode());
            assertEquals(0, gateway.terminate(Duration.ofSeconds(30)), gateway.logs());
        }
        final Path journal = dataDir.resolve("journal");
        final InProcessCli stats = InProcessCli.run("journal", "stats", journal.toString());
        assertEquals(0, stats.exitCode(), stats.err());
        assertTrue(stats.out().contains(", 1 manifest loaded"), stats.out());
        final InProcessCli dump = InProcessCli.run("journal", "dump", journal.toString());
        assertEquals(0, dump.exitCode(), dump.err());
        final String loaded = dump.out().lines().filter(line -> line.contains("\"message\":\"ManifestLoaded\""))
            .findFirst().orElseThrow(() -> new AssertionError(dump.out()));
        assertTrue(loaded.contains("\"signer_key_id\":\"" + keyId + "\""), loaded);
        assertTrue(loaded.contains("\"manifest_name\":\"demo-reference\""), loaded);

        // A replay that requires the same signature runs; one that trusts another key refuses, naming the file.
        final Path out = dir.resolve("replay.jsonl");
        final InProcessCli replay =
            InProcessCli.run("journal", "replay", journal.toString(), "--manifest", manifest.toString(),
            "--out", out.toString(), "--trust", dir.resolve("authority.pub").toString());
        assertEquals(0, replay.exitCode(), replay.err());
        generateKeys("other");
        final InProcessCli refused =
            InProcessCli.run("journal", "replay", journal.toString(), "--manifest", manifest.toString(),
            "--out", out.toString(), "--trust", dir.resolve("other.pub").toString());
        assertEquals(1, refused.exitCode(), refused.out());
        assertTrue(refused.err().contains(manifest + ": refused: untrusted key: signed by key " + keyId),
            refused.err());
    }

    @Test
    @Timeout(180)
    void shouldRefuseToStartWithAManifestChangedAfterSigning() throws Exception
    {
        generateKeys("authority");
        final Path manifest = demoManifest();
        assertEquals(0, InProcessCli.run("manifest", "sign", manifest.toString(), "--key",
            dir.resolve("authority.key").toString()).exitCode());
        final byte[] bytes = Files.readAllBytes(manifest);
        bytes[bytes.length - 2] ^= 0x01; // one changed byte
        Files.write(manifest, bytes);

        final Path dataDir = dir.resolve("data");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ChildJvm.jvmFlags());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PitgunCommand.class.getName(),
            "gateway", "--bind", "127.0.0.1:0", "--data-dir", dataDir.toString(), "--manifest", manifest.toString(),
            "--trust", dir.resolve("authority.pub").toString()));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(dir.resolve("gateway.log").toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("PITGUN_GATEWAY_"));
        final Process process = builder.start();
        try
        {
            assertTrue(process.waitFor(GatewayProcess.START_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                "the gateway must refuse at once, not listen");
            final String log = Files.readString(dir.resolve("gateway.log"));
            assertEquals(1, process.exitValue(), log);
            assertTrue(log.contains("PITGUN_GATEWAY_MANIFEST (--manifest): " + manifest +
                ": refused: tampered: digest differs"), log);
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    @Test
    void shouldRefuseToStartWithAnUnsignedManifestOrOneSignedByAnUntrustedKey() throws Exception
    {
        generateKeys("authority");
        generateKeys("rogue");
        final Path manifest = demoManifest();
        final Path dataDir = dir.resolve("data");
        final InProcessCli unsigned =
            InProcessCli.run("gateway", "--bind", "127.0.0.1:0", "--data-dir", dataDir.toString(),
            "--manifest", manifest.toString(), "--trust", dir.resolve("authority.pub").toString());
        assertEquals(1, unsigned.exitCode(), unsigned.out());
        assertTrue(unsigned.err().contains(manifest + ": refused: unsigned: no signature " + manifest + ".sig"),
            unsigned.err());

        assertEquals(0, InProcessCli.run("manifest", "sign", manifest.toString(), "--key",
            dir.resolve("rogue.key").toString()).exitCode());
        final InProcessCli untrusted =
            InProcessCli.run("gateway", "--bind", "127.0.0.1:0", "--data-dir", dataDir.toString(),
            "--manifest", manifest.toString(), "--trust", dir.resolve("authority.pub").toString());
        assertEquals(1, untrusted.exitCode(), untrusted.out());
        assertTrue(untrusted.err().contains(manifest + ": refused: untrusted key"), untrusted.err());
    }

    private String generateKeys(final String name)
    {
        final InProcessCli keys = InProcessCli.run("keys", "generate", "--out", dir.resolve(name).toString());
        assertEquals(0, keys.exitCode(), keys.err());
        final Matcher matcher = KEY_ID.matcher(keys.out());
        assertTrue(matcher.find(), keys.out());
        return matcher.group(1);
    }

    private Path demoManifest() throws IOException
    {
        final Path manifest = dir.resolve("demo-reference.yaml");
        try (InputStream in = SignedManifestProcessTest.class.getClassLoader().getResourceAsStream(
            "examples/pipeline-manifest/v1/valid/demo-reference.yaml"))
        {
            Files.writeString(manifest, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        return manifest;
    }
}
