package io.floatd.vrrp.runtime;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import java.lang.System.Logger.Level;

/**
 * The process's descriptor limit (RLIMIT_NOFILE), checked once at start: the soft limit is raised to the hard one
 * (systemd's default soft limit is 1024), so VRRP sockets, provider connections and notify scripts' pipes keep
 * working while the status endpoint holds its capped share. The JVM usually raises it already; this makes it so
 * whatever the JVM's flags, and says what the limit is.
 */
public final class FileDescriptorBudget {
    private static final System.Logger LOG = System.getLogger("floatd");
    /** Below this the daemon warns: a few hundred descriptors go to sockets, the JVM and script pipes. */
    static final long LOW = 1024;

    private FileDescriptorBudget() {
    }

    /** Raises the soft RLIMIT_NOFILE to the hard one; returns the soft limit in effect, or -1 when unknown. */
    public static long raise() {
        try {
            long[] limit = Libc.getrlimit(Libc.RLIMIT_NOFILE);
            long soft = limit[0];
            long hard = limit[1];
            if (soft != hard && (hard == -1 || Long.compareUnsigned(soft, hard) < 0)) {
                Libc.setrlimit(Libc.RLIMIT_NOFILE, hard, hard);
                LOG.log(Level.DEBUG, "RLIMIT_NOFILE raised from {0} to {1}", soft, hard);
                soft = hard;
            }
            if (soft != -1 && soft < LOW) {
                LOG.log(Level.WARNING, "only {0} file descriptors allowed (RLIMIT_NOFILE): raise it (LimitNOFILE= in"
                        + " the unit) so scripts and sockets keep working under load", soft);
            }
            return soft == -1 ? Long.MAX_VALUE : soft;
        } catch (NativeException e) {
            LOG.log(Level.WARNING, "cannot read or raise RLIMIT_NOFILE: {0}", e.getMessage());
            return -1;
        }
    }
}
