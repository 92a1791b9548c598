package io.pitgun.cli;

import io.pitgun.manifest.ManifestException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pitgun manifest sign M --key K}: writes {@code M.sig}, an Ed25519 signature over M's exact bytes; a
 * manifest that does not validate (as {@code pitgun validate} and {@code manifest check} see it: schema, dictionary,
 * formulas) is not signed.
 */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {"Sign a pipeline manifest: writes M.sig (Ed25519 over M's exact bytes, docs/security.md). " +
        "A manifest that does not validate (pitgun validate, manifest check) is not signed."},
    exitCodeList = {"0:signed (M.sig written)",
        "1:the manifest does not validate, or a file cannot be read or written"})
final class ManifestSignCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "M", description = "The manifest.")
    Path file;

    @Option(names = "--key", required = true, paramLabel = "K", description = "The private key (NAME.key).")
    Path key;

    @Option(names = "--pub", paramLabel = "P",
        description = "Its public key (default: NAME.pub next to NAME.key), for the key id.")
    Path pub;

    @Option(names = "--dictionary", paramLabel = "D",
        description = "Dictionary file the channel names refer to (default: the shipped one the manifest names).")
    Path dictionary;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        return DocumentSigning.sign(spec, file, key, pub, "a valid manifest",
            (manifest, text) -> problems(manifest, text, dictionary));
    }

    /** As {@link #problems(Path, String, Path)} against the shipped dictionary the manifest names. */
    static List<String> problems(final Path file, final String text)
    {
        return problems(file, text, null);
    }

    /**
     * What is wrong with manifest {@code text} (the content of {@code file}) against {@code dictionary} (null: the
     * shipped one it names): nothing, or every problem as {@code manifest check} and {@code validate} print them. A
     * manifest that only passes the schema would run nowhere: the gateway compiles it against its dictionary.
     */
    static List<String> problems(final Path file, final String text, final Path dictionary)
    {
        try
        {
            ManifestCommand.check(file, text, dictionary);
            return List.of();
        }
        catch (final ManifestException ex)
        {
            return List.of(ex.getMessage());
        }
    }
}
