/**
 * What a script is, shared by the parser that reads it and the runner that starts it: its command line
 * ({@code CommandLine}, keepalived's quoting), the user and group it runs as ({@code RunAs}) and the environment it
 * gets ({@code ScriptEnv}, secrets kept out).
 */
package io.floatd.vrrp.script;
