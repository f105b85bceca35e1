package io.veryfikeys.veryfi;

import io.veryfikeys.support.Env;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a Veryfi key may be sent. Every call carries {@code AUTHORIZATION: apikey user:<key>}, so a
 * secret's {@code baseUrl} decides who receives the key: someone allowed to write the secret but
 * not to read it could point it at their own server and collect the key on the next run. So the
 * base URL must be {@code https}, on a host of the allow-list, without credentials, port, query or
 * fragment, and with no path beyond Veryfi's {@code /api/v8} (the client builds the rest).
 *
 * <p>The allow-list is {@code VERYFI_API_HOSTS} (comma-separated, default {@value #DEFAULT}), a
 * literal in template.yaml's Globals and not a deploy parameter: a parameter's new value would not
 * reach the functions' live alias (see DeploySettings), and widening where keys go should be a
 * reviewed change to the template, not a deploy-time override. The local stack's test mode sets
 * {@code VERYFI_ALLOW_HTTP_LOOPBACK=true} and lists the simulator as {@code 127.0.0.1:<port>}: only
 * then is plain {@code http} accepted, and only to a loopback host:port on the list.
 */
public final class VeryfiHosts {
    public static final String DEFAULT = "api.veryfi.com";

    private VeryfiHosts() {}

    /** Why this base URL may not receive a key, or null if it may; never echoes the URL itself. */
    public static String problemWith(URI url) {
        Set<String> hosts =
                Arrays.stream(Env.get("VERYFI_API_HOSTS", DEFAULT).split(","))
                        .map(h -> h.trim().toLowerCase(Locale.ROOT))
                        .filter(h -> !h.isEmpty())
                        .collect(Collectors.toSet());
        return problemWith(
                url, hosts, Boolean.parseBoolean(Env.get("VERYFI_ALLOW_HTTP_LOOPBACK", "false")));
    }

    static String problemWith(URI url, Set<String> hosts, boolean httpLoopback) {
        if (!url.isAbsolute() || url.getHost() == null || url.isOpaque()) {
            return "must be an absolute https URL with a host name in ASCII (as the allow-list names it)";
        }
        if (url.getRawUserInfo() != null) {
            return "must not contain credentials (user@host)";
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            return "must not have a query (?) or fragment (#)";
        }
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        if (!path.isEmpty()
                && !path.equals("/")
                && !path.equals("/api/v8")
                && !path.equals("/api/v8/")) {
            return "must have no path other than /api/v8 (the client builds the rest)";
        }
        String host = url.getHost().toLowerCase(Locale.ROOT);
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        if (httpLoopback && isLoopback(host) && (scheme.equals("http") || scheme.equals("https"))) {
            return hosts.contains(host + ":" + url.getPort())
                    ? null
                    : "names loopback port "
                            + url.getPort()
                            + ", which the test-mode allow-list does not hold";
        }
        if (!scheme.equals("https")) {
            return "must be https: a key sent over plain http can be read on the way";
        }
        if (url.getPort() != -1 && url.getPort() != 443) {
            return "must not name a port other than 443";
        }
        if (!hosts.contains(host)) {
            return "names host "
                    + host
                    + ", which is not an allowed Veryfi API host ("
                    + String.join(", ", hosts.stream().sorted().toList())
                    + "; VERYFI_API_HOSTS in template.yaml)";
        }
        return null;
    }

    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]");
    }
}
