/**
 * Scale-out over Aeron: edges ship their journals to a hive, exactly once.
 * <pre>
 *   edge process                                         hive process
 *   ingest ▸ ring ▸ journal (Chronicle, the buffer)      ArchivingMediaDriver: Aeron Archive records the stream
 *                     │                                  HiveAgent (thread pitgun-hive)
 *                     ▼ tailer                             ▸ per edge: edges/&lt;edge-id&gt;/journal (a Pitgun journal)
 *   EdgeShipperAgent (thread pitgun-shipper)               ▸ ACK(held) to the edge's reply channel
 *     BATCH(edge id, previous, first..last, frames) ──Aeron UDP──▶
 *     ◀──────────────────────────────── ACK(held index, rewind?) ──
 *                                                        HiveDeriveAgent (thread pitgun-hive-derive)
 *                                                          ▸ per edge: journal ▸ JournalFollower ▸ pipeline
 *                                                            ▸ edges/&lt;edge-id&gt;/derived.jsonl
 * </pre>
 * <ul>
 * <li>The edge's shipper tails its journal on its own thread; ingestion never waits for it (the journal is the
 * buffer). Frames travel as the journal holds them (SBE bytes plus event identity), in batches of
 * {@link io.pitgun.scaleout.ShipperConfig#DEFAULT_BATCH_SIZE} frames or {@code 100 ms} (seed 002).</li>
 * <li>Exactly once = at-least-once transport + deduplication at the hive by the edge's journal position. The edge
 * persists nothing but its id: it learns where to start from the hive (an ACK answering its hello) after any
 * restart of either side, a lost connection or a silent hive. The hive writes each frame's edge position into its
 * journal record (the ingest-time field), in the same all-or-nothing entry as the frame, so its journal's last
 * record says what it holds. Layouts: {@link io.pitgun.scaleout.ShippingDescriptor}.</li>
 * <li>Aeron gives the transport (flow control, loss recovery by NAK and retransmit); the protocol here only closes
 * the gaps Aeron cannot see: a process restart on either side.</li>
 * </ul>
 */
package io.pitgun.scaleout;
