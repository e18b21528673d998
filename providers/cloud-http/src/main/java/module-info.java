/**
 * The JSON REST client the cloud providers with a bearer-token API share (digitalocean, hetzner): Apache HttpClient
 * and gson. Each provider keeps its paths, JSON shapes and error codes.
 */
module io.floatd.provider.cloudhttp {
    requires transitive io.floatd.vrrp;
    requires transitive com.google.gson;
    requires org.apache.httpcomponents.httpclient;
    requires org.apache.httpcomponents.httpcore;

    exports io.floatd.provider.cloudhttp;
}
