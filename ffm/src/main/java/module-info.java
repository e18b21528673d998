/**
 * Linux system calls through the Foreign Function &amp; Memory API: libc, file and socket calls
 * ({@code io.floatd.ffm}), rtnetlink interface addresses, routes and rules ({@code io.floatd.ffm.netlink}), gratuitous
 * ARP and unsolicited NA ({@code io.floatd.ffm.neighbour}). Depends on the JDK only; needs native access
 * ({@code --enable-native-access=io.floatd.ffm}, or {@code ALL-UNNAMED} on the class path).
 */
module io.floatd.ffm {
    exports io.floatd.ffm;
    exports io.floatd.ffm.netlink;
    exports io.floatd.ffm.neighbour;
}
