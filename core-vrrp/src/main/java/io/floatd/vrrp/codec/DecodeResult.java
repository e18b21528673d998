package io.floatd.vrrp.codec;

import java.util.Objects;

/** The outcome of {@link VrrpPacket#decode}: a packet, or the reason it was dropped. */
public sealed interface DecodeResult {

    /**
     * @param packet the decoded advertisement
     * @param variant which checksum form the sender used, so a peer on the legacy form can be logged once
     */
    record Ok(VrrpPacket packet, ChecksumVariant variant) implements DecodeResult {
        public Ok {
            Objects.requireNonNull(packet, "packet");
            Objects.requireNonNull(variant, "variant");
        }
    }

    /**
     * @param reason the check that failed
     * @param detail {@code what: actual (expected: x)}, for logs; never carries a password
     */
    record Dropped(DropReason reason, String detail) implements DecodeResult {
        public Dropped {
            Objects.requireNonNull(reason, "reason");
            detail = detail == null ? "" : detail;
        }

        static Dropped of(DropReason reason, String what, Object actual, Object expected) {
            return new Dropped(reason, what + ": " + actual + " (expected: " + expected + ")");
        }

        @Override
        public String toString() {
            return reason.metricName() + " [" + detail + "]";
        }
    }
}
