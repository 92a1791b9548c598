/**
 * The dictionary model: {@link io.pitgun.codecs.dictionary.ParameterRegistry} loads a
 * {@code metrics-dictionary/v1} document, rejects what a schema cannot catch (duplicate ids or names, empty
 * ranges, ranges a data type cannot hold), and answers id and name lookups without allocating. Units, data types,
 * dimensions and access levels are closed vocabularies ({@link io.pitgun.codecs.dictionary.Unit} and friends)
 * that mirror the schema's enums. {@link io.pitgun.codecs.dictionary.ParameterTable} is the dense id-indexed table
 * (value type, range, an owner's slot and selection) that per-sample hot paths read instead of a map.
 */
package io.pitgun.codecs.dictionary;
