/**
 * {@code provider aws}: an Elastic IP, a VPC secondary private IP (IPv4 or IPv6) or a route-table overlay IP, moved
 * through the AWS SDK for Java v2. Exports nothing: floatd finds it through its services.
 */
module io.floatd.provider.aws {
    requires io.floatd.vrrp;
    requires java.logging;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.apache;
    requires software.amazon.awssdk.imds;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.services.ec2;
    requires software.amazon.awssdk.utils;

    provides io.floatd.vrrp.provider.FloatingIpProviderFactory with io.floatd.provider.aws.AwsProviderFactory;
    provides io.floatd.vrrp.config.FloatingIpKeywords with io.floatd.provider.aws.AwsProviderFactory;
}
