/** The provider conformance kit: the tests every cloud provider runs against its test endpoint, and their fixtures. */
package io.floatd.vrrp.provider.testkit;
