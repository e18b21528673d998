package io.floatd.vrrp.config;

/**
 * What one parse reads at most, so that no file (a typo, a generated file gone wrong, a hostile include) can exhaust
 * the daemon's stack or heap: a reload runs in the daemon that holds the IP ({@code bin/floatd} runs it with
 * {@code -Xss512k -XX:MaxRAM=256m}, a heap of about 126 MB). Each limit passed is one {@code file:line} error among
 * the others, and the parse goes on with what is left.
 *
 * <p>The figures are far above any real keepalived.conf (255 instances as {@code ScaleTest} writes them take about
 * 100 KB and 9,500 words and braces) and low enough that the worst files within them (as many empty instances as
 * the tokens allow, about 50,000; 250,000 one-letter words) are read in a 48 MB heap ({@code floatd check} measured
 * with {@code -Xmx48m}). Bytes and tokens are both needed: 4 MiB of "{" or of "a" on separate lines is two million
 * tokens, over 100 MB once read.
 */
final class ParseLimits {
    /** The longest line, in characters; a longer one is reported and skipped. */
    static final int MAX_LINE_CHARS = 64 * 1024;
    /** How deep blocks may nest; a deeper block is reported and skipped (keepalived.conf needs 3 levels). */
    static final int MAX_DEPTH = 64;
    /** Files in one configuration: the main file and everything {@code include}d, globs included. */
    static final int MAX_FILES = 1000;
    /** The main file and its includes together, in bytes (4 MiB). */
    static final long MAX_BYTES = 4L << 20;
    /** Words, braces and line ends in all files together: what the heap holds while statements are read. */
    static final int MAX_TOKENS = 250_000;
    /** Directory entries one glob may look at before it is refused (a {@code *} high in the tree). */
    static final int MAX_GLOB_ENTRIES = 100_000;
    /** Errors (and warnings) kept; past this, one line says how many more there were. */
    static final int MAX_ERRORS = 1000;

    private long bytes;
    private int files;
    private int tokens;
    private boolean tokensReported;
    private boolean filesReported;

    /** Bytes still allowed. */
    long bytesLeft() {
        return MAX_BYTES - bytes;
    }

    void addBytes(long n) {
        bytes = Math.min(MAX_BYTES, bytes + n);
    }

    /** Counts one more file; false when the limit is reached (and whether to say so is {@link #reportFiles()}). */
    boolean addFile() {
        if (files >= MAX_FILES) {
            return false;
        }
        files++;
        return true;
    }

    /** True the first time only: the limit on files is reported once. */
    boolean reportFiles() {
        boolean first = !filesReported;
        filesReported = true;
        return first;
    }

    /** Counts one more token; false when the limit is reached. */
    boolean addToken() {
        if (tokens >= MAX_TOKENS) {
            return false;
        }
        tokens++;
        return true;
    }

    /** True the first time only: the limit on tokens is reported once. */
    boolean reportTokens() {
        boolean first = !tokensReported;
        tokensReported = true;
        return first;
    }

    static String mib(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }
}
