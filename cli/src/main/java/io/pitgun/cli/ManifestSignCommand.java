package io.pitgun.cli;

import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code pitgun manifest sign M --key K}: writes {@code M.sig}, an Ed25519 signature over M's exact bytes; a
 * manifest that does not validate is not signed.
 */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {"Sign a pipeline manifest: writes M.sig (Ed25519 over M's exact bytes, docs/security.md). " +
        "A manifest that does not validate is not signed."})
final class ManifestSignCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "M", description = "The manifest.")
    Path file;

    @Option(names = "--key", required = true, paramLabel = "K", description = "The private key (NAME.key).")
    Path key;

    @Option(names = "--pub", paramLabel = "P",
        description = "Its public key (default: NAME.pub next to NAME.key), for the key id.")
    Path pub;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        return DocumentSigning.sign(spec, file, key, pub, "a valid manifest", ManifestSignCommand::problems);
    }

    /** What is wrong with manifest {@code text} (the content of {@code file}): nothing, or the loader's message. */
    static java.util.List<String> problems(final Path file, final String text)
    {
        try
        {
            ManifestLoader.parse(file, text);
            return java.util.List.of();
        }
        catch (final ManifestException ex)
        {
            return java.util.List.of(ex.getMessage());
        }
    }
}
