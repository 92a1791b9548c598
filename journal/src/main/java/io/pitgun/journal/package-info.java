/**
 * The journal: a Chronicle Queue of every accepted frame, and the tools that inspect it.
 * <p>
 * This package owns the on-disk record of a run — {@link io.pitgun.journal.Journal} (open, one
 * {@link io.pitgun.journal.JournalAppender}, any number of {@link io.pitgun.journal.JournalTailer}s), the entry
 * layout ({@link io.pitgun.journal.JournalEntryDescriptor}: ingest time + the SBE message exactly as accepted),
 * and the cold-path tools behind {@code pitgun journal}: {@link io.pitgun.journal.JournalStatsCollector},
 * {@link io.pitgun.journal.JournalDumper} and {@link io.pitgun.journal.JournalVerifier} (with
 * {@link io.pitgun.journal.SbeMessageChecker}). Appending and reading are allocation-free per entry; an entry is
 * durable against the writer being killed once {@code append} returns. What to journal and when to acknowledge
 * it is the engine's business; replay (publishing journaled bytes through a pipeline) lives in the engine too.
 * <p>
 * Chronicle needs JVM flags (the root pom's {@code pitgun.jvm.flags}, {@code bin/pitgun}); its usage analytics
 * are excluded from the build.
 */
package io.pitgun.journal;
