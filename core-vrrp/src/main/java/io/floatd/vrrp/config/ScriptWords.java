package io.floatd.vrrp.config;

import io.floatd.vrrp.config.Syntax.ConfigProblem;
import io.floatd.vrrp.config.Syntax.Statement;
import io.floatd.vrrp.script.CommandLine;
import java.util.List;

/**
 * How keepalived 2.2.7 reads a script line ({@code script}, {@code notify*}): not through the plain word split of
 * every other keyword, but by splitting the whole line again with quotes and escapes ({@code
 * alloc_strvec_quoted_escaped} in its {@code lib/parser.c}, the same rules as {@link CommandLine#split}): {@code '}
 * and {@code "} both group and may join text, backslash escapes work everywhere. The first word is the keyword, the
 * second the command line, which keepalived splits the same way once more into the argv it execs (so
 * {@code script '/usr/bin/killall -0 haproxy'} runs killall with two arguments); notify lines read a third and
 * fourth word as the user and group, {@code vrrp_script}'s {@code script} ignores them.
 */
final class ScriptWords {
    private ScriptWords() {
    }

    /** The keyword, the command line, and the words after it; at least two. */
    static List<String> of(Statement s) {
        s.noBlock();
        String text = s.segment() != null ? s.segment() : s.keyword() + " " + String.join(" ", s.args());
        List<String> words;
        try {
            words = CommandLine.split(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigProblem(e.getMessage());
        }
        if (words.size() < 2 || words.get(1).isBlank()) {
            throw new ConfigProblem("missing value after '" + s.keyword() + "'");
        }
        try {
            // keepalived splits the command line once more; a quote it leaves open is a configuration error there too
            CommandLine.split(words.get(1));
        } catch (IllegalArgumentException e) {
            throw new ConfigProblem(s.keyword() + ": " + e.getMessage());
        }
        return words;
    }
}
