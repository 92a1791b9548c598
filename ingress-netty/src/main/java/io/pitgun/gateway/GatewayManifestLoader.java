package io.pitgun.gateway;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import io.pitgun.manifest.ManifestProblem;
import io.pitgun.manifest.PipelineManifest;
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
 * default manifest for sim.v1, a pass-through one for any other dictionary).
 */
final class GatewayManifestLoader
{
    private static final Logger LOG = LoggerFactory.getLogger(GatewayManifestLoader.class);
    private static final String PASSTHROUGH_MANIFEST_RESOURCE = "gateway/passthrough-manifest.yaml";

    private GatewayManifestLoader()
    {
    }

    /**
     * Compiles the manifest {@code MANIFEST} names, or the built-in one.
     *
     * @throws GatewayConfigException naming the setting and every problem when it does not load or compile.
     */
    static CompiledManifest load(final GatewayConfig config, final ParameterRegistry registry)
    {
        try
        {
            if (config.manifest().isPresent())
            {
                return ManifestCompiler.compile(ManifestLoader.load(config.manifest().get()), registry);
            }
            // The built-in manifest derives sim.v1 channels; any other dictionary gets the pass-through one.
            final boolean simV1 = registry.name().equals(PipelineManifest.DEFAULT_DICTIONARY);
            final String resource = simV1 ? GatewayServer.DEFAULT_MANIFEST_RESOURCE : PASSTHROUGH_MANIFEST_RESOURCE;
            try (InputStream in = GatewayManifestLoader.class.getClassLoader().getResourceAsStream(resource))
            {
                if (in == null)
                {
                    throw new IllegalStateException("the built-in manifest " + resource + " is missing");
                }
                final String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (!simV1)
                {
                    LOG.info("no manifest given and dictionary {} is not {}: frames are journaled and streamed as " +
                        "received ({})", registry.name(), PipelineManifest.DEFAULT_DICTIONARY, resource);
                }
                return ManifestCompiler.compile(ManifestLoader.parse(Path.of(resource),
                    simV1 ? text : text.replace("dictionary: DICTIONARY", "dictionary: " + registry.name())), registry);
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
}
