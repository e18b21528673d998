package io.floatd.vrrp.runtime;

/** Sends this instance's advertisement, with the given priority, to every peer. Must not block. */
@FunctionalInterface
public interface AdvertSender {
    void sendAdvert(int priority);
}
