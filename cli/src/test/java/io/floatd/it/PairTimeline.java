package io.floatd.it;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What happened to a pair of floatd nodes and their Elastic IP, rebuilt after the fact from the daemons' own
 * time-stamped {@code Entering X STATE} lines (millisecond resolution, written on the VRRP loop as the state
 * changes) and from the EC2 test endpoint's association changes (when each write arrived): the number of Masters
 * and the EIP's holder at every instant, without a poller that could miss a short overlap.
 */
final class PairTimeline {
    private static final Pattern ENTERING =
            Pattern.compile("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) floatd: VRRP_Instance\\(\\S+\\) Entering (\\w+) STATE");
    private static final DateTimeFormatter LOG_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    /** One change: node {@code node} entered {@code state}, or (node -1) the EIP moved to {@code holder}. */
    record Event(long at, int node, String state, String holder) {
    }

    /** The pair after an event: each node's state, how many are Master, who holds the EIP. */
    record Point(long at, Event cause, String[] states, int masters, String holder) {
        /** The one Master's index when there is exactly one, else -1. */
        int master() {
            if (masters != 1) {
                return -1;
            }
            return "MASTER".equals(states[0]) ? 0 : 1;
        }
    }

    /** A stretch of time in which the number of Masters was not one ({@code end} is MAX_VALUE while it lasts). */
    record Period(long start, long end, int masters) {
    }

    private final List<Point> points;
    private final String[] instances;

    private PairTimeline(List<Point> points, String[] instances) {
        this.points = points;
        this.instances = instances;
    }

    /** Everything from both logs and the endpoint; {@code instances[i]} is node i's EC2 instance id. */
    static PairTimeline of(String[] logs, List<Ec2TestEndpoint.Change> changes, String[] instances) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < logs.length; i++) {
            events.addAll(transitions(i, logs[i]));
        }
        for (Ec2TestEndpoint.Change c : changes) {
            events.add(new Event(c.atEpochNanos(), -1, null, c.instanceId()));
        }
        events.sort(Comparator.comparingLong(Event::at));
        List<Point> points = new ArrayList<>();
        String[] states = {"", ""};
        String holder = null;
        for (Event e : events) {
            if (e.node() >= 0) {
                states[e.node()] = e.state();
            } else {
                holder = e.holder();
            }
            int masters = (int) java.util.Arrays.stream(states).filter("MASTER"::equals).count();
            points.add(new Point(e.at(), e, states.clone(), masters, holder));
        }
        return new PairTimeline(points, instances);
    }

    static List<Event> transitions(int node, String log) {
        List<Event> out = new ArrayList<>();
        for (String line : log.split("\n")) {
            Matcher m = ENTERING.matcher(line);
            if (m.find()) {
                try {
                    Instant t = Instant.from(LOG_TIME.parse(m.group(1)));
                    out.add(new Event(t.getEpochSecond() * 1_000_000_000L + t.getNano(), node, m.group(2), null));
                } catch (DateTimeParseException e) {
                    // not a time stamp after all: not a transition line
                }
            }
        }
        return out;
    }

    /**
     * The association changes in [from, to) that moved the EIP to another holder. A second association with the node
     * that holds it already (the Master's take-back and the stepping-down node's hand-over, both naming the Master,
     * crossing at the heal) is a write, not a move.
     */
    List<Event> moves(long from, long to) {
        List<Event> out = new ArrayList<>();
        String holder = null;
        for (Point p : points) {
            Event e = p.cause();
            if (e.node() < 0) {
                if (e.at() >= from && e.at() < to && !java.util.Objects.equals(holder, e.holder())) {
                    out.add(e);
                }
                holder = e.holder();
            }
        }
        return out;
    }

    /** The stretches at or after {@code from} with other than one Master; one in progress at {@code from} starts there. */
    List<Period> notOneMaster(long from) {
        List<Period> out = new ArrayList<>();
        Point before = at(from);
        long start = before != null && before.masters() != 1 ? from : -1;
        int masters = before == null ? 0 : before.masters();
        for (Point p : points) {
            if (p.at() < from) {
                continue;
            }
            if (p.masters() != 1 && start < 0) {
                start = p.at();
                masters = p.masters();
            } else if (p.masters() == 1 && start >= 0) {
                out.add(new Period(start, p.at(), masters));
                start = -1;
            }
        }
        if (start >= 0) {
            out.add(new Period(start, Long.MAX_VALUE, masters));
        }
        return out;
    }

    /** The pair as it was at {@code t} (after the last event before it), or null before the first event. */
    Point at(long t) {
        Point last = null;
        for (Point p : points) {
            if (p.at() > t) {
                break;
            }
            last = p;
        }
        return last;
    }

    /**
     * From {@code from} on, the first instant after which there is exactly one Master and it holds the EIP, for
     * good (up to the last event); -1 when the pair never got there.
     */
    long settledAt(long from) {
        long settled = -1;
        Point before = at(from);
        if (before != null && good(before)) {
            settled = from;
        }
        for (Point p : points) {
            if (p.at() < from) {
                continue;
            }
            if (!good(p)) {
                settled = -1;
            } else if (settled < 0) {
                settled = p.at();
            }
        }
        return settled;
    }

    private boolean good(Point p) {
        return p.master() >= 0 && instances[p.master()].equals(p.holder());
    }

    /** One line per event, in ms relative to {@code zero}: who changed, the Masters count and the EIP's holder. */
    String render(long zero) {
        StringBuilder out = new StringBuilder();
        for (Point p : points) {
            if (p.at() < zero - 1_000_000_000L) {
                continue; // the start-up election is not part of the story
            }
            Event e = p.cause();
            String what = e.node() >= 0 ? "node" + e.node() + " " + e.state() : "EIP -> " + name(e.holder());
            out.append(String.format("  %+9.1f ms  %-16s masters %d  EIP on %s%n", (p.at() - zero) / 1e6, what,
                    p.masters(), name(p.holder())));
        }
        return out.toString();
    }

    private String name(String instance) {
        for (int i = 0; i < instances.length; i++) {
            if (instances[i].equals(instance)) {
                return "node" + i;
            }
        }
        return instance == null ? "nobody" : instance;
    }
}
