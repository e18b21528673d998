package io.floatd.cli;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Netty's event loops, without their idle tick: Netty 4.2's loop, with no timer scheduled, still bounds its select
 * by one second (SingleThreadEventExecutor's purge interval for cancelled timers), so the status endpoint's thread
 * woke every second with no connection (bench/footprint.sh --wakeups: 1 wake-up/s, 0.02-0.03 % of a core). Netty
 * removes a cancelled timer at once, from the loop or through a task from elsewhere, and a task or a timer submitted
 * from another thread wakes the selector; so with nothing scheduled this loop selects with no timeout, and with a
 * timer it waits for exactly that timer, as before.
 */
final class QuietIoEventLoopGroup extends MultiThreadIoEventLoopGroup {
    QuietIoEventLoopGroup(int threads, ThreadFactory threadFactory, IoHandlerFactory ioHandlerFactory) {
        super(threads, threadFactory, ioHandlerFactory);
    }

    @Override
    protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
        return new SingleThreadIoEventLoop(this, executor, ioHandlerFactory) {
            @Override
            protected long delayNanos(long currentTimeNanos) {
                // Long.MAX_VALUE: no deadline (NioIoHandler then selects with no timeout)
                return nextScheduledTaskNano() < 0 ? Long.MAX_VALUE : super.delayNanos(currentTimeNanos);
            }
        };
    }
}
