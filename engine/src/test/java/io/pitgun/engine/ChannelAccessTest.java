package io.pitgun.engine;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.json.FrameJsonEncoder;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelAccessTest
{
    @Test
    void shouldShowADerivedChannelToAnAllowListOnlyWhenItAllowsEverythingTheChannelIsComputedFrom()
    {
        final CompiledManifest manifest = Manifests.compile("lap-power.yaml");
        final int speed = manifest.registry().byName("Speed").id();
        final boolean[] shown = ChannelAccess.of(manifest).readableFrom(id -> id == speed);

        assertTrue(shown[speed]);
        assertFalse(shown[manifest.registry().byName("Torque_Nm").id()]);
        assertTrue(shown[derived(manifest, "Speed_ms").parameterId()]);
        // Through another derived channel: derivative(Speed_ms).
        assertTrue(shown[derived(manifest, "Accel_Long").parameterId()]);
        assertFalse(shown[derived(manifest, "Power_kW").parameterId()], "reads Torque_Nm and Engine_RPM");
        assertFalse(shown[derived(manifest, "Energy_kJ").parameterId()], "reads Power_kW");
    }

    /** The allow-list's closure and the access levels' follow from the same sources: they agree for every level set. */
    @ParameterizedTest
    @ValueSource(strings = {"lap-power.yaml", "lap-speed.yaml", "ten-formulas.yaml", "fast-only.yaml"})
    void shouldAgreeWithTheAccessLevelsWhenTheAllowListIsTheChannelsOfSomeLevels(final String name)
    {
        final CompiledManifest manifest = Manifests.compile(name);
        final ChannelAccess access = ChannelAccess.of(manifest);
        for (final Set<AccessLevel> levels : List.of(EnumSet.of(AccessLevel.PUBLIC),
            EnumSet.of(AccessLevel.PUBLIC, AccessLevel.RESTRICTED), EnumSet.of(AccessLevel.PUBLIC, AccessLevel.INTERNAL),
            EnumSet.allOf(AccessLevel.class)))
        {
            final FrameJsonEncoder.ChannelFilter byLevel = access.readableIn(levels);
            final boolean[] byList = access.readableFrom(id -> levels.contains(access.levelOf(id)));
            for (final ParameterDefinition parameter : manifest.registry().parameters())
            {
                assertEquals(byLevel.shows(parameter.id()), byList[parameter.id()], parameter.name() + " " + levels);
            }
            for (final DerivedChannel channel : manifest.derivedChannels())
            {
                assertEquals(byLevel.shows(channel.parameterId()), byList[channel.parameterId()],
                    channel.name() + " " + levels);
            }
        }
    }

    private static DerivedChannel derived(final CompiledManifest manifest, final String name)
    {
        return manifest.derivedChannels().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}
