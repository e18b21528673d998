package io.floatd.cli;

import io.floatd.vrrp.files.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * {@code run --pid-file FILE} (keepalived's {@code -p}/{@code --pid}): the daemon's pid and a newline, written at start
 * through {@link AtomicFile} (0644; a symbolic link at the name is replaced, not followed) and removed on a clean stop
 * unless it no longer holds this pid (another floatd has written it since).
 */
final class PidFile {
    private final Path file;
    private final String content;

    private PidFile(Path file, String content) {
        this.file = file;
        this.content = content;
    }

    static PidFile write(Path file) throws IOException {
        String content = ProcessHandle.current().pid() + "\n";
        AtomicFile.write(file, content.getBytes(StandardCharsets.US_ASCII), 0644);
        return new PidFile(file, content);
    }

    Path file() {
        return file;
    }

    void remove() {
        try {
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    && Files.readString(file, StandardCharsets.US_ASCII).equals(content)) {
                Files.delete(file);
            }
        } catch (IOException | RuntimeException e) {
            // a stale pid file names a pid that is gone: what keepalived leaves after a crash too
        }
    }
}
