package io.floatd.vrrp.status;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The standard {@code process_*} families, from the official Prometheus Java client's
 * {@code io.prometheus.metrics.instrumentation.jvm.ProcessMetrics} (CPU seconds, start time, open and maximum file
 * descriptors through the JVM's operating-system bean; virtual and resident memory from {@code /proc/self/status}),
 * so a floatd target looks like any other process in dashboards. The client reads them at each scrape: a handful of
 * small reads, and nothing here touches the VRRP loop. A family the platform cannot give (no {@code /proc}) is left
 * out, as the client leaves it out.
 */
public final class ProcessMetrics {
    private static final ProcessMetrics THIS_PROCESS = new ProcessMetrics();

    private final PrometheusRegistry registry = new PrometheusRegistry();

    private ProcessMetrics() {
        io.prometheus.metrics.instrumentation.jvm.ProcessMetrics.builder().register(registry);
    }

    /** This process. */
    public static ProcessMetrics linux() {
        return THIS_PROCESS;
    }

    /** The values read now, by family name as exposed ({@code _total} on the counter); a family not read is absent. */
    public Map<String, Double> read() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (MetricSnapshot s : registry.scrape()) {
            if (s instanceof CounterSnapshot c && !c.getDataPoints().isEmpty()) {
                out.put(c.getMetadata().getName() + "_total", c.getDataPoints().getFirst().getValue());
            } else if (s instanceof GaugeSnapshot g && !g.getDataPoints().isEmpty()) {
                out.put(g.getMetadata().getName(), g.getDataPoints().getFirst().getValue());
            }
        }
        return out;
    }

    /** The families in the Prometheus text format, as the client writes them. */
    public String render() {
        return PrometheusText.write(registry.scrape());
    }
}
