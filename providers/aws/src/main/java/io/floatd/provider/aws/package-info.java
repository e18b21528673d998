/**
 * The {@code aws} provider: an Elastic IP ({@code mode eip}) or a VPC secondary private IP ({@code mode secondary_ip})
 * moved to this instance through the EC2 API, with one warm {@code Ec2Client} whose own retries are off (floatd's
 * takeover orchestrator retries with its own policy).
 */
package io.floatd.provider.aws;
