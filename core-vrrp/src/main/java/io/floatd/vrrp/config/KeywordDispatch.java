package io.floatd.vrrp.config;

import io.floatd.vrrp.config.Syntax.ConfigProblem;
import io.floatd.vrrp.config.Syntax.Statement;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a block's statements through its keyword table: a keyword with no handler is looked up in
 * {@link KeepalivedKeywords} (one warning, or an error naming why), a repeated keyword's last occurrence wins unless
 * keepalived appends it, and a failing handler is reported at its own line so that the next line is still read.
 */
final class KeywordDispatch {
    private KeywordDispatch() {
    }

    // keepalived appends these blocks when repeated; every other keyword's last occurrence wins
    private static final Set<String> REPEATABLE = Set.of(
            "global_defs", "vrrp_instance", "virtual_server", "virtual_server_group", "unicast_peer", "virtual_ipaddress",
            "vrrp_script", "track_file", "vrrp_track_file", "track_script", "track_interface", "script_env",
            "vrrp_sync_group", "group", "vrrp_track_process", "track_process", "virtual_ipaddress_excluded",
            "virtual_routes", "virtual_rules", "floating_ip");

    static <S extends Scope> void dispatch(
            List<Statement> body, Map<String, Handler<S>> table, Set<String> keepalivedOnly, String where, S scope) {
        Map<String, Integer> seen = new HashMap<>();
        for (Statement s : body) {
            Handler<S> handler = table.get(s.keyword());
            if (handler == null) {
                // keepalived.conf(5)'s keywords floatd has no handler for: one warning, or an error naming why
                Optional<KeepalivedKeywords.Keyword> known = KeepalivedKeywords.find(where, s.keyword());
                if (known.isPresent() && known.get().treatment() == KeepalivedKeywords.Treatment.WARNED) {
                    scope.warn(s.line(), KeepalivedKeywords.message(known.get()));
                } else if (known.isEmpty() && !keepalivedOnly.contains(s.keyword()) && unsupportedSyntax(s.keyword()).isEmpty()) {
                    scope.warn(s.line(), UnknownKeyword.message(s, where, suggestion(s.keyword(), table.keySet())));
                } else {
                    scope.error(s.line(), known.map(KeepalivedKeywords::message)
                            .orElseGet(() -> notImplemented(s.keyword(), table.keySet(), keepalivedOnly, where)));
                }
                continue;
            }
            Integer earlier = seen.put(s.keyword(), s.line());
            if (earlier != null && !REPEATABLE.contains(s.keyword())) {
                scope.warn(s.line(), "'" + s.keyword() + "' is given again; this one wins over "
                        + scope.parser.sources.from(s.line(), earlier) + ", as in keepalived");
            }
            scope.seen.add(s.keyword());
            scope.parser.at(s.line());
            try {
                handleFirstValue(handler, s, scope);
            } catch (ConfigProblem | IllegalArgumentException e) {
                scope.error(s.line(), e.getMessage());
            } catch (RuntimeException e) {
                scope.error(s.line(), internalError(s, e));
            }
        }
    }

    /** keepalived reads a one-value keyword's first word and ignores the rest: a warning, then the first value. */
    private static <S extends Scope> void handleFirstValue(Handler<S> handler, Statement s, S scope) {
        try {
            handler.handle(s, scope);
        } catch (Syntax.ExtraWords e) {
            scope.warn(s.line(), e.getMessage());
            handler.handle(s.firstValueOnly(), scope);
        }
    }

    /** Runs {@code handler} on each line of a list block, so that one bad line does not hide the next; counts errors. */
    static int eachLine(List<Statement> block, InstanceScope i, Handler<InstanceScope> handler) {
        int errors = 0;
        for (Statement line : block) {
            i.parser.at(line.line());
            try {
                unsupportedSyntax(line.keyword()).ifPresent(message -> { throw new ConfigProblem(message); });
                handler.handle(line, i);
            } catch (Syntax.ExtraWords e) {
                i.error(line.line(), e.refusal());
                errors++;
            } catch (ConfigProblem | IllegalArgumentException e) {
                i.error(line.line(), e.getMessage());
                errors++;
            } catch (RuntimeException e) {
                i.error(line.line(), internalError(line, e));
                errors++;
            }
        }
        return errors;
    }

    static String notImplemented(String keyword, Set<String> handled, Set<String> keepalivedOnly, String where) {
        return unsupportedSyntax(keyword).orElseGet(() -> keepalivedOnly.contains(keyword)
                ? "floatd does not support '" + keyword + "' in " + where + " yet"
                : "unknown keyword '" + keyword + "' in " + where + suggestion(keyword, handled));
    }

    /** What is left of keepalived's preprocessor syntax once the {@link Preprocessor} has read a line. */
    static Optional<String> unsupportedSyntax(String keyword) {
        if (keyword.startsWith("@")) {
            return Optional.of("unknown keyword '" + keyword + "': keepalived reads one @ID (or @^ID) prefix at the start"
                    + " of a line, and a line of @ID alone is dropped");
        }
        if (keyword.startsWith("$")) {
            return Optional.of("'" + keyword + "': no parameter of that name is defined before this line, so it is left"
                    + " as it is (as keepalived does); define it first with $NAME=value (no blanks before '='); a multi-line"
                    + " parameter only expands where its use ends the line");
        }
        if (keyword.startsWith("~")) {
            return Optional.of("unknown keyword '" + keyword + "': keepalived 2.2.7 repeats lines with ~SEQ(...) and"
                    + " ~LST(...) only");
        }
        return Optional.empty();
    }

    static String suggestion(String keyword, Set<String> known) {
        return known.stream()
                // cheap first: a long word (up to a line's 64 KiB) is never within 2 edits of a keyword
                .filter(k -> Math.abs(k.length() - keyword.length()) <= 2 && editDistance(k, keyword) <= 2)
                .min(Comparator.comparingInt((String k) -> editDistance(k, keyword)).thenComparing(k -> k))
                .map(k -> " (did you mean '" + k + "'?)")
                .orElse("");
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String internalError(Statement s, RuntimeException e) {
        return "internal error while reading '" + s.keyword() + "': " + e + " (a floatd bug: please report it;"
                + " the configuration is refused)";
    }
}
