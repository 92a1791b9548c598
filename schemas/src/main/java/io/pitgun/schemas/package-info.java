/**
 * Pitgun's public contracts and the tools to check documents against them.
 *
 * <p>This module owns:
 * <ul>
 *   <li>the JSON Schemas (draft 2020-12) at {@code schemas/<name>/<version>.json} on the class path,
 *       each with {@code $id https://pitgun.io/schemas/<name>/<version>}, all listed in
 *       {@code schemas/index.txt};</li>
 *   <li>the canonical simulator dictionary {@code dictionaries/sim.v1.yaml}
 *       (format: {@code metrics-dictionary/v1});</li>
 *   <li>valid and invalid example documents for every schema under
 *       {@code examples/<name>/<version>/{valid,invalid}/}, with the pointer each invalid one must fail at;</li>
 *   <li>the cold-path Java API: {@link io.pitgun.schemas.SchemaCatalog} (offline validation with
 *       format assertions), {@link io.pitgun.schemas.ContractDetector} (which contract a document
 *       claims) and {@link io.pitgun.schemas.DocumentReader} (JSON/YAML with line:column for every
 *       value and strict duplicate-key checks).</li>
 * </ul>
 *
 * <p>Nothing here is on the ingest hot path; the zero-allocation envelope decoder lives in {@code codecs}
 * and uses these schemas only as its reference and in tests.
 */
package io.pitgun.schemas;
