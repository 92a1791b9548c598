package io.pitgun.gateway;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.f1.F1Channel;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import io.pitgun.manifest.ManifestProblem;
import io.pitgun.manifest.PipelineManifest;
import io.pitgun.schemas.signing.KeyFileException;
import io.pitgun.schemas.signing.SignatureRefusedException;
import io.pitgun.schemas.signing.SignatureVerifier;
import io.pitgun.schemas.signing.TrustedKeys;
import io.pitgun.schemas.signing.VerifiedDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the gateway's manifest at start: the file {@code MANIFEST} names, or a built-in one on the class path (the
 * default manifest for sim.v1, f1-25-laps for f1-25.v1, a pass-through one for any other dictionary). With {@code TRUST} set the file must
 * carry a valid detached signature by a trusted key (docs/security.md).
 */
final class GatewayManifestLoader
{
    private static final Logger LOG = LoggerFactory.getLogger(GatewayManifestLoader.class);
    private static final String PASSTHROUGH_MANIFEST_RESOURCE = "gateway/passthrough-manifest.yaml";
    /** The built-in manifest for the UDP source's dictionary: lap distance, lap and session summaries. */
    static final String F1_MANIFEST_RESOURCE = "gateway/f1-25-laps-manifest.yaml";

    private GatewayManifestLoader()
    {
    }

    /**
     * Compiles the manifest {@code MANIFEST} names, or the built-in one; with {@code TRUST} set, only after its
     * signature checked out (and from the bytes that were checked).
     *
     * @return the compiled manifest, and the verified document it came from when signatures are required (else
     *         null).
     * @throws GatewayConfigException naming the setting and every problem when it does not load or compile, or
     *                                naming the file and why its signature was refused.
     */
    static Loaded load(final GatewayConfig config, final ParameterRegistry registry)
    {
        try
        {
            if (config.manifest().isPresent() && !config.trust().isEmpty())
            {
                final VerifiedDocument source = verified(GatewaySetting.MANIFEST, config.manifest().get(),
                    config.trust());
                return new Loaded(ManifestCompiler.compile(ManifestLoader.parse(source.file(), source.text()),
                    registry), source);
            }
            if (config.manifest().isPresent())
            {
                return new Loaded(ManifestCompiler.compile(ManifestLoader.load(config.manifest().get()), registry),
                    null);
            }
            // The built-in manifests derive sim.v1 or f1-25.v1 channels; any other dictionary gets the pass-through one.
            final boolean simV1 = registry.name().equals(PipelineManifest.DEFAULT_DICTIONARY);
            final boolean f1 = registry.name().equals(F1Channel.DICTIONARY_NAME);
            final String resource = simV1 ? GatewayServer.DEFAULT_MANIFEST_RESOURCE :
                f1 ? F1_MANIFEST_RESOURCE : PASSTHROUGH_MANIFEST_RESOURCE;
            try (InputStream in = GatewayManifestLoader.class.getClassLoader().getResourceAsStream(resource))
            {
                if (in == null)
                {
                    throw new IllegalStateException("the built-in manifest " + resource + " is missing");
                }
                final String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (!simV1 && !f1)
                {
                    LOG.info("no manifest given and dictionary {} is not {}: frames are journaled and streamed as " +
                        "received ({})", registry.name(), PipelineManifest.DEFAULT_DICTIONARY, resource);
                }
                return new Loaded(ManifestCompiler.compile(ManifestLoader.parse(Path.of(resource),
                    simV1 || f1 ? text : text.replace("dictionary: DICTIONARY", "dictionary: " + registry.name())), registry),
                    null);
            }
        }
        catch (final ManifestException ex)
        {
            final List<String> problems = new ArrayList<>();
            for (final ManifestProblem problem : ex.problems())
            {
                problems.add(GatewaySetting.MANIFEST.label() + ": " +
                    problem.format());
            }
            throw new GatewayConfigException(problems.isEmpty() ? List.of(ex.getMessage()) : problems);
        }
        catch (final IOException ex)
        {
            throw new GatewayConfigException(List.of("cannot read the manifest: " + ex.getMessage()));
        }
    }

    /**
     * {@code file} (the MANIFEST or the TUNING_POLICY, named by {@code setting}) read once and verified against the
     * TRUST keys.
     *
     * @throws GatewayConfigException naming the setting and why, if it carries no valid signature by them.
     */
    static VerifiedDocument verified(final GatewaySetting setting, final Path file, final List<Path> trust)
    {
        final TrustedKeys keys;
        try
        {
            keys = TrustedKeys.load(trust);
        }
        catch (final KeyFileException ex)
        {
            throw new GatewayConfigException(List.of(GatewaySetting.TRUST.label() + ": " + ex.getMessage()));
        }
        try
        {
            final VerifiedDocument source = new SignatureVerifier(keys).read(file);
            LOG.info("{} {} (sha256 {}) is signed by trusted key {}", setting.envName(), file, source.sha256(),
                source.signerOrUnsigned());
            return source;
        }
        catch (final SignatureRefusedException | KeyFileException ex)
        {
            throw new GatewayConfigException(List.of(setting.label() + ": " + ex.getMessage()));
        }
    }

    /**
     * A compiled manifest and, when signatures were required, the verified document it was compiled from.
     *
     * @param compiled the manifest.
     * @param source   the verified file, or null when no signature was required.
     */
    record Loaded(CompiledManifest compiled, VerifiedDocument source)
    {
    }
}
