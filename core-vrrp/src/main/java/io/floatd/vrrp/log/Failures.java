package io.floatd.vrrp.log;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * What went wrong, as a user reads it: the root cause's own words, without the Java class name that
 * {@code Throwable.toString()} puts first (issue 17: no exception class names in user-facing lines; the {@code --debug}
 * log keeps the trace). A cause that says nothing gets a description of its kind ("cannot connect", "no answer
 * in time") instead of its class name.
 */
public final class Failures {
    /** A Java class name as a message's prefix, as wrapping exceptions write their cause: "java.net.X: ", "XException: ". */
    private static final Pattern CLASS_PREFIX = Pattern.compile(
            "^(?:(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*|[A-Z][A-Za-z0-9_$]*(?:Exception|Error)):\\s*");

    private Failures() {
    }

    /** The root cause of {@code e} as one line, with no class name; never empty. */
    public static String describe(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t.getCause() != null && t.getCause() != t && depth < 10; depth++) {
            t = t.getCause();
        }
        String kind = kind(t);
        String m = message(t);
        if (m.isEmpty()) {
            return kind != null ? kind : "an unexpected error (--debug shows where)";
        }
        if (kind == null || m.toLowerCase(java.util.Locale.ROOT).contains(kind)) {
            return m;
        }
        return kind + ": " + m;
    }

    /** The message of {@code t} alone, one line, with any class-name prefix taken off ("" when it has none). */
    static String message(Throwable t) {
        String m = t.getMessage();
        if (m == null) {
            return "";
        }
        String line = m.replaceAll("\\s+", " ").strip();
        for (String before = null; !line.equals(before); ) {
            before = line;
            line = CLASS_PREFIX.matcher(line).replaceFirst("");
        }
        return line;
    }

    /**
     * What a file system or network failure is, for causes whose message alone may not say it (an
     * AccessDeniedException's message is only the path); null for anything else.
     */
    private static String kind(Throwable t) {
        if (t instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (t instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (t instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (t instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (t instanceof ConnectException) {
            return "cannot connect";
        }
        if (t instanceof SocketTimeoutException || t instanceof HttpTimeoutException) {
            return "no answer in time";
        }
        if (t instanceof UnknownHostException) {
            return "cannot resolve the host name";
        }
        if (t instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (t instanceof SSLException) {
            return "TLS failed";
        }
        if (t instanceof EOFException || t instanceof ClosedChannelException) {
            return "the connection closed";
        }
        return null;
    }
}
