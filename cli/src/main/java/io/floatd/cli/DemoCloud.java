package io.floatd.cli;

import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import java.util.function.Consumer;

/**
 * The demo's embedded "cloud": one floating IP and who holds it, with an API round trip of a few
 * milliseconds. It stands in for a cloud API only in {@code floatd demo}; providers are tested against
 * endpoints that speak the real APIs.
 */
final class DemoCloud {
    static final String IP = "203.0.113.10";
    private static final long API_LATENCY_MILLIS = 15;

    private final Consumer<String> events;
    private String holder;
    private int moves;

    DemoCloud(Consumer<String> events) {
        this.events = events;
    }

    synchronized String holder() {
        return holder;
    }

    synchronized int moves() {
        return moves;
    }

    FloatingIpProviderFactory factory(String node) {
        return new FloatingIpProviderFactory() {
            @Override
            public String name() {
                return "demo-cloud";
            }

            @Override
            public FloatingIpProvider create(ProviderContext context) {
                return new NodeView(node);
            }
        };
    }

    private final class NodeView implements FloatingIpProvider {
        private final String node;

        NodeView(String node) {
            this.node = node;
        }

        @Override
        public Holder holder() {
            roundTrip();
            synchronized (DemoCloud.this) {
                if (holder == null) {
                    return Holder.nobody();
                }
                return holder.equals(node) ? Holder.self(node) : Holder.peer(holder);
            }
        }

        @Override
        public void acquire() {
            roundTrip();
            synchronized (DemoCloud.this) {
                if (!node.equals(holder)) {
                    holder = node;
                    moves++;
                    events.accept("cloud API: " + IP + " now on " + node);
                }
            }
        }

        @Override
        public void release() {
            roundTrip();
            synchronized (DemoCloud.this) {
                if (node.equals(holder)) {
                    holder = null;
                    events.accept("cloud API: " + IP + " released by " + node);
                }
            }
        }

        private void roundTrip() {
            try {
                Thread.sleep(API_LATENCY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
