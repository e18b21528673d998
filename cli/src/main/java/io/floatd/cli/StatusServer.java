package io.floatd.cli;

import io.floatd.vrrp.log.RateLimitedLog;
import io.floatd.vrrp.status.ProcessMetrics;
import io.floatd.vrrp.status.PrometheusText;
import io.floatd.vrrp.status.StatusJson;
import io.floatd.vrrp.status.StatusSnapshot;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The read-only status endpoint of {@code floatd run}: {@code GET /status} (JSON), {@code GET /metrics}
 * (Prometheus text 0.0.4), {@code GET /healthz} ({@code ok} while the VRRP loop runs and every instance is running,
 * else 503 with one line per problem: {@code VI_3 not running: cannot start: ...}). One Netty
 * event-loop thread; each request reads a {@link StatusSnapshot} (volatile fields and counters), so serving
 * never waits for, or posts to, the VRRP loop.
 *
 * <p>Nothing here changes the daemon's state: that goes through the control socket ({@code floatd handover}). Every
 * request must name this endpoint in {@code Host} and must not come from a foreign {@code Origin}
 * ({@link EndpointGuard}). Connections are capped ({@link Limits#maxConnections}; one more closes the oldest, with a
 * rate-limited log line naming the cap) and cut when idle or slow ({@link ConnectionDeadlines}), so a local process
 * opening thousands of connections costs the daemon a bounded number of descriptors and /healthz still answers.
 */
final class StatusServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd");
    /** Connections the kernel completes before floatd accepts them (capped by net.core.somaxconn); no descriptors. */
    private static final int BACKLOG = 1024;
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    /**
     * How much the endpoint takes on.
     *
     * @param maxConnections connections open at once; one more closes the oldest
     * @param idleTimeout a connection sending nothing this long (after opening or after a response) is closed
     * @param requestTimeout a request not complete this long after its first byte is cut
     */
    record Limits(int maxConnections, Duration idleTimeout, Duration requestTimeout) {
        static final int DEFAULT_MAX_CONNECTIONS = 64;
        static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);
        static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
        static final Limits DEFAULT = new Limits(DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);

        Limits {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1, but was " + maxConnections);
            }
        }

        /** The cap kept far below the process's descriptor limit: at most a sixteenth of it. */
        Limits within(long fdLimit) {
            return fdLimit <= 0 ? this : new Limits((int) Math.max(1, Math.min(maxConnections, fdLimit / 16)),
                    idleTimeout, requestTimeout);
        }
    }

    /** Why a request was refused before it was routed. */
    enum Refusal {
        FOREIGN_HOST, FOREIGN_ORIGIN, BAD_REQUEST, READ_ONLY;

        String metricLabel() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final ServerSocketChannel socket;
    private final Supplier<StatusSnapshot> snapshots;
    private final BooleanSupplier healthy;
    private final Supplier<String> moreMetrics;
    private final Limits limits;
    private final EndpointGuard guard;
    /** The connections open, oldest first; touched on the event loop only. */
    private final Set<Channel> live = new LinkedHashSet<>();
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder overCap = new LongAdder();
    private final Map<ConnectionDeadlines.Cut, LongAdder> cuts = new EnumMap<>(ConnectionDeadlines.Cut.class);
    private final Map<Refusal, LongAdder> refusals = new EnumMap<>(Refusal.class);
    private final Map<Refusal, RateLimitedLog> refusalLogs = new EnumMap<>(Refusal.class);
    private final RateLimitedLog capLog = new RateLimitedLog(LOG, LOG_INTERVAL);
    private final RateLimitedLog acceptLog = new RateLimitedLog(LOG, LOG_INTERVAL);
    private EventLoopGroup group;
    private Channel channel;

    private StatusServer(ServerSocketChannel socket, String configuredHost, Supplier<StatusSnapshot> snapshots,
            BooleanSupplier healthy, Supplier<String> moreMetrics, Limits limits) {
        this.socket = socket;
        this.snapshots = snapshots;
        this.healthy = healthy;
        this.moreMetrics = moreMetrics;
        this.limits = limits;
        this.guard = new EndpointGuard(configuredHost);
        for (ConnectionDeadlines.Cut c : ConnectionDeadlines.Cut.values()) {
            cuts.put(c, new LongAdder());
        }
        for (Refusal r : Refusal.values()) {
            refusals.put(r, new LongAdder());
            refusalLogs.put(r, new RateLimitedLog(LOG, LOG_INTERVAL));
        }
    }

    static StatusServer start(HostPort address, Supplier<StatusSnapshot> snapshots, BooleanSupplier healthy) throws IOException {
        return start(address, snapshots, healthy, () -> "", Limits.DEFAULT);
    }

    /** {@link #bind} then {@link #serve}. */
    static StatusServer start(HostPort address, Supplier<StatusSnapshot> snapshots, BooleanSupplier healthy,
            Supplier<String> moreMetrics, Limits limits) throws IOException {
        StatusServer s = bind(address, snapshots, healthy, moreMetrics, limits);
        try {
            s.serve();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * Binds {@code address} (port 0: any free port) without serving yet: {@code floatd run} binds before the VRRP
     * loop starts, so an address in use stops it before anything is sent, and starts Netty ({@link #serve}) once
     * the first adverts are out. Connections made in between wait in the backlog.
     *
     * @param moreMetrics Prometheus families appended to /metrics (the control socket's counters)
     * @throws IOException when the address cannot be bound (in use, not local), with a one-line message
     */
    static StatusServer bind(HostPort address, Supplier<StatusSnapshot> snapshots, BooleanSupplier healthy,
            Supplier<String> moreMetrics, Limits limits) throws IOException {
        InetSocketAddress sa = address.socketAddress();
        if (sa.isUnresolved()) {
            throw new IOException("status endpoint " + address + ": unknown host " + address.host());
        }
        ServerSocketChannel socket = ServerSocketChannel.open();
        try {
            socket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            socket.bind(sa, BACKLOG);
        } catch (IOException | RuntimeException e) {
            socket.close();
            String why = io.floatd.vrrp.log.Failures.describe(e);
            if (e instanceof BindException && why.toLowerCase(Locale.ROOT).contains("in use")) {
                why = "port already in use";
            }
            throw new IOException("status endpoint " + address + ": " + why + " (--status-address HOST:PORT or off)", e);
        }
        return new StatusServer(socket, address.host(), snapshots, healthy, moreMetrics, limits);
    }

    /** Starts the Netty event loop on the bound socket and accepts connections. */
    void serve() throws IOException {
        EventLoopGroup g = new QuietIoEventLoopGroup(1, new DefaultThreadFactory("floatd-status", true),
                NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(g)
                .channelFactory(() -> new NioServerSocketChannel(socket))
                // one accept per turn: a connection's first read comes before a flood's next connects (see admit)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new ServerChannelRecvByteBufAllocator().maxMessagesPerRead(1))
                .handler(new AcceptErrors())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        admit(ch);
                    }
                });
        // the socket is bound already: registering it is enough (an active channel starts accepting)
        ChannelFuture registered = b.register().awaitUninterruptibly();
        if (!registered.isSuccess()) {
            g.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IOException("status endpoint " + address() + ": " + registered.cause().getMessage(), registered.cause());
        }
        synchronized (this) {
            group = g;
            channel = registered.channel();
        }
    }

    /*
     * The cap. At the cap, a new connection closes the oldest one: a flood of connections then costs the daemon at most
     * the cap in descriptors, and a health check's fresh connection, whose request follows its connect at once, is
     * answered even while the flood goes on (refusing the newest instead would starve it until the flood's
     * connections time out). The listening socket accepts one connection per turn of the event loop (see serve), so a
     * new connection's request is read before more than a couple of others arrive: a burst of connects cannot push it
     * out unread. Runs on the one event loop, like every close: no locking.
     */
    private void admit(SocketChannel ch) {
        if (live.size() >= limits.maxConnections()) {
            Channel oldest = live.iterator().next();
            overCap.increment();
            capLog.log(Level.WARNING, () -> "status endpoint " + where() + ": connection cap reached ("
                    + limits.maxConnections() + " open): closing the oldest connection for each new one (idle ones"
                    + " are cut after " + limits.idleTimeout().toSeconds() + " s, unfinished requests after "
                    + limits.requestTimeout().toSeconds() + " s); " + overCap.sum() + " closed so far");
            live.remove(oldest);
            open.decrementAndGet();
            oldest.close();
        }
        live.add(ch);
        open.incrementAndGet();
        ch.closeFuture().addListener(f -> {
            if (live.remove(ch)) {
                open.decrementAndGet();
            }
        });
        ch.pipeline().addLast(
                new ConnectionDeadlines(limits.idleTimeout(), limits.requestTimeout(), c -> cuts.get(c).increment()),
                new HttpServerCodec(4096, 8192, 8192),
                new HttpObjectAggregator(8192),
                new Handler());
    }

    /** The bound address (the actual port when 0 was asked). */
    InetSocketAddress address() {
        try {
            return (InetSocketAddress) socket.getLocalAddress();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code 127.0.0.1:9798}, {@code [::1]:9798}: for log lines. */
    String where() {
        InetSocketAddress a = address();
        String h = a.getAddress().getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    /** Connections open now. */
    int openConnections() {
        return open.get();
    }

    /** The endpoint's own counters, as Prometheus families. */
    String metrics() {
        Map<String, Long> closed = new LinkedHashMap<>();
        closed.put("over_cap", overCap.sum());
        cuts.forEach((c, n) -> closed.put(c.metricLabel(), n.sum()));
        Map<String, Long> refused = new LinkedHashMap<>();
        refusals.forEach((r, n) -> refused.put(r.metricLabel(), n.sum()));
        return PrometheusText.family("floatd_status_connections_open", "gauge",
                "Connections open to the status endpoint.", null, Map.of("", open.get()))
                + PrometheusText.family("floatd_status_connections_max", "gauge",
                        "The status endpoint's connection cap.", null, Map.of("", limits.maxConnections()))
                + PrometheusText.family("floatd_status_connections_closed_total", "counter",
                        "Status endpoint connections closed to stay within the cap (the oldest, for a new one) or cut by a timeout, by reason.", "reason", closed)
                + PrometheusText.family("floatd_status_requests_refused_total", "counter",
                        "Status endpoint requests refused before routing (Host, Origin, malformed, a change asked), by reason.",
                        "reason", refused);
    }

    @Override
    public void close() {
        Channel ch;
        EventLoopGroup g;
        synchronized (this) {
            ch = channel;
            g = group;
        }
        if (ch != null) {
            ch.close().awaitUninterruptibly(1000);
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
        } else {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a listening socket that never served
            }
        }
    }

    /**
     * accept(2) failing (EMFILE: the process is out of descriptors) is logged once per interval with its cause, and
     * accepting pauses for a second rather than spinning.
     */
    @ChannelHandler.Sharable
    private final class AcceptErrors extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            acceptLog.log(Level.WARNING, () -> "status endpoint " + where() + ": cannot accept a connection: " + cause
                    + " (" + open.get() + " open; accepting again in 1 s)");
            ctx.channel().config().setAutoRead(false);
            ctx.channel().eventLoop().schedule(() -> ctx.channel().config().setAutoRead(true), 1, TimeUnit.SECONDS);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
            FullHttpResponse resp = null;
            String refusal;
            if (!req.decoderResult().isSuccess()) {
                refusal = "malformed request: " + req.decoderResult().cause();
                resp = refuse(ctx, Refusal.BAD_REQUEST, HttpResponseStatus.BAD_REQUEST, refusal);
            } else if ((refusal = guard.checkHost(req.headers().get(HttpHeaderNames.HOST), local)) != null) {
                resp = refuse(ctx, Refusal.FOREIGN_HOST, HttpResponseStatus.MISDIRECTED_REQUEST, refusal);
            } else if ((refusal = guard.checkOrigin(req.headers().get(HttpHeaderNames.ORIGIN), local)) != null) {
                resp = refuse(ctx, Refusal.FOREIGN_ORIGIN, HttpResponseStatus.FORBIDDEN, refusal);
            } else if (req.protocolVersion().equals(HttpVersion.HTTP_1_1) && !req.headers().contains(HttpHeaderNames.HOST)) {
                resp = refuse(ctx, Refusal.BAD_REQUEST, HttpResponseStatus.BAD_REQUEST, "HTTP/1.1 request without Host");
            }
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            if (resp == null) {
                try {
                    q.parameters(); // decodes %-escapes: '%zz' throws
                    q.path();
                } catch (IllegalArgumentException e) {
                    resp = refuse(ctx, Refusal.BAD_REQUEST, HttpResponseStatus.BAD_REQUEST,
                            "malformed query string in '" + printable(req.uri()) + "': " + e.getMessage());
                }
            }
            if (resp == null && req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
                boolean control = Set.of("/handover", "/resume").contains(q.path());
                resp = refuse(ctx, Refusal.READ_ONLY, HttpResponseStatus.METHOD_NOT_ALLOWED, control
                        ? "the status endpoint is read-only: use 'floatd " + q.path().substring(1) + " [INSTANCE]'"
                                + " (the control socket, root only)"
                        : "only GET and HEAD: the status endpoint is read-only");
                resp.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            }
            boolean keepAlive = resp == null && HttpUtil.isKeepAlive(req);
            if (resp == null) {
                resp = route(q.path());
            }
            if (req.method() == HttpMethod.HEAD) {
                resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, resp.status(), Unpooled.EMPTY_BUFFER,
                        resp.headers(), resp.trailingHeaders());
            }
            HttpUtil.setKeepAlive(resp, keepAlive);
            var f = ctx.writeAndFlush(resp);
            if (keepAlive) {
                ConnectionDeadlines deadlines = ctx.pipeline().get(ConnectionDeadlines.class);
                f.addListener(done -> {
                    if (done.isSuccess() && deadlines != null) {
                        deadlines.responded();
                    }
                });
            } else {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        // refused before routing: counted, logged (a line per reason per interval), answered in one line, closed
        private FullHttpResponse refuse(ChannelHandlerContext ctx, Refusal why, HttpResponseStatus status, String reason) {
            refusals.get(why).increment();
            refusalLogs.get(why).log(Level.WARNING,
                    () -> "status endpoint: refused a request from " + peer(ctx) + ": " + status.code() + " " + reason);
            return text(status, reason + "\n", TEXT);
        }

        private FullHttpResponse route(String path) {
            try {
                return switch (path) {
                    case "/status" -> text(HttpResponseStatus.OK, StatusJson.render(snapshots.get()) + "\n",
                            "application/json; charset=utf-8");
                    case "/metrics" -> text(HttpResponseStatus.OK,
                            PrometheusText.render(snapshots.get()) + metrics() + moreMetrics.get()
                                    + ProcessMetrics.linux().render(), PrometheusText.CONTENT_TYPE);
                    case "/healthz" -> healthy.getAsBoolean()
                            ? text(HttpResponseStatus.OK, "ok\n", TEXT)
                            : text(HttpResponseStatus.SERVICE_UNAVAILABLE, unhealthy(), TEXT);
                    default -> text(HttpResponseStatus.NOT_FOUND, "not found: try /status, /metrics or /healthz\n", TEXT);
                };
            } catch (RuntimeException e) {
                String why = io.floatd.vrrp.log.Failures.describe(e);
                LOG.log(Level.WARNING, "status endpoint: " + path + " failed: " + why, e);
                return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + why + "\n", TEXT);
            }
        }

        /** What is wrong, one line each: the loop stopped, or which instance is not running and why. */
        private String unhealthy() {
            StatusSnapshot s = snapshots.get();
            java.util.List<String> problems = s == null ? java.util.List.of() : s.healthProblems();
            return problems.isEmpty() ? "VRRP loop not running\n" : String.join("\n", problems) + "\n";
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.DEBUG, "status endpoint: connection from {0} closed: {1}", peer(ctx), cause.toString());
            ctx.close();
        }
    }

    private static String peer(ChannelHandlerContext ctx) {
        return String.valueOf(ctx.channel().remoteAddress()).replaceFirst("^/", "");
    }

    private static String printable(String s) {
        String t = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return t.replaceAll("[\\p{Cntrl}]", "?");
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body, String contentType) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }
}
