package io.floatd.vrrp.config;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code keepalived -t} refuses about the host rather than the file: an interface that does not exist here. It
 * runs on the parsed configuration, after the parser (which does no host look-ups), with the look-up injected.
 *
 * <p>keepalived 2.2.7 looks each name up as it reads {@code interface} ({@code vrrp_int_handler}) and
 * {@code track_interface} ({@code alloc_track_if}, in an instance or a sync group) and a virtual address's {@code dev}
 * ({@code parse_ipaddress}); a missing one is reported ("WARNING
 * - interface X for vrrp_instance Y doesn't exist", "(Y) tracked interface X doesn't exist") and marks the
 * configuration, and {@code start_vrrp} then stops the daemon ("Non-existent interface specified in configuration").
 * With {@code dynamic_interfaces} in {@code global_defs} it keeps the name instead ("will use if created"): the
 * instance stays in FAULT, and a tracked interface counts as down, until the interface is created. So here a missing
 * interface is an error at the line that names it, or a warning there under {@code dynamic_interfaces}.
 */
public final class HostCheck {
    /** Whether an interface exists on this host (in this network namespace). */
    @FunctionalInterface
    public interface InterfaceLookup {
        boolean exists(String name) throws IOException;
    }

    /** The errors (the configuration cannot run here) and warnings the check found, each at file:line. */
    public record Result(List<ConfigError> errors, List<ConfigError> warnings) {
        public Result {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }
    }

    /** The kernel's IFNAMSIZ (16) less its terminating NUL. */
    public static final int MAX_NAME = 15;

    private HostCheck() {
    }

    public static Result check(FloatdConfig config, InterfaceLookup host) {
        boolean dynamic = config.global().dynamicInterfaces();
        List<ConfigError> errors = new ArrayList<>();
        List<ConfigError> warnings = new ArrayList<>();
        for (InstanceConfig ic : config.instances()) {
            if (ic.interfaceName().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME) {
                // keepalived's vrrp_int_handler: "Interface name '%s' too long - ignoring", then "Unknown interface!",
                // dynamic_interfaces or not
                SourceLine at = where(ic, ic.interfaceLine());
                errors.add(new ConfigError(at.file(), at.line(), "interface " + ic.interfaceName() + " for vrrp_instance "
                        + ic.name() + ": the name is longer than " + MAX_NAME + " bytes, which no Linux interface can have"));
                continue;
            }
            look(host, dynamic, ic.interfaceName(), "interface " + ic.interfaceName() + " for vrrp_instance " + ic.name(),
                    where(ic, ic.interfaceLine()), "the instance stays in FAULT until it is created", errors, warnings);
            for (String device : ic.virtualAddresses().stream().map(VirtualAddress::device).filter(d -> d != null).distinct().toList()) {
                look(host, dynamic, device, "interface " + device + " for virtual_ipaddress in vrrp_instance " + ic.name(),
                        where(ic, ic.deviceLine(device)), "floatd starts anyway and cannot add these addresses until it is created", errors, warnings);
            }
            // keepalived: "WARNING - interface X for VROUTE nexthop doesn't exist", "... for rule doesn't exist"
            for (String device : routeDevices(ic)) {
                look(host, dynamic, device, "interface " + device + " for virtual_routes/virtual_rules in vrrp_instance "
                        + ic.name(), where(ic, ic.deviceLine(device)), "floatd starts anyway and cannot add those"
                        + " routes and rules until it is created", errors, warnings);
            }
            for (TrackedInterface t : ic.trackInterfaces()) {
                look(host, dynamic, t.name(), "track_interface " + t.name() + " for vrrp_instance " + ic.name(),
                        where(ic, ic.trackInterfaceLine(t.name())), "it counts as down until it is created", errors, warnings);
            }
        }
        return new Result(errors, warnings);
    }

    private static void look(InterfaceLookup host, boolean dynamic, String name, String what, SourceLine at,
            String meanwhile, List<ConfigError> errors, List<ConfigError> warnings) {
        boolean exists;
        try {
            exists = host.exists(name);
        } catch (IOException e) {
            errors.add(new ConfigError(at.file(), at.line(), what + ": cannot look it up on this host: " + e.getMessage()));
            return;
        }
        if (exists) {
            return;
        }
        if (dynamic) {
            warnings.add(new ConfigError(at.file(), at.line(), what + " does not exist on this host yet; with"
                    + " dynamic_interfaces " + meanwhile + ", as in keepalived"));
        } else {
            errors.add(new ConfigError(at.file(), at.line(), what + " does not exist on this host (keepalived refuses"
                    + " to start too; set dynamic_interfaces in global_defs if it is created later)"));
        }
    }

    /** The devices the instance's routes and rules name, each once. */
    private static List<String> routeDevices(InstanceConfig ic) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        ic.virtualRoutes().forEach(r -> Optional.ofNullable(r.device()).ifPresent(out::add));
        ic.virtualRules().forEach(r -> {
            Optional.ofNullable(r.inputInterface()).ifPresent(out::add);
            Optional.ofNullable(r.outputInterface()).ifPresent(out::add);
        });
        return List.copyOf(out);
    }

    /** The line that names the interface, or the instance's line when the configuration was not read from a file. */
    private static SourceLine where(InstanceConfig ic, Optional<SourceLine> named) {
        return named.orElseGet(() -> new SourceLine(ic.file() == null ? "(no file)" : ic.file(), ic.line()));
    }
}
