package io.floatd.vrrp.config;

import java.util.Objects;

/**
 * One {@code virtual_rules} entry: a policy routing rule a Master adds and removes again when it leaves MASTER
 * (keepalived's {@code ip rule} subset floatd implements; see {@link VirtualRoutesParser}).
 *
 * @param text the line as written, for log lines
 * @param ipv6 the rule's family (IPv4 unless an address or {@code inet6} says otherwise)
 * @param from {@code from PREFIX}, or null for all
 * @param to {@code to PREFIX}, or null for all
 * @param invert {@code not}: the rule matches what the selectors do not
 * @param action what a match does: look up {@link #table}, or drop
 * @param table {@code table}/{@code lookup} for {@link Action#TABLE}
 * @param priority {@code priority}/{@code preference}/{@code order}, or null for the kernel's choice
 * @param inputInterface {@code iif}/{@code dev}, or null
 * @param outputInterface {@code oif}, or null
 * @param fwmark {@code fwmark}, or null
 * @param fwmask the mask after {@code fwmark M/MASK}, or null
 * @param tos {@code tos}/{@code dsfield} (0: any)
 * @param protocol the rule's protocol: 18 ({@code keepalived}) for a tracked rule, as keepalived does
 * @param tracked false with {@code no_track}
 */
public record VirtualRule(String text, boolean ipv6, Prefix from, Prefix to, boolean invert, Action action, int table,
        Integer priority, String inputInterface, String outputInterface, Long fwmark, Long fwmask, int tos,
        int protocol, boolean tracked) {

    /** An address and a prefix length. */
    public record Prefix(java.net.InetAddress address, int length) {
        public Prefix {
            Objects.requireNonNull(address, "address");
        }
    }

    /** What a matching rule does, with its {@code fib_rule_hdr.action} (linux/fib_rules.h). */
    public enum Action {
        TABLE(1), BLACKHOLE(6), UNREACHABLE(7), PROHIBIT(8);

        private final int wireValue;

        Action(int wireValue) {
            this.wireValue = wireValue;
        }

        public int wireValue() {
            return wireValue;
        }
    }

    public VirtualRule {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(action, "action");
    }

    @Override
    public String toString() {
        return text;
    }
}
