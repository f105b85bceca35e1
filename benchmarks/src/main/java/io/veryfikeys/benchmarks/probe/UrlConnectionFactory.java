package io.veryfikeys.benchmarks.probe;

import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

import java.time.Duration;

/** The functions' client, configured as {@code AwsClients} configures it. */
final class UrlConnectionFactory {
    private UrlConnectionFactory() {}

    static SdkHttpClient create() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(3))
                .socketTimeout(Duration.ofSeconds(10))
                .build();
    }
}
