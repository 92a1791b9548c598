package io.pitgun.schemas.signing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A document's bytes as read once, their SHA-256, and the key id of the trusted key whose signature they carry
 * (empty when no signature was required and none was checked). Parse {@link #text()}, never the file again.
 *
 * @param file        where the bytes came from (for messages).
 * @param bytes       the exact bytes the signature covers; not copied, do not change them.
 * @param sha256      lower-case hex SHA-256 of {@code bytes}.
 * @param signerKeyId the verified signer's key id, or empty.
 */
public record VerifiedDocument(Path file, byte[] bytes, String sha256, Optional<String> signerKeyId)
{
    /** What provenance records say for a document whose signature was not checked. */
    public static final String UNSIGNED = "unsigned";

    /** Bytes read without any signature check (no trust required). */
    public static VerifiedDocument unchecked(final Path file, final byte[] bytes)
    {
        return new VerifiedDocument(file, bytes, Ed25519Keys.Digests.sha256Hex(bytes), Optional.empty());
    }

    /** The bytes as UTF-8 text (manifests and policies are UTF-8). */
    public String text()
    {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The signer's key id, or {@value #UNSIGNED}. */
    public String signerOrUnsigned()
    {
        return signerKeyId.orElse(UNSIGNED);
    }
}
