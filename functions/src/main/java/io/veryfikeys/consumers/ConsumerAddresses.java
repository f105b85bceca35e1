package io.veryfikeys.consumers;

import io.veryfikeys.support.Env;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where a consumer health check may connect. The functions run beside endpoints that answer whoever
 * asks from inside: the Lambda Runtime API and the extensions API on loopback, instance metadata
 * and container credentials on link-local addresses (169.254.169.254, 169.254.170.2,
 * fd00:ec2::254). A registry entry pointing there would turn the poller into a reader of those. So
 * loopback, link-local, "any" and multicast addresses are refused, for every address a name
 * resolves to; private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) stay allowed, for consumers
 * in a VPC. The local stack's test mode ({@code CONSUMER_ALLOW_LOOPBACK=true}) allows loopback,
 * where its simulated consumers listen.
 */
public final class ConsumerAddresses {
    private ConsumerAddresses() {}

    public static boolean loopbackAllowed() {
        return Boolean.parseBoolean(Env.get("CONSUMER_ALLOW_LOOPBACK", "false"));
    }

    /** Why a connection to this address is refused, or empty if it is allowed. */
    public static Optional<String> problemWith(InetAddress address, boolean allowLoopback) {
        InetAddress a = unmapped(address);
        if (a.isLoopbackAddress()) {
            return allowLoopback
                    ? Optional.empty()
                    : Optional.of("a loopback address (the function's own runtime API)");
        }
        if (a.isLinkLocalAddress() || isEc2MetadataV6(a)) {
            return Optional.of(
                    "a link-local address (instance metadata and credentials live there)");
        }
        if (a.isAnyLocalAddress()) {
            return Optional.of("the unspecified address");
        }
        if (a.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        return Optional.empty();
    }

    /**
     * Resolves {@code host} and checks every address it has: one bad address refuses the host,
     * since the connection might use it. An unknown host is no problem here (it is unreachable).
     */
    public static Optional<String> problemWithHost(String host, boolean allowLoopback) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                Optional<String> problem = problemWith(address, allowLoopback);
                if (problem.isPresent()) {
                    return Optional.of(host + " resolves to " + problem.get());
                }
            }
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** An IPv6 literal in brackets, or an IPv4 literal: the address; a name: empty (no lookup). */
    public static Optional<InetAddress> literal(String host) {
        String h =
                host.startsWith("[") && host.endsWith("]")
                        ? host.substring(1, host.length() - 1)
                        : host;
        boolean v4 = h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = h.contains(":") && h.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(h)); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** ::ffff:169.254.169.254 is 169.254.169.254. */
    private static InetAddress unmapped(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
                try {
                    return Inet4Address.getByAddress(Arrays.copyOfRange(b, 12, 16));
                } catch (UnknownHostException e) {
                    return address;
                }
            }
        }
        return address;
    }

    /**
     * fd00:ec2::254, the instance metadata service over IPv6 (a unique-local address, not
     * link-local).
     */
    private static boolean isEc2MetadataV6(InetAddress a) {
        if (!(a instanceof Inet6Address)) {
            return false;
        }
        byte[] b = a.getAddress();
        byte[] imds = {(byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
        return Arrays.equals(b, imds);
    }
}
