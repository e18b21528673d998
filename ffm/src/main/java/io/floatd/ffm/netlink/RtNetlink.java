package io.floatd.ffm.netlink;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import io.floatd.ffm.Structs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One rtnetlink socket ({@code NETLINK_ROUTE}): interface addresses dumped, added and deleted, each request checked
 * against the kernel's ACK; dumps of other objects ({@link #dump}, e.g. routes and rules) and any request whose body
 * was built elsewhere ({@link #transact}), likewise checked. A refused request throws {@link NetlinkException} with the
 * kernel's errno and its extended-ACK text; no answer within 2 s throws {@link NativeException} ({@code EAGAIN}).
 *
 * <p>The socket belongs to the network namespace of the thread that opened it, whichever thread uses it later. Not
 * thread-safe: one caller at a time (the receive buffer and the sequence number are shared). {@link InterfaceAddresses}
 * is the one-call API on top.
 */
public final class RtNetlink implements AutoCloseable {
    private static final int NLMSG_HDRLEN = 16;
    private static final short NLMSG_ERROR = 2;
    private static final short NLMSG_DONE = 3;
    private static final short RTM_NEWADDR = 20;
    private static final short RTM_DELADDR = 21;
    private static final short RTM_GETADDR = 22;
    private static final short NLM_F_REQUEST = 0x1;
    private static final short NLM_F_ACK = 0x4;
    private static final short NLM_F_DUMP = 0x300;
    /** {@code NLM_F_EXCL}: a new object must not exist already (EEXIST). */
    public static final short NLM_F_EXCL = 0x200;
    /** {@code NLM_F_CREATE}: create the object if it does not exist. */
    public static final short NLM_F_CREATE = 0x400;
    /** Message types of routes and rules (linux/rtnetlink.h), for {@link #transact} and {@link #dump}. */
    public static final short RTM_NEWROUTE = 24;
    public static final short RTM_DELROUTE = 25;
    public static final short RTM_GETROUTE = 26;
    public static final short RTM_NEWRULE = 32;
    public static final short RTM_DELRULE = 33;
    public static final short RTM_GETRULE = 34;
    private static final short NLM_F_CAPPED = 0x100;
    private static final short NLM_F_ACK_TLVS = 0x200;
    private static final int NLMSGERR_ATTR_MSG = 1;
    private static final short IFA_ADDRESS = 1;
    private static final short IFA_LOCAL = 2;
    /** {@code IFA_F_NODAD}: an IPv6 address usable at once, without duplicate address detection. */
    public static final int IFA_F_NODAD = 0x02;
    private static final int RT_SCOPE_UNIVERSE = 0;
    private static final int RT_SCOPE_LINK = 253;
    private static final int RT_SCOPE_HOST = 254;
    private static final int BUFFER = 64 * 1024;

    /**
     * One address of one interface, as the kernel lists it.
     *
     * @param ifIndex the interface's index
     * @param address the address ({@code IFA_LOCAL}, else {@code IFA_ADDRESS})
     * @param prefixLength its prefix length
     * @param flags the {@code IFA_F_*} flags ({@code IFA_FLAGS} when the kernel sent it)
     */
    public record Address(int ifIndex, InetAddress address, int prefixLength, int flags) {
    }

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(BUFFER, 8);
    private int seq = (int) (System.nanoTime() & 0x3fffffff);

    private RtNetlink(int fd) {
        this.fd = fd;
    }

    /** Opens and binds a socket in the calling thread's network namespace (extended ACKs on, a 2 s receive timeout). */
    public static RtNetlink open() throws NativeException {
        int fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_ROUTE);
        try {
            Libc.setsockopt(fd, Libc.SOL_NETLINK, Libc.NETLINK_CAP_ACK, 1, "NETLINK_CAP_ACK");
            Libc.setsockopt(fd, Libc.SOL_NETLINK, Libc.NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK");
            try (Arena a = Arena.ofConfined()) {
                MemorySegment tv = a.allocate(16, 8); // struct timeval: no kernel answer within 2 s is a failure
                tv.set(JAVA_LONG, 0, 2L);
                Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, tv, "SO_RCVTIMEO");
                MemorySegment nl = a.allocate(Structs.SOCKADDR_NL_SIZE, 4);
                nl.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
                Libc.bind(fd, nl, "bind netlink");
            }
            return new RtNetlink(fd);
        } catch (NativeException e) {
            Libc.closeQuietly(fd);
            throw e;
        }
    }

    /**
     * An address looked for on one interface: {@link #addresses(List)} builds only the entries that match one.
     *
     * @param ifIndex the interface's index
     * @param address the raw address, 4 or 16 bytes ({@link InetAddress#getAddress()})
     */
    public record Wanted(int ifIndex, byte[] address) {
    }

    /** The index of the interface named {@code name} in this socket's namespace; {@code ENODEV} when there is none. */
    public int ifIndex(String name) throws NativeException {
        return Structs.ifIndex(fd, name);
    }

    /** Every address of every interface (both families). */
    public List<Address> addresses() throws NativeException {
        return addresses(null);
    }

    /**
     * The addresses among {@code wanted} that are present, or every address when {@code wanted} is null. A holder
     * re-check of one VIP reads the whole table (on a node serving 255 VIPs, 257 entries, every 10 s per
     * instance); the others are compared in the receive buffer and skipped without building anything.
     */
    public List<Address> addresses(List<Wanted> wanted) throws NativeException {
        ByteBuffer req = request(RTM_GETADDR, (short) (NLM_F_REQUEST | NLM_F_DUMP), 8);
        req.put((byte) Libc.AF_UNSPEC).put((byte) 0).put((byte) 0).put((byte) 0).putInt(0);
        int mySeq = send(req);
        List<Address> out = new ArrayList<>();
        while (true) {
            int n = receive("dump addresses");
            for (int off = 0; off + NLMSG_HDRLEN <= n; ) {
                int len = buffer.get(JAVA_INT, off);
                short type = buffer.get(JAVA_SHORT, off + 4);
                int msgSeq = buffer.get(JAVA_INT, off + 8);
                if (len < NLMSG_HDRLEN || off + len > n) {
                    break;
                }
                if (msgSeq == mySeq) {
                    if (type == NLMSG_DONE) {
                        return out;
                    }
                    if (type == NLMSG_ERROR) {
                        checkAck(off, len, "dump addresses");
                    } else if (type == RTM_NEWADDR) {
                        Address a = parseAddress(off, len, wanted);
                        if (a != null) {
                            out.add(a);
                        }
                    }
                }
                off += align(len);
            }
        }
    }

    private Address parseAddress(int off, int len, List<Wanted> wanted) {
        int body = off + NLMSG_HDRLEN;
        int family = buffer.get(JAVA_BYTE, body) & 0xff;
        int prefix = buffer.get(JAVA_BYTE, body + 1) & 0xff;
        int flags = buffer.get(JAVA_BYTE, body + 2) & 0xff;
        int ifIndex = buffer.get(JAVA_INT, body + 4);
        int alen = family == Libc.AF_INET ? 4 : family == Libc.AF_INET6 ? 16 : -1;
        if (alen < 0) {
            return null;
        }
        int local = -1; // offsets of the attributes' address bytes in the buffer
        int address = -1;
        for (int a = body + 8; a + 4 <= off + len; ) {
            int rtaLen = buffer.get(JAVA_SHORT, a) & 0xffff;
            int rtaType = buffer.get(JAVA_SHORT, a + 2) & 0xffff;
            if (rtaLen < 4 || a + rtaLen > off + len) {
                break;
            }
            if ((rtaType == IFA_LOCAL || rtaType == IFA_ADDRESS) && rtaLen == 4 + alen) {
                if (rtaType == IFA_LOCAL) {
                    local = a + 4;
                } else {
                    address = a + 4;
                }
            } else if (rtaType == 8 && rtaLen >= 8) { // IFA_FLAGS: the full 32-bit flags
                flags = buffer.get(JAVA_INT, a + 4);
            }
            a += align(rtaLen);
        }
        int which = local >= 0 ? local : address;
        if (which < 0 || (wanted != null && !isWanted(wanted, ifIndex, which, alen))) {
            return null;
        }
        return new Address(ifIndex, Structs.address(buffer.asSlice(which, alen).toArray(JAVA_BYTE)), prefix, flags);
    }

    private boolean isWanted(List<Wanted> wanted, int ifIndex, int at, int alen) {
        for (Wanted w : wanted) {
            if (w.ifIndex() == ifIndex && w.address().length == alen && equalAt(at, w.address())) {
                return true;
            }
        }
        return false;
    }

    private boolean equalAt(int at, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (buffer.get(JAVA_BYTE, at + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Adds {@code address/prefix} to the interface; fails with EEXIST when it is there already.
     *
     * @param ifIndex the interface's index
     * @param address the address, IPv4 or IPv6
     * @param prefixLength its prefix length
     * @param extraFlags {@code IFA_F_*} flags for the address, e.g. {@link #IFA_F_NODAD}
     */
    public void add(int ifIndex, InetAddress address, int prefixLength, int extraFlags) throws NativeException {
        change(RTM_NEWADDR, (short) (NLM_F_CREATE | NLM_F_EXCL), ifIndex, address, prefixLength, extraFlags);
    }

    /** Deletes {@code address/prefix} from the interface; fails with EADDRNOTAVAIL when it is not there. */
    public void delete(int ifIndex, InetAddress address, int prefixLength) throws NativeException {
        change(RTM_DELADDR, (short) 0, ifIndex, address, prefixLength, 0);
    }

    private void change(short type, short flags, int ifIndex, InetAddress address, int prefixLength, int ifaFlags)
            throws NativeException {
        byte[] raw = address.getAddress();
        int rta = align(4 + raw.length);
        ByteBuffer req = request(type, (short) (NLM_F_REQUEST | NLM_F_ACK | flags), 8 + 2 * rta);
        int scope = address.isLoopbackAddress() ? RT_SCOPE_HOST
                : address instanceof Inet6Address && address.isLinkLocalAddress() ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        req.put((byte) (address instanceof Inet4Address ? Libc.AF_INET : Libc.AF_INET6))
                .put((byte) prefixLength).put((byte) ifaFlags).put((byte) scope).putInt(ifIndex);
        for (short attr : new short[] {IFA_LOCAL, IFA_ADDRESS}) {
            req.putShort((short) (4 + raw.length)).putShort(attr).put(raw);
        }
        String what = type == RTM_NEWADDR ? "RTM_NEWADDR" : "RTM_DELADDR";
        awaitAck(send(req), what);
    }

    /**
     * Dumps one kind of object ({@code RTM_GETROUTE}, {@code RTM_GETRULE}) with {@code body} as the request's header;
     * each reply of type {@code replyType} goes to {@code each} as its body (after the nlmsghdr), in host order.
     */
    public void dump(short getType, short replyType, byte[] body, java.util.function.Consumer<ByteBuffer> each)
            throws NativeException {
        ByteBuffer req = request(getType, (short) (NLM_F_REQUEST | NLM_F_DUMP), body.length);
        req.put(body);
        int mySeq = send(req);
        String what = "dump " + getType;
        while (true) {
            int n = receive(what);
            for (int off = 0; off + NLMSG_HDRLEN <= n; ) {
                int len = buffer.get(JAVA_INT, off);
                short type = buffer.get(JAVA_SHORT, off + 4);
                if (len < NLMSG_HDRLEN || off + len > n) {
                    break;
                }
                if (buffer.get(JAVA_INT, off + 8) == mySeq) {
                    if (type == NLMSG_DONE) {
                        return;
                    }
                    if (type == NLMSG_ERROR) {
                        checkAck(off, len, what);
                    } else if (type == replyType) {
                        byte[] msg = buffer.asSlice(off + NLMSG_HDRLEN, len - NLMSG_HDRLEN).toArray(JAVA_BYTE);
                        each.accept(ByteBuffer.wrap(msg).order(ByteOrder.nativeOrder()));
                    }
                }
                off += align(len);
            }
        }
    }

    /**
     * Sends one request ({@code NLM_F_REQUEST | NLM_F_ACK | flags}) with {@code body} after its {@code nlmsghdr} and
     * waits for the kernel's ACK; throws {@link NetlinkException} on an error. {@code what} names the request in it.
     */
    public void transact(short type, short flags, byte[] body, String what) throws NativeException {
        ByteBuffer req = request(type, (short) (NLM_F_REQUEST | NLM_F_ACK | flags), body.length);
        req.put(body);
        awaitAck(send(req), what);
    }

    private void awaitAck(int mySeq, String what) throws NativeException {
        while (true) {
            int n = receive(what);
            for (int off = 0; off + NLMSG_HDRLEN <= n; ) {
                int len = buffer.get(JAVA_INT, off);
                if (len < NLMSG_HDRLEN || off + len > n) {
                    break;
                }
                if (buffer.get(JAVA_SHORT, off + 4) == NLMSG_ERROR && buffer.get(JAVA_INT, off + 8) == mySeq) {
                    checkAck(off, len, what);
                    return;
                }
                off += align(len);
            }
        }
    }

    /** Throws for a negative error in an NLMSG_ERROR message, adding the kernel's extended-ACK text if any. */
    private void checkAck(int off, int len, String what) throws NetlinkException {
        int error = buffer.get(JAVA_INT, off + NLMSG_HDRLEN);
        if (error == 0) {
            return;
        }
        String detail = null;
        short flags = buffer.get(JAVA_SHORT, off + 6);
        if ((flags & NLM_F_ACK_TLVS) != 0) {
            int echoed = (flags & NLM_F_CAPPED) != 0 ? NLMSG_HDRLEN : buffer.get(JAVA_INT, off + NLMSG_HDRLEN + 4);
            for (int a = off + NLMSG_HDRLEN + 4 + align(echoed); a + 4 <= off + len; ) {
                int nlaLen = buffer.get(JAVA_SHORT, a) & 0xffff;
                int nlaType = buffer.get(JAVA_SHORT, a + 2) & 0x3fff;
                if (nlaLen < 4 || a + nlaLen > off + len) {
                    break;
                }
                if (nlaType == NLMSGERR_ATTR_MSG && nlaLen > 4) {
                    byte[] b = buffer.asSlice(a + 4, nlaLen - 4).toArray(JAVA_BYTE);
                    int end = 0;
                    while (end < b.length && b[end] != 0) {
                        end++;
                    }
                    detail = new String(b, 0, end, StandardCharsets.UTF_8);
                }
                a += align(nlaLen);
            }
        }
        throw new NetlinkException(what, -error, detail);
    }

    private ByteBuffer request(short type, short flags, int payload) {
        ByteBuffer b = ByteBuffer.allocate(NLMSG_HDRLEN + payload).order(ByteOrder.nativeOrder());
        b.putInt(NLMSG_HDRLEN + payload).putShort(type).putShort(flags).putInt(++seq).putInt(0);
        return b;
    }

    private int send(ByteBuffer req) throws NativeException {
        byte[] bytes = req.array();
        try (Arena a = Arena.ofConfined()) {
            Libc.sendto(fd, a.allocateFrom(JAVA_BYTE, bytes), bytes.length, 0, MemorySegment.NULL, "netlink send");
        }
        return req.getInt(8);
    }

    private int receive(String what) throws NativeException {
        long n = Libc.recv(fd, buffer, Libc.MSG_TRUNC, what);
        if (n > buffer.byteSize()) {
            throw new NativeException(what + ": reply of " + n + " bytes truncated", Libc.EINVAL);
        }
        return (int) n;
    }

    private static int align(int len) {
        return (len + 3) & ~3;
    }

    @Override
    public void close() {
        Libc.closeQuietly(fd);
        arena.close();
    }
}
