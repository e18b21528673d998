package io.floatd.vrrp.codec;

import static io.floatd.vrrp.codec.Hex.bytes;
import static io.floatd.vrrp.codec.Hex.ip;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Random input must never make decode throw. Fixed seed and bounded iterations, so it is fast and repeatable. */
class DecodeRobustnessTest {
    private static final long SEED = 0x5EED_F10A7DL;
    private static final int ITERATIONS = 50_000;
    private static final List<InetAddress> ADDRESSES = java.util.Arrays.asList(ip("192.0.2.1"), ip("192.0.2.2"),
            ip("224.0.0.18"), ip("2001:db8::1"), ip("ff02::12"), ip("fe80::1"), null);

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(SEED);
        Set<DropReason> seen = EnumSet.noneOf(DropReason.class);
        for (int i = 0; i < ITERATIONS; i++) {
            DecodeResult r;
            if (random.nextInt(4) == 0) {
                // Well-shaped IPv4 packets with random content get as far as the checksum.
                boolean v2 = random.nextBoolean();
                int count = 1 + random.nextInt(3);
                byte[] buf = new byte[8 + 4 * count + (v2 ? 8 : 0)];
                random.nextBytes(buf);
                buf[0] = (byte) (v2 ? 0x21 : 0x31);
                buf[3] = (byte) count;
                r = VrrpPacket.decode(buf, 0, buf.length, ip("192.0.2.1"), ip("192.0.2.2"));
            } else {
                byte[] buf = new byte[random.nextInt(80)];
                random.nextBytes(buf);
                if (buf.length > 0 && random.nextBoolean()) {
                    buf[0] = (byte) (random.nextBoolean() ? 0x21 : 0x31);
                    if (buf.length > 3) {
                        buf[3] = (byte) random.nextInt(4);
                    }
                }
                int off = random.nextInt(buf.length + 3) - 1;
                int len = random.nextInt(buf.length + 3) - 1;
                r = VrrpPacket.decode(buf, off, len, pick(random), pick(random));
            }
            assertNotNull(r);
            if (r instanceof DecodeResult.Dropped d) {
                seen.add(d.reason());
            }
        }
        assertTrue(seen.containsAll(EnumSet.of(DropReason.TRUNCATED, DropReason.BAD_VERSION, DropReason.BAD_TYPE,
                DropReason.BAD_LENGTH, DropReason.BAD_ADDRESS_FAMILY, DropReason.BAD_CHECKSUM)), seen.toString());
    }

    @Test
    void mutatedValidPacketsNeverThrow() {
        Random random = new Random(SEED + 1);
        byte[][] valid = {bytes(VrrpPacketVectorsTest.V2_NONE), bytes(VrrpPacketVectorsTest.V3_V4),
            bytes(VrrpPacketVectorsTest.V3_V6), bytes(KeepalivedCaptureVectorsTest.V2_PASS)};
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] buf = valid[random.nextInt(valid.length)].clone();
            for (int m = random.nextInt(4); m >= 0; m--) {
                buf[random.nextInt(buf.length)] = (byte) random.nextInt(256);
            }
            assertNotNull(VrrpPacket.decode(buf, 0, random.nextInt(buf.length + 1), pick(random), pick(random)));
        }
    }

    private static InetAddress pick(Random random) {
        return ADDRESSES.get(random.nextInt(ADDRESSES.size()));
    }
}
