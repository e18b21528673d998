package io.floatd.vrrp.config;

import io.floatd.vrrp.config.Syntax.Statement;

/**
 * A keyword no keepalived 2.2.7 block knows. keepalived's parser reports "Unknown keyword 'x'" and reads on
 * (lib/parser.c {@code process_stream}: {@code CONFIG_UNKNOWN_KEYWORD}, the line is skipped and the daemon runs), so
 * floatd warns at the line and skips it too; {@code floatd check --strict} turns the warning into a refusal for users
 * who want their typos caught.
 */
final class UnknownKeyword {
    private UnknownKeyword() {
    }

    /** @param suggestion {@link ConfigParser#suggestion}'s " (did you mean 'k'?)" or "" */
    static String message(Statement s, String where, String suggestion) {
        // keepalived reads the lines of an unknown keyword's block at the enclosing level; floatd skips the block
        String block = s.block() == null ? "" : " with its block";
        return "unknown keyword '" + s.keyword() + "' in " + where + suggestion + ": ignored" + block
                + ", as keepalived ignores it (it logs \"Unknown keyword\"); floatd check --strict refuses it";
    }
}
