/**
 * SBE → JSON: {@link io.pitgun.codecs.json.FrameJsonEncoder} writes frames as the envelope's frame objects (or
 * whole envelopes), which the envelope decoder reads back to the same bytes.
 */
package io.pitgun.codecs.json;
