package io.pitgun.schemas.signing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The detached signature of one file, stored next to it as {@code FILE.sig}:
 *
 * <pre>{@code
 * {"format":"pitgun-signature/v1","algorithm":"Ed25519","key_id":"3f9c0a7d12e45b68",
 *  "sha256":"<64 hex digits of the signed file's bytes>","signature":"<base64 of the 64-byte signature>"}
 * }</pre>
 *
 * The signature is over the file's exact bytes (not over this document and not over a canonical form): the
 * {@code sha256} is there so that a verifier can tell "the file changed" (tampered) from "the signature is not by
 * that key", and say which digest it expected. The {@code key_id} only selects the trusted key to check with; it is
 * not evidence of anything by itself.
 *
 * @param keyId        {@link Ed25519Keys#keyId} of the signing key.
 * @param sha256       lower-case hex SHA-256 of the signed bytes.
 * @param signature    the Ed25519 signature of the signed bytes.
 */
public record DetachedSignature(String keyId, String sha256, byte[] signature)
{
    /** The value of {@code format}; a later layout would get another. */
    public static final String FORMAT = "pitgun-signature/v1";
    /** The file name suffix of a detached signature. */
    public static final String SUFFIX = ".sig";

    /**
     * Strict: one object, each member once, nothing after it. A signature file is what {@link #toJson} writes; a
     * looser reading (a second document, a repeated member, the last of which wins) lets two files that differ verify
     * the same, which is not what a signature is for.
     */
    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final java.util.Set<String> MEMBERS =
        java.util.Set.of("format", "algorithm", "key_id", "sha256", "signature");
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{" + Ed25519Keys.KEY_ID_HEX_DIGITS + "}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int SIGNATURE_BYTES = 64;

    /** Where the signature of {@code file} is: {@code FILE.sig} in the same directory. */
    public static Path fileFor(final Path file)
    {
        return file.resolveSibling(file.getFileName() + SUFFIX);
    }

    /** The document, one line of JSON with a trailing newline. */
    public String toJson()
    {
        final ObjectNode doc = JSON.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("algorithm", Ed25519Keys.ALGORITHM);
        doc.put("key_id", keyId);
        doc.put("sha256", sha256);
        doc.put("signature", Base64.getEncoder().encodeToString(signature));
        return doc.toString() + "\n";
    }

    /**
     * Parses a signature document.
     *
     * @throws IllegalArgumentException saying which member is missing or malformed.
     */
    public static DetachedSignature parse(final byte[] json)
    {
        final JsonNode doc;
        try
        {
            doc = JSON.readTree(json);
        }
        catch (final JsonProcessingException ex)
        {
            // Its original message, without the location Jackson adds on a second line.
            throw new IllegalArgumentException("not JSON: " + ex.getOriginalMessage(), ex);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("not JSON: " + ex.getMessage(), ex);
        }
        if (doc == null || !doc.isObject())
        {
            throw new IllegalArgumentException("not a JSON object");
        }
        doc.fieldNames().forEachRemaining(member ->
        {
            if (!MEMBERS.contains(member))
            {
                throw new IllegalArgumentException("unknown member '" + member + "' (a " + FORMAT + " document has " +
                    "format, algorithm, key_id, sha256 and signature)");
            }
        });
        require(doc, "format", Pattern.compile(Pattern.quote(FORMAT)));
        require(doc, "algorithm", Pattern.compile(Ed25519Keys.ALGORITHM));
        final String keyId = require(doc, "key_id", KEY_ID);
        final String sha256 = require(doc, "sha256", SHA256);
        final String encoded = require(doc, "signature", Pattern.compile("[A-Za-z0-9+/=]+"));
        final byte[] signature;
        try
        {
            signature = Base64.getDecoder().decode(encoded);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("signature: not base64: " + ex.getMessage(), ex);
        }
        if (!Base64.getEncoder().encodeToString(signature).equals(encoded))
        {
            throw new IllegalArgumentException("signature: not canonical base64 (padded, as pitgun writes it)");
        }
        if (signature.length != SIGNATURE_BYTES)
        {
            throw new IllegalArgumentException("signature: " + signature.length + " bytes, an " +
                Ed25519Keys.ALGORITHM + " signature has " + SIGNATURE_BYTES);
        }
        return new DetachedSignature(keyId, sha256, signature);
    }

    private static String require(final JsonNode doc, final String member, final Pattern pattern)
    {
        final JsonNode value = doc.get(member);
        if (value == null || !value.isTextual())
        {
            throw new IllegalArgumentException(member + ": missing (a string is required)");
        }
        if (!pattern.matcher(value.textValue()).matches())
        {
            throw new IllegalArgumentException(member + ": '" + value.textValue() + "' must match " + pattern);
        }
        return value.textValue();
    }
}
