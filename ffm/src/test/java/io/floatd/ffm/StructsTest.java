package io.floatd.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class StructsTest {
    private static String text(String s) throws Exception {
        return Structs.text(InetAddress.getByName(s));
    }

    @Test
    void addressTextIsRfc5952() throws Exception {
        assertEquals("10.0.0.1", text("10.0.0.1"));
        assertEquals("ff05::77", text("ff05:0:0:0:0:0:0:77"));
        assertEquals("::", text("::"));
        assertEquals("::1", text("::1"));
        assertEquals("fe80::", text("fe80::"));
        assertEquals("2001:db8::1:0:0:1", text("2001:db8:0:0:1:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", text("2001:db8:0:1:1:1:1:1"));
        assertEquals("fd00:199::10", text("fd00:0199:0:0:0:0:0:10"));
    }

    @Test
    void strerrorAndErrnoInMessages() {
        NativeException e = new NativeException("bind 10.0.0.1", Libc.EADDRNOTAVAIL);
        assertEquals("bind 10.0.0.1: Cannot assign requested address", e.getMessage());
        assertEquals(Libc.EADDRNOTAVAIL, e.errno());
    }
}
