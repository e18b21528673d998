/**
 * The one fake EC2 of the project: {@link io.floatd.testkit.aws.Ec2TestEndpoint}, an EC2 Query API endpoint on a local
 * address with EC2's XML shapes, errors and injectable faults, for tests, benches and {@code floatd demo}.
 */
package io.floatd.testkit.aws;
