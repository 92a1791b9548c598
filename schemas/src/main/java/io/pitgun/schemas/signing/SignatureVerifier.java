package io.pitgun.schemas.signing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks that a file carries a valid detached signature ({@code FILE.sig}) by one of the trusted keys, and hands
 * back the bytes it checked. One verifier serves pipeline manifests and tuning policies alike. The checks, in
 * order, each with its {@link SignatureRefusal}: the signature file exists (unsigned) and is well formed
 * (malformed signature); the file's SHA-256 equals the signed one (tampered); the key id is trusted (untrusted
 * key); the Ed25519 signature verifies with that key (bad signature). Thread-safe (immutable).
 */
public final class SignatureVerifier
{
    private final TrustedKeys trusted;

    /** A verifier that accepts signatures by these keys only. */
    public SignatureVerifier(final TrustedKeys trusted)
    {
        this.trusted = Objects.requireNonNull(trusted, "trusted");
    }

    /** The keys it accepts. */
    public TrustedKeys trusted()
    {
        return trusted;
    }

    /**
     * Reads {@code file} once and verifies its signature.
     *
     * @throws SignatureRefusedException naming the file and the reason.
     * @throws KeyFileException          if the file itself cannot be read.
     */
    public VerifiedDocument read(final Path file)
    {
        return verify(file, readBytes(file));
    }

    /**
     * Verifies that {@code bytes}, read from {@code file}, carry a valid signature by a trusted key
     * ({@code FILE.sig}).
     *
     * @throws SignatureRefusedException naming the file and the reason (counted, {@link SignatureRefusalCounts}).
     */
    public VerifiedDocument verify(final Path file, final byte[] bytes)
    {
        try
        {
            return check(file, bytes);
        }
        catch (final SignatureRefusedException ex)
        {
            SignatureRefusalCounts.record(ex.refusal());
            throw ex;
        }
    }

    private VerifiedDocument check(final Path file, final byte[] bytes)
    {
        final Path sigFile = DetachedSignature.fileFor(file);
        final byte[] sigBytes;
        try
        {
            sigBytes = Files.readAllBytes(sigFile);
        }
        catch (final NoSuchFileException ex)
        {
            throw new SignatureRefusedException(file, SignatureRefusal.UNSIGNED, "no signature " + sigFile +
                " (sign it with: pitgun manifest sign FILE --key KEY, or pitgun policy sign)");
        }
        catch (final IOException ex)
        {
            throw new SignatureRefusedException(file, SignatureRefusal.UNSIGNED, "cannot read " + sigFile + ": " + ex);
        }
        final DetachedSignature signature;
        try
        {
            signature = DetachedSignature.parse(sigBytes);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new SignatureRefusedException(file, SignatureRefusal.MALFORMED_SIGNATURE,
                sigFile + ": " + ex.getMessage());
        }
        final String sha256 = Ed25519Keys.Digests.sha256Hex(bytes);
        if (!sha256.equals(signature.sha256()))
        {
            throw new SignatureRefusedException(file, SignatureRefusal.TAMPERED, "digest differs: its SHA-256 is " +
                sha256 + " but " + sigFile.getFileName() + " signed " + signature.sha256() +
                " (the file changed after it was signed)");
        }
        final Optional<PublicKey> key = trusted.byKeyId(signature.keyId());
        if (key.isEmpty())
        {
            throw new SignatureRefusedException(file, SignatureRefusal.UNTRUSTED_KEY, "signed by key " +
                signature.keyId() + ", which is not trusted (trusted: " + String.join(", ", trusted.keyIds()) + ")");
        }
        if (!verifies(key.get(), bytes, signature.signature()))
        {
            throw new SignatureRefusedException(file, SignatureRefusal.BAD_SIGNATURE, "the signature in " +
                sigFile.getFileName() + " does not verify with trusted key " + signature.keyId());
        }
        return new VerifiedDocument(file, bytes, sha256, Optional.of(signature.keyId()));
    }

    /**
     * Reads a file for a caller that may or may not require signatures: verified when {@code verifier} is not null,
     * else read unchecked.
     */
    public static VerifiedDocument read(final Path file, final SignatureVerifier verifier)
    {
        return verifier != null ? verifier.read(file) : VerifiedDocument.unchecked(file, readBytes(file));
    }

    static boolean verifies(final PublicKey key, final byte[] bytes, final byte[] signature)
    {
        try
        {
            final Signature verifier = Signature.getInstance(Ed25519Keys.ALGORITHM);
            verifier.initVerify(key);
            verifier.update(bytes);
            return verifier.verify(signature);
        }
        catch (final GeneralSecurityException ex)
        {
            return false; // a signature the provider cannot even parse does not verify
        }
    }

    private static byte[] readBytes(final Path file)
    {
        try
        {
            return Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new KeyFileException(file + ": cannot read: " + ex, ex);
        }
    }
}
