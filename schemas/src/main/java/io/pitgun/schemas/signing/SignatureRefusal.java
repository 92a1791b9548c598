package io.pitgun.schemas.signing;

/** Why a document's signature was refused; each has a short name that messages and counters use. */
public enum SignatureRefusal
{
    /** No {@code FILE.sig} next to the file. */
    UNSIGNED("unsigned"),
    /** {@code FILE.sig} is not a signature document ({@link DetachedSignature}). */
    MALFORMED_SIGNATURE("malformed signature"),
    /** The file's SHA-256 differs from the one that was signed: it changed after signing. */
    TAMPERED("tampered"),
    /** Signed by a key that is not among the trusted ones. */
    UNTRUSTED_KEY("untrusted key"),
    /** The digest matches, the key is trusted, but the signature does not verify with it (forged or damaged). */
    BAD_SIGNATURE("bad signature");

    private final String text;
    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    SignatureRefusal(final String text)
    {
        this.text = text;
    }

    /** The metric label, e.g. {@code untrusted_key} ({@code pitgun_signature_refusals_total{reason="..."}}). */
    public String label()
    {
        return label;
    }

    /** The short name, e.g. {@code tampered}. */
    public String text()
    {
        return text;
    }
}
