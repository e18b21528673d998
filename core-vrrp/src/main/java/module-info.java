/**
 * floatd's VRRP engine: the wire codec, the pure state machines, the transports, the keepalived.conf parser,
 * tracking, notify scripts, the takeover machine and its driver, status and metrics, and the contract cloud providers
 * implement.
 *
 * <p>What it exports is its API, in two rings. Every module may use the provider contract and what a provider's
 * settings and start-up need ({@code provider}, {@code config}, {@code event}, {@code timer},
 * {@code files}, {@code log}); the command line ({@code io.floatd.cli}) alone also drives the daemon ({@code runtime},
 * {@code status}, {@code control}, {@code transport}, {@code fsm}). The rest ({@code codec}, {@code takeover},
 * {@code track}, {@code notify}, {@code script}) is how the engine works inside.
 */
module io.floatd.vrrp {
    requires io.floatd.ffm;
    requires com.google.gson;
    requires java.net.http;
    requires io.github.resilience4j.circuitbreaker;
    requires io.github.resilience4j.core;
    requires io.prometheus.metrics.model;
    requires io.prometheus.writer.text;
    requires io.prometheus.metrics.instrumentation.jvm;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;

    exports io.floatd.vrrp.provider;
    exports io.floatd.vrrp.config;
    exports io.floatd.vrrp.event;
    exports io.floatd.vrrp.timer;
    exports io.floatd.vrrp.files;
    exports io.floatd.vrrp.log;

    exports io.floatd.vrrp.runtime to io.floatd.cli;
    exports io.floatd.vrrp.status to io.floatd.cli;
    exports io.floatd.vrrp.control to io.floatd.cli;
    exports io.floatd.vrrp.transport to io.floatd.cli;
    exports io.floatd.vrrp.fsm to io.floatd.cli;

    uses io.floatd.vrrp.provider.FloatingIpProviderFactory;
    uses io.floatd.vrrp.config.FloatingIpKeywords;
}
