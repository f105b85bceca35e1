package io.veryfikeys.veryfi;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20 item 1, the decision alone: which base URLs may receive a key. Each row: the secret's
 * baseUrl, whether the local stack's test mode is on (loopback http to the listed port), and null
 * (allowed) or the start of the reason.
 */
class VeryfiHostsTest {
    private static final Set<String> PRODUCTION = Set.of("api.veryfi.com");
    private static final Set<String> TEST_MODE = Set.of("api.veryfi.com", "127.0.0.1:8089");

    @ParameterizedTest(name = "{0} (test mode {1})")
    @CsvSource(
            delimiter = '|',
            nullValues = "ALLOWED",
            value = {
                "https://api.veryfi.com                      | false | ALLOWED",
                "https://api.veryfi.com/                     | false | ALLOWED",
                "https://API.Veryfi.com/api/v8/              | false | ALLOWED",
                "https://api.veryfi.com:443/api/v8           | false | ALLOWED",
                "http://api.veryfi.com                       | false | must be https",
                "https://evil.example                        | false | names host evil.example, which is not an allowed Veryfi API host",
                "https://api.veryfi.com.evil.example         | false | names host api.veryfi.com.evil.example",
                "https://evil.example/?x=api.veryfi.com      | false | must not have a query",
                "https://api.veryfi.com/api/v8?u=https://e   | false | must not have a query",
                "https://api.veryfi.com#@evil.example        | false | must not have a query (?) or fragment",
                "https://api.veryfi.com@evil.example         | false | must not contain credentials",
                "https://user:pw@api.veryfi.com              | false | must not contain credentials",
                "https://api.veryfi.com:8443                 | false | must not name a port other than 443",
                "https://api.veryfi.com/steal/               | false | must have no path other than /api/v8",
                "https://api.veryfi.com/api/v8/../../x       | false | must have no path other than /api/v8",
                "https://xn--api-veryfi-9ob.com              | false | names host xn--api-veryfi-9ob.com",
                "https://api.veryfі.com                      | false | must be an absolute https URL with a host name in ASCII",
                "//api.veryfi.com                            | false | must be an absolute https URL",
                "mailto:keys@veryfi.com                      | false | must be an absolute https URL",
                "http://127.0.0.1:8089                       | false | must be https",
                "http://127.0.0.1:8089                       | true  | ALLOWED",
                "http://127.0.0.1:8089/api/v8/               | true  | ALLOWED",
                "http://127.0.0.1:9999                       | true  | names loopback port 9999",
                "http://169.254.169.254                      | true  | must be https",
                "http://api.veryfi.com                       | true  | must be https",
            })
    void decides(String url, boolean testMode, String expected) {
        String problem =
                VeryfiHosts.problemWith(
                        URI.create(url), testMode ? TEST_MODE : PRODUCTION, testMode);
        if (expected == null) {
            assertThat(problem).as(url).isNull();
        } else {
            assertThat(problem).as(url).startsWith(expected);
        }
    }
}
