/**
 * Ed25519 signatures of Pitgun documents (pipeline manifests, tuning policies) and their verification against
 * trusted public keys; docs/security.md, "Signed manifests and policies", is the user's view.
 *
 * <p>A signature is detached: {@code FILE.sig} next to {@code FILE}, a small JSON document
 * ({@link io.pitgun.schemas.signing.DetachedSignature}) over the file's exact bytes, so that YAML and JSON are
 * signed alike and nothing has to be canonicalised. {@link io.pitgun.schemas.signing.Ed25519Keys} makes and reads
 * key files (the JDK's own Ed25519), {@link io.pitgun.schemas.signing.DocumentSigner} signs,
 * {@link io.pitgun.schemas.signing.SignatureVerifier} checks a file against
 * {@link io.pitgun.schemas.signing.TrustedKeys} and hands back the verified bytes, which the caller then parses
 * (never the file a second time, which may have changed in between). Cold path only.
 */
package io.pitgun.schemas.signing;
