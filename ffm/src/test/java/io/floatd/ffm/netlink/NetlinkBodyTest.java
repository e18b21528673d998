package io.floatd.ffm.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** A netlink body as the kernel reads it (rtattr: length, type, value, padded to 4), and read back attribute by attribute. */
class NetlinkBodyTest {
    private static byte[] le(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return b;
    }

    @Test
    void attributesAreLengthTypeValuePaddedToFourBytes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
        byte[] body = new NetlinkBody().u8(2).u8(32).u8(0).u8(0)
                .attr32((short) 15, 1000) // RTA_TABLE
                .attr8((short) 21, 4) // FRA_PROTOCOL: 5 bytes, padded to 8
                .address((short) 1, InetAddress.getByName("10.1.2.3"))
                .string((short) 3, "eth0") // "eth0\0": 9 bytes, padded to 12
                .bytes();
        assertArrayEquals(le(2, 32, 0, 0,
                8, 0, 15, 0, 0xe8, 3, 0, 0,
                5, 0, 21, 0, 4, 0, 0, 0,
                8, 0, 1, 0, 10, 1, 2, 3,
                9, 0, 3, 0, 'e', 't', 'h', '0', 0, 0, 0, 0), body);
    }

    @Test
    void aBodyGrowsPastItsFirstBufferAndReadsBackByType() throws Exception {
        NetlinkBody b = new NetlinkBody().u32(0);
        for (int i = 0; i < 100; i++) {
            b.attr32((short) 6, i); // the last one of a type wins, as a parser keeping one value per type sees it
        }
        b.address((short) 5, InetAddress.getByName("fd00::1"));
        byte[] bytes = b.bytes();
        assertEquals(4 + 100 * 8 + 20, bytes.length);
        byte[][] attrs = NetlinkAttributes.parse(ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()), 4, 32);
        assertEquals(99, NetlinkAttributes.u32(attrs[6]));
        assertArrayEquals(InetAddress.getByName("fd00::1").getAddress(), attrs[5]);
        assertNull(attrs[1]);
    }

    @Test
    void anImpossibleAttributeLengthEndsTheWalk() {
        byte[] bytes = new NetlinkBody().attr32((short) 1, 7).bytes();
        byte[] broken = java.util.Arrays.copyOf(bytes, bytes.length + 4);
        broken[8] = 64; // a second attribute claiming 64 bytes in 4
        byte[][] attrs = NetlinkAttributes.parse(ByteBuffer.wrap(broken).order(ByteOrder.nativeOrder()), 0, 32);
        assertEquals(7, NetlinkAttributes.u32(attrs[1]));
        assertEquals(1, java.util.Arrays.stream(attrs).filter(java.util.Objects::nonNull).count());
    }
}
