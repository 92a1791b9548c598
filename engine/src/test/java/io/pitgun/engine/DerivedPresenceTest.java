package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which derived channels can be in a frame that carries none of the channels they read, by the formula language's
 * rules of absence (docs/manifest.md): those make no frame worth sending to a reader by themselves.
 */
class DerivedPresenceTest
{
    @Test
    void shouldFindTheDerivedChannelsPresentWithoutTheirSources() throws Exception
    {
        // name -> (formula, present without its sources)
        final Map<String, Object[]> channels = new LinkedHashMap<>();
        channels.put("Speed_ms", new Object[] {"Speed / 3.6", false});
        channels.put("One", new Object[] {"1.0", true});
        channels.put("Held", new Object[] {"hold(Speed)", true});
        channels.put("Defaulted", new Object[] {"default(Speed, 0.0)", true});
        channels.put("Either", new Object[] {"default(Speed, Engine_RPM / 1.0)", false});
        channels.put("Through", new Object[] {"Speed_ms + 1", false});
        channels.put("HeldTwice", new Object[] {"Held * 2", true});
        channels.put("Chosen", new Object[] {"Speed > 100 ? 1.0 : 0.0", false});
        channels.put("Branch", new Object[] {"timestamp_us > 0 ? Speed : 0.0", true});
        channels.put("Branches", new Object[] {"timestamp_us > 0 ? Speed : Engine_RPM / 1.0", false});
        channels.put("Rate", new Object[] {"derivative(Speed)", false});
        channels.put("Seconds", new Object[] {"timestamp_us / 1000000.0", true});
        channels.put("Mixed", new Object[] {"hold(Speed) + Engine_RPM", false});
        channels.put("Both", new Object[] {"Speed > 100 and One > 0 ? 1.0 : 0.0", false});
        final StringBuilder yaml = new StringBuilder("version: v1\npipeline:\n  - type: formula\n    derived_channels:\n");
        channels.forEach((name, spec) ->
            yaml.append("      - name: ").append(name).append("\n        expr: \"").append(spec[0]).append("\"\n"));
        final CompiledManifest manifest = ManifestCompiler.compile(ManifestLoader.parse(Path.of("presence.yaml"),
            yaml.toString()), ParameterRegistry.simV1());

        final boolean[] alone = DerivedPresence.presentWithoutSources(manifest);

        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            assertEquals(channels.get(channel.name())[1], alone[channel.parameterId()], channel.name());
        }
        assertEquals(false, alone[manifest.registry().byName("Speed").id()], "a dictionary channel");
    }
}
