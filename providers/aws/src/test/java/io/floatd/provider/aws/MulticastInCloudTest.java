package io.floatd.provider.aws;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** EC2 VPCs drop IP multicast (short of a Transit Gateway multicast domain): the provider says so to the core. */
class MulticastInCloudTest {
    @Test
    void theAwsNetworkCarriesNoMulticast() {
        assertFalse(new AwsProviderFactory().carriesMulticast());
    }
}
