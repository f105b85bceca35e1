package io.veryfikeys.safety;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.veryfikeys.localstack.LambdaHost;
import io.veryfikeys.simulator.ChangeEvent;
import io.veryfikeys.simulator.ChangeListener;
import io.veryfikeys.simulator.SimulatedConsumer;
import io.veryfikeys.stack.RotationHarness;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The "never locks anyone out" invariants of one account, checked on a consistent snapshot after
 * every change while a run is watched ({@link #watch}): every change the Veryfi simulator or a
 * consumer of the account reports ({@link ChangeEvent}), every Secrets Manager write reported to
 * {@link #onSecretWritten}, every StateEntered/StateExited event of the execution's history; and at
 * the end ({@link #checkEnd}):
 *
 * <ul>
 *   <li>the account has one or two live keys at Veryfi;
 *   <li>AWSCURRENT holds a live key;
 *   <li>every consumer's key is live, and no consumer call was ever rejected (unless the scenario
 *       is an incident reset, which locks out by design);
 *   <li>no key that someone else made ({@link #foreignKey}) is ever deleted by the system;
 *   <li>after a reset returns, every live key is held by a version or listed as pending clean-up in
 *       the response and the alert ({@link #checkAfterReset});
 *   <li>at the end: no orphan key (live at Veryfi, in no version of the secret, deprecated ones
 *       included, and not someone else's), and no key value in the execution's history;
 *   <li>no key held by any secret under the prefix is deleted unless that secret's consumers moved
 *       to a new key: every other secret holding the account ({@link #alsoHeldBy}, and at the end
 *       every secret under {@code veryfi/} with the account's client id) holds a live key in
 *       AWSCURRENT, and its consumers are never rejected (issue 21);
 *   <li>no alert's advice, if followed, would invalidate the key in AWSCURRENT: an alert that
 *       advises a reset by hand ({@code "advice": "RESET_ACCOUNT"}) is only sent while Veryfi
 *       rejects the AWSCURRENT key (issue 21).
 * </ul>
 *
 * Violations are collected, not thrown, so a matrix can report all of them.
 */
final class InvariantChecker {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RotationHarness harness;
    private final RotationHarness.Account account;
    private final boolean lockOutAllowed;
    private final List<String> violations = new ArrayList<>();
    private final Set<Long> foreign = new TreeSet<>();
    private final List<RotationHarness.Account> copies = new ArrayList<>();
    private final Set<String> alertsJudged = new HashSet<>();
    private int checks;

    /**
     * What changed since the checker thread last began a check; guarded by itself, as are the
     * fields below.
     */
    private final List<String> due = new ArrayList<>();

    /** A checker thread is running, and will take {@link #due} before it stops. */
    private boolean checking;

    /**
     * Listening to the simulator and the consumers: from the first {@link #watch} to {@link
     * #checkEnd}.
     */
    private boolean listening;

    private int watchesRunning;
    private final List<SimulatedConsumer> heardConsumers = new ArrayList<>();
    private final List<String> records = new ArrayList<>();
    private final ChangeListener onChange = this::heard;
    private final LambdaHost.AwsCallListener onAwsCall =
            new LambdaHost.AwsCallListener() {
                @Override
                public void called(LambdaHost.AwsCall call) {
                    heard(call, "*");
                }

                @Override
                public void called(LambdaHost.AwsCall call, String resource) {
                    heard(call, resource);
                }
            };

    InvariantChecker(
            RotationHarness harness, RotationHarness.Account account, boolean lockOutAllowed) {
        this.harness = harness;
        this.account = account;
        this.lockOutAllowed = lockOutAllowed;
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    synchronized int checks() {
        return checks;
    }

    /**
     * A key that a person or another system made: the system must never delete it, nor count it as
     * its orphan.
     */
    synchronized void foreignKey(long keyId) {
        foreign.add(keyId);
    }

    /**
     * Another secret that holds this same account (a copy): its key and consumers are watched too.
     */
    synchronized InvariantChecker alsoHeldBy(RotationHarness.Account copy) {
        copies.add(copy);
        return this;
    }

    /**
     * Consumers of the account with the {@code check-in} or {@code manual} contract (issue 16): the
     * key their record names must stay live, since that record is all they said.
     */
    synchronized InvariantChecker recordsOf(String... consumers) {
        records.addAll(List.of(consumers));
        return this;
    }

    private synchronized List<String> records() {
        return List.copyOf(records);
    }

    /** The key id a consumer's check-in or confirmation names, or -1 without a record. */
    private long recordedKeyId(String consumer) {
        var item =
                harness.stack
                        .dynamoDb()
                        .getItem(
                                r ->
                                        r.tableName(harness.stack.tableName("CheckInsTable"))
                                                .consistentRead(true)
                                                .key(
                                                        java.util.Map.of(
                                                                "consumer",
                                                                software.amazon.awssdk.services
                                                                        .dynamodb.model
                                                                        .AttributeValue.fromS(
                                                                        account.secretId()
                                                                                + "#"
                                                                                + consumer))));
        return item.hasItem() ? Long.parseLong(item.item().get("keyId").n()) : -1;
    }

    private synchronized List<RotationHarness.Account> copies() {
        return List.copyOf(copies);
    }

    private synchronized Set<Long> foreignKeys() {
        return Set.copyOf(foreign);
    }

    private synchronized void violation(String where, String what) {
        violations.add(account.secretId() + " " + where + ": " + what);
    }

    /**
     * One snapshot: live keys read before and after the secret and consumers, retried until stable.
     */
    void check(String where) {
        synchronized (this) {
            checks++;
        }
        List<Long> live = null;
        long current = -1;
        List<long[]> consumerKeys = new ArrayList<>();
        List<Long> recordKeys = new ArrayList<>();
        List<SimulatedConsumer> consumers = new ArrayList<>(account.consumers());
        List<RotationHarness.Account> others = copies();
        others.forEach(copy -> consumers.addAll(copy.consumers()));
        long[] copyKeys = new long[others.size()];
        for (int attempt = 0; attempt < 5; attempt++) {
            List<Long> before = harness.veryfi.liveKeyIds(account.clientId());
            try {
                current = currentKeyId(account.secretId());
                for (int i = 0; i < others.size(); i++) {
                    copyKeys[i] = currentKeyId(others.get(i).secretId());
                }
            } catch (RuntimeException e) {
                // an injected Secrets Manager fault may hit this read too: try again
                RotationHarness.sleep(50);
                continue;
            }
            consumerKeys.clear();
            for (SimulatedConsumer c : consumers) {
                consumerKeys.add(new long[] {c.keyIdInUse(), c.rejectedCalls()});
            }
            recordKeys.clear();
            try {
                for (String consumer : records()) {
                    recordKeys.add(recordedKeyId(consumer));
                }
            } catch (RuntimeException e) {
                RotationHarness.sleep(50);
                continue;
            }
            List<Long> after = harness.veryfi.liveKeyIds(account.clientId());
            if (before.equals(after)) {
                live = after;
                break;
            }
        }
        if (live == null) {
            violation(where, "no stable snapshot of the live keys in 5 tries");
            return;
        }
        if (live.isEmpty() || live.size() > 2) {
            violation(where, live.size() + " live keys at Veryfi " + live + " (must be 1 or 2)");
        }
        if (!live.contains(current)) {
            violation(
                    where,
                    "AWSCURRENT key " + current + " is not live at Veryfi (live " + live + ")");
        }
        for (long keyId : foreignKeys()) {
            if (!live.contains(keyId)) {
                violation(
                        where,
                        "key " + keyId + ", made by someone else, was deleted (live " + live + ")");
            }
        }
        for (int i = 0; i < others.size(); i++) {
            if (!lockOutAllowed && !live.contains(copyKeys[i])) {
                violation(
                        where,
                        "key "
                                + copyKeys[i]
                                + ", held by "
                                + others.get(i).secretId()
                                + " (same account), is not"
                                + " live (live "
                                + live
                                + "): deleted without that secret's consumers confirming a new key");
            }
        }
        if (where.contains("Report") || where.startsWith("end")) {
            // Alerts go out from the Report states: judged as they leave them, and at the end. Not
            // at every state: draining the alert queue that often slows the whole matrix threefold.
            judgeAlerts(where, live.contains(current) ? current : null);
        }
        List<String> recorded = records();
        for (int i = 0; i < recordKeys.size(); i++) {
            long keyId = recordKeys.get(i);
            if (!lockOutAllowed && keyId >= 0 && !live.contains(keyId)) {
                violation(
                        where,
                        "consumer "
                                + recorded.get(i)
                                + " last said (check-in or confirmation) it uses key "
                                + keyId
                                + ", which is not live (live "
                                + live
                                + "): deleted before it confirmed another");
            }
        }
        for (int i = 0; i < consumerKeys.size(); i++) {
            long keyId = consumerKeys.get(i)[0];
            long rejected = consumerKeys.get(i)[1];
            String name = consumers.get(i).name();
            if (!lockOutAllowed && !live.contains(keyId)) {
                violation(
                        where,
                        "consumer "
                                + name
                                + " uses key "
                                + keyId
                                + ", which is not live (live "
                                + live
                                + ")");
            }
            if (!lockOutAllowed && rejected > 0) {
                violation(
                        where,
                        "consumer "
                                + name
                                + " had "
                                + rejected
                                + " calls rejected by Veryfi (locked out)");
            }
        }
    }

    /**
     * Each new alert about this account or its copies, judged once: one that advises a reset by
     * hand must not be sent while the AWSCURRENT key is live ({@code liveCurrent} non-null), since
     * following it would kill that key.
     */
    private void judgeAlerts(String where, Long liveCurrent) {
        List<String> accounts = new ArrayList<>();
        accounts.add(account.secretId());
        copies().forEach(copy -> accounts.add(copy.secretId()));
        for (String secretId : accounts) {
            for (com.fasterxml.jackson.databind.JsonNode alert : harness.alertsFor(secretId)) {
                synchronized (this) {
                    if (!alertsJudged.add(alert.toString())) {
                        continue;
                    }
                }
                if ("RESET_ACCOUNT".equals(alert.path("advice").asText()) && liveCurrent != null) {
                    violation(
                            where,
                            "the "
                                    + alert.path("result").asText()
                                    + " alert advises a reset by hand while"
                                    + " AWSCURRENT key "
                                    + liveCurrent
                                    + " is live: following it would kill that key");
                }
            }
        }
    }

    /**
     * End of a run: every secret under veryfi/ that holds this account (same client id), copies
     * nobody told the checker about included, holds a live key in AWSCURRENT.
     */
    private void everySecretOfTheAccountHoldsALiveKey(String where) {
        if (lockOutAllowed) {
            return;
        }
        List<Long> live = harness.veryfi.liveKeyIds(account.clientId());
        List<String> names = new ArrayList<>();
        harness.secrets
                .listSecretsPaginator(
                        b -> b.maxResults(100).filters(f -> f.key("name").values("veryfi/")))
                .forEach(page -> page.secretList().forEach(entry -> names.add(entry.name())));
        List<software.amazon.awssdk.services.secretsmanager.model.SecretValueEntry> values =
                new ArrayList<>();
        for (int from = 0; from < names.size(); from += 20) {
            List<String> chunk = names.subList(from, Math.min(names.size(), from + 20));
            values.addAll(
                    harness.secrets.batchGetSecretValue(b -> b.secretIdList(chunk)).secretValues());
        }
        values.forEach(
                entry -> {
                    try {
                        com.fasterxml.jackson.databind.JsonNode json =
                                JSON.readTree(entry.secretString());
                        long keyId = json.path("apiKeyId").asLong();
                        if (account.clientId().equals(json.path("clientId").asText())
                                && !live.contains(keyId)) {
                            violation(
                                    where,
                                    "key "
                                            + keyId
                                            + ", held by "
                                            + entry.name()
                                            + " (same account), is not"
                                            + " live (live "
                                            + live
                                            + "): deleted without that secret's consumers confirming a new key");
                        }
                    } catch (Exception e) {
                        // not an account secret
                    }
                });
    }

    private long currentKeyId(String secretId) {
        String text =
                harness.secrets
                        .getSecretValue(b -> b.secretId(secretId).versionStage("AWSCURRENT"))
                        .secretString();
        try {
            return JSON.readTree(text).get("apiKeyId").asLong();
        } catch (Exception e) {
            throw new IllegalStateException("unreadable secret", e);
        }
    }

    /** Every key id held by any version of the secret, deprecated versions included. */
    Set<Long> keyIdsInAnyVersion() {
        Set<Long> ids = new TreeSet<>();
        List<SecretVersionsListEntry> versions = new ArrayList<>();
        harness.secrets
                .listSecretVersionIdsPaginator(
                        b -> b.secretId(account.secretId()).includeDeprecated(true))
                .forEach(page -> versions.addAll(page.versions()));
        for (SecretVersionsListEntry version : versions) {
            try {
                String text =
                        harness.secrets
                                .getSecretValue(
                                        b ->
                                                b.secretId(account.secretId())
                                                        .versionId(version.versionId()))
                                .secretString();
                ids.add(JSON.readTree(text).get("apiKeyId").asLong());
            } catch (Exception e) {
                // moto may drop the value of a long-deprecated version; it then holds no key we can
                // use
            }
        }
        return ids;
    }

    /**
     * End of a run: the snapshot invariants, no orphan key, no key value in the history. Once no
     * watch is running, this also stops the checks on changes; any change after that is covered by
     * this very check, which begins after it.
     */
    void checkEnd(String where, Collection<RotationHarness.Execution> executions) {
        stopListeningUnlessWatching();
        check(where);
        if (!where.contains("faulty run") && !where.contains("first re-run")) {
            // once per scenario, at its very end: it reads every secret under the prefix
            everySecretOfTheAccountHoldsALiveKey(where);
        }
        Set<Long> stored = keyIdsInAnyVersion();
        Set<Long> orphans = new TreeSet<>(harness.veryfi.liveKeyIds(account.clientId()));
        orphans.removeAll(stored);
        orphans.removeAll(foreignKeys());
        if (!orphans.isEmpty()) {
            violation(
                    where,
                    "orphan key(s) "
                            + orphans
                            + ": live at Veryfi, in no version of the secret "
                            + stored);
        }
    }

    /**
     * After a reset invocation returned: every live key is held by a version of the secret or
     * listed as pending clean-up, in the response and in the alert alike ({@code alert} null: the
     * invocation sent none, as a retry of a finished reset does not).
     */
    void checkAfterReset(
            String where,
            com.fasterxml.jackson.databind.JsonNode response,
            com.fasterxml.jackson.databind.JsonNode alert) {
        synchronized (this) {
            checks++;
        }
        Set<Long> pending = new TreeSet<>();
        response.path("pendingCleanupKeyIds").forEach(id -> pending.add(id.asLong()));
        Set<Long> alerted = new TreeSet<>();
        if (alert != null) {
            alert.path("pendingCleanupKeyIds").forEach(id -> alerted.add(id.asLong()));
        }
        if (alert != null && !pending.equals(alerted)) {
            violation(
                    where,
                    "the response lists pending clean-up " + pending + ", the alert " + alerted);
        }
        Set<Long> unaccounted = new TreeSet<>(harness.veryfi.liveKeyIds(account.clientId()));
        unaccounted.removeAll(keyIdsInAnyVersion());
        unaccounted.removeAll(pending);
        if (!unaccounted.isEmpty()) {
            violation(
                    where,
                    "live key(s) "
                            + unaccounted
                            + " after the reset are in no version and not listed as pending");
        }
        List<Long> live = harness.veryfi.liveKeyIds(account.clientId());
        long current = currentKeyId(account.secretId());
        judgeAlerts(where, live.contains(current) ? current : null);
    }

    /**
     * Follows a running execution: checks the invariants after every change (see the class comment)
     * and after every new StateEntered/StateExited event of its history. Returns the finished
     * execution once every change until then has been checked.
     */
    RotationHarness.Execution watch(String executionArn, Duration timeout) {
        startListening();
        try {
            return followHistory(executionArn, timeout);
        } finally {
            synchronized (due) {
                watchesRunning--;
            }
            awaitDueChecks();
        }
    }

    private RotationHarness.Execution followHistory(String executionArn, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<Long> seen = new HashSet<>();
        while (true) {
            DescribeExecutionResponse description =
                    harness.sfn.describeExecution(b -> b.executionArn(executionArn));
            RotationHarness.Execution execution =
                    harness.execution(executionArn, description.status());
            for (HistoryEvent event : execution.history()) {
                if (!seen.add(event.id())) {
                    continue;
                }
                if (event.stateEnteredEventDetails() != null) {
                    check("entered " + event.stateEnteredEventDetails().name());
                } else if (event.stateExitedEventDetails() != null) {
                    check("exited " + event.stateExitedEventDetails().name());
                }
            }
            if (description.status() != ExecutionStatus.RUNNING) {
                return execution;
            }
            if (System.nanoTime() > deadline) {
                violation(
                        "watch",
                        "execution still running after "
                                + timeout
                                + ": "
                                + execution.statesEntered());
                harness.sfn.stopExecution(
                        b -> b.executionArn(executionArn).cause("safety test timeout"));
                return harness.execution(executionArn, ExecutionStatus.ABORTED);
            }
            // Moto tells nobody when a state is entered or the execution ends: the history is
            // polled for that alone (changes are checked as they are reported, not here). Each look
            // reads the whole history from moto, whose one Python process serves every scenario
            // running in parallel: look often enough to see each state, not more.
            RotationHarness.sleep(400);
        }
    }

    // ------------------------------------------------------------------ checks on every change

    /**
     * The second source of changes: a Secrets Manager write that succeeded, reported by the local
     * stack's AWS endpoint just before its answer leaves (so the check sees the written state). The
     * call names no secret (the host never looks into bodies, which can hold key values), so every
     * write queues a check; a write to another account's secret costs one check that finds nothing.
     */
    void onSecretWritten(String where) {
        changed("secret written: " + where);
    }

    /**
     * A secret written: checked if it is this account's (or a copy's), or if the call does not say
     * which. Ten scenarios run at once, each watching its own account: checking every account on
     * every write made the checks, not the scenarios, most of the suite's work.
     */
    private void heard(LambdaHost.AwsCall call, String resource) {
        if ("secretsmanager".equals(call.service())
                && SECRET_WRITES.contains(call.operation())
                && call.status() >= 200
                && call.status() < 300
                && concerns(resource)) {
            onSecretWritten(call.operation() + " by " + call.principal());
        }
    }

    private boolean concerns(String resource) {
        if (resource == null || resource.equals("*")) {
            return true;
        }
        List<String> names = new java.util.ArrayList<>();
        names.add(account.secretId());
        copies().forEach(copy -> names.add(copy.secretId()));
        for (String name : names) {
            // By name, or by ARN (...:secret:<name>-<6 random characters>).
            if (resource.equals(name) || resource.contains(":secret:" + name + "-")) {
                return true;
            }
        }
        return false;
    }

    private static final Set<String> SECRET_WRITES =
            Set.of(
                    "CreateSecret",
                    "PutSecretValue",
                    "UpdateSecretVersionStage",
                    "DeleteSecret",
                    "RestoreSecret",
                    "UpdateSecret");

    private void heard(ChangeEvent event) {
        // Simulator events of other accounts are not ours; a copy holds this same account (client
        // id).
        if (event.clientId().equals(account.clientId())) {
            changed(event.toString());
        }
    }

    /**
     * Queues a check for a change, on whatever thread reported it. Simulator events arrive on its
     * HTTP threads while they hold the account's lock, and a check reads the simulator: checking
     * here could deadlock, and would hold up Veryfi's answer besides. So the check runs on a
     * checker thread of its own, and this only appends to a list under a lock no check holds while
     * it reads.
     *
     * <p>While a check runs, further changes pile up and the next check covers them all. That is as
     * good as one check per change: (1) every change is followed by a check that begins after it,
     * so that check reads a state at least as new as each change it covers; (2) one check per
     * change would not read the state at the moment of its change either, since Veryfi, the
     * functions and the consumers go on while the checker thread reads (a check takes Secrets
     * Manager round trips), so it too could only pass over an intermediate state; (3) what an
     * intermediate state breaks mostly leaves a lasting mark that the next check sees: a deleted
     * key never comes back (key ids are never reused), and a consumer's rejected calls only add up.
     * Coalescing also keeps the checker from falling ever further behind a burst of changes.
     */
    private void changed(String why) {
        synchronized (due) {
            if (!listening) {
                return;
            }
            due.add(why);
            if (checking) {
                return;
            }
            checking = true;
        }
        Thread.ofVirtual().name("invariants-" + account.secretId()).start(this::checkWhatIsDue);
    }

    private void checkWhatIsDue() {
        while (true) {
            String why;
            synchronized (due) {
                if (due.isEmpty()) {
                    checking = false;
                    due.notifyAll();
                    return;
                }
                why =
                        due.size() == 1
                                ? due.get(0)
                                : due.get(0) + " and " + (due.size() - 1) + " later change(s)";
                due.clear();
            }
            try {
                check("after " + why);
            } catch (RuntimeException e) {
                violation("after " + why, "the check itself failed: " + e);
            }
        }
    }

    /** Waits until every change reported so far has been checked. */
    private void awaitDueChecks() {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        int unchecked = 0;
        synchronized (due) {
            while (checking) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    unchecked = Math.max(1, due.size());
                    break;
                }
                try {
                    due.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        if (unchecked > 0) {
            violation(
                    "checks on changes",
                    "still running after 2 minutes, " + unchecked + " change(s) unchecked");
        }
    }

    private void startListening() {
        List<SimulatedConsumer> consumers = new ArrayList<>(account.consumers());
        copies().forEach(copy -> consumers.addAll(copy.consumers()));
        synchronized (due) {
            watchesRunning++;
            if (listening) {
                return;
            }
            listening = true;
            heardConsumers.addAll(consumers);
        }
        harness.veryfi.addChangeListener(onChange);
        consumers.forEach(c -> c.addChangeListener(onChange));
        harness.stack.lambdaHost().addAwsCallListener(onAwsCall);
    }

    private void stopListeningUnlessWatching() {
        List<SimulatedConsumer> consumers;
        synchronized (due) {
            if (!listening || watchesRunning > 0) {
                return;
            }
            listening = false;
            consumers = List.copyOf(heardConsumers);
            heardConsumers.clear();
        }
        harness.veryfi.removeChangeListener(onChange);
        consumers.forEach(c -> c.removeChangeListener(onChange));
        harness.stack.lambdaHost().removeAwsCallListener(onAwsCall);
        awaitDueChecks();
    }

    /** Issued key values found in these histories (by index, never the value). */
    static List<String> leaksIn(
            RotationHarness harness, Collection<RotationHarness.Execution> executions) {
        List<String> leaks = new ArrayList<>();
        List<String> values = harness.veryfi.issuedKeyValues();
        for (RotationHarness.Execution e : executions) {
            for (int i = 0; i < values.size(); i++) {
                if (e.historyText().contains(values.get(i))) {
                    leaks.add("issued key #" + i + " in the history of " + e.arn());
                }
            }
        }
        return leaks;
    }

    static Map<String, Long> stages(RotationHarness harness, String secretId) {
        return harness.keyIdsByStage(secretId);
    }
}
