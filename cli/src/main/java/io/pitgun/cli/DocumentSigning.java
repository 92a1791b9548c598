package io.pitgun.cli;

import io.pitgun.schemas.signing.DetachedSignature;
import io.pitgun.schemas.signing.DocumentSigner;
import io.pitgun.schemas.signing.SignatureRefusedException;
import io.pitgun.schemas.signing.SignatureVerifier;
import io.pitgun.schemas.signing.TrustedKeys;
import io.pitgun.schemas.signing.VerifiedDocument;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code pitgun manifest sign|verify} and {@code pitgun policy sign|verify} share: the commands differ only in
 * how they check that the file is the document it claims to be before signing it.
 */
final class DocumentSigning
{
    private DocumentSigning()
    {
    }

    /** How a command checks the text of a document before it is signed. */
    @FunctionalInterface
    interface Validation
    {
        /** What is wrong with {@code text}, the content of {@code file}, one line each; empty when it is valid. */
        List<String> problems(Path file, String text);
    }

    /**
     * Reads {@code file} once, checks those bytes with {@code validation} and signs the same bytes (writes
     * {@code FILE.sig}): never a second read, which could see a file changed after it was checked. Exit status 0 and
     * what it wrote, or 1 and why it did not sign.
     *
     * @param what the kind of document, for the refusal ("a valid manifest").
     */
    static int sign(final CommandLine.Model.CommandSpec spec, final Path file, final Path key, final Path pub,
        final String what, final Validation validation)
    {
        final PrintWriter err = spec.commandLine().getErr();
        final byte[] bytes;
        final String text;
        try
        {
            bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        }
        catch (final CharacterCodingException ex)
        {
            err.println(file + ": not signed: it is not valid UTF-8 text");
            return CliErrorHandler.FAILED;
        }
        catch (final IOException ex)
        {
            err.println(file + ": not signed: cannot read it: " + ex);
            return CliErrorHandler.FAILED;
        }
        final List<String> problems = validation.problems(file, text);
        if (!problems.isEmpty())
        {
            problems.forEach(err::println);
            err.println(file + ": not signed: it is not " + what);
            return CliErrorHandler.FAILED;
        }
        final DetachedSignature signature = DocumentSigner.fromKeyFiles(key, pub).signBytes(file, bytes);
        final PrintWriter out = spec.commandLine().getOut();
        out.println("signed " + file + " (sha256 " + signature.sha256() + ") with key " + signature.keyId() + ": " +
            DetachedSignature.fileFor(file));
        out.flush();
        return 0;
    }

    /**
     * Verifies {@code file} against the trusted keys, then checks that the signed bytes are {@code what}
     * ({@code validation}, as {@link #sign} does): exit 0 and the signer, or 1 and why it was refused.
     */
    static int verify(final CommandLine.Model.CommandSpec spec, final Path file, final List<Path> trust,
        final String what, final Validation validation)
    {
        final SignatureVerifier verifier = new SignatureVerifier(TrustedKeys.load(trust));
        try
        {
            final VerifiedDocument doc = verifier.read(file);
            // A valid signature says who signed these bytes, not what they are: a signed manifest is no policy.
            final List<String> problems = validation.problems(file, doc.text());
            if (!problems.isEmpty())
            {
                final PrintWriter err = spec.commandLine().getErr();
                problems.forEach(err::println);
                err.println(file + ": refused: signed by trusted key " + doc.signerOrUnsigned() + ", but it is not " +
                    what);
                return CliErrorHandler.FAILED;
            }
            final PrintWriter out = spec.commandLine().getOut();
            out.println(file + ": OK: signed by trusted key " + doc.signerOrUnsigned() + " (sha256 " + doc.sha256() +
                ")");
            out.flush();
            return 0;
        }
        catch (final SignatureRefusedException ex)
        {
            spec.commandLine().getErr().println(ex.getMessage());
            return CliErrorHandler.FAILED;
        }
    }
}
