package io.pitgun.manifest;

import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.Unit;
import io.pitgun.manifest.runtime.ValueKind;

import java.util.List;

/**
 * A derived channel after compilation: where its value goes and what it depends on.
 *
 * @param index        its slot in the output {@link io.pitgun.manifest.runtime.FrameValues}.
 * @param parameterId  the id its samples carry in SBE frames: {@link #ID_BASE} + index.
 * @param name         channel name.
 * @param kind         value type of the formula's result as stored.
 * @param dataType     declared {@code data_type}; the engine writes samples with it.
 * @param unit         declared unit, or null.
 * @param min          declared range minimum, or null.
 * @param max          declared range maximum, or null.
 * @param expr         the formula text.
 * @param dependencies channels the formula reads directly (dictionary and derived), in order of first use.
 * @param stageNumber  1-based number of the formula stage that defines it.
 */
public record DerivedChannel(int index, int parameterId, String name, ValueKind kind, DataType dataType, Unit unit,
    Double min, Double max, String expr, List<String> dependencies, int stageNumber)
{
    /**
     * First parameter id of derived channels. Dictionary ids stay below it; derived channel {@code i} of a manifest
     * is written as parameter {@code ID_BASE + i} (SBE parameter ids are uint16, so up to 32768 derived channels).
     */
    public static final int ID_BASE = 32768;
}
