package io.floatd.vrrp.transport;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import io.floatd.ffm.Structs;
import io.floatd.vrrp.config.HostCheck;
import java.io.IOException;

/**
 * The host's interfaces as the kernel names them, asked with {@code SIOCGIFINDEX} on a socket the calling thread
 * opens: so the answer is that thread's network namespace's, whatever its addresses or link state (an interface that
 * is down still exists, as for keepalived).
 */
public final class HostInterfaces implements HostCheck.InterfaceLookup {
    @Override
    public boolean exists(String name) throws IOException {
        if (name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > HostCheck.MAX_NAME) {
            return false;
        }
        int fd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        try {
            Structs.ifIndex(fd, name);
            return true;
        } catch (NativeException e) {
            if (e.errno() == Libc.ENODEV) {
                return false;
            }
            throw e;
        } finally {
            Libc.closeQuietly(fd);
        }
    }
}
