/**
 * The journal: a Chronicle Queue of every accepted frame, and the tools that inspect it.
 * <p>
 * This package owns the on-disk record of a run — {@link io.pitgun.journal.Journal} (open, one
 * {@link io.pitgun.journal.JournalAppender}, any number of {@link io.pitgun.journal.JournalTailer}s), the entry
 * layout ({@link io.pitgun.journal.JournalEntryDescriptor}: one Chronicle document per batch of up to 64 messages,
 * each an ingest time + the SBE message exactly as accepted, named by a 64-bit position = entry index and
 * ordinal), and the cold-path tools behind {@code pitgun journal}: {@link io.pitgun.journal.JournalStatsCollector},
 * {@link io.pitgun.journal.JournalDumper} and {@link io.pitgun.journal.JournalVerifier} (which check each
 * message with the codecs' {@code FrameValidator}, so a message they cannot decode is reported by index with its
 * problem and the scan goes on), which count and name messages, not entries. Appending and reading
 * are allocation-free per message; a batch is durable against the writer being killed, all of it, once
 * {@code commit} returns. {@link io.pitgun.journal.JournalPretouchAgent}, an Agrona agent, populates the queue file's
 * pages ahead of the appender on a thread of the caller's, so that the appending thread takes no page faults. What to journal
 * and when to acknowledge
 * it is the engine's business; replay (publishing journaled bytes through a pipeline) lives in the engine too.
 * <p>
 * Chronicle needs JVM flags (the root pom's {@code pitgun.jvm.flags}, {@code bin/pitgun}); its usage analytics
 * are excluded from the build.
 */
package io.pitgun.journal;
