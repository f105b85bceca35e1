package io.veryfikeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;
import software.amazon.awssdk.services.sns.SnsClient;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Where the CLI's AWS calls go, and which state machine and reset function it drives. Against AWS:
 * the default credential chain (or {@code --profile}), {@code --region}, and the CloudFormation
 * stack's outputs unless explicit ARNs are given. Against the local stack: its endpoint with the
 * local stack's fixed test credentials, and the ARNs from the file the demo writes, or found by
 * listing.
 */
public final class Target implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** What the local stack resolves AWS::StackName to, and its Lambda host's function names. */
    static final String LOCAL_RESET_FUNCTION = "ResetFunction";

    /** The template's default ConsumerRegistryPrefix, which the local stack uses. */
    static final String LOCAL_REGISTRY_PREFIX = "/veryfi-key-rotation/consumers";

    /** Everything a command needs to know about where it runs. */
    public record Settings(
            boolean local,
            URI endpoint,
            Path localFile,
            String region,
            String profile,
            String stackName,
            String stateMachineArn,
            String resetFunction) {}

    private final Settings settings;
    private final URI endpoint;
    private final Region region;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private String stateMachineArn;
    private String resetFunction;
    private Map<String, String> stackOutputs;
    private SfnClient sfn;
    private SecretsManagerClient secrets;
    private LambdaClient lambda;
    private SnsClient sns;
    private EventBridgeClient events;
    private software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb;
    private software.amazon.awssdk.services.ssm.SsmClient ssm;
    private JsonNode localFileFields;

    private AwsCredentials localCredentials;

    public Target(Settings s) {
        this.settings = s;
        this.stateMachineArn = s.stateMachineArn();
        this.resetFunction = s.resetFunction();
        if (s.local()) {
            JsonNode file = s.endpoint() == null ? readLocalFile(s.localFile()) : null;
            this.localFileFields = file;
            this.endpoint =
                    s.endpoint() != null
                            ? s.endpoint()
                            : URI.create(file.path("endpoint").asText());
            this.region =
                    Region.of(
                            s.region() != null
                                    ? s.region()
                                    : file != null && file.hasNonNull("region")
                                            ? file.get("region").asText()
                                            : "us-east-1");
            if (file != null && file.hasNonNull("accessKeyId")) {
                localCredentials =
                        file.hasNonNull("sessionToken")
                                ? AwsSessionCredentials.create(
                                        file.get("accessKeyId").asText(),
                                        file.path("secretAccessKey").asText(),
                                        file.get("sessionToken").asText())
                                : AwsBasicCredentials.create(
                                        file.get("accessKeyId").asText(),
                                        file.path("secretAccessKey").asText());
            }
            if (file != null) {
                if (stateMachineArn == null && file.hasNonNull("stateMachineArn"))
                    stateMachineArn = file.get("stateMachineArn").asText();
                if (resetFunction == null && file.hasNonNull("resetFunctionName"))
                    resetFunction = file.get("resetFunctionName").asText();
            }
        } else {
            if (s.profile() != null) System.setProperty("aws.profile", s.profile());
            this.endpoint = s.endpoint();
            this.region = s.region() == null ? null : Region.of(s.region());
        }
    }

    private static JsonNode readLocalFile(Path file) {
        if (!Files.isRegularFile(file))
            throw new CliException(
                    ExitCodes.USAGE,
                    "--local needs --endpoint URL or the file "
                            + file
                            + " that './run-demo --keep-running' writes; neither was found");
        try {
            JsonNode node = JSON.readTree(Files.readString(file));
            if (!node.hasNonNull("endpoint"))
                throw new CliException(
                        ExitCodes.USAGE,
                        file
                                + " has no endpoint: restart './run-demo --keep-running',"
                                + " or pass --endpoint URL");
            return node;
        } catch (IOException e) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "cannot read "
                            + file
                            + " (restart './run-demo --keep-running',"
                            + " or pass --endpoint URL): "
                            + e.getMessage());
        }
    }

    public boolean local() {
        return settings.local();
    }

    public String describe() {
        return settings.local()
                ? "local stack at " + endpoint
                : "AWS"
                        + (region == null ? "" : " " + region)
                        + (settings.profile() == null
                                ? ""
                                : " (profile " + settings.profile() + ")");
    }

    public synchronized SfnClient sfn() {
        if (sfn == null) sfn = client(SfnClient::builder, Duration.ofSeconds(30));
        return sfn;
    }

    public synchronized SecretsManagerClient secrets() {
        if (secrets == null)
            secrets = client(SecretsManagerClient::builder, Duration.ofSeconds(30));
        return secrets;
    }

    /** A reset may take up to the function's timeout (120 s); the client waits longer than that. */
    public synchronized LambdaClient lambda() {
        if (lambda == null) lambda = client(LambdaClient::builder, Duration.ofSeconds(180));
        return lambda;
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends AutoCloseable>
            C client(Supplier<B> builder, Duration socketTimeout) {
        B b =
                builder.get()
                        .httpClientBuilder(
                                UrlConnectionHttpClient.builder()
                                        .connectionTimeout(Duration.ofSeconds(5))
                                        .socketTimeout(socketTimeout));
        if (endpoint != null) b.endpointOverride(endpoint);
        if (region != null) b.region(region);
        // The local stack refuses keys it never issued: the demo's file carries the key it issued
        // to clients; with --endpoint alone, the SDK's default chain (AWS_ACCESS_KEY_ID and
        // AWS_SECRET_ACCESS_KEY as LocalAwsStackMain prints them) supplies it.
        if (localCredentials != null)
            b.credentialsProvider(StaticCredentialsProvider.create(localCredentials));
        C c = b.build();
        clients.add(c);
        return c;
    }

    /**
     * The rotation state machine: explicit flag, the demo's file, the stack output, or (local) the
     * one found by name.
     */
    public String stateMachineArn() {
        if (stateMachineArn != null) return stateMachineArn;
        if (settings.local()) {
            List<String> found = stateMachinesNamed("-rotation");
            if (found.size() != 1)
                throw new CliException(
                        ExitCodes.AWS_ERROR,
                        "pass --state-machine-arn: cannot tell the rotation state"
                                + " machine at "
                                + endpoint
                                + " ("
                                + found.size()
                                + " named *-rotation: "
                                + found
                                + ")");
            stateMachineArn = found.get(0);
        } else {
            stateMachineArn = stackOutput("RotationStateMachineArn");
        }
        return stateMachineArn;
    }

    public String resetFunction() {
        if (resetFunction != null) return resetFunction;
        resetFunction = settings.local() ? LOCAL_RESET_FUNCTION : stackOutput("ResetFunctionName");
        return resetFunction;
    }

    public synchronized software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb() {
        if (dynamoDb == null)
            dynamoDb =
                    client(
                            software.amazon.awssdk.services.dynamodb.DynamoDbClient::builder,
                            Duration.ofSeconds(30));
        return dynamoDb;
    }

    public synchronized software.amazon.awssdk.services.ssm.SsmClient ssm() {
        if (ssm == null)
            ssm =
                    client(
                            software.amazon.awssdk.services.ssm.SsmClient::builder,
                            Duration.ofSeconds(30));
        return ssm;
    }

    /** Who this CLI acts as (STS GetCallerIdentity): recorded with a confirmation. */
    public String callerArn() {
        try (var sts =
                client(
                        software.amazon.awssdk.services.sts.StsClient::builder,
                        Duration.ofSeconds(30))) {
            return sts.getCallerIdentity().arn();
        }
    }

    public synchronized SnsClient sns() {
        if (sns == null) sns = client(SnsClient::builder, Duration.ofSeconds(30));
        return sns;
    }

    public synchronized EventBridgeClient events() {
        if (events == null) events = client(EventBridgeClient::builder, Duration.ofSeconds(30));
        return events;
    }

    /**
     * A stack output the doctor reads; locally (no CloudFormation stack) the demo's file, else the
     * resource found by the name the template gives it. Null when there is none.
     */
    public String output(String key) {
        if (settings.local()) {
            String field = Character.toLowerCase(key.charAt(0)) + key.substring(1);
            if (localFileFields != null && localFileFields.hasNonNull(field))
                return localFileFields.get(field).asText();
            return switch (key) {
                case "RotationStateMachineArn" -> stateMachineArn();
                case "ResetFunctionName" -> resetFunction();
                case "FleetStateMachineArn" ->
                        stateMachinesNamed("-fleet").stream().findFirst().orElse(null);
                case "CheckInsTableName" ->
                        dynamoDb().listTablesPaginator(r -> {}).tableNames().stream()
                                .filter(t -> t.contains("-CheckInsTable-"))
                                .findFirst()
                                .orElse(null);
                case "ConsumerRegistryPrefix" -> LOCAL_REGISTRY_PREFIX;
                case "AlertsTopicArn" ->
                        sns().listTopicsPaginator(r -> {}).topics().stream()
                                .map(t -> t.topicArn())
                                .filter(a -> a.endsWith(":AlertsTopic"))
                                .findFirst()
                                .orElse(null);
                default -> null;
            };
        }
        stackOutput("RotationStateMachineArn"); // reads them all, or fails with the fix
        return stackOutputs.get(key);
    }

    /**
     * Locally, where no stack output names them: the state machines whose name ends with the
     * template's suffix.
     */
    private List<String> stateMachinesNamed(String suffix) {
        return sfn().listStateMachinesPaginator(r -> {}).stateMachines().stream()
                .map(StateMachineListItem::stateMachineArn)
                .filter(a -> a.endsWith(suffix))
                .toList();
    }

    /**
     * The stack's Lambda functions, logical id to physical name (locally: the Lambda host's, which
     * names them after the logical id).
     */
    public Map<String, String> functions() {
        Map<String, String> byLogicalId = new java.util.TreeMap<>();
        if (settings.local()) {
            lambda().listFunctionsPaginator()
                    .functions()
                    .forEach(f -> byLogicalId.put(f.functionName(), f.functionName()));
            return byLogicalId;
        }
        try (CloudFormationClient cfn =
                client(CloudFormationClient::builder, Duration.ofSeconds(30))) {
            cfn
                    .listStackResourcesPaginator(r -> r.stackName(settings.stackName()))
                    .stackResourceSummaries()
                    .stream()
                    .filter(r -> "AWS::Lambda::Function".equals(r.resourceType()))
                    .forEach(r -> byLogicalId.put(r.logicalResourceId(), r.physicalResourceId()));
        }
        return byLogicalId;
    }

    private String stackOutput(String key) {
        if (stackOutputs == null) {
            try (CloudFormationClient cfn =
                    client(CloudFormationClient::builder, Duration.ofSeconds(30))) {
                stackOutputs =
                        cfn.describeStacks(r -> r.stackName(settings.stackName())).stacks().stream()
                                .flatMap(s -> s.outputs().stream())
                                .collect(
                                        Collectors.toMap(
                                                Output::outputKey,
                                                Output::outputValue,
                                                (a, b) -> a));
            }
        }
        String value = stackOutputs.get(key);
        if (value == null)
            throw new CliException(
                    ExitCodes.AWS_ERROR,
                    "stack "
                            + settings.stackName()
                            + " has no output "
                            + key
                            + "; pass --stack-name, or --state-machine-arn / --reset-function");
        return value;
    }

    @Override
    public void close() {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }
}
