package io.pitgun.cli;

import io.pitgun.schemas.DocumentException;
import io.pitgun.schemas.DocumentFormat;
import io.pitgun.schemas.DocumentReader;
import io.pitgun.schemas.SchemaCatalog;
import io.pitgun.schemas.SchemaId;
import io.pitgun.schemas.SchemaProblem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pitgun policy sign P --key K}: writes {@code P.sig}, an Ed25519 signature over P's exact bytes; a policy
 * that does not validate against {@code tuning-policy/v1} is not signed.
 */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {"Sign a tuning policy: writes P.sig (Ed25519 over P's exact bytes, docs/security.md). " +
        "A policy that does not validate against tuning-policy/v1 is not signed."},
    exitCodeList = {"0:signed (P.sig written)", "1:the policy does not validate, or a file cannot be read or written"})
final class PolicySignCommand implements Callable<Integer>
{
    /** The contract a policy must meet before it is signed. */
    static final SchemaId SCHEMA = new SchemaId("tuning-policy", "v1");

    @Parameters(index = "0", paramLabel = "P", description = "The tuning policy (.yaml or .json).")
    Path file;

    @Option(names = "--key", required = true, paramLabel = "K", description = "The private key (NAME.key).")
    Path key;

    @Option(names = "--pub", paramLabel = "PUB",
        description = "Its public key (default: NAME.pub next to NAME.key), for the key id.")
    Path pub;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        return DocumentSigning.sign(spec, file, key, pub, "a valid " + SCHEMA, PolicySignCommand::problems);
    }

    /** What is wrong with policy {@code text} (the content of {@code file}) against {@code tuning-policy/v1}. */
    static List<String> problems(final Path file, final String text)
    {
        final List<SchemaProblem> problems;
        try
        {
            problems = SchemaCatalog.standard().validate(SCHEMA,
                DocumentReader.parse(file, text, DocumentFormat.of(file)).root());
        }
        catch (final DocumentException | IllegalArgumentException ex)
        {
            return List.of(ex.getMessage());
        }
        final List<String> lines = new java.util.ArrayList<>();
        for (final SchemaProblem problem : problems)
        {
            lines.add(file + ": " + problem);
        }
        return lines;
    }
}
