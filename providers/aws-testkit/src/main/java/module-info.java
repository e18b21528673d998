/** The one fake EC2 (EC2 Query API XML and errors) the aws tests, the cli's namespace tests, the benches and the demo share. */
module io.floatd.testkit.aws {
    requires io.floatd.vrrp;
    requires jdk.httpserver;

    exports io.floatd.testkit.aws;
}
