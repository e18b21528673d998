package io.floatd.provider.aws;

import io.floatd.vrrp.provider.ProviderException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Runs one EC2 call and turns what the SDK throws into a {@link ProviderException}: retryable for throttling, 5xx,
 * timeouts and lost connections; fatal, with one line that says what to change, for everything else. Messages carry
 * no stack trace, no cause chain and none of the strings given as secrets.
 */
final class AwsErrors {
    static final Set<String> THROTTLING = Set.of("RequestLimitExceeded", "Throttling", "ThrottlingException",
            "RequestThrottled", "RequestThrottledException", "TooManyRequestsException");
    static final Set<String> SERVER = Set.of("InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable");
    static final Set<String> NOT_FOUND = Set.of("InvalidAllocationID.NotFound", "InvalidAddress.NotFound",
            "InvalidInstanceID.NotFound", "InvalidNetworkInterfaceID.NotFound", "InvalidInstanceID.Malformed",
            "InvalidAllocationID.Malformed", "InvalidNetworkInterfaceID.Malformed", "InvalidParameterValue",
            "InvalidRouteTableID.NotFound", "InvalidRouteTableID.Malformed");
    private static final int MAX_DETAIL = 240;

    private final String subject;
    private final Duration attemptTimeout;
    private final Supplier<List<String>> secrets;

    /**
     * @param subject who is calling, for permission messages (the instance id)
     * @param attemptTimeout the per-attempt timeout, for timeout messages
     * @param secrets strings that must never appear in a message (the credentials in use)
     */
    AwsErrors(String subject, Duration attemptTimeout, Supplier<List<String>> secrets) {
        this.subject = Objects.requireNonNull(subject, "subject");
        this.attemptTimeout = attemptTimeout;
        this.secrets = secrets;
    }

    @FunctionalInterface
    interface Call<T> {
        T run();
    }

    /** Runs {@code call}, the EC2 action {@code action}, translating its failure. */
    <T> T call(String action, Call<T> call) throws ProviderException {
        try {
            return call.run();
        } catch (SdkException e) {
            throw translate(action, e);
        }
    }

    /** Like {@link #call}, but an EC2 error with code {@code tolerated} gives empty instead of an exception. */
    <T> Optional<T> callTolerating(String action, String tolerated, Call<T> call) throws ProviderException {
        return callTolerating(action, Set.of(tolerated), call);
    }

    /** Like {@link #call}, but an EC2 error with one of the codes {@code tolerated} gives empty. */
    <T> Optional<T> callTolerating(String action, Set<String> tolerated, Call<T> call) throws ProviderException {
        try {
            return Optional.ofNullable(call.run());
        } catch (AwsServiceException e) {
            if (e.awsErrorDetails() != null && tolerated.contains(e.awsErrorDetails().errorCode())) {
                return Optional.empty();
            }
            throw translate(action, e);
        } catch (SdkException e) {
            throw translate(action, e);
        }
    }

    ProviderException translate(String action, SdkException e) {
        String api = "ec2:" + action;
        if (e instanceof AwsServiceException ase) {
            String code = ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorCode();
            String detail = ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorMessage();
            int status = ase.statusCode();
            return service(api, code == null ? "HTTP " + status : code, status, detail);
        }
        if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
            return new ProviderException("aws: " + api + " timed out after " + attemptTimeout.toMillis()
                    + " ms: will retry", true);
        }
        if (e instanceof SdkClientException) {
            return new ProviderException("aws: " + api + " could not reach EC2 (" + rootCause(e) + "): will retry", true);
        }
        return new ProviderException("aws: " + api + " failed (" + rootCause(e) + ")", true);
    }

    private ProviderException service(String api, String code, int status, String detail) {
        if (THROTTLING.contains(code)) {
            return new ProviderException("aws: " + api + " throttled by EC2 (" + code + "): will retry", true);
        }
        switch (code) {
            case "UnauthorizedOperation" -> {
                return fatal("aws: " + api + " denied for " + subject + " (UnauthorizedOperation): add it to the "
                        + "instance role's policy");
            }
            case "AuthFailure" -> {
                return fatal("aws: " + api + " denied for " + subject + " (AuthFailure): EC2 did not accept the "
                        + "credentials; check the instance role or access keys, and the clock");
            }
            case "Blocked" -> {
                return fatal("aws: " + api + " denied for " + subject + " (Blocked): the account is blocked; "
                        + "contact AWS support");
            }
            case "Resource.AlreadyAssociated" -> {
                return fatal("aws: " + api + " refused (Resource.AlreadyAssociated): the Elastic IP is associated "
                        + "with a network interface that does not allow it to be moved (another account, or a "
                        + "service-managed interface); disassociate it there first");
            }
            default -> {
            }
        }
        if (NOT_FOUND.contains(code)) {
            return fatal("aws: " + api + " failed (" + code + ")" + clean(detail) + ": " + hint(code));
        }
        if (status >= 500 || SERVER.contains(code)) {
            return new ProviderException("aws: " + api + " failed with HTTP " + status + " (" + code
                    + "): will retry", true);
        }
        return fatal("aws: " + api + " failed (" + code + ", HTTP " + status + ")" + clean(detail));
    }

    private static String hint(String code) {
        if (code.startsWith("InvalidAllocationID") || code.startsWith("InvalidAddress")) {
            return "check address in floating_ip (the Elastic IP must be in this account and region)";
        }
        if (code.startsWith("InvalidInstanceID")) {
            return "check instance_id in floating_ip, and the region";
        }
        if (code.startsWith("InvalidRouteTableID")) {
            return "check route_table in floating_ip (each table must exist in this account and region)";
        }
        if (code.startsWith("InvalidNetworkInterfaceID")) {
            return "check network_interface in floating_ip, and the region";
        }
        return "check the floating_ip settings";
    }

    private ProviderException fatal(String message) {
        return ProviderException.fatal(scrub(message));
    }

    /** " : detail" as one scrubbed, bounded line, or "" when there is none. */
    private String clean(String detail) {
        if (detail == null || detail.isBlank()) {
            return "";
        }
        String line = scrub(detail.replaceAll("\\s+", " ").strip());
        if (line.length() > MAX_DETAIL) {
            line = line.substring(0, MAX_DETAIL) + "...";
        }
        return ": " + line;
    }

    private String rootCause(Throwable e) {
        // the root cause in words, without its Java class name (the --debug log has the trace)
        String text = scrub(io.floatd.vrrp.log.Failures.describe(e));
        return text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) + "..." : text;
    }

    private String scrub(String text) {
        String out = text;
        for (String secret : secrets.get()) {
            if (secret != null && secret.length() >= 4) {
                out = out.replace(secret, "****");
            }
        }
        return out;
    }
}
