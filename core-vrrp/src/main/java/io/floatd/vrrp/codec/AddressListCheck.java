package io.floatd.vrrp.codec;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * RFC 5798 §7.1's optional check that an advert lists the virtual router's addresses ("MAY verify that the IPvX
 * Address(es) associated with the VRID are valid"), made as keepalived 2.2.7 makes it for a multicast instance:
 * the count must equal the number of configured addresses, and every configured address must be in the advert
 * (order free). A Master always checks; a Backup with {@code skip_check_adv_addr} skips it for adverts from the
 * Master it already follows, and checks an advert from any other sender.
 *
 * @param expected the configured virtual addresses of the instance's family, in any order
 * @param skipForKnownMaster keepalived's {@code skip_check_adv_addr} / {@code vrrp_skip_check_adv_addr}
 */
public record AddressListCheck(List<InetAddress> expected, boolean skipForKnownMaster) {
    public AddressListCheck {
        expected = List.copyOf(Objects.requireNonNull(expected, "expected"));
    }

    /**
     * @param master whether this instance is Master now
     * @param knownMaster the Master a Backup last accepted an advert from, {@code null} when none
     * @return the reason to drop, or empty when the advert passes (or is not checked)
     */
    public Optional<DecodeResult.Dropped> check(VrrpPacket packet, InetAddress source, boolean master, InetAddress knownMaster) {
        Objects.requireNonNull(packet, "packet");
        Objects.requireNonNull(source, "source");
        if (!master && skipForKnownMaster && knownMaster != null && sameAddress(source, knownMaster)) {
            return Optional.empty();
        }
        List<InetAddress> advertised = packet.addresses();
        if (advertised.size() != expected.size()) {
            return Optional.of(DecodeResult.Dropped.of(DropReason.ADDRESS_COUNT_MISMATCH, "address count",
                    advertised.size(), expected.size()));
        }
        for (InetAddress want : expected) {
            if (advertised.stream().noneMatch(a -> sameAddress(a, want))) {
                return Optional.of(DecodeResult.Dropped.of(DropReason.ADDRESS_LIST_MISMATCH, "addresses",
                        advertised.stream().map(InetAddress::getHostAddress).toList(),
                        "to include " + want.getHostAddress()));
            }
        }
        return Optional.empty();
    }

    // raw bytes: a scope id on one side must not make a link-local address differ
    private static boolean sameAddress(InetAddress a, InetAddress b) {
        return Arrays.equals(a.getAddress(), b.getAddress());
    }
}
