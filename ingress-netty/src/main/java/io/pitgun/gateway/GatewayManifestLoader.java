package io.pitgun.gateway;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import io.pitgun.manifest.ManifestProblem;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loads the gateway's manifest at start: the file {@code MANIFEST} names, or the built-in one on the class path. */
final class GatewayManifestLoader
{
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
            final String resource = GatewayServer.DEFAULT_MANIFEST_RESOURCE;
            try (InputStream in = GatewayManifestLoader.class.getClassLoader().getResourceAsStream(resource))
            {
                if (in == null)
                {
                    throw new IllegalStateException("the built-in manifest " + resource + " is missing");
                }
                return ManifestCompiler.compile(ManifestLoader.parse(Path.of(resource),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)), registry);
            }
        }
        catch (final ManifestException ex)
        {
            final List<String> problems = new ArrayList<>();
            for (final ManifestProblem problem : ex.problems())
            {
                problems.add(GatewaySetting.MANIFEST.envName() + " (" + GatewaySetting.MANIFEST.flag() + "): " + problem);
            }
            throw new GatewayConfigException(problems.isEmpty() ? List.of(ex.getMessage()) : problems);
        }
        catch (final IOException ex)
        {
            throw new GatewayConfigException(List.of("cannot read the manifest: " + ex.getMessage()));
        }
    }
}
