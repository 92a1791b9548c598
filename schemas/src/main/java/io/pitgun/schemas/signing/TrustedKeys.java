package io.pitgun.schemas.signing;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The public keys whose signatures a gateway, a pipeline or a replay accepts (the {@code --trust} files), by key id.
 * Immutable.
 */
public final class TrustedKeys
{
    private final Map<String, PublicKey> byKeyId;

    private TrustedKeys(final Map<String, PublicKey> byKeyId)
    {
        this.byKeyId = Collections.unmodifiableMap(byKeyId);
    }

    /**
     * Reads public key files ({@code .pub}, X.509 PEM).
     *
     * @throws KeyFileException naming the first file that is not an Ed25519 public key.
     * @throws IllegalArgumentException if no file is given.
     */
    public static TrustedKeys load(final List<Path> publicKeyFiles)
    {
        if (publicKeyFiles.isEmpty())
        {
            throw new IllegalArgumentException("trust: at least one public key file is needed");
        }
        final Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (final Path file : publicKeyFiles)
        {
            final PublicKey key = Ed25519Keys.readPublicKey(file);
            keys.put(Ed25519Keys.keyId(key), key);
        }
        return new TrustedKeys(keys);
    }

    /** Trusts exactly these keys (at least one). */
    public static TrustedKeys of(final PublicKey... keys)
    {
        if (keys.length == 0)
        {
            throw new IllegalArgumentException("trust: at least one public key is needed");
        }
        final Map<String, PublicKey> map = new LinkedHashMap<>();
        for (final PublicKey key : keys)
        {
            map.put(Ed25519Keys.keyId(key), key);
        }
        return new TrustedKeys(map);
    }

    /** The trusted key with this id. */
    public Optional<PublicKey> byKeyId(final String keyId)
    {
        return Optional.ofNullable(byKeyId.get(keyId));
    }

    /** The ids of the trusted keys, in the order given. */
    public Set<String> keyIds()
    {
        return byKeyId.keySet();
    }

    @Override
    public String toString()
    {
        return "TrustedKeys" + byKeyId.keySet();
    }
}
