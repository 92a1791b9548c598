package io.pitgun.cli;

import io.pitgun.schemas.signing.DetachedSignature;
import io.pitgun.schemas.signing.DocumentSigner;
import io.pitgun.schemas.signing.SignatureRefusedException;
import io.pitgun.schemas.signing.SignatureVerifier;
import io.pitgun.schemas.signing.TrustedKeys;
import io.pitgun.schemas.signing.VerifiedDocument;
import picocli.CommandLine;

import java.io.PrintWriter;
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

    /** Signs {@code file} (writes {@code FILE.sig}) and prints what it wrote; exit status 0. */
    static int sign(final CommandLine.Model.CommandSpec spec, final Path file, final Path key, final Path pub)
    {
        final DetachedSignature signature = DocumentSigner.fromKeyFiles(key, pub).signFile(file);
        final PrintWriter out = spec.commandLine().getOut();
        out.println("signed " + file + " (sha256 " + signature.sha256() + ") with key " + signature.keyId() + ": " +
            DetachedSignature.fileFor(file));
        out.flush();
        return 0;
    }

    /** Verifies {@code file} against the trusted keys: exit 0 and the signer, or 1 and why it was refused. */
    static int verify(final CommandLine.Model.CommandSpec spec, final Path file, final List<Path> trust)
    {
        final SignatureVerifier verifier = new SignatureVerifier(TrustedKeys.load(trust));
        try
        {
            final VerifiedDocument doc = verifier.read(file);
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
