/**
 * The {@code floatd} command (picocli): {@code run}, {@code check}, {@code status}, {@code demo} and keepalived's
 * flags; signals, systemd (sd_notify, journald) and the read-only status HTTP server (Netty). The providers are not
 * required: they are found at run time through the services core uses.
 */
module io.floatd.cli {
    requires io.floatd.vrrp;
    requires io.floatd.testkit.aws;
    requires info.picocli;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.transport;
    requires java.logging;
    requires java.net.http;
    requires jdk.unsupported;

    // picocli reads the commands' annotated fields and methods reflectively
    opens io.floatd.cli to info.picocli;
}
