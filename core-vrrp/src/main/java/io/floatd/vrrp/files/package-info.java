/**
 * Files floatd reads secrets from or writes state to as root, each opened so that no other user can substitute
 * another file: never through a symbolic link, and checked on the descriptor once open.
 */
package io.floatd.vrrp.files;
