package io.floatd.cli;

import io.floatd.vrrp.status.PrometheusText;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the SIGHUP reloads went, for /metrics, in the names Prometheus gives its own ({@code
 * prometheus_config_last_reload_successful}): a failed reload leaves the old configuration running, which nothing
 * else shows, so an alert needs these. The start counts as a successful load. Written by the signal thread, read by
 * the status endpoint.
 */
final class ReloadOutcomes {
    private long successes;
    private long failures;
    private boolean lastSuccessful = true;
    private Instant lastSuccess;

    ReloadOutcomes(Instant loaded) {
        this.lastSuccess = loaded;
    }

    synchronized void succeeded(Instant at) {
        successes++;
        lastSuccessful = true;
        lastSuccess = at;
    }

    synchronized void failed() {
        failures++;
        lastSuccessful = false;
    }

    synchronized String metrics() {
        Map<String, Long> byResult = new LinkedHashMap<>();
        byResult.put("success", successes);
        byResult.put("failure", failures);
        return PrometheusText.family("floatd_config_reloads_total", "counter",
                "Configuration reloads (SIGHUP, systemctl reload), by result; a failed one leaves the running configuration as it was.",
                "result", byResult)
                + PrometheusText.family("floatd_config_last_reload_successful", "gauge",
                        "1 when the last reload (or the start) loaded the configuration; 0: the file on disk is not what runs.",
                        null, Map.of("", lastSuccessful ? 1 : 0))
                + PrometheusText.family("floatd_config_last_reload_success_timestamp_seconds", "gauge",
                        "Unix time of the last successful configuration load (the start, or a reload).",
                        null, Map.of("", lastSuccess.toEpochMilli() / 1000.0));
    }
}
