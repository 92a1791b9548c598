/**
 * Database sinks fed from the journal, never from the ingesting pipeline: a {@link io.pitgun.sinks.JournalSinkRunner}
 * follows the journal with the engine's {@link io.pitgun.engine.JournalFollower} into a pipeline of its own whose
 * output goes to one database ({@link io.pitgun.sinks.QuestDbSink}: frames and insights over ILP;
 * {@link io.pitgun.sinks.PostgresSink}: runs, laps and insights over JDBC). A slow or absent database slows only that
 * follower; ingestion never waits for it (docs/storage.md).
 */
package io.pitgun.sinks;
