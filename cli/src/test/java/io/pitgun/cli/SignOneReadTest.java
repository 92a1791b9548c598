package io.pitgun.cli;

import io.pitgun.schemas.signing.DetachedSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code manifest sign} and {@code policy sign} sign the bytes they validated: a file replaced between the check
 * and the signature (a writer racing the signer) is not what gets signed, and its signature then fails to verify.
 */
class SignOneReadTest
{
    private static final String EVIL_MANIFEST = "version: v1\nname: not-what-was-checked\n";

    @TempDir
    Path dir;

    @Test
    void shouldSignTheManifestBytesItValidatedNotTheFileReadAgain() throws Exception
    {
        assertEquals(0, CliRun.of("keys", "generate", "--out", dir.resolve("authority").toString()).exitCode());
        final Path manifest = copy("examples/pipeline-manifest/v1/valid/demo-reference.yaml", "m.yaml");
        final byte[] checked = Files.readAllBytes(manifest);

        // The validation step sees the original text, then a racing writer replaces the file before signing.
        final int exit = DocumentSigning.sign(spec(), manifest, dir.resolve("authority.key"), null,
            "a valid manifest", (file, text) ->
            {
                final List<String> problems = ManifestSignCommand.problems(file, text);
                write(file, EVIL_MANIFEST);
                return problems;
            });

        assertEquals(0, exit);
        final String sig = Files.readString(DetachedSignature.fileFor(manifest));
        assertTrue(sig.contains("\"sha256\":\"" + sha256(checked) + "\""), sig);
        final CliRun refused = CliRun.of("manifest", "verify", manifest.toString(), "--trust",
            dir.resolve("authority.pub").toString());
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().contains("refused: tampered"), refused.err());

        Files.write(manifest, checked);
        assertEquals(0, CliRun.of("manifest", "verify", manifest.toString(), "--trust",
            dir.resolve("authority.pub").toString()).exitCode());
    }

    @Test
    void shouldValidateAPolicyFromTheBytesItSigns() throws Exception
    {
        final Path policy = copy("examples/tuning-policy/v1/valid/seed-policy.yaml", "p.yaml");
        assertEquals(List.of(), PolicySignCommand.problems(policy, Files.readString(policy)));
        // Only the text given counts, whatever the file holds.
        final List<String> problems = PolicySignCommand.problems(policy, "format: nothing\n");
        assertTrue(!problems.isEmpty() && problems.get(0).startsWith(policy + ": "), problems.toString());
    }

    private static CommandLine.Model.CommandSpec spec()
    {
        final CommandLine line = new CommandLine(new ManifestSignCommand());
        line.setOut(new PrintWriter(new StringWriter()));
        line.setErr(new PrintWriter(new StringWriter()));
        return line.getCommandSpec();
    }

    private static void write(final Path file, final String text)
    {
        try
        {
            Files.writeString(file, text);
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static String sha256(final byte[] bytes) throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private Path copy(final String resource, final String name) throws Exception
    {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource))
        {
            final Path target = dir.resolve(name);
            Files.copy(in, target);
            return target;
        }
    }
}
