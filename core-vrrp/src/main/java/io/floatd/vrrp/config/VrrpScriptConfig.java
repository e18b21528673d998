package io.floatd.vrrp.config;

import io.floatd.vrrp.script.ScriptEnv;
import java.time.Duration;
import java.util.Objects;

/**
 * A top-level {@code vrrp_script} block: a check run every {@link #interval()} whose exit code is tracked by
 * the instances naming it in {@code track_script}.
 *
 * @param name the block's name
 * @param script the command line, run like a notify script (shell only when it uses shell syntax)
 * @param interval {@code interval}; default 1 s
 * @param timeout {@code timeout}; default the interval, as in keepalived
 * @param fall {@code fall}: consecutive failures that make a healthy check failed; default 1
 * @param rise {@code rise}: consecutive successes that make a failed check healthy; default 1
 * @param weight {@code weight}, -253..253; default 0 (a failure puts tracking instances in FAULT)
 * @param reverse {@code weight W reverse}
 * @param initFail {@code init_fail}: the check starts failed and needs {@code rise} successes
 * @param user {@code user USER}, or {@code null} to run as floatd's own user
 * @param group the group after the user, or {@code null} for the user's primary group
 * @param env {@code script_env}: the block's over global_defs'
 * @param file where the block is, for messages; may be {@code null}
 * @param line the block's line, 0 when not from a file
 */
public record VrrpScriptConfig(String name, String script, Duration interval, Duration timeout, int fall, int rise,
        int weight, boolean reverse, boolean initFail, String user, String group, ScriptEnv env, String file, int line) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    public static final Duration MIN_TIMER = Duration.ofMillis(10);
    public static final Duration MAX_TIMER = Duration.ofSeconds(4294);
    public static final int MAX_FALL_RISE = 1_000_000;
    public static final int MAX_WEIGHT = 253;

    public VrrpScriptConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (env == null) {
            env = ScriptEnv.NONE;
        }
        checkTimer("interval", interval);
        checkTimer("timeout", timeout);
        checkCount("fall", fall);
        checkCount("rise", rise);
        checkWeight("weight", weight, MAX_WEIGHT);
    }

    /** Without {@code script_env}. */
    public VrrpScriptConfig(String name, String script, Duration interval, Duration timeout, int fall, int rise,
            int weight, boolean reverse, boolean initFail, String user, String group, String file, int line) {
        this(name, script, interval, timeout, fall, rise, weight, reverse, initFail, user, group, ScriptEnv.NONE, file, line);
    }

    /** A script with keepalived's defaults. */
    public static VrrpScriptConfig of(String name, String script) {
        return new VrrpScriptConfig(name, script, DEFAULT_INTERVAL, DEFAULT_INTERVAL, 1, 1, 0, false, false, null, null, null, 0);
    }

    /** This check with {@code user} and {@code env} in place of its own (global_defs' script_user and script_env). */
    public VrrpScriptConfig with(String user, String group, ScriptEnv env) {
        return new VrrpScriptConfig(name, script, interval, timeout, fall, rise, weight, reverse, initFail, user, group, env,
                file, line);
    }

    static void checkTimer(String keyword, Duration d) {
        if (d.compareTo(MIN_TIMER) < 0 || d.compareTo(MAX_TIMER) > 0) {
            throw new IllegalArgumentException(keyword + " must be between 0.01 and " + MAX_TIMER.toSeconds()
                    + " seconds, but was " + InstanceRules.seconds(d));
        }
    }

    static void checkCount(String keyword, int n) {
        if (n < 1 || n > MAX_FALL_RISE) {
            throw new IllegalArgumentException(keyword + " must be between 1 and " + MAX_FALL_RISE + ", but was " + n);
        }
    }

    static void checkWeight(String keyword, int weight, int max) {
        if (weight < -max || weight > max) {
            throw new IllegalArgumentException(keyword + " must be between -" + max + " and " + max + ", but was " + weight);
        }
    }

    @Override
    public boolean equals(Object o) {
        // the source position is not configuration: a reload must not restart a check an edit only moved
        return o instanceof VrrpScriptConfig v && name.equals(v.name) && script.equals(v.script)
                && interval.equals(v.interval) && timeout.equals(v.timeout) && fall == v.fall && rise == v.rise
                && weight == v.weight && reverse == v.reverse && initFail == v.initFail
                && Objects.equals(user, v.user) && Objects.equals(group, v.group) && env.equals(v.env);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, script, interval, timeout, fall, rise, weight, reverse, initFail, user, group, env);
    }
}
