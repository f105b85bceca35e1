package io.veryfikeys.benchmarks.probe;

import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;

import java.time.Duration;

/** Separate class so the url-connection run never links CRT classes. */
final class CrtFactory {
    private CrtFactory() {}

    static SdkHttpClient create() {
        return AwsCrtHttpClient.builder().connectionTimeout(Duration.ofSeconds(3)).build();
    }
}
