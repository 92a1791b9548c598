package io.pitgun.f1;

import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.schemas.ContractDetector;
import io.pitgun.schemas.DocumentReader;
import io.pitgun.schemas.ParsedDocument;
import io.pitgun.schemas.SchemaCatalog;
import io.pitgun.schemas.SchemaId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped {@code f1-25.v1}: valid, and in step with the channels the decoder writes ({@link F1Channel}). */
class F1DictionaryTest
{
    @Test
    void shouldBeAValidMetricsDictionaryNamedF125V1() throws Exception
    {
        final ParsedDocument document = DocumentReader.readResource(F1Channel.DICTIONARY_RESOURCE);
        final SchemaId contract = SchemaId.parse("metrics-dictionary/v1");
        assertEquals(List.of(), SchemaCatalog.standard().validate(contract, document.root()));
        assertEquals(Optional.of(contract), ContractDetector.detect(document.root()));
        assertEquals(F1Channel.DICTIONARY_NAME, document.root().path("name").asText());
    }

    @Test
    void shouldHoldExactlyTheDecodersChannelsUnderTheirIds()
    {
        final ParameterRegistry dictionary = ParameterRegistry.loadResource(F1Channel.DICTIONARY_RESOURCE);
        assertEquals(F1Channel.values().length, dictionary.parameters().size());
        for (final F1Channel channel : F1Channel.values())
        {
            final ParameterDefinition definition = dictionary.byName(channel.channelName());
            assertEquals(channel.id(), definition.id(), channel.channelName());
            assertEquals(channel.ordinal() + 1, channel.id(), "ids run 1, 2, 3... in enum order: " + channel);
        }
        F1PacketAdapter.requireChannels(dictionary);
        assertEquals(F1Channel.DICTIONARY_NAME, ParameterRegistry.shipped(F1Channel.DICTIONARY_NAME).orElseThrow()
            .name());
    }

    @Test
    void shouldKeepTheGamesTypesWhereTheDecoderReliesOnThem()
    {
        final ParameterRegistry dictionary = ParameterRegistry.loadResource(F1Channel.DICTIONARY_RESOURCE);
        assertEquals(DataType.U16, dictionary.byId(F1Channel.SPEED.id()).dataType());
        assertEquals(DataType.I8, dictionary.byId(F1Channel.GEAR.id()).dataType());
        assertEquals(DataType.F32, dictionary.byId(F1Channel.THROTTLE.id()).dataType());
        assertEquals(DataType.U32, dictionary.byId(F1Channel.EVENT_CODE.id()).dataType());
        assertEquals(DataType.BOOL, dictionary.byId(F1Channel.DRS.id()).dataType());
        // The wheel channels follow the game's order RL RR FL FR: the decoder writes them as id + wheel.
        assertEquals("Brake_Temp_FR", dictionary.byId(F1Channel.BRAKE_TEMP_RL.id() + 3).name());
        assertEquals("Tyre_Surface_Temp_FR", dictionary.byId(F1Channel.TYRE_SURFACE_TEMP_RL.id() + 3).name());
        assertEquals("Tyre_Inner_Temp_FR", dictionary.byId(F1Channel.TYRE_INNER_TEMP_RL.id() + 3).name());
        assertEquals("Tyre_Pressure_FR", dictionary.byId(F1Channel.TYRE_PRESSURE_RL.id() + 3).name());
        assertTrue(dictionary.byId(F1Channel.LAP_DISTANCE.id()).min() < 0, "negative before the line");
    }
}
