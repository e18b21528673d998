package io.floatd.vrrp.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Why a file cannot be read, in words a user can act on: which file or directory refused, its mode and owner, which
 * permission is missing, and who floatd runs as. No Java exception names ({@code java.nio.file.AccessDeniedException}
 * says nothing to a sysadmin).
 */
public final class FileAccessProblem {
    private FileAccessProblem() {
    }

    /** What went wrong reading {@code file}, e.g. {@code permission denied: /etc/floatd is drwxr-x--- root:root, ...}. */
    public static String describe(Path file, IOException e) {
        if (e instanceof AccessDeniedException) {
            return permissionDenied(file);
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? "cannot be read" : m;
    }

    /**
     * Why {@code file} cannot be reached when it does not look like an existing file: a directory on the way that
     * floatd may not search, or {@code no such file}.
     */
    public static String unreachable(Path file) {
        Path blocked = firstUnsearchableDirectory(file.toAbsolutePath());
        return blocked != null ? permissionDenied(file) : "no such file";
    }

    private static String permissionDenied(Path file) {
        Path abs = file.toAbsolutePath();
        Path dir = firstUnsearchableDirectory(abs);
        String who = " and floatd runs as " + self();
        if (dir != null) {
            return "permission denied: the directory " + dir + " is " + modeAndOwner(dir) + who
                    + ": it needs search (x) permission there; run floatd as root (sudo), or change the directory's mode";
        }
        return "permission denied: " + abs + " is " + modeAndOwner(abs) + who
                + ": it needs read (r) permission; run floatd as root (sudo), or change the file's mode or owner";
    }

    /** The first directory above {@code file} this process may not search, or null. */
    private static Path firstUnsearchableDirectory(Path file) {
        Path parent = file.getParent();
        if (parent == null) {
            return null;
        }
        Path walked = parent.getRoot();
        for (Path part : parent) {
            walked = walked.resolve(part);
            if (Files.isDirectory(walked) && !Files.isExecutable(walked)) {
                return walked;
            }
        }
        return null;
    }

    private static String modeAndOwner(Path p) {
        try {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return (a.isDirectory() ? "d" : "-") + PosixFilePermissions.toString(a.permissions()) + " "
                    + a.owner().getName() + ":" + a.group().getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "not readable to floatd";
        }
    }

    /** {@code uid 65534 (nobody)}: the owner of /proc/self is this process's effective user. */
    private static String self() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            String name = Files.getOwner(Path.of("/proc/self")).getName();
            return "uid " + uid + (name.equals(String.valueOf(uid)) ? "" : " (" + name + ")");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "user " + System.getProperty("user.name");
        }
    }
}
