package io.pitgun.cli;

import io.pitgun.schemas.signing.Ed25519Keys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;

/**
 * {@code pitgun keys generate --out NAME}: a new Ed25519 key pair, {@code NAME.key} (PKCS#8 PEM, mode 600) and
 * {@code NAME.pub} (X.509 PEM); prints the key id. Never overwrites a key file.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {"Generate an Ed25519 key pair: NAME.key (private, PKCS#8 PEM, mode 600) and NAME.pub (public, " +
        "X.509 PEM, what --trust takes); prints its key id. Refuses to overwrite existing files."},
    exitCodeList = {"0:generated (its key id is printed)", "1:a file exists already or cannot be written"})
final class KeysGenerateCommand implements Callable<Integer>
{
    @Option(names = "--out", required = true, paramLabel = "NAME",
        description = "Path and base name of the key files, e.g. keys/authority for keys/authority.key and .pub.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        // docs/security.md writes keys/authority in a fresh directory: the folder is made, as a file's would be.
        final Path folder = out.toAbsolutePath().getParent();
        if (folder != null)
        {
            Files.createDirectories(folder);
        }
        final Path privateKey = out.resolveSibling(out.getFileName() + ".key");
        final Path publicKey = out.resolveSibling(out.getFileName() + ".pub");
        final KeyPair pair = Ed25519Keys.generate();
        Ed25519Keys.write(pair, privateKey, publicKey);
        final PrintWriter printer = spec.commandLine().getOut();
        printer.println("key id: " + Ed25519Keys.keyId(pair.getPublic()));
        printer.println("private key: " + privateKey + " (mode 600: keep it secret, sign with --key)");
        printer.println("public key: " + publicKey + " (give it to --trust)");
        printer.flush();
        return 0;
    }
}
