package io.floatd.testkit.aws;

/** An EC2 error answer: its {@code Code}, HTTP status (400 unless said) and message, as EC2's error document shows them. */
final class Ec2Error extends Exception {
    final String code;
    final int status;

    Ec2Error(String code, String message) {
        this(code, 400, message);
    }

    Ec2Error(String code, int status, String message) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
    }
}
