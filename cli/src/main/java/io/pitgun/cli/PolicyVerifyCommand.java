package io.pitgun.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code pitgun policy verify P --trust PUB...}: checks P's detached signature against trusted keys. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {"Check that a tuning policy carries a valid signature (P.sig) by a trusted key; prints the " +
        "signer's key id, or why it is refused."},
    exitCodeList = {"0:signed by a trusted key (its key id is printed)",
        "1:refused (unsigned, tampered, untrusted key, bad signature), or a file cannot be read"})
final class PolicyVerifyCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "P", description = "The tuning policy.")
    Path file;

    @Option(names = "--trust", required = true, split = ",", paramLabel = "PUB",
        description = "Trusted public key files (repeat the option or separate with commas).")
    List<Path> trust;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        return DocumentSigning.verify(spec, file, trust, "a valid " + PolicySignCommand.SCHEMA,
            PolicySignCommand::problems);
    }
}
