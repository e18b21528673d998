/** {@code provider linux-l2}: the VIP on an interface through rtnetlink, announced by gratuitous ARP / unsolicited NA. */
module io.floatd.provider.linuxl2 {
    requires io.floatd.vrrp;
    requires io.floatd.ffm;

    provides io.floatd.vrrp.provider.FloatingIpProviderFactory with io.floatd.provider.linuxl2.LinuxL2ProviderFactory;
    provides io.floatd.vrrp.config.FloatingIpKeywords with io.floatd.provider.linuxl2.LinuxL2ProviderFactory;
}
