package io.veryfikeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code veryfi-keys confirm ACCOUNT CONSUMER --key-id N}: an operator's word that a partner system
 * (registry contract {@code manual}) now works with key N. The rotation's poller accepts it like a
 * health answer; the record says who confirmed (the caller's ARN) and when, and the poll's state
 * keeps both in the execution history. Checked against the registry first: a consumer that is not
 * listed, or not {@code manual}, is refused and nothing is written.
 */
@Command(
        name = "confirm",
        mixinStandardHelpOptions = true,
        description = {
            "Confirms that a consumer with the manual contract (a system a person updates) now uses key N.",
            "The rotation waiting for it deletes the old key only after this (and every other consumer) confirms."
        })
final class Confirm extends VeryfiKeysCli.Base {
    /**
     * How long a confirmation stays in the table (its TTL); the poller needs it for one rotation.
     */
    static final Duration KEPT = Duration.ofDays(30);

    @Parameters(
            index = "0",
            paramLabel = "ACCOUNT",
            description = "Secret name, e.g. veryfi/payroll.")
    String account;

    @Parameters(
            index = "1",
            paramLabel = "CONSUMER",
            description = "The consumer's name in the registry.")
    String consumer;

    @Option(
            names = "--key-id",
            required = true,
            paramLabel = "N",
            description = "The Veryfi key id the consumer now uses (veryfi-keys status shows it).")
    long keyId;

    @Option(
            names = "--registry-prefix",
            paramLabel = "PATH",
            description = "The stack's ConsumerRegistryPrefix (default: the stack output).")
    String registryPrefix;

    @Override
    int run(Target target) {
        if (keyId <= 0)
            throw new CliException(
                    ExitCodes.USAGE, "--key-id must be a positive key id, got " + keyId);
        String prefix =
                registryPrefix != null ? registryPrefix : target.output("ConsumerRegistryPrefix");
        String parameter =
                (prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix)
                        + "/"
                        + account;
        String contract = contractOf(target, parameter);
        if (!"manual".equals(contract))
            throw new CliException(
                    ExitCodes.USAGE,
                    consumer
                            + " has contract "
                            + contract
                            + ", not manual: it proves its key itself. Nothing was written.");
        String table = target.output("CheckInsTableName");
        if (table == null)
            throw new CliException(
                    ExitCodes.AWS_ERROR,
                    "no check-in table: deploy the current template (it creates CheckInsTable)");
        String by = target.callerArn();
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("consumer", AttributeValue.fromS(account + "#" + consumer));
        item.put("kind", AttributeValue.fromS("manual"));
        item.put("keyId", AttributeValue.fromN(Long.toString(keyId)));
        item.put("healthy", AttributeValue.fromBool(true));
        item.put("at", AttributeValue.fromS(at.toString()));
        item.put("by", AttributeValue.fromS(by));
        item.put("expiresAt", AttributeValue.fromN(Long.toString(at.plus(KEPT).getEpochSecond())));
        target.dynamoDb().putItem(r -> r.tableName(table).item(item));
        if (json()) {
            out().println(
                            VeryfiKeysCli.toJson(
                                    Map.of(
                                            "account", account,
                                            "consumer", consumer,
                                            "keyId", keyId,
                                            "confirmedBy", by,
                                            "at", at.toString())));
        } else {
            out().println(
                            "confirmed: "
                                    + consumer
                                    + " of "
                                    + account
                                    + " uses key "
                                    + keyId
                                    + " (by "
                                    + by
                                    + " at "
                                    + at
                                    + ")");
        }
        return ExitCodes.OK;
    }

    /** The consumer's contract in the registry; refuses a missing registry or consumer. */
    private String contractOf(Target target, String parameter) {
        String document;
        try {
            document =
                    target.ssm()
                            .getParameter(r -> r.name(parameter).withDecryption(true))
                            .parameter()
                            .value();
        } catch (ParameterNotFoundException e) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "no consumer registry for "
                            + account
                            + " ("
                            + parameter
                            + "). Nothing was written.");
        }
        JsonNode registry;
        try {
            registry = Target.JSON.readTree(document);
        } catch (Exception e) {
            throw new CliException(
                    ExitCodes.USAGE, parameter + " is not valid JSON. Nothing was written.");
        }
        for (JsonNode entry : registry.path("consumers")) {
            if (consumer.equals(entry.path("name").asText())) {
                return entry.path("contract").asText("http");
            }
        }
        throw new CliException(
                ExitCodes.USAGE,
                "no consumer "
                        + consumer
                        + " in the registry of "
                        + account
                        + " ("
                        + parameter
                        + "). Nothing was written.");
    }
}
