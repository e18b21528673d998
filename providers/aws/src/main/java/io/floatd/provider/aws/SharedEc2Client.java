package io.floatd.provider.aws;

import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** One {@link Ec2Client} shared by the providers of one factory in one region, closed when the last one closes. */
final class SharedEc2Client {
    private final Ec2Client client;
    private final Object lock;
    private final Runnable onLastClose;
    private final AwsCredentials credentials;
    private int users;

    /**
     * @param lock the lock under which the owner hands out shared clients
     * @param onLastClose run under {@code lock} when the last user releases it, so nobody can retain it afterwards
     */
    SharedEc2Client(Ec2Client client, AwsCredentials credentials, Object lock, Runnable onLastClose) {
        this.client = client;
        this.credentials = credentials;
        this.lock = lock;
        this.onLastClose = onLastClose;
    }

    Ec2Client ec2() {
        return client;
    }

    /** What must never be shown: the secret parts of the credentials resolved at start. */
    List<String> secrets() {
        AwsCredentials c = credentials;
        if (c == null) {
            return List.of();
        }
        if (c instanceof AwsSessionCredentials s) {
            return List.of(s.secretAccessKey(), s.sessionToken());
        }
        return List.of(c.secretAccessKey());
    }

    SharedEc2Client retain() {
        synchronized (lock) {
            users++;
            return this;
        }
    }

    /** Returns true when this was the last user and the client was closed. */
    boolean release() {
        synchronized (lock) {
            if (users == 0 || --users > 0) {
                return false;
            }
            onLastClose.run();
        }
        client.close();
        return true;
    }
}
