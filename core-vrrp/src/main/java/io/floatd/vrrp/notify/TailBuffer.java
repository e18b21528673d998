package io.floatd.vrrp.notify;

import java.nio.charset.StandardCharsets;

/** Keeps the last {@code capacity} bytes written to it and counts the ones it had to drop. Thread-safe. */
final class TailBuffer {
    private final byte[] ring;
    private long total;

    TailBuffer(int capacity) {
        ring = new byte[capacity];
    }

    synchronized void write(byte[] b, int off, int len) {
        int cap = ring.length;
        if (len >= cap) {
            off += len - cap;
            total += len - cap;
            len = cap;
        }
        int pos = (int) (total % cap);
        int first = Math.min(len, cap - pos);
        System.arraycopy(b, off, ring, pos, first);
        System.arraycopy(b, off + first, ring, 0, len - first);
        total += len;
    }

    synchronized long discarded() {
        return Math.max(0, total - ring.length);
    }

    synchronized String text() {
        int cap = ring.length;
        if (total <= cap) {
            return new String(ring, 0, (int) total, StandardCharsets.UTF_8);
        }
        int pos = (int) (total % cap);
        byte[] ordered = new byte[cap];
        System.arraycopy(ring, pos, ordered, 0, cap - pos);
        System.arraycopy(ring, 0, ordered, cap - pos, pos);
        // the cut may fall inside a multi-byte character; skip continuation bytes so it decodes cleanly
        int start = 0;
        while (start < cap && (ordered[start] & 0xC0) == 0x80) {
            start++;
        }
        return new String(ordered, start, cap - start, StandardCharsets.UTF_8);
    }
}
