package io.pitgun.schemas.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Signs files: writes {@code FILE.sig} ({@link DetachedSignature}) over the file's exact bytes with an Ed25519
 * private key. The public key is needed too, for the key id (the JDK cannot derive it from the private key) and to
 * check that the two belong together before anything is written.
 */
public final class DocumentSigner
{
    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    /**
     * A signer with a key pair.
     *
     * @throws KeyFileException if the public key is not the private key's partner.
     */
    public DocumentSigner(final PrivateKey privateKey, final PublicKey publicKey)
    {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = Ed25519Keys.keyId(publicKey);
        final byte[] probe = "pitgun key pair check".getBytes(StandardCharsets.US_ASCII);
        if (!SignatureVerifier.verifies(publicKey, probe, sign(probe)))
        {
            throw new KeyFileException("the public key " + keyId + " does not belong to the private key");
        }
    }

    /**
     * A signer from key files: {@code NAME.key} and, unless given, {@code NAME.pub} next to it.
     *
     * @param privateKeyFile the PKCS#8 PEM private key.
     * @param publicKeyFile  the public key, or null for the private key file's name with {@code .pub} for
     *                       {@code .key}.
     * @throws KeyFileException naming the file that cannot be read, or if the keys are not a pair.
     */
    public static DocumentSigner fromKeyFiles(final Path privateKeyFile, final Path publicKeyFile)
    {
        final Path pub = publicKeyFile != null ? publicKeyFile : publicKeyFileFor(privateKeyFile);
        return new DocumentSigner(Ed25519Keys.readPrivateKey(privateKeyFile), Ed25519Keys.readPublicKey(pub));
    }

    /** {@code NAME.pub} for {@code NAME.key} (or {@code FILE.pub} for any other name). */
    public static Path publicKeyFileFor(final Path privateKeyFile)
    {
        final String name = privateKeyFile.getFileName().toString();
        final String base = name.endsWith(".key") ? name.substring(0, name.length() - ".key".length()) : name;
        return privateKeyFile.resolveSibling(base + ".pub");
    }

    /** The key id signatures of this signer carry. */
    public String keyId()
    {
        return keyId;
    }

    /** The signature of some bytes. */
    public DetachedSignature signature(final byte[] bytes)
    {
        return new DetachedSignature(keyId, Ed25519Keys.Digests.sha256Hex(bytes), sign(bytes));
    }

    /**
     * Signs a file: writes (replaces) {@code FILE.sig} and returns what it wrote.
     *
     * @throws KeyFileException if the file cannot be read or the signature not written.
     */
    public DetachedSignature signFile(final Path file)
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new KeyFileException(file + ": cannot read the file to sign: " + ex, ex);
        }
        return signBytes(file, bytes);
    }

    /**
     * Signs {@code bytes}, the content of {@code file} as the caller read (and checked) it: writes (replaces)
     * {@code FILE.sig} and returns what it wrote. The file is not read again, so what is signed is exactly what was
     * checked, even if the file changes in between (the signature then no longer matches it, and verification
     * says {@code tampered}).
     *
     * @throws KeyFileException if the signature cannot be written.
     */
    public DetachedSignature signBytes(final Path file, final byte[] bytes)
    {
        final DetachedSignature signature = signature(bytes);
        final Path sigFile = DetachedSignature.fileFor(file);
        try
        {
            Files.writeString(sigFile, signature.toJson(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new KeyFileException(sigFile + ": cannot write the signature: " + ex, ex);
        }
        return signature;
    }

    private byte[] sign(final byte[] bytes)
    {
        try
        {
            final Signature signer = Signature.getInstance(Ed25519Keys.ALGORITHM);
            signer.initSign(privateKey);
            signer.update(bytes);
            return signer.sign();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new KeyFileException("cannot sign with this private key: " + ex.getMessage(), ex);
        }
    }
}
