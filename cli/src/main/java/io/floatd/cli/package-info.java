/** The floatd command line: one picocli command class per subcommand, each returning an exit code. */
package io.floatd.cli;
