package io.pitgun.gateway;

import io.pitgun.engine.AckMode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayConfigTest
{
    @Test
    void shouldBindLoopback8080WithNoEnvironment()
    {
        final GatewayConfig config = GatewayConfig.resolve(Map.of(), Map.of());
        assertEquals("127.0.0.1", config.bind().getAddress().getHostAddress());
        assertEquals(8080, config.bind().getPort());
        assertEquals(AckMode.JOURNALED, config.ackMode());
        assertEquals(1024, config.ingestQueue());
    }

    @Test
    void shouldRefuseNonLoopbackBindAndSayHowToAllowIt()
    {
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class,
            () -> GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_BIND", "0.0.0.0:8080"), Map.of()));
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_ALLOW_NON_LOOPBACK=1"), ex.getMessage());
        assertTrue(ex.getMessage().contains("0.0.0.0:8080"), ex.getMessage());
    }

    @Test
    void shouldAllowNonLoopbackBindWhenAllowed()
    {
        final GatewayConfig config = GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_BIND", "0.0.0.0:9000", "PITGUN_GATEWAY_ALLOW_NON_LOOPBACK", "1"), Map.of());
        assertEquals(9000, config.bind().getPort());
    }

    @Test
    void shouldLetFlagsWinOverEnvironment()
    {
        final GatewayConfig config = GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_ACK_MODE", "journaled",
            "PITGUN_GATEWAY_RATE_LIMIT", "5"), Map.of(GatewaySetting.ACK_MODE, "accepted"));
        assertEquals(AckMode.ACCEPTED, config.ackMode());
        assertEquals(5, config.rateLimitPerSecond());
    }

    @Test
    void shouldListEveryBadSettingByName()
    {
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_ACK_MODE", "sometimes", "PITGUN_GATEWAY_RING_SLOTS", "1000",
                "PITGUN_GATEWAY_BIND", "localhost"), Map.of()));
        assertEquals(3, ex.problems().size(), ex.getMessage());
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_ACK_MODE (--ack-mode)"), ex.getMessage());
        assertTrue(ex.getMessage().contains("power of two"), ex.getMessage());
        assertTrue(ex.getMessage().contains("must be host:port"), ex.getMessage());
    }

    @Test
    void shouldAcceptTheDeprecatedRingSlotsVariableUnlessChannelCapacityIsSet()
    {
        assertEquals(64, GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_RING_SLOTS", "64"), Map.of()).channelCapacity());
        assertEquals(32, GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_RING_SLOTS", "64",
            "PITGUN_GATEWAY_CHANNEL_CAPACITY", "32"), Map.of()).channelCapacity());
    }

    @Test
    void shouldPassTheWaitStrategyThroughToThePipeline()
    {
        assertEquals(io.pitgun.engine.WaitStrategyKind.BACKOFF, GatewayConfig.defaults().waitStrategy());
        assertEquals(io.pitgun.engine.WaitStrategyKind.YIELDING, GatewayConfig.resolve(Map.of(), Map.of(
            GatewaySetting.WAIT_STRATEGY, "yielding")).waitStrategy());
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_WAIT_STRATEGY", "fast"), Map.of()));
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_WAIT_STRATEGY (--wait-strategy)"), ex.getMessage());
    }

    @Test
    void shouldCheckPassThroughSettingsAsThePipelineDoes()
    {
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_SUBSCRIBER_BUFFER_BYTES", "1000"), Map.of()));
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_SUBSCRIBER_BUFFER_BYTES (--subscriber-buffer-bytes): " +
            io.pitgun.engine.PipelineSetting.SUBSCRIBER_BUFFER_BYTES.problem(1000)), ex.getMessage());
        assertEquals(io.pitgun.engine.PipelineConfig.DEFAULT_CHANNEL_CAPACITY, GatewayConfig.defaults().channelCapacity());
    }
}
