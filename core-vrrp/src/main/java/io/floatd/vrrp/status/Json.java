package io.floatd.vrrp.status;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.ToNumberPolicy;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * floatd's JSON documents (status, JSON log lines) through Gson, the small library the cloud providers' typed clients
 * (cloud-http, DigitalOcean, Hetzner) read their APIs' JSON with, rather than Jackson, which would add three jars for
 * the same two jobs: a {@link Writer} with {@code field(name, value)} helpers over Gson's {@link JsonWriter} (compact
 * output), and {@link #parse}, which reads any RFC 8259 text into maps, lists, strings, numbers ({@link Long} when
 * integral, else {@link Double}), booleans and null.
 */
public final class Json {
    private static final TypeAdapter<Object> ANY = new GsonBuilder()
            .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create().getAdapter(Object.class);

    private Json() {
    }

    /** Streams one JSON value; commas and colons are placed by Gson. */
    public static final class Writer {
        private final StringWriter out = new StringWriter(512);
        private final JsonWriter w = new JsonWriter(out);

        public Writer() {
            w.setSerializeNulls(true);
            w.setHtmlSafe(false);
        }

        private interface Step {
            void run() throws IOException;
        }

        private Writer write(Step step) {
            try {
                step.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a StringWriter does not fail
            }
            return this;
        }

        public Writer beginObject() {
            return write(w::beginObject);
        }

        public Writer endObject() {
            return write(w::endObject);
        }

        public Writer beginArray() {
            return write(w::beginArray);
        }

        public Writer endArray() {
            return write(w::endArray);
        }

        public Writer name(String name) {
            return write(() -> w.name(name));
        }

        public Writer value(String s) {
            return write(() -> w.value(s));
        }

        public Writer value(long n) {
            return write(() -> w.value(n));
        }

        public Writer value(boolean b) {
            return write(() -> w.value(b));
        }

        /** A finite number (rounded to 3 decimals), or null for null/NaN/infinite. */
        public Writer value(Double d) {
            if (d == null || d.isNaN() || d.isInfinite()) {
                return nullValue();
            }
            return write(() -> w.jsonValue(round3(d)));
        }

        public Writer nullValue() {
            return write(w::nullValue);
        }

        public Writer field(String name, String s) {
            return name(name).value(s);
        }

        public Writer field(String name, long n) {
            return name(name).value(n);
        }

        public Writer field(String name, boolean b) {
            return name(name).value(b);
        }

        public Writer field(String name, Double d) {
            return name(name).value(d);
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }

    /** Plain decimal (never exponent notation), so that documents read the same as before Gson wrote them. */
    static String round3(double d) {
        double r = Math.round(d * 1000.0) / 1000.0;
        if (r == Math.rint(r) && Math.abs(r) < 1e15) {
            return Long.toString((long) r) + ".0";
        }
        return Double.toString(r);
    }

    /** Parses one JSON document; throws {@link IllegalArgumentException} on malformed input. */
    public static Object parse(String text) {
        try (JsonReader r = new JsonReader(new StringReader(text))) {
            r.setStrictness(Strictness.STRICT);
            Object v = ANY.read(r);
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException("bad JSON: trailing characters at " + r.getPath());
            }
            return v;
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException("bad JSON: " + e.getMessage(), e);
        }
    }
}
