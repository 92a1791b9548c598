package io.pitgun.schemas.signing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignatureVerifierTest
{
    private static final String MANIFEST = "name: power\nversion: 1\n";

    @TempDir
    Path dir;

    private Path keys(final String name)
    {
        final Path key = dir.resolve(name + ".key");
        Ed25519Keys.write(Ed25519Keys.generate(), key, dir.resolve(name + ".pub"));
        return key;
    }

    private Path signedManifest(final Path key) throws Exception
    {
        final Path manifest = dir.resolve("m.yaml");
        Files.writeString(manifest, MANIFEST, StandardCharsets.UTF_8);
        DocumentSigner.fromKeyFiles(key, null).signFile(manifest);
        return manifest;
    }

    private SignatureVerifier trusting(final String... names)
    {
        return new SignatureVerifier(TrustedKeys.load(
            java.util.Arrays.stream(names).map(n -> dir.resolve(n + ".pub")).toList()));
    }

    @Test
    void shouldWriteKeyFilesAsPemWithThePrivateKeyReadableByItsOwnerOnly() throws Exception
    {
        keys("authority");
        final Path key = dir.resolve("authority.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(Files.readString(dir.resolve("authority.pub")).startsWith("-----BEGIN PUBLIC KEY-----\n"));
        final KeyPair again = new KeyPair(Ed25519Keys.readPublicKey(dir.resolve("authority.pub")),
            Ed25519Keys.readPrivateKey(key));
        assertEquals(16, Ed25519Keys.keyId(again.getPublic()).length());
        assertThrows(KeyFileException.class, () -> keys("authority"), "a key file is never overwritten");
    }

    @Test
    void shouldAcceptASignedFileAndReturnTheBytesItChecked() throws Exception
    {
        final Path manifest = signedManifest(keys("a"));
        final VerifiedDocument doc = trusting("a").read(manifest);
        assertArrayEquals(MANIFEST.getBytes(StandardCharsets.UTF_8), doc.bytes());
        assertEquals(Ed25519Keys.keyId(Ed25519Keys.readPublicKey(dir.resolve("a.pub"))), doc.signerOrUnsigned());
        assertEquals(DetachedSignature.parse(Files.readAllBytes(dir.resolve("m.yaml.sig"))).sha256(), doc.sha256());
    }

    @Test
    void shouldRefuseAFileWithOneChangedByteAsTampered() throws Exception
    {
        final Path manifest = signedManifest(keys("a"));
        final byte[] bytes = Files.readAllBytes(manifest);
        bytes[0] ^= 1;
        Files.write(manifest, bytes);
        final SignatureRefusedException ex = assertThrows(SignatureRefusedException.class,
            () -> trusting("a").read(manifest));
        assertEquals(SignatureRefusal.TAMPERED, ex.refusal());
        assertTrue(ex.getMessage().startsWith(manifest + ": refused: tampered: digest differs"), ex.getMessage());
    }

    @Test
    void shouldRefuseASignatureByAKeyThatIsNotTrusted() throws Exception
    {
        final Path manifest = signedManifest(keys("rogue"));
        keys("a");
        final SignatureRefusedException ex = assertThrows(SignatureRefusedException.class,
            () -> trusting("a").read(manifest));
        assertEquals(SignatureRefusal.UNTRUSTED_KEY, ex.refusal());
        assertTrue(ex.getMessage().contains("untrusted key"), ex.getMessage());
    }

    @Test
    void shouldRefuseAnUnsignedFile() throws Exception
    {
        keys("a");
        final Path manifest = dir.resolve("m.yaml");
        Files.writeString(manifest, MANIFEST);
        final SignatureRefusedException ex = assertThrows(SignatureRefusedException.class,
            () -> trusting("a").read(manifest));
        assertEquals(SignatureRefusal.UNSIGNED, ex.refusal());
    }

    @Test
    void shouldRefuseASignatureThatDoesNotVerifyEvenWhenTheDigestAndKeyIdMatch() throws Exception
    {
        final Path manifest = signedManifest(keys("a"));
        final Path sig = dir.resolve("m.yaml.sig");
        final DetachedSignature real = DetachedSignature.parse(Files.readAllBytes(sig));
        final byte[] forged = real.signature().clone();
        forged[10] ^= 0x40;
        Files.writeString(sig, new DetachedSignature(real.keyId(), real.sha256(), forged).toJson());
        final SignatureRefusedException ex = assertThrows(SignatureRefusedException.class,
            () -> trusting("a").read(manifest));
        assertEquals(SignatureRefusal.BAD_SIGNATURE, ex.refusal());
    }

    @Test
    void shouldRefuseAMalformedSignatureFile() throws Exception
    {
        final Path manifest = signedManifest(keys("a"));
        Files.writeString(dir.resolve("m.yaml.sig"), "{\"format\":\"pitgun-signature/v1\",\"algorithm\":\"Ed25519\"," +
            "\"key_id\":\"00\",\"sha256\":\"00\",\"signature\":\"" + Base64.getEncoder().encodeToString(new byte[64]) +
            "\"}");
        final SignatureRefusedException ex = assertThrows(SignatureRefusedException.class,
            () -> trusting("a").read(manifest));
        assertEquals(SignatureRefusal.MALFORMED_SIGNATURE, ex.refusal());
        assertTrue(ex.getMessage().contains("key_id"), ex.getMessage());
    }

    @Test
    void shouldRefuseToSignWithAPublicKeyThatIsNotThePrivateKeysPartner()
    {
        final Path a = keys("a");
        keys("b");
        assertThrows(KeyFileException.class, () -> DocumentSigner.fromKeyFiles(a, dir.resolve("b.pub")));
        assertThrows(IllegalArgumentException.class, () -> TrustedKeys.load(List.of()));
    }
}
