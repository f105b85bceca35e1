package io.veryfikeys.benchmarks.probe;

import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child JVM for the Foundation question: first-call latency of one Secrets Manager GetSecretValue
 * with the url-connection client vs the AWS CRT client, everything else equal (explicit region and
 * credentials, endpoint from AWS_ENDPOINT_URL). Arguments: {@code resultFile urlconnection|crt
 * secretId}.
 */
public final class HttpClientProbe {
    private HttpClientProbe() {}

    public static void main(String[] args) throws Exception {
        long mainAt = System.currentTimeMillis();
        long t0 = System.nanoTime();
        SdkHttpClient http =
                "crt".equals(args[1]) ? CrtFactory.create() : UrlConnectionFactory.create();
        SecretsManagerClient client =
                SecretsManagerClient.builder()
                        .region(Region.of(System.getenv("AWS_REGION")))
                        .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                        .httpClient(http)
                        .build();
        long t1 = System.nanoTime();
        String value = client.getSecretValue(b -> b.secretId(args[2])).secretString();
        long t2 = System.nanoTime();
        long doneAt = System.currentTimeMillis();
        long s = System.nanoTime();
        client.getSecretValue(b -> b.secretId(args[2]));
        long warm = System.nanoTime() - s;
        Files.writeString(
                Path.of(args[0]),
                "{\"mainAtMillis\":"
                        + mainAt
                        + ",\"doneAtMillis\":"
                        + doneAt
                        + ",\"buildMicros\":"
                        + (t1 - t0) / 1000
                        + ",\"firstCallMicros\":"
                        + (t2 - t1) / 1000
                        + ",\"secondCallMicros\":"
                        + warm / 1000
                        + ",\"ok\":"
                        + (value != null)
                        + "}");
        System.exit(0);
    }
}
