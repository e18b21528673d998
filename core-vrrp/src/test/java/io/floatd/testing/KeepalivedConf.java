package io.floatd.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Renders a keepalived.conf with one VRRP instance (unicast with {@link #peer}, else multicast), so a test can run a real keepalived next to floatd.
 * Defaults: interface {@code eth0}, state BACKUP, VRRPv3, priority 100, advert_int 1 s, preemption on.
 *
 * <pre>{@code
 * String conf = KeepalivedConf.instance("VI_1").vrid(51).priority(150).advertInt(Duration.ofMillis(100))
 *         .unicastSrcIp(Lan.address(0)).peer(Lan.address(1)).vip("10.199.0.100/24").render();
 * }</pre>
 */
public final class KeepalivedConf {
    private final String name;
    private String routerId;
    private String iface = Lan.IFNAME;
    private String state = "BACKUP";
    private int vrid = 51;
    private int priority = 100;
    private Duration advertInt = Duration.ofSeconds(1);
    private int version = 3;
    private String unicastSrcIp;
    private final List<String> peers = new ArrayList<>();
    private String authPass;
    private String authType = "PASS";
    private final List<String> vips = new ArrayList<>();
    private boolean nopreempt;
    private String notify;
    private String mcastSrcIp;
    private String mcastDstIp;
    private String extra = "";
    private String inside = "";

    private KeepalivedConf(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    public static KeepalivedConf instance(String name) {
        return new KeepalivedConf(name);
    }

    public String name() {
        return name;
    }

    public KeepalivedConf routerId(String routerId) {
        this.routerId = routerId;
        return this;
    }

    public KeepalivedConf iface(String iface) {
        this.iface = iface;
        return this;
    }

    /** The initial state, MASTER or BACKUP. */
    public KeepalivedConf state(String state) {
        this.state = state;
        return this;
    }

    public KeepalivedConf vrid(int vrid) {
        this.vrid = vrid;
        return this;
    }

    public KeepalivedConf priority(int priority) {
        this.priority = priority;
        return this;
    }

    /** Sub-second intervals need VRRPv3; keepalived's resolution here is centiseconds. */
    public KeepalivedConf advertInt(Duration advertInt) {
        this.advertInt = advertInt;
        return this;
    }

    public KeepalivedConf version(int version) {
        this.version = version;
        return this;
    }

    public KeepalivedConf unicastSrcIp(String ip) {
        this.unicastSrcIp = ip;
        return this;
    }

    /** Multicast: the adverts' source address (keepalived's default: the interface's primary / link-local address). */
    public KeepalivedConf mcastSrcIp(String ip) {
        this.mcastSrcIp = ip;
        return this;
    }

    /** Multicast: the group (keepalived's default: 224.0.0.18 / ff02::12). */
    public KeepalivedConf mcastDstIp(String ip) {
        this.mcastDstIp = ip;
        return this;
    }

    /** Without any peer, the instance runs over multicast. */
    public KeepalivedConf peer(String ip) {
        peers.add(ip);
        return this;
    }

    /** Simple password authentication (VRRPv2 only: keepalived ignores it, with a warning, for v3). */
    public KeepalivedConf authPass(String password) {
        this.authPass = password;
        return this;
    }

    /** IPsec-AH authentication keyed from {@code password} (VRRPv2 over IPv4 only). */
    public KeepalivedConf authAh(String password) {
        this.authPass = password;
        this.authType = "AH";
        return this;
    }

    /** A virtual address such as {@code 10.199.0.100/24}; it is bound to this instance's interface. */
    public KeepalivedConf vip(String cidr) {
        vips.add(cidr);
        return this;
    }

    public KeepalivedConf nopreempt(boolean nopreempt) {
        this.nopreempt = nopreempt;
        return this;
    }

    /** The generic notify script line (keepalived appends INSTANCE, name, state and priority). */
    public KeepalivedConf notify(String line) {
        this.notify = line;
        return this;
    }

    /** Configuration text written as is after the instance (more instances, a vrrp_sync_group). */
    public KeepalivedConf extra(String text) {
        this.extra = Objects.requireNonNull(text, "text");
        return this;
    }

    /** Configuration text written as is inside the instance, before its closing brace (virtual_routes...). */
    public KeepalivedConf inside(String text) {
        this.inside = Objects.requireNonNull(text, "text");
        return this;
    }

    public String render() {
        StringBuilder b = new StringBuilder();
        b.append("global_defs {\n");
        b.append("  router_id ").append(routerId != null ? routerId : "fd_" + name).append('\n');
        // without a keepalived_script user, keepalived would otherwise warn and fall back to root anyway
        b.append("  script_user root\n");
        b.append("}\n\n");
        b.append("vrrp_instance ").append(name).append(" {\n");
        b.append("  state ").append(state).append('\n');
        b.append("  interface ").append(iface).append('\n');
        b.append("  virtual_router_id ").append(vrid).append('\n');
        b.append("  priority ").append(priority).append('\n');
        b.append("  advert_int ").append(seconds(advertInt)).append('\n');
        b.append("  version ").append(version).append('\n');
        if (nopreempt) {
            b.append("  nopreempt\n");
        }
        if (unicastSrcIp != null) {
            b.append("  unicast_src_ip ").append(unicastSrcIp).append('\n');
        }
        if (mcastSrcIp != null) {
            b.append("  mcast_src_ip ").append(mcastSrcIp).append('\n');
        }
        if (mcastDstIp != null) {
            b.append("  mcast_dst_ip ").append(mcastDstIp).append('\n');
        }
        if (!peers.isEmpty()) {
            b.append("  unicast_peer {\n");
            for (String p : peers) {
                b.append("    ").append(p).append('\n');
            }
            b.append("  }\n");
        }
        if (authPass != null) {
            b.append("  authentication {\n    auth_type ").append(authType).append("\n    auth_pass ").append(authPass).append("\n  }\n");
        }
        if (!vips.isEmpty()) {
            b.append("  virtual_ipaddress {\n");
            for (String v : vips) {
                b.append("    ").append(v).append(" dev ").append(iface).append('\n');
            }
            b.append("  }\n");
        }
        if (notify != null) {
            b.append("  notify ").append(quote(notify)).append('\n');
        }
        b.append(inside);
        b.append("}\n");
        b.append(extra);
        return b.toString();
    }

    public Path writeTo(Path file) {
        try {
            Files.writeString(file, render());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString();
    }

    /** Double-quoted so the whole line, arguments included, is one configuration string. */
    private static String quote(String line) {
        return '"' + line.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    @Override
    public String toString() {
        return render();
    }
}
