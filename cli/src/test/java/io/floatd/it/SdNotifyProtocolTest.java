package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * floatd under {@code Type=notify} with {@code WatchdogSec=} (issue 17): a real floatd run with {@code $NOTIFY_SOCKET}
 * naming a datagram socket this test holds, as systemd does, and {@code $WATCHDOG_USEC}. It must say READY=1 only once
 * the instance runs and the status endpoint serves, STATUS= as the instance becomes Master, WATCHDOG=1 at half the
 * interval, RELOADING=1 then READY=1 around SIGHUP, and STOPPING=1 on SIGTERM.
 */
class SdNotifyProtocolTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void readyStatusWatchdogReloadingAndStoppingReachTheNotifySocket() throws Throwable {
        try (Lan lan = Lan.create("sdn", 1); NotifySocket systemd = new NotifySocket(tmp.resolve("notify"))) {
            lan.host(0).exec("ip", "link", "set", "lo", "up");
            Path conf = Files.writeString(tmp.resolve("floatd.conf"), """
                    vrrp_instance VI_1 {
                        state BACKUP
                        interface eth0
                        virtual_router_id 51
                        priority 100
                        advert_int 0.1
                        version 3
                        unicast_peer {
                            10.199.0.2
                        }
                        virtual_ipaddress {
                            10.199.0.100/24
                        }
                    }
                    """);
            Path log = tmp.resolve("floatd.log");
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lan.host(0).name(), "env", "-u", "JOURNAL_STREAM",
                    "NOTIFY_SOCKET=" + systemd.path(), "WATCHDOG_USEC=400000"));
            cmd.addAll(FloatdProcess.command("run", "-f", conf.toString(), "--status-address", "127.0.0.1:9798",
                    "--control-socket", tmp.resolve("control.sock").toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                int ready = systemd.await("READY=1", 0, WAIT);
                String logAtReady = Files.readString(log);
                assertTrue(logAtReady.contains("Status endpoint on http://127.0.0.1:9798/status"),
                        "READY=1 before the status endpoint serves:\n" + logAtReady);
                assertTrue(systemd.received().get(ready).matches("READY=1\nSTATUS=VI_1 (BACKUP|MASTER|INIT)"),
                        systemd.received()::toString);
                systemd.await("STATUS=VI_1 MASTER", 0, WAIT);
                int firstPing = systemd.await("WATCHDOG=1", 0, WAIT);
                systemd.await("WATCHDOG=1", firstPing + 1, WAIT);
                assertTrue(Files.readString(log).contains("systemd watchdog: WATCHDOG=1 from the VRRP loop every 200 ms"),
                        Files.readString(log));

                Runtime.getRuntime().exec(new String[] {"kill", "-HUP", String.valueOf(p.pid())}).waitFor();
                int reloading = systemd.await("RELOADING=1\nMONOTONIC_USEC=", 0, WAIT);
                int readyAgain = systemd.await("READY=1", reloading + 1, WAIT);
                String logNow = Files.readString(log);
                assertTrue(logNow.contains("Reload done"), logNow);
                assertTrue(readyAgain > reloading);

                p.destroy(); // SIGTERM
                assertTrue(p.waitFor(20, TimeUnit.SECONDS), "floatd did not stop");
                int stopping = systemd.await("STOPPING=1", readyAgain + 1, WAIT);
                List<String> all = systemd.received();
                assertEquals(all.size() - 1, stopping, "STOPPING=1 is the last word: " + all);
                assertEquals(1, all.stream().filter(m -> m.equals("STOPPING=1")).count(), all::toString);
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
