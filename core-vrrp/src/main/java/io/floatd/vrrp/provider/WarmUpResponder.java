package io.floatd.vrrp.provider;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for a cloud API during the JIT warm-up ({@link JitWarmUp}): an HTTP/1.1 responder on 127.0.0.1 (an
 * ephemeral port), on Netty as the status endpoint is, that answers each request from memory through {@link Answer},
 * keeping connections open as the real APIs do, so the provider's own HTTP client and parsers run exactly the code a
 * takeover runs. It answers loopback peers only, at most {@link #MAX_CONNECTIONS} at once (one more is closed at
 * once), drops a connection silent for two seconds, closes one whose request is malformed or larger than a warm-up's
 * without answering it, runs its one event-loop thread at the lowest CPU priority and lives only as long as the
 * warm-up. An answer is the status line ({@code OK} below 300, else {@code Error}), {@code Content-Type},
 * {@code Content-Length} and the body: nothing else.
 */
final class WarmUpResponder implements AutoCloseable {
    /** The answer to one request (method, path with query, body). */
    @FunctionalInterface
    interface Answer {
        JitWarmUp.Reply answer(String method, String path, byte[] body);
    }

    private static final int IDLE_MILLIS = 2000;
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    /** A warm-up request is a few hundred bytes; anything this large is not one (and must not fill the heap). */
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int BACKLOG = 4;
    /** Connections served at once: the warm-up's client keeps one open. */
    static final int MAX_CONNECTIONS = 4;

    private final Answer answer;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private final EventLoopGroup group;
    private Channel server;

    private WarmUpResponder(Answer answer, EventLoopGroup group) {
        this.answer = answer;
        this.group = group;
    }

    /** Listens on 127.0.0.1; an IOException where loopback cannot be bound. */
    static WarmUpResponder start(Answer answer) throws IOException {
        EventLoopGroup group;
        try {
            group = new MultiThreadIoEventLoopGroup(1, new LowPriorityThreads(), NioIoHandler.newFactory());
        } catch (RuntimeException e) {
            throw new IOException("no event loop for the warm-up responder: " + io.floatd.vrrp.log.Failures.describe(e), e);
        }
        WarmUpResponder r = new WarmUpResponder(answer, group);
        try {
            r.bind();
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private void bind() throws IOException {
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        admit(ch);
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
        }
        server = bound.channel();
    }

    /** Serves a loopback connection within the bound; closes any other at once, unanswered and uncounted. */
    private void admit(SocketChannel ch) {
        if (active.incrementAndGet() > MAX_CONNECTIONS) {
            active.decrementAndGet();
            ch.close(); // the warm-up uses one: more come from somewhere else
            return;
        }
        connections.incrementAndGet();
        ch.closeFuture().addListener(f -> active.decrementAndGet());
        if (!ch.remoteAddress().getAddress().isLoopbackAddress()) {
            ch.close();
            return;
        }
        ChannelPipeline p = ch.pipeline();
        p.addLast(new ReadTimeoutHandler(IDLE_MILLIS, TimeUnit.MILLISECONDS));
        p.addLast(new HttpServerCodec(MAX_HEADER_BYTES, MAX_HEADER_BYTES, MAX_BODY_BYTES));
        p.addLast(new WarmUpAggregator());
        p.addLast(new Handler());
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort());
    }

    /** Requests answered so far. */
    int requests() {
        return requests.get();
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(1000);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
    }

    /**
     * Netty's aggregator, but a body too large for a warm-up closes the connection unanswered (not a 413), and an
     * {@code Expect: 100-continue} gets no interim answer: the request is answered once it is whole.
     */
    private static final class WarmUpAggregator extends HttpObjectAggregator {
        WarmUpAggregator() {
            super(MAX_BODY_BYTES);
        }

        @Override
        protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
            return null;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            ctx.close();
        }
    }

    /** Answers each whole request from memory; a malformed one, or a failure, closes the connection unanswered. */
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (!req.decoderResult().isSuccess()) {
                ctx.close();
                return;
            }
            JitWarmUp.Reply r = answer.answer(req.method().name(), req.uri(), ByteBufUtil.getBytes(req.content()));
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    new HttpResponseStatus(r.status(), r.status() < 300 ? "OK" : "Error"), Unpooled.wrappedBuffer(r.body()));
            // the names as the clients have always seen them (Netty's constants are lower case)
            resp.headers().set("Content-Type", r.contentType());
            resp.headers().set("Content-Length", r.body().length);
            requests.incrementAndGet(); // before the answer leaves: a client that has read it may count on it
            ctx.writeAndFlush(resp);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // the client went quiet (ReadTimeoutException) or away, or the answer failed: the client sees a close
            ctx.close();
        }
    }

    /** The event loop's one thread: a daemon, lowered to nice 19 before it runs anything. */
    private static final class LowPriorityThreads extends DefaultThreadFactory {
        LowPriorityThreads() {
            super("warm-up-responder", true);
        }

        @Override
        protected Thread newThread(Runnable r, String name) {
            return super.newThread(() -> {
                JitWarmUp.lowerCurrentThread();
                r.run();
            }, name);
        }
    }
}
