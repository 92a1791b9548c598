package io.pitgun.schemas.signing;

import java.nio.file.Path;

/**
 * A document whose signature a verifier refused. The message names the file and says why, e.g.
 * {@code manifest.yaml: refused: tampered: its SHA-256 is 5e1f... but manifest.yaml.sig signed 9a07...}.
 */
public final class SignatureRefusedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final SignatureRefusal refusal;
    private final String reason;

    /** A refusal of {@code file} for {@code refusal}, {@code detail} saying more. */
    public SignatureRefusedException(final Path file, final SignatureRefusal refusal, final String detail)
    {
        super(file + ": refused: " + refusal.text() + ": " + detail);
        this.file = file;
        this.refusal = refusal;
        this.reason = "refused: " + refusal.text() + ": " + detail;
    }

    /** The message without the file name in front: {@code refused: tampered: ...}. */
    public String reason()
    {
        return reason;
    }

    /** The refused file. */
    public Path file()
    {
        return file;
    }

    /** Why it was refused. */
    public SignatureRefusal refusal()
    {
        return refusal;
    }
}
