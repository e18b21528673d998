package io.floatd.vrrp.provider;

/**
 * A provider whose Master tells its neighbours where its addresses now live (gratuitous ARP, unsolicited
 * Neighbour Advertisements). The engine repeats the announcement as the {@code garp_master_*} settings say; an
 * {@link FloatingIpProvider#acquire()} that adds the addresses is expected to have announced them once.
 */
public interface GratuitousAnnouncer {
    /** One announcement of every address the instance holds. */
    void sendGratuitous() throws ProviderException;
}
