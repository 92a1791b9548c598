package io.pitgun.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code pitgun manifest verify M --trust PUB...}: checks M's signature as a gateway with {@code --trust} would. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {"Check that a manifest carries a valid signature (M.sig) by a trusted key, as the gateway does " +
        "with --trust; prints the signer's key id, or why it is refused (unsigned, tampered, untrusted key, bad " +
        "signature)."},
    exitCodeList = {"0:signed by a trusted key (its key id is printed)",
        "1:refused (unsigned, tampered, untrusted key, bad signature), or a file cannot be read"})
final class ManifestVerifyCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "M", description = "The manifest.")
    Path file;

    @Option(names = "--trust", required = true, split = ",", paramLabel = "PUB",
        description = "Trusted public key files (repeat the option or separate with commas).")
    List<Path> trust;

    @Option(names = "--dictionary", paramLabel = "D",
        description = "Dictionary file the channel names refer to (default: the shipped one the manifest names).")
    Path dictionary;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        return DocumentSigning.verify(spec, file, trust, "a valid manifest",
            (manifest, text) -> ManifestSignCommand.problems(manifest, text, dictionary));
    }
}
