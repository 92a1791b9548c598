package io.pitgun.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.engine.tuning.TuningPolicyLoader;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalDumper;
import io.pitgun.journal.JournalStatsCollector;
import io.pitgun.journal.ProgressListener;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import io.pitgun.schemas.SchemaCatalog;
import io.pitgun.schemas.SchemaId;
import io.pitgun.schemas.SchemaProblem;
import io.pitgun.schemas.signing.DocumentSigner;
import io.pitgun.schemas.signing.Ed25519Keys;
import io.pitgun.schemas.signing.SignatureRefusal;
import io.pitgun.schemas.signing.SignatureRefusedException;
import io.pitgun.schemas.signing.SignatureVerifier;
import io.pitgun.schemas.signing.TrustedKeys;
import io.pitgun.schemas.signing.VerifiedDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded builder's side of signed manifests: {@code trust(...)}, and the provenance it records. */
class SignedManifestPipelineTest
{
    @TempDir
    Path dir;

    private Path keys(final String name)
    {
        final Path key = dir.resolve(name + ".key");
        Ed25519Keys.write(Ed25519Keys.generate(), key, dir.resolve(name + ".pub"));
        return key;
    }

    private Path manifest(final Path signingKey) throws Exception
    {
        final Path manifest = dir.resolve("lap-power.yaml");
        Files.copy(Manifests.path("lap-power.yaml"), manifest);
        if (signingKey != null)
        {
            DocumentSigner.fromKeyFiles(signingKey, null).signFile(manifest);
        }
        return manifest;
    }

    private TelemetryPipelineBuilder trusting(final Path manifest, final String keyName)
    {
        return TelemetryPipeline.builder().manifest(manifest)
            .trust(TrustedKeys.load(List.of(dir.resolve(keyName + ".pub"))));
    }

    @Test
    void shouldRunASignedManifestAndRecordItsSignerInTheJournalAndInEveryInsight() throws Exception
    {
        final Path manifest = manifest(keys("authority"));
        final String keyId = Ed25519Keys.keyId(Ed25519Keys.readPublicKey(dir.resolve("authority.pub")));
        final Path journalDir = dir.resolve("journal");
        final Path output = dir.resolve("out.jsonl");
        final SyntheticRun run = new SyntheticRun(1, 2_000, 500);
        final TelemetryPipeline pipeline = trusting(manifest, "authority")
            .config(PipelineConfig.builder().journalDirectory(journalDir).jsonLinesFile(output).build()).build();
        try
        {
            assertEquals(keyId, pipeline.manifestSignerKeyId().orElseThrow());
            assertTrue(pipeline.awaitJournaled(run.publish(pipeline), TimeUnit.SECONDS.toNanos(60)));
        }
        finally
        {
            pipeline.close();
        }
        final String dump;
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir)))
        {
            assertEquals(1, JournalStatsCollector.collect(journal, ProgressListener.NONE).manifestsLoaded());
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            new JournalDumper(ParameterRegistry.simV1()).dump(journal, JournalDumper.Options.all(), out,
                ProgressListener.NONE);
            dump = out.toString(StandardCharsets.UTF_8);
        }
        final String first = dump.lines().findFirst().orElseThrow();
        assertTrue(first.contains("\"message\":\"ManifestLoaded\""), first);
        assertTrue(first.contains("\"signer_key_id\":\"" + keyId + "\""), first);
        final String sha256 = io.pitgun.schemas.signing.DetachedSignature.parse(
            Files.readAllBytes(dir.resolve("lap-power.yaml.sig"))).sha256();
        assertTrue(first.contains("\"manifest_digest\":\"" + sha256 + "\""), first + " has the signed file's digest");

        final List<String> insights = Files.readAllLines(output).stream()
            .filter(line -> line.contains("insight-contract/v1")).toList();
        assertFalse(insights.isEmpty());
        final SchemaCatalog catalog = SchemaCatalog.standard();
        for (final String insight : insights)
        {
            final List<SchemaProblem> problems = catalog.validate(new SchemaId("insight-contract", "v1"),
                new ObjectMapper().readTree(insight));
            assertTrue(problems.isEmpty(), () -> problems + " in " + insight);
            assertTrue(insight.contains("\"signer_key_id\":\"" + keyId + "\""), insight);
            assertTrue(insight.contains("\"manifest_sha256\":\"" + sha256 + "\""), insight);
            assertTrue(insight.contains("\"dictionary_sha256\":\"" +
                DictionaryDigest.sha256Hex(ParameterRegistry.simV1()) + "\""), insight);
        }
    }

    @Test
    void shouldRecordAnUnsignedManifestAsUnsignedWhenNoTrustIsRequired() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(manifest(null))
            .config(PipelineConfig.builder().journalDirectory(journalDir).build()).build();
        pipeline.close();
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir)))
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            new JournalDumper(ParameterRegistry.simV1()).dump(journal, JournalDumper.Options.all(), out,
                ProgressListener.NONE);
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"signer_key_id\":\"unsigned\""));
        }
    }

    @Test
    void shouldRefuseATamperedManifestNamingTheFile() throws Exception
    {
        final Path manifest = manifest(keys("authority"));
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\n", " \n"));
        final SignatureRefusedException ex = assertThrows(SignatureRefusedException.class,
            () -> trusting(manifest, "authority").build());
        assertEquals(SignatureRefusal.TAMPERED, ex.refusal());
        assertTrue(ex.getMessage().startsWith(manifest + ": refused: tampered"), ex.getMessage());
    }

    @Test
    void shouldRefuseAManifestSignedByAnUntrustedKey() throws Exception
    {
        final Path manifest = manifest(keys("rogue"));
        keys("authority");
        final SignatureRefusedException ex = assertThrows(SignatureRefusedException.class,
            () -> trusting(manifest, "authority").build());
        assertEquals(SignatureRefusal.UNTRUSTED_KEY, ex.refusal());
    }

    @Test
    void shouldRefuseAnUnsignedManifestOrABareCompiledOneWhenTrustIsRequired() throws Exception
    {
        keys("authority");
        final Path manifest = manifest(null);
        assertEquals(SignatureRefusal.UNSIGNED, assertThrows(SignatureRefusedException.class,
            () -> trusting(manifest, "authority").build()).refusal());
        assertThrows(IllegalArgumentException.class, () -> TelemetryPipeline.builder()
            .manifest(Manifests.compile("lap-power.yaml"))
            .trust(TrustedKeys.load(List.of(dir.resolve("authority.pub")))).build());
    }

    @Test
    void shouldCreditASignerOnlyToTheManifestThatRuns() throws Exception
    {
        final Path manifest = manifest(keys("authority"));
        final VerifiedDocument source =
            new SignatureVerifier(TrustedKeys.load(List.of(dir.resolve("authority.pub")))).read(manifest);
        final CompiledManifest signed = ManifestCompiler.compile(ManifestLoader.parse(manifest, source.text()),
            ParameterRegistry.simV1());
        // The signed one given first, another (unsigned) given last: the last runs, and it has no signer.
        final TelemetryPipelineBuilder builder = TelemetryPipeline.builder().manifest(signed, source)
            .manifest(Manifests.compile("lap-power.yaml"));
        try (TelemetryPipeline pipeline = builder.build())
        {
            assertNull(builder.signerKeyId, "the signer of a manifest that does not run");
        }
        // Under trust, the unsigned one given last is refused, not run on the first one's signature.
        assertThrows(IllegalArgumentException.class, () -> TelemetryPipeline.builder().manifest(signed, source)
            .manifest(Manifests.compile("lap-power.yaml"))
            .trust(TrustedKeys.load(List.of(dir.resolve("authority.pub")))).build());
    }

    @Test
    void shouldRequireATrustedSignatureOnTheTuningPolicyToo() throws Exception
    {
        final Path manifest = manifest(keys("authority"));
        final Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy,
            "version: v1\nname: practice\nsigned_by: authority.pitgun.io\nlimits:\n  max_engine_rpm: 15000\n");

        assertEquals(SignatureRefusal.UNSIGNED, assertThrows(SignatureRefusedException.class,
            () -> trusting(manifest, "authority").tuningPolicy(policy).build()).refusal());

        DocumentSigner.fromKeyFiles(dir.resolve("authority.key"), null).signFile(policy);
        try (TelemetryPipeline pipeline = trusting(manifest, "authority").tuningPolicy(policy).build())
        {
            assertEquals("practice", pipeline.tuningPolicy().orElseThrow().name());
        }

        Files.writeString(policy, Files.readString(policy).replace("15000", "16000"));
        assertEquals(SignatureRefusal.TAMPERED, assertThrows(SignatureRefusedException.class,
            () -> trusting(manifest, "authority").tuningPolicy(policy).build()).refusal());
        // A policy given loaded cannot be checked: refused under trust.
        assertThrows(IllegalArgumentException.class, () -> trusting(manifest, "authority")
            .tuningPolicy(TuningPolicyLoader.load(policy, ParameterRegistry.simV1())).build());
    }

    @Test
    void shouldNotChangeTheDerivedOutputWhenReplayingAJournalThatHoldsAManifestLoadedEntry() throws ManifestException
    {
        // Covered in depth by ReplayDeterminismTest; here the entry's own claim: replay passes over it.
        final Path journalDir = dir.resolve("journal");
        final SyntheticRun run = new SyntheticRun(1, 1_000, 250);
        final TelemetryPipeline live = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().journalDirectory(journalDir).outputDigest(true).build()).build();
        assertTrue(live.awaitJournaled(run.publish(live), TimeUnit.SECONDS.toNanos(60)));
        live.close();
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir)))
        {
            final TelemetryPipeline replay = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
                .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).outputDigest(true).build()).build();
            JournalReplayer.replay(journal, replay, null);
            replay.close();
            assertEquals(live.outputDigest().orElseThrow(), replay.outputDigest().orElseThrow());
        }
    }

    @Test
    void shouldJournalThePolicyAfterTheManifestAndReplayToTheSameOutputWithoutIt() throws Exception
    {
        final Path journalDir = dir.resolve("policy-journal");
        final Path policy = dir.resolve("loose.yaml");
        Files.writeString(policy, "version: v1\nname: loose\nsigned_by: authority.pitgun.io\nlimits:\n" +
            "  max_engine_rpm: 65535\n");
        final SyntheticRun run = new SyntheticRun(1, 1_000, 250);
        final TelemetryPipeline live = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .tuningPolicy(policy)
            .config(PipelineConfig.builder().journalDirectory(journalDir).outputDigest(true).build()).build();
        assertTrue(live.awaitJournaled(run.publish(live), TimeUnit.SECONDS.toNanos(60)));
        live.close();
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir)))
        {
            assertEquals(1, JournalStatsCollector.collect(journal, ProgressListener.NONE).policiesLoaded());
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            new JournalDumper(ParameterRegistry.simV1()).dump(journal, JournalDumper.Options.all(), out,
                ProgressListener.NONE);
            final List<String> lines = out.toString(StandardCharsets.UTF_8).lines().limit(2).toList();
            assertTrue(lines.get(0).contains("\"message\":\"ManifestLoaded\""), lines.toString());
            assertTrue(lines.get(1).contains("\"message\":\"PolicyLoaded\""), lines.toString());
            assertTrue(lines.get(1).contains("\"policy_digest\":\"" +
                VerifiedDocument.unchecked(policy, Files.readAllBytes(policy)).sha256() +
                "\",\"policy_name\":\"loose\",\"signer_key_id\":\"unsigned\"}"), lines.get(1));

            // The processing stage passes over PolicyLoaded: a replay without the policy derives the same bytes.
            final TelemetryPipeline replay = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
                .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).outputDigest(true).build()).build();
            JournalReplayer.replay(journal, replay, null);
            replay.close();
            assertEquals(live.outputDigest().orElseThrow(), replay.outputDigest().orElseThrow());
        }
    }
}
