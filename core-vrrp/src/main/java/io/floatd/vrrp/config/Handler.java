package io.floatd.vrrp.config;

import io.floatd.vrrp.config.Syntax.Statement;

/** One keyword's handler in a block's keyword table: reads the statement into the block's scope. */
@FunctionalInterface
interface Handler<S extends Scope> {
    void handle(Statement statement, S scope);
}
