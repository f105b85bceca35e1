package io.veryfikeys.stack;

import io.veryfikeys.simulator.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15: the fleet-wide request budget holds however rotations start. Six rotations are started
 * at the same moment (no fleet pacing at all) with VeryfiRequestsPerSecond deployed as 2; each
 * function takes a slot in VeryfiBudgetTable (moto's DynamoDB, conditional UpdateItem) before each
 * call. The simulator, which counts by arrival, must see no second with more than 2 of their
 * requests. Without the budget, the six Plans list keys in the same second; with moto's DynamoDB
 * not atomic (before the launcher's patch), 4 arrived in one second.
 */
class RequestBudgetOnTheStackTest extends LocalStackTest {
    static final int BUDGET = 2;
    static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final List<RotationHarness.Execution> EXECUTIONS = new ArrayList<>();

    @BeforeAll
    static void deployASmallBudget() {
        stack.redeploy(Map.of("VeryfiRequestsPerSecond", Integer.toString(BUDGET)));
    }

    @AfterAll
    static void restoreTheDefaults() {
        try {
            stack.redeploy(Map.of());
        } finally {
            harness.assertNoKeyLeaked(EXECUTIONS);
        }
    }

    @Test
    void rotationsStartedTogetherStayWithinTheBudgetAtVeryfi() {
        List<RotationHarness.Account> accounts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            accounts.add(harness.account(0, Duration.ZERO));
        }
        Set<String> clients =
                accounts.stream()
                        .map(RotationHarness.Account::clientId)
                        .collect(Collectors.toSet());
        long firstSecond = java.time.Instant.now().getEpochSecond();
        List<String> arns = new ArrayList<>();
        for (RotationHarness.Account account : accounts) {
            arns.add(harness.start(account.secretId(), RotationHarness.settings(1, 1, 30, 0)));
        }
        for (String arn : arns) {
            RotationHarness.Execution execution = harness.await(arn, TIMEOUT);
            EXECUTIONS.add(execution);
            assertThat(execution.status()).as(arn).isEqualTo(ExecutionStatus.SUCCEEDED);
        }

        SortedMap<Long, Integer> perSecond = new TreeMap<>();
        for (RecordedRequest r : harness.veryfi.requests()) {
            if (clients.contains(r.clientId())) {
                perSecond.merge(r.at().getEpochSecond(), 1, Integer::sum);
            }
        }
        int total = perSecond.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("REQUEST BUDGET: " + total + " requests, per second " + perSecond);
        assertThat(total).as("list, create, verify and delete for each").isGreaterThanOrEqualTo(24);
        assertThat(perSecond.values())
                .as("requests per second at Veryfi")
                .allMatch(n -> n <= BUDGET);

        // The counts the functions kept during this test: none above the budget (the table holds
        // earlier classes' seconds too, counted against the default budget).
        List<Map<String, AttributeValue>> windows =
                stack
                        .dynamoDb()
                        .scan(r -> r.tableName(stack.tableName("VeryfiBudgetTable")))
                        .items()
                        .stream()
                        .filter(
                                w ->
                                        Long.parseLong(w.get("window").s().substring(7))
                                                >= firstSecond)
                        .toList();
        assertThat(windows)
                .isNotEmpty()
                .allSatisfy(
                        w ->
                                assertThat(Integer.parseInt(w.get("requests").n()))
                                        .isBetween(1, BUDGET));
    }
}
