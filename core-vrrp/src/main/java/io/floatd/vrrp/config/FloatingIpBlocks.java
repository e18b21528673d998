package io.floatd.vrrp.config;

import java.util.List;
import java.util.Optional;

/**
 * The rules between an instance's {@code floating_ip} blocks: each block moves one address with one provider, all
 * on the same transitions; two blocks that would move the same address with the same provider would race each other
 * on every takeover, so the second is refused at its own file:line.
 */
public final class FloatingIpBlocks {
    private FloatingIpBlocks() {
    }

    /**
     * Why {@code next} repeats one of {@code earlier}: same provider (a block without {@code provider}
     * is the {@link FloatingIpKeywords#isDefault() default} provider's)
     * and same {@link FloatingIpSettings#address()} (none: both move the instance's virtual_ipaddress). The default
     * provider moves the instance's virtual_ipaddress whatever else the block says, so two of its blocks always repeat
     * each other.
     */
    public static Optional<String> duplicate(List<FloatingIpSettings> earlier, FloatingIpSettings next) {
        return duplicate(earlier, next, null);
    }

    /** As {@link #duplicate(List, FloatingIpSettings)}, every block moved by {@code override} when not null. */
    public static Optional<String> duplicate(List<FloatingIpSettings> earlier, FloatingIpSettings next, String override) {
        String provider = override != null ? override : provider(next);
        for (FloatingIpSettings e : earlier) {
            String other = override != null ? override : provider(e);
            if (other.equals(provider) && (provider.equals(FloatingIpKeywords.defaultProvider()) || e.address().equals(next.address()))) {
                String what = provider.equals(FloatingIpKeywords.defaultProvider()) || next.address().isEmpty()
                        ? "the instance's virtual_ipaddress" : "address " + next.address().get();
                return Optional.of("floating_ip moves " + what + " with provider " + provider
                        + (override != null ? " (--provider " + override + ")" : "")
                        + ", as the floating_ip block at " + e.where() + " does: one block per address and provider");
            }
        }
        return Optional.empty();
    }

    /**
     * Under {@code --provider NAME} every block is moved by NAME: the blocks that then repeat an earlier one, each
     * as {@code file:line: vrrp_instance NAME: message} at its own file:line.
     */
    public static List<String> duplicatesUnder(InstanceConfig ic, String override) {
        List<String> out = new java.util.ArrayList<>();
        List<FloatingIpSettings> blocks = ic.floatingIps();
        for (int k = 1; k < blocks.size(); k++) {
            FloatingIpSettings b = blocks.get(k);
            duplicate(blocks.subList(0, k), b, override)
                    .ifPresent(m -> out.add(b.where() + ": vrrp_instance " + ic.name() + ": " + m));
        }
        return out;
    }

    /** The block's provider, as written or by default. */
    public static String provider(FloatingIpSettings block) {
        return block.provider().orElseGet(FloatingIpKeywords::defaultProvider);
    }
}
