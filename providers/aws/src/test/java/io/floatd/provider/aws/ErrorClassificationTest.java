package io.floatd.provider.aws;

import static io.floatd.provider.aws.AwsFixture.ALLOC;
import static io.floatd.provider.aws.AwsFixture.SELF;
import static io.floatd.provider.aws.AwsFixture.assertClean;
import static io.floatd.provider.aws.AwsFixture.create;
import static io.floatd.provider.aws.AwsFixture.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.testkit.aws.Ec2TestEndpoint.Fault;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each EC2 error code and transport fault, as the real SDK surfaces it, into a retryable or fatal one-liner. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ErrorClassificationTest {
    private Ec2TestEndpoint ec2;
    private FloatingIpProvider provider;

    @BeforeEach
    void start() throws Exception {
        ec2 = AwsFixture.populate(new Ec2TestEndpoint());
        provider = create(ec2, settings(SELF, "address", ALLOC));
        ec2.resetLog();
    }

    @AfterEach
    void stop() {
        provider.close();
        ec2.close();
    }

    private ProviderException acquireFails() {
        ProviderException e = assertThrows(ProviderException.class, provider::acquire);
        assertClean(e);
        return e;
    }

    @ParameterizedTest(name = "{0} HTTP {1}")
    @CsvSource(delimiter = '|', value = {
        "RequestLimitExceeded | 503 | true  | aws: ec2:AssociateAddress throttled by EC2 (RequestLimitExceeded): will retry",
        "Throttling           | 400 | true  | aws: ec2:AssociateAddress throttled by EC2 (Throttling): will retry",
        "InternalError        | 500 | true  | aws: ec2:AssociateAddress failed with HTTP 500 (InternalError): will retry",
        "Unavailable          | 503 | true  | aws: ec2:AssociateAddress failed with HTTP 503 (Unavailable): will retry",
        "UnauthorizedOperation| 403 | false | aws: ec2:AssociateAddress denied for i-0aaaaaaaaaaaaaaa1 (UnauthorizedOperation): add it to the instance role's policy",
        "AuthFailure          | 401 | false | aws: ec2:AssociateAddress denied for i-0aaaaaaaaaaaaaaa1 (AuthFailure): EC2 did not accept the credentials; check the instance role or access keys, and the clock",
        "Blocked              | 403 | false | aws: ec2:AssociateAddress denied for i-0aaaaaaaaaaaaaaa1 (Blocked): the account is blocked; contact AWS support",
        "InvalidAllocationID.NotFound      | 400 | false | aws: ec2:AssociateAddress failed (InvalidAllocationID.NotFound): detail: check address in floating_ip (the Elastic IP must be in this account and region)",
        "InvalidAddress.NotFound           | 400 | false | aws: ec2:AssociateAddress failed (InvalidAddress.NotFound): detail: check address in floating_ip (the Elastic IP must be in this account and region)",
        "InvalidParameterValue             | 400 | false | aws: ec2:AssociateAddress failed (InvalidParameterValue): detail: check the floating_ip settings",
        "InvalidInstanceID.NotFound        | 400 | false | aws: ec2:AssociateAddress failed (InvalidInstanceID.NotFound): detail: check instance_id in floating_ip, and the region",
        "InvalidNetworkInterfaceID.NotFound| 400 | false | aws: ec2:AssociateAddress failed (InvalidNetworkInterfaceID.NotFound): detail: check network_interface in floating_ip, and the region",
        "Resource.AlreadyAssociated        | 400 | false | aws: ec2:AssociateAddress refused (Resource.AlreadyAssociated): the Elastic IP is associated with a network interface that does not allow it to be moved (another account, or a service-managed interface); disassociate it there first",
        "SomethingNew                      | 400 | false | aws: ec2:AssociateAddress failed (SomethingNew, HTTP 400): detail",
        "SomethingNew                      | 502 | true  | aws: ec2:AssociateAddress failed with HTTP 502 (SomethingNew): will retry",
    })
    void errorCode(String code, int status, boolean retryable, String expected) {
        String detail = code.equals("UnauthorizedOperation")
                ? "You are not authorized to perform this operation. Encoded authorization failure message: AbC123"
                : "detail";
        ec2.failNext("AssociateAddress", 1, new Fault.Error(code, status, detail));
        ProviderException e = acquireFails();
        assertEquals(retryable, e.retryable(), e.getMessage());
        assertEquals(expected, e.getMessage());
        assertEquals(1, ec2.calls("AssociateAddress"), "the SDK does not retry: the orchestrator does");
    }

    @Test
    void aSecretEchoedByEc2IsMasked() {
        ec2.failNext("AssociateAddress", 1, Fault.error("InvalidParameterValue",
                "odd value " + AwsFixture.SECRET_KEY + "\nsecond line"));
        ProviderException e = acquireFails();
        assertEquals("aws: ec2:AssociateAddress failed (InvalidParameterValue): odd value **** second line: "
                + "check the floating_ip settings", e.getMessage());
    }

    @Test
    void throttledReadIsRetryableAndTheNextCallWorks() throws Exception {
        ec2.failNext(1, Fault.throttle());
        ProviderException e = acquireFails();
        assertTrue(e.retryable());
        assertEquals("aws: ec2:DescribeAddresses throttled by EC2 (RequestLimitExceeded): will retry", e.getMessage());
        assertEquals(0, ec2.calls("AssociateAddress"));
        provider.acquire();
        assertEquals(Holder.self(SELF), provider.holder());
    }

    @Test
    void slowAnswerTimesOutWithinTheAttemptTimeout() throws Exception {
        ec2.failNext("AssociateAddress", 1, Fault.slow(4_000));
        long t0 = System.nanoTime();
        ProviderException e = acquireFails();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.retryable());
        assertEquals("aws: ec2:AssociateAddress timed out after 2000 ms: will retry", e.getMessage());
        assertTrue(ms >= 1_900 && ms < 3_000, "gave up after " + ms + " ms");
        assertEquals(1, ec2.calls("AssociateAddress"));
        provider.acquire(); // a new connection: the slow one was abandoned
        assertEquals(Holder.self(SELF), provider.holder());
    }

    @Test
    void droppedConnectionIsRetryable() throws Exception {
        ec2.failNext("AssociateAddress", 1, Fault.drop());
        long t0 = System.nanoTime();
        ProviderException e = acquireFails();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.retryable());
        assertTrue(e.getMessage().startsWith("aws: ec2:AssociateAddress could not reach EC2 ("), e.getMessage());
        assertTrue(ms < 2_000, ms + " ms");
        assertEquals(1, ec2.calls("AssociateAddress"), "not retried by the SDK or the HTTP client");
        provider.acquire();
        assertEquals(Holder.self(SELF), provider.holder());
    }

    @Test
    void refusedConnectionIsRetryable() throws Exception {
        int port = ec2.uri().getPort();
        ec2.close();
        ProviderException e = assertThrows(ProviderException.class, provider::holder);
        assertClean(e);
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("could not reach EC2"), e.getMessage());
        assertTrue(port > 0);
    }

    @Test
    void halfTheCallsThrottledNeverGiveAFatalError() throws Exception {
        ec2.failFraction(0.5, Fault.throttle(), 42);
        int ok = 0;
        int retryable = 0;
        for (int i = 0; i < 20; i++) {
            try {
                provider.acquire();
                provider.release();
                ok++;
            } catch (ProviderException e) {
                assertClean(e);
                assertTrue(e.retryable(), e.getMessage());
                retryable++;
            }
        }
        assertEquals(20, ok + retryable);
        assertTrue(ok > 0 && retryable > 0, ok + " ok, " + retryable + " throttled");
    }

    @Test
    void refusedPermissionFailsAtStart() {
        ec2.failNext("DescribeAddresses", 1, new Fault.Error("UnauthorizedOperation", 403,
                "You are not authorized to perform this operation."));
        ProviderException e = assertThrows(ProviderException.class, () -> create(ec2, settings(SELF, "address", ALLOC)));
        assertClean(e);
        assertFalse(e.retryable());
        assertEquals("aws: ec2:DescribeAddresses denied for i-0aaaaaaaaaaaaaaa1 (UnauthorizedOperation): add it to "
                + "the instance role's policy", e.getMessage());
    }

    @Test
    void missingAssociatePermissionIsFoundByTheDryRunAtStart() {
        ec2.failNext("AssociateAddress", 1, new Fault.Error("UnauthorizedOperation", 403,
                "You are not authorized to perform this operation."));
        ProviderException e = assertThrows(ProviderException.class, () -> create(ec2, settings(SELF, "address", ALLOC)));
        assertClean(e);
        assertFalse(e.retryable());
        assertEquals("aws: ec2:AssociateAddress denied for i-0aaaaaaaaaaaaaaa1 (UnauthorizedOperation): add it to "
                + "the instance role's policy", e.getMessage());
    }

    @Test
    void unknownInstanceIsFoundByTheDryRunAtStart() {
        ProviderException e = assertThrows(ProviderException.class,
                () -> create(ec2, settings("i-0000000000000dead", "address", ALLOC)));
        assertClean(e);
        assertFalse(e.retryable());
        assertEquals("aws: ec2:AssociateAddress failed (InvalidInstanceID.NotFound): The instance ID "
                + "'i-0000000000000dead' does not exist: check instance_id in floating_ip, and the region", e.getMessage());
    }

    @Test
    void unknownElasticIpFailsAtStart() {
        ProviderException e = assertThrows(ProviderException.class,
                () -> create(ec2, settings(SELF, "address", "eipalloc-0000000000000dead")));
        assertClean(e);
        assertFalse(e.retryable());
        assertEquals("aws: ec2:DescribeAddresses failed (InvalidAllocationID.NotFound): The allocation ID "
                + "'eipalloc-0000000000000dead' does not exist: check address in floating_ip (the Elastic IP must be "
                + "in this account and region)", e.getMessage());
    }

    @Test
    void aNetworkHiccupAtStartIsLeftToTheFirstCall() throws Exception {
        ec2.failNext(1, Fault.drop());
        try (FloatingIpProvider p = create(ec2, settings(SELF, "address", ALLOC))) {
            p.acquire();
            assertEquals(Holder.self(SELF), p.holder());
        }
    }
}
