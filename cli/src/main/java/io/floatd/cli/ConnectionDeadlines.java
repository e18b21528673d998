package io.floatd.cli;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The status endpoint's timeouts, first in each connection's pipeline (it sees raw bytes). A connection that sends
 * nothing for the idle timeout (after it opened, or after its last response) is closed; so is one whose request is
 * not complete within the request timeout of its first byte, however slowly it trickles (a read timeout that every
 * byte resets would let one byte a second hold a connection for ever). Closes are counted by reason. The request
 * handler calls {@link #responded} once its answer is written (here, ahead of the HTTP encoder, only bytes pass).
 */
final class ConnectionDeadlines extends ChannelInboundHandlerAdapter {
    /** Why a connection was cut. */
    enum Cut {
        IDLE_TIMEOUT, REQUEST_TIMEOUT;

        String metricLabel() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Duration idle;
    private final Duration request;
    private final Consumer<Cut> counter;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean inRequest;

    ConnectionDeadlines(Duration idle, Duration request, Consumer<Cut> counter) {
        this.idle = idle;
        this.request = request;
        this.counter = counter;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        arm(ctx, idle, Cut.IDLE_TIMEOUT);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!inRequest) {
            inRequest = true;
            arm(ctx, request, Cut.REQUEST_TIMEOUT);
        }
        ctx.fireChannelRead(msg);
    }

    /** The answer to the current request is written: from now on the connection is idle. On the event loop. */
    void responded() {
        if (ctx != null && ctx.channel().isActive()) {
            inRequest = false;
            arm(ctx, idle, Cut.IDLE_TIMEOUT);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void arm(ChannelHandlerContext ctx, Duration d, Cut why) {
        cancel();
        timer = ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) {
                counter.accept(why);
                ctx.close();
            }
        }, d.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
