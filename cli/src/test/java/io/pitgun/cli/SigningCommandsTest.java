package io.pitgun.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pitgun keys generate}, {@code manifest sign|verify} and {@code policy sign|verify}, round trip. */
class SigningCommandsTest
{
    private static final Pattern KEY_ID = Pattern.compile("key id: ([0-9a-f]{16})");

    @TempDir
    Path dir;

    @Test
    void shouldGenerateKeysSignAManifestAndVerifyItThenRefuseItOnceChanged() throws IOException
    {
        final String keyId = keys("authority");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
            dir.resolve("authority.key"))));
        final Path manifest = copy("examples/pipeline-manifest/v1/valid/demo-reference.yaml", "m.yaml");

        final CliRun sign = CliRun.of("manifest", "sign", manifest.toString(), "--key",
            dir.resolve("authority.key").toString());
        assertEquals(0, sign.exitCode(), sign.err());
        assertTrue(sign.out().contains("with key " + keyId + ": " + manifest + ".sig"), sign.out());
        assertTrue(Files.readString(dir.resolve("m.yaml.sig")).contains("\"key_id\":\"" + keyId + "\""));

        final CliRun verify = CliRun.of("manifest", "verify", manifest.toString(), "--trust",
            dir.resolve("authority.pub").toString());
        assertEquals(0, verify.exitCode(), verify.err());
        assertTrue(verify.out().contains(manifest + ": OK: signed by trusted key " + keyId), verify.out());
        // A valid signature is not a valid policy: policy verify checks what was signed, as policy sign does.
        final CliRun asPolicy = CliRun.of("policy", "verify", manifest.toString(), "--trust",
            dir.resolve("authority.pub").toString());
        assertEquals(1, asPolicy.exitCode(), asPolicy.out());
        assertTrue(asPolicy.err().contains(manifest + ": refused: signed by trusted key " + keyId +
            ", but it is not a valid tuning-policy/v1"), asPolicy.err());

        Files.writeString(manifest, Files.readString(manifest) + "\n");
        final CliRun tampered = CliRun.of("manifest", "verify", manifest.toString(), "--trust",
            dir.resolve("authority.pub").toString());
        assertEquals(1, tampered.exitCode());
        assertTrue(tampered.err().contains(manifest + ": refused: tampered: digest differs"), tampered.err());

        keys("other");
        final CliRun resigned = CliRun.of("manifest", "sign", manifest.toString(), "--key",
            dir.resolve("other.key").toString());
        assertEquals(0, resigned.exitCode(), resigned.err());
        final CliRun untrusted = CliRun.of("manifest", "verify", manifest.toString(), "--trust",
            dir.resolve("authority.pub").toString());
        assertEquals(1, untrusted.exitCode());
        assertTrue(untrusted.err().contains("refused: untrusted key"), untrusted.err());
        final CliRun eitherKey = CliRun.of("manifest", "verify", manifest.toString(), "--trust",
            dir.resolve("authority.pub") + "," + dir.resolve("other.pub"));
        assertEquals(0, eitherKey.exitCode(), eitherKey.err());
    }

    /**
     * A signature file is read strictly: each of these verified OK before (a second document, a repeated member, an
     * extra member, trailing text, base64 without its padding), and a trust file of two keys trusted only the first.
     */
    @Test
    void shouldRefuseASignatureFileThatIsNotExactlyWhatSignWritesAndATrustFileOfTwoKeys() throws IOException
    {
        keys("authority");
        final Path manifest = copy("examples/pipeline-manifest/v1/valid/demo-reference.yaml", "m.yaml");
        assertEquals(0, CliRun.of("manifest", "sign", manifest.toString(), "--key",
            dir.resolve("authority.key").toString()).exitCode());
        final Path sig = dir.resolve("m.yaml.sig");
        final String written = Files.readString(sig).strip();
        final String signature = written.replaceAll(".*\"signature\":\"([^\"]+)\".*", "$1");
        final String[] variants = {
            written + "\n" + written + "\n",
            written.replace("{", "{\"sha256\":\"" + "0".repeat(64) + "\","),
            written.replace("{", "{\"comment\":\"x\","),
            written + "\ntrailing text\n",
            written.replace(signature, signature.replace("=", "")),
        };
        final String pub = dir.resolve("authority.pub").toString();
        for (final String variant : variants)
        {
            Files.writeString(sig, variant);
            final CliRun verify = CliRun.of("manifest", "verify", manifest.toString(), "--trust", pub);
            assertEquals(1, verify.exitCode(), variant + "\n" + verify.out());
        }
        // Random bytes: one line naming the file, not Jackson's two (its message, then its location).
        Files.write(sig, new byte[] {(byte)0x9F, 0x12, (byte)0xE3, 0x7A, 0x00, (byte)0xC8, 0x41, 0x0A, 0x33});
        final CliRun random = CliRun.of("manifest", "verify", manifest.toString(), "--trust", pub);
        assertEquals(1, random.exitCode(), random.out());
        assertTrue(random.err().contains(sig + ": not JSON: "), random.err());
        assertEquals(1, random.err().lines().count(), random.err());
        Files.writeString(sig, written + "\n");
        assertEquals(0, CliRun.of("manifest", "verify", manifest.toString(), "--trust", pub).exitCode());

        keys("other");
        final Path both = dir.resolve("both.pub");
        Files.writeString(both, Files.readString(dir.resolve("other.pub")) + Files.readString(Path.of(pub)));
        final CliRun twoKeys = CliRun.of("manifest", "verify", manifest.toString(), "--trust", both.toString());
        assertEquals(1, twoKeys.exitCode(), twoKeys.out());
        assertTrue(twoKeys.err().contains("more than one '-----BEGIN PUBLIC KEY-----' block: one key per file"),
            twoKeys.err());
    }

    @Test
    void shouldGenerateKeysIntoAFolderThatDoesNotExistYet() throws IOException
    {
        // docs/security.md's first command, `keys generate --out keys/authority`, in a fresh directory.
        final Path base = dir.resolve("keys").resolve("authority");
        final CliRun run = CliRun.of("keys", "generate", "--out", base.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
            dir.resolve("keys").resolve("authority.key"))));
        assertTrue(Files.isRegularFile(dir.resolve("keys").resolve("authority.pub")));
    }

    @Test
    void shouldNeverOverwriteAKeyFile()
    {
        keys("authority");
        final CliRun again = CliRun.of("keys", "generate", "--out", dir.resolve("authority").toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("exists; a key file is never overwritten"), again.err());
        assertTrue(again.err().startsWith("pitgun keys generate: "), "names the whole command: " + again.err());
    }

    @Test
    void shouldSignAndVerifyAPolicyButNotSignAnInvalidOne() throws IOException
    {
        final String keyId = keys("authority");
        final Path policy = copy("examples/tuning-policy/v1/valid/seed-policy.yaml", "tuning.v1.yaml");
        final CliRun sign = CliRun.of("policy", "sign", policy.toString(), "--key",
            dir.resolve("authority.key").toString());
        assertEquals(0, sign.exitCode(), sign.err());
        final CliRun verify = CliRun.of("policy", "verify", policy.toString(), "--trust",
            dir.resolve("authority.pub").toString());
        assertEquals(0, verify.exitCode(), verify.err());
        assertTrue(verify.out().contains("signed by trusted key " + keyId), verify.out());

        final Path invalid = dir.resolve("invalid.yaml");
        Files.writeString(invalid, "version: v1\nlimits:\n  max_engine_rpm: 15000\n"); // no signed_by
        final CliRun refused = CliRun.of("policy", "sign", invalid.toString(), "--key",
            dir.resolve("authority.key").toString());
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().contains("not signed: it is not a valid tuning-policy/v1"), refused.err());
        assertFalse(Files.exists(dir.resolve("invalid.yaml.sig")));
    }

    @Test
    void shouldNotSignAManifestThatDoesNotCompileAndSayWhyAsValidateDoes() throws IOException
    {
        // Schema-valid, but the formula names a channel sim.v1 does not have: validate calls it INVALID.
        keys("authority");
        final Path manifest = dir.resolve("bad.yaml");
        Files.writeString(manifest, String.join("\n",
            "version: v1",
            "pipeline:",
            "  - type: formula",
            "    derived_channels:",
            "      - name: Power_kW",
            "        expr: \"Torque_Nm * Bogus / 9549.0\"",
            ""));
        final CliRun validate = CliRun.of("validate", manifest.toString());
        assertEquals(1, validate.exitCode(), validate.out());

        final CliRun sign = CliRun.of("manifest", "sign", manifest.toString(), "--key",
            dir.resolve("authority.key").toString());

        assertEquals(1, sign.exitCode(), sign.out() + sign.err());
        assertFalse(Files.exists(dir.resolve("bad.yaml.sig")), "no signature written");
        final String problem = manifest + ":6:28: unknown channel 'Bogus'";
        assertTrue(validate.err().contains(problem), validate.err());
        assertTrue(sign.err().contains(problem), sign.err());
        assertTrue(sign.err().contains("        expr: \"Torque_Nm * Bogus / 9549.0\"\n" +
            "                           ^"), "quotes the line with a caret, as validate does: " + sign.err());
        assertTrue(sign.err().contains(manifest + ": not signed: it is not a valid manifest"), sign.err());
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
        try (InputStream in = SigningCommandsTest.class.getClassLoader().getResourceAsStream(resource))
        {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }
}
