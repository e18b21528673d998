/**
 * The provider conformance kit: the tests every cloud provider runs against its test endpoint
 * ({@code ProviderConformance}, and {@code ActionCloudConformance} for clouds whose assign is a polled action), the
 * rig written once for endpoints that implement {@code ConformanceEndpoint} ({@code EndpointRig}), and the fixtures.
 */
package io.floatd.vrrp.provider.testkit;
