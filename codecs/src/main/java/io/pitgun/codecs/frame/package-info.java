/**
 * The SBE frame, stated once: {@link io.pitgun.codecs.frame.FrameDescriptor} draws the layout of this build's
 * schema and holds every offset (derived from the generated codecs); {@link io.pitgun.codecs.frame.FrameFlyweight}
 * reads a received message at its acting block lengths and version and copies it into this build's layout;
 * {@link io.pitgun.codecs.frame.FrameValidator} is the one rule of a valid message, at two levels (structure, and
 * structure + envelope contract + dictionary) with diagnostics for tools, its structure level being
 * {@link io.pitgun.codecs.frame.FrameStructure}.
 */
package io.pitgun.codecs.frame;
