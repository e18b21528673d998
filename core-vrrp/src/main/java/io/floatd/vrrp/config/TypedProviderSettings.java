package io.floatd.vrrp.config;

/**
 * A provider's {@code floating_ip} settings as its keyword table typed them in the parse (issue 18): what the
 * provider's check made of the block, kept in {@link FloatingIpSettings#typed()} so that creating the provider reads
 * this object instead of the words again. Core knows only this marker; each provider's settings record implements it
 * and only that provider looks inside.
 */
public interface TypedProviderSettings {
}
