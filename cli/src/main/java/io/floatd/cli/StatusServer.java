package io.floatd.cli;

import io.floatd.vrrp.status.PrometheusText;
import io.floatd.vrrp.status.StatusJson;
import io.floatd.vrrp.status.StatusSnapshot;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
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
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The read-only status endpoint of {@code floatd run}: {@code GET /status} (JSON), {@code GET /metrics}
 * (Prometheus text 0.0.4), {@code GET /healthz} ({@code ok} while the VRRP loop runs and every instance is running,
 * else 503 with one line per problem: {@code VI_3 not running: cannot start: ...}). One Netty
 * event-loop thread; each request reads a {@link StatusSnapshot} (volatile fields and counters), so serving
 * never waits for, or posts to, the VRRP loop.
 */
final class StatusServer implements AutoCloseable {
    private static final int BACKLOG = 128;

    private final ServerSocketChannel socket;
    private final Supplier<StatusSnapshot> snapshots;
    private final BooleanSupplier healthy;
    private final Control control;
    private EventLoopGroup group;
    private Channel channel;

    private StatusServer(ServerSocketChannel socket, Supplier<StatusSnapshot> snapshots, BooleanSupplier healthy,
            Control control) {
        this.socket = socket;
        this.snapshots = snapshots;
        this.healthy = healthy;
        this.control = control;
    }

    /** What {@code POST /handover} and {@code POST /resume} do: the instances acted on, empty for an unknown name. */
    @FunctionalInterface
    interface Control {
        java.util.List<String> apply(String action, String instance);
    }

    static StatusServer start(HostPort address, Supplier<StatusSnapshot> snapshots, BooleanSupplier healthy) throws IOException {
        return start(address, snapshots, healthy, null);
    }

    /** {@link #bind} then {@link #serve}. */
    static StatusServer start(HostPort address, Supplier<StatusSnapshot> snapshots, BooleanSupplier healthy,
            Control control) throws IOException {
        StatusServer s = bind(address, snapshots, healthy, control);
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
     * @throws IOException when the address cannot be bound (in use, not local), with a one-line message
     */
    static StatusServer bind(HostPort address, Supplier<StatusSnapshot> snapshots, BooleanSupplier healthy,
            Control control) throws IOException {
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
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof BindException && why.toLowerCase().contains("in use")) {
                why = "port already in use";
            }
            throw new IOException("status endpoint " + address + ": " + why + " (--status-address HOST:PORT or off)", e);
        }
        return new StatusServer(socket, snapshots, healthy, control);
    }

    /** Starts the Netty event loop on the bound socket and accepts connections. */
    void serve() throws IOException {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("floatd-status", true),
                NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(g)
                .channelFactory(() -> new NioServerSocketChannel(socket))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(
                                new ReadTimeoutHandler(10, TimeUnit.SECONDS),
                                new HttpServerCodec(4096, 8192, 8192),
                                new HttpObjectAggregator(8192),
                                new Handler(snapshots, healthy, control));
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

    /** The bound address (the actual port when 0 was asked). */
    InetSocketAddress address() {
        try {
            return (InetSocketAddress) socket.getLocalAddress();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Supplier<StatusSnapshot> snapshots;
        private final BooleanSupplier healthy;
        private final Control control;

        Handler(Supplier<StatusSnapshot> snapshots, BooleanSupplier healthy, Control control) {
            this.snapshots = snapshots;
            this.healthy = healthy;
            this.control = control;
        }

        // POST /handover?instance=VI_1 and POST /resume (all instances without ?instance)
        private FullHttpResponse control(QueryStringDecoder q) {
            String action = q.path().substring(1);
            var named = q.parameters().get("instance");
            String instance = named == null || named.isEmpty() ? null : named.getFirst();
            java.util.List<String> done = control.apply(action, instance);
            if (done.isEmpty()) {
                return text(HttpResponseStatus.NOT_FOUND, "no instance named " + instance + "\n", "text/plain; charset=utf-8");
            }
            return text(HttpResponseStatus.OK, action + ": " + String.join(" ", done) + "\n", "text/plain; charset=utf-8");
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            FullHttpResponse resp;
            if (!req.decoderResult().isSuccess()) {
                resp = text(HttpResponseStatus.BAD_REQUEST, "bad request\n", "text/plain; charset=utf-8");
            } else if (req.method() == HttpMethod.POST && control != null
                    && Set.of("/handover", "/resume").contains(new QueryStringDecoder(req.uri()).path())) {
                resp = control(new QueryStringDecoder(req.uri()));
            } else if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
                resp = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET\n", "text/plain; charset=utf-8");
                resp.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            } else {
                resp = route(new QueryStringDecoder(req.uri()).path());
            }
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (req.method() == HttpMethod.HEAD) {
                resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, resp.status(), Unpooled.EMPTY_BUFFER,
                        resp.headers(), resp.trailingHeaders());
            }
            HttpUtil.setKeepAlive(resp, keepAlive);
            var f = ctx.writeAndFlush(resp);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        private FullHttpResponse route(String path) {
            try {
                return switch (path) {
                    case "/status" -> text(HttpResponseStatus.OK, StatusJson.render(snapshots.get()) + "\n",
                            "application/json; charset=utf-8");
                    case "/metrics" -> text(HttpResponseStatus.OK, PrometheusText.render(snapshots.get()),
                            PrometheusText.CONTENT_TYPE);
                    case "/healthz" -> healthy.getAsBoolean()
                            ? text(HttpResponseStatus.OK, "ok\n", "text/plain; charset=utf-8")
                            : text(HttpResponseStatus.SERVICE_UNAVAILABLE, unhealthy(), "text/plain; charset=utf-8");
                    default -> text(HttpResponseStatus.NOT_FOUND, "not found: try /status, /metrics or /healthz\n",
                            "text/plain; charset=utf-8");
                };
            } catch (RuntimeException e) {
                System.getLogger("floatd").log(System.Logger.Level.WARNING, "status endpoint: " + path + " failed: " + e, e);
                return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e + "\n", "text/plain; charset=utf-8");
            }
        }

        /** What is wrong, one line each: the loop stopped, or which instance is not running and why. */
        private String unhealthy() {
            StatusSnapshot s = snapshots.get();
            java.util.List<String> problems = s == null ? java.util.List.of() : s.healthProblems();
            return problems.isEmpty() ? "VRRP loop not running\n" : String.join("\n", problems) + "\n";
        }

        private static FullHttpResponse text(HttpResponseStatus status, String body, String contentType) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            return r;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
