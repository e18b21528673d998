package io.floatd.vrrp.codec;

import static io.floatd.vrrp.codec.Hex.bytes;
import static io.floatd.vrrp.codec.Hex.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetAddress;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every byte of a valid packet inverted, one at a time, with the verdict expected at each position:
 * {@code V} bad version, {@code L} bad length, {@code C} bad checksum. Then every single bit flipped: the Internet
 * checksum catches all single-bit errors, so none of those may decode either.
 */
class SingleByteMutationTest {

    static Stream<Arguments> packets() {
        return Stream.of(
                // version/type inverted turns version 2 or 3 into 13 or 12; the count byte breaks the length.
                Arguments.of("v2 none", VrrpPacketVectorsTest.V2_NONE, "192.0.2.1", "192.0.2.2",
                        "VCCL" + "CCCC" + "CCCCCCCC" + "CCCCCCCC"),
                Arguments.of("v2 pass", VrrpPacketVectorsTest.V2_PASS, "192.0.2.1", "192.0.2.2",
                        "VCCL" + "CCCC" + "CCCC" + "CCCCCCCC"),
                Arguments.of("v3 ipv4", VrrpPacketVectorsTest.V3_V4, "192.0.2.1", "192.0.2.2",
                        "VCCL" + "CCCC" + "CCCC"),
                Arguments.of("v3 ipv4 legacy checksum", VrrpPacketVectorsTest.V3_V4_LEGACY, "192.0.2.1", "192.0.2.2",
                        "VCCL" + "CCCC" + "CCCC"),
                Arguments.of("v3 ipv6", VrrpPacketVectorsTest.V3_V6, "2001:db8::1", "2001:db8::2",
                        "VCCL" + "CCCC" + "C".repeat(32)),
                Arguments.of("keepalived v3 ipv6", KeepalivedCaptureVectorsTest.V3_V6, "fd00:cdc::1", "fd00:cdc::2",
                        "VCCL" + "CCCC" + "C".repeat(16)),
                Arguments.of("keepalived v2 pass", KeepalivedCaptureVectorsTest.V2_PASS, "10.231.0.1", "10.231.0.2",
                        "VCCL" + "CCCC" + "CCCC" + "CCCCCCCC"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packets")
    void invertingEachByteGivesTheTabledVerdict(String name, String hex, String src, String dst, String verdicts) {
        byte[] valid = bytes(hex);
        assertEquals(valid.length, verdicts.length(), "one verdict per byte");
        assertInstanceOf(DecodeResult.Ok.class, decode(valid, src, dst));
        for (int i = 0; i < valid.length; i++) {
            byte[] mutated = valid.clone();
            mutated[i] ^= (byte) 0xFF;
            DecodeResult r = decode(mutated, src, dst);
            DropReason expected = switch (verdicts.charAt(i)) {
                case 'V' -> DropReason.BAD_VERSION;
                case 'L' -> DropReason.BAD_LENGTH;
                case 'C' -> DropReason.BAD_CHECKSUM;
                default -> throw new IllegalArgumentException("verdict " + verdicts.charAt(i));
            };
            int at = i;
            DecodeResult.Dropped d = assertInstanceOf(DecodeResult.Dropped.class, r, () -> name + " byte " + at);
            assertEquals(expected, d.reason(), () -> name + " byte " + at + ": " + d);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packets")
    void noSingleBitFlipDecodes(String name, String hex, String src, String dst, String verdicts) {
        byte[] valid = bytes(hex);
        for (int i = 0; i < valid.length * 8; i++) {
            byte[] mutated = valid.clone();
            mutated[i / 8] ^= (byte) (1 << (i % 8));
            int bit = i;
            DecodeResult.Dropped d = assertInstanceOf(DecodeResult.Dropped.class, decode(mutated, src, dst),
                    () -> name + " bit " + bit);
            assertEquals(true, d.reason() != null && !d.detail().isEmpty());
        }
    }

    private static DecodeResult decode(byte[] b, String src, String dst) {
        InetAddress s = ip(src);
        InetAddress d = ip(dst);
        return VrrpPacket.decode(b, 0, b.length, s, d);
    }
}
