/**
 * Storage throughput: the journal's read rate, the Parquet and CSV export and the database sinks over the same journal
 * ({@link io.pitgun.perf.storage.StorageMain}, rendered by {@link io.pitgun.perf.storage.StorageTable}).
 */
package io.pitgun.perf.storage;
