package io.pitgun.gateway;

import io.pitgun.schemas.signing.DocumentSigner;
import io.pitgun.schemas.signing.Ed25519Keys;
import io.pitgun.schemas.signing.SignatureRefusal;
import io.pitgun.schemas.signing.SignatureRefusalCounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every refused manifest or policy signature is counted by reason and shown in {@code /metrics} as
 * {@code pitgun_signature_refusals_total{reason}}: a gateway refused under TRUST does not start (its error names the
 * reason), and a gateway of the same process then reports what was refused.
 */
class GatewaySignatureRefusalMetricsTest
{
    private static final String MANIFEST = String.join("\n",
        "version: v1",
        "name: signed",
        "pipeline:",
        "  - type: formula",
        "    derived_channels:",
        "      - name: Speed_ms",
        "        expr: \"Speed / 3.6\"",
        "  - type: output",
        "    contracts: [pitgun-envelope/v1]",
        "");

    @TempDir
    Path dir;

    @Test
    void shouldCountEachRefusedSignatureByReasonInMetrics() throws Exception
    {
        final Path trusted = keys("authority");
        keys("rogue");
        final Map<SignatureRefusal, Long> before = new EnumMap<>(SignatureRefusal.class);
        for (final SignatureRefusal refusal : SignatureRefusal.values())
        {
            before.put(refusal, SignatureRefusalCounts.count(refusal));
        }

        final Path unsigned = Files.writeString(dir.resolve("unsigned.yaml"), MANIFEST);
        refused(unsigned, trusted, "refused: unsigned");

        final Path rogue = Files.writeString(dir.resolve("rogue.yaml"), MANIFEST);
        DocumentSigner.fromKeyFiles(dir.resolve("rogue.key"), null).signFile(rogue);
        refused(rogue, trusted, "refused: untrusted key");

        // Right digest and trusted key id, but a signature that is not the key's: forged.
        final Path forged = Files.writeString(dir.resolve("forged.yaml"), MANIFEST);
        DocumentSigner.fromKeyFiles(dir.resolve("authority.key"), null).signFile(forged);
        final Path sig = dir.resolve("forged.yaml.sig");
        final String json = Files.readString(sig);
        final int at = json.indexOf("\"signature\":\"") + "\"signature\":\"".length();
        Files.writeString(sig, json.substring(0, at) + (json.charAt(at) == 'A' ? 'B' : 'A') + json.substring(at + 1));
        refused(forged, trusted, "refused: bad signature");

        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), Map.of()))
        {
            for (final SignatureRefusal refusal : new SignatureRefusal[] {SignatureRefusal.UNSIGNED,
                SignatureRefusal.UNTRUSTED_KEY, SignatureRefusal.BAD_SIGNATURE})
            {
                final double shown = gateway.metric("pitgun_signature_refusals_total{reason=\"" + refusal.label() +
                    "\"}");
                // Other tests of this JVM may refuse too: at least ours.
                assertTrue(shown >= before.get(refusal) + 1, refusal + ": " + shown + " vs " + before.get(refusal));
            }
        }
        assertEquals(before.get(SignatureRefusal.TAMPERED), SignatureRefusalCounts.count(SignatureRefusal.TAMPERED),
            "nothing was tampered with here");
    }

    private void refused(final Path manifest, final Path trusted, final String why)
    {
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class,
            () -> new GatewayHarness(dir.resolve("refused"), Map.of(GatewaySetting.MANIFEST, manifest.toString(),
                GatewaySetting.TRUST, trusted.toString())).close());
        assertTrue(ex.getMessage().contains(why), ex.getMessage());
    }

    private Path keys(final String name) throws Exception
    {
        Ed25519Keys.write(Ed25519Keys.generate(), dir.resolve(name + ".key"), dir.resolve(name + ".pub"));
        return dir.resolve(name + ".pub");
    }
}
