package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The test manifests in {@code src/test/resources/manifests}. */
final class Manifests
{
    private Manifests()
    {
    }

    static Path path(final String name)
    {
        try
        {
            return Path.of(Manifests.class.getResource("/manifests/" + name).toURI());
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static CompiledManifest compile(final String name)
    {
        try
        {
            return ManifestCompiler.compile(ManifestLoader.load(path(name)), ParameterRegistry.simV1());
        }
        catch (final ManifestException ex)
        {
            throw new IllegalStateException(ex.getMessage(), ex);
        }
    }
}
