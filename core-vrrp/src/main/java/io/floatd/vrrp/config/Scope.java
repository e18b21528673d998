package io.floatd.vrrp.config;

import java.util.HashSet;
import java.util.Set;

/** Where a handler reports to; the prefix names the instance, so a message stands on its own. */
class Scope {
    final ConfigParser parser;
    final String prefix;
    final Set<String> seen = new HashSet<>();
    int errors;

    Scope(ConfigParser parser, String prefix) {
        this.parser = parser;
        this.prefix = prefix;
    }

    void error(int line, String message) {
        errors++;
        parser.error(line, prefix + message);
    }

    void warn(int line, String message) {
        parser.warn(line, prefix + message);
    }
}
