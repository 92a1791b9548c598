/**
 * The envelope decoder: JSON bytes of a {@code pitgun-envelope-v1} document → validated → SBE frames in a
 * caller-provided buffer, with no allocation on the success path.
 * <p>
 * {@link io.pitgun.codecs.envelope.EnvelopeDecoder} is the entry point. Inside, {@code JsonCursor} reads tokens
 * in place, {@code SwarDigits} converts eight digits per word, {@code DecoderChannel} flattens the dictionary
 * for the per-sample fast path, and {@code JsonSyntaxChecker} decides whether a rejected document was JSON at
 * all. Errors ({@link io.pitgun.codecs.envelope.DecodeError}) carry a code, a JSON Pointer, a byte offset and a
 * sentence; {@link io.pitgun.codecs.envelope.DecodeErrorCode.Category} maps them to HTTP answers.
 * <p>
 * The decoder accepts exactly what the published schema accepts among envelopes the dictionary accepts; a test
 * runs a standard validator and the decoder over one corpus to keep it so.
 */
package io.pitgun.codecs.envelope;
