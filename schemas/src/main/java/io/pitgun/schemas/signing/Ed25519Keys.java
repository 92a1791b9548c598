package io.pitgun.schemas.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 key pairs as PEM files, with the JDK's own provider (no cryptography of ours): the private key as PKCS#8
 * ({@code -----BEGIN PRIVATE KEY-----}, written readable by its owner only), the public key as X.509
 * SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}), both as OpenSSL writes and reads them. A key is named
 * by its {@linkplain #keyId key id}.
 */
public final class Ed25519Keys
{
    /** The JCA name of the algorithm, for {@code KeyPairGenerator}, {@code KeyFactory} and {@code Signature}. */
    public static final String ALGORITHM = "Ed25519";
    /** Hex digits of a key id: 64 bits of the public key's digest, plenty to tell a handful of keys apart. */
    public static final int KEY_ID_HEX_DIGITS = 16;

    private static final String PRIVATE_LABEL = "PRIVATE KEY";
    private static final String PUBLIC_LABEL = "PUBLIC KEY";

    private Ed25519Keys()
    {
    }

    /** A new key pair from the JDK's default secure random source. */
    public static KeyPair generate()
    {
        try
        {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("this JDK has no " + ALGORITHM + " (JDK 15 and later have)", ex);
        }
    }

    /**
     * The key id of a public key: the first {@value #KEY_ID_HEX_DIGITS} lower-case hex digits of the SHA-256 of its
     * X.509 encoding (the bytes inside the {@code .pub} file's PEM), so anyone can compute it from the public file.
     */
    public static String keyId(final PublicKey key)
    {
        return Digests.sha256Hex(key.getEncoded()).substring(0, KEY_ID_HEX_DIGITS);
    }

    /**
     * Writes {@code NAME.key} and {@code NAME.pub}; the private key file is created with mode 600 where the file
     * system has POSIX permissions (so it is never readable by others, not even for a moment).
     *
     * @throws KeyFileException if either file exists (a key is never overwritten) or cannot be written.
     */
    public static void write(final KeyPair pair, final Path privateKeyFile, final Path publicKeyFile)
    {
        for (final Path file : new Path[] {privateKeyFile, publicKeyFile})
        {
            if (Files.exists(file))
            {
                throw new KeyFileException(file + ": exists; a key file is never overwritten (remove it first)");
            }
        }
        try
        {
            if (privateKeyFile.getFileSystem().supportedFileAttributeViews().contains("posix"))
            {
                Files.createFile(privateKeyFile,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            else
            {
                Files.createFile(privateKeyFile);
            }
            Files.writeString(privateKeyFile, pem(PRIVATE_LABEL, pair.getPrivate().getEncoded()),
                StandardCharsets.US_ASCII);
            Files.writeString(publicKeyFile, pem(PUBLIC_LABEL, pair.getPublic().getEncoded()),
                StandardCharsets.US_ASCII);
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw new KeyFileException(ex.getFile() + ": exists; a key file is never overwritten", ex);
        }
        catch (final IOException ex)
        {
            throw new KeyFileException("cannot write the key files: " + ex, ex);
        }
    }

    /**
     * Reads a PKCS#8 PEM Ed25519 private key.
     *
     * @throws KeyFileException naming the file when it is unreadable, not PEM or not an Ed25519 private key.
     */
    public static PrivateKey readPrivateKey(final Path file)
    {
        try
        {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(
                derOf(file, PRIVATE_LABEL)));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new KeyFileException(file + ": not an " + ALGORITHM + " private key: " + ex.getMessage(), ex);
        }
    }

    /**
     * Reads an X.509 SubjectPublicKeyInfo PEM Ed25519 public key.
     *
     * @throws KeyFileException naming the file when it is unreadable, not PEM or not an Ed25519 public key.
     */
    public static PublicKey readPublicKey(final Path file)
    {
        try
        {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(
                derOf(file, PUBLIC_LABEL)));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new KeyFileException(file + ": not an " + ALGORITHM + " public key: " + ex.getMessage(), ex);
        }
    }

    private static String pem(final String label, final byte[] der)
    {
        return "-----BEGIN " + label + "-----\n" +
            Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    private static byte[] derOf(final Path file, final String label)
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        }
        catch (final IOException ex)
        {
            throw new KeyFileException(file + ": cannot read the key file: " + ex, ex);
        }
        try
        {
            return PemBlock.der(text, label);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new KeyFileException(file + ": " + ex.getMessage() + " (expected a PEM " +
                (label.equals(PUBLIC_LABEL) ? ".pub" : ".key") + " file as pitgun keys generate writes)", ex);
        }
    }

    /** The SHA-256 digests this package names things by. */
    static final class Digests
    {
        private Digests()
        {
        }

        static String sha256Hex(final byte[] bytes)
        {
            try
            {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            }
            catch (final NoSuchAlgorithmException ex)
            {
                throw new IllegalStateException("every JDK has SHA-256", ex);
            }
        }
    }
}
