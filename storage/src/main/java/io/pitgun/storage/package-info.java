/**
 * Where the data goes next: the journal (and, with a manifest, its derived frames) as analyst-friendly files.
 *
 * <p>{@link io.pitgun.storage.JournalExporter} reads a journal once and writes one row per frame into files
 * partitioned {@code OUT/runs/<session>/<hour>.parquet} (or {@code .csv}), rotated by size and row count, each
 * Parquet footer carrying the export's provenance ({@link io.pitgun.storage.ProvenanceKeys}). Cold path: none of it
 * runs on the ingest path. See {@code docs/storage.md}.
 */
package io.pitgun.storage;
