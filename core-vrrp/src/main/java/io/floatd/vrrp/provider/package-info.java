/**
 * The contract between the VRRP engine and whatever moves the IP: a Linux VIP, an AWS Elastic IP, a DigitalOcean
 * reserved IP, a Hetzner Cloud floating IP; and what the cloud providers share (the API token, base URLs).
 */
package io.floatd.vrrp.provider;
