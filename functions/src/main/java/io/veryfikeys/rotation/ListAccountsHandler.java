package io.veryfikeys.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.aws.AwsClients;
import io.veryfikeys.fleet.AccountPolicy;
import io.veryfikeys.fleet.FleetChoice;
import io.veryfikeys.fleet.FleetCounts;
import io.veryfikeys.fleet.FleetDecision;
import io.veryfikeys.fleet.FleetPacing;
import io.veryfikeys.fleet.KeyAge;
import io.veryfikeys.lambda.Concurrently;
import io.veryfikeys.lambda.StepHandler;
import io.veryfikeys.secrets.AccountSecrets;
import io.veryfikeys.secrets.SameAccountSecrets;
import io.veryfikeys.secrets.SecretStore;
import io.veryfikeys.support.Fields;
import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.Log;
import io.veryfikeys.support.Metrics;
import io.veryfikeys.support.Metrics.Metric;
import io.veryfikeys.support.SecretIds;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;

/**
 * First state of the fleet run: decides, for each secret under the configured name prefix that
 * carries the rotation tag, whether this run rotates it (its policy tags, {@link FleetDecision}),
 * and gives each account to rotate its start time ({@link FleetPacing}) and execution name ({@link
 * ExecutionNames}). An explicit {@code "accounts"} list in the fleet input replaces the discovery
 * (the policy still applies), {@code "settings"} (the rotation overrides, e.g. {@code
 * gracePeriodSeconds}) is handed to every account's rotation, and {@code "dryRun": true} returns
 * the decisions and starts nothing.
 *
 * <p>The state machine passes {@code {"input": <fleet input>, "executionId": ..., "deploySettings":
 * {...}}}: the prefix, tag, concurrency and request budget are template parameters that travel in
 * the fleet definition, not in this function's environment, so that a deploy that changes them
 * reaches the next run (see {@link DeploySettings} for why).
 */
public final class ListAccountsHandler extends StepHandler<JsonNode, Map<String, Object>> {
    private static final Log LOG = Log.get(ListAccountsHandler.class);
    private static final AccountSecrets SECRETS = new AccountSecrets(AwsClients::secretsManager);

    /** The template's MaxKeyAgeDays default. */
    static final int DEFAULT_MAX_KEY_AGE_DAYS = 90;

    /** ListSecretVersionIds calls in flight at once for the key ages (one per account). */
    private static final int KEY_AGE_READS_AT_ONCE = 8;

    private static final Set<String> SETTINGS =
            Set.of(
                    "pollIntervalSeconds",
                    "requiredHealthyPolls",
                    "pollTimeoutSeconds",
                    "gracePeriodSeconds");

    public ListAccountsHandler() {
        super(JsonNode.class, false, HandlerPriming::listAccounts);
    }

    @Override
    protected Map<String, Object> handle(JsonNode request, Context context) {
        Log.context("account", "fleet");
        Log.context("executionId", request.path("executionId").asText(null));
        Fleet fleet = Fleet.from(request.get("deploySettings"));
        JsonNode input = request.get("input");
        if (input == null || !input.isObject()) {
            throw new InvalidInputException(
                    "the fleet input must be a JSON object ({} rotates every tagged account)");
        }
        Fields.requireKnown(input, "the fleet input", List.of("accounts", "settings", "dryRun"));
        Map<String, Object> settings = settings(input.get("settings"));
        boolean dryRun = dryRun(input.get("dryRun"));
        List<String> named = input.has("accounts") ? named(input.get("accounts")) : null;

        Instant now = Instant.now();
        Map<String, SecretStore.Listed> listed = new LinkedHashMap<>();
        SECRETS.listUnder(fleet.secretNamePrefix()).forEach(l -> listed.put(l.name(), l));
        List<String> names =
                named != null
                        ? named
                        : listed.values().stream()
                                .filter(l -> fleet.tagValue().equals(l.tags().get(fleet.tagKey())))
                                .map(SecretStore.Listed::name)
                                .toList();
        // Secrets holding one account: linked copies rotate with the secret that lists them, and
        // unlinked groups are blocked here (each of their rotations would be refused anyway).
        SameAccountSecrets.FleetView sameAccount =
                SameAccountSecrets.fleetView(SECRETS.sameAccountScan(fleet.secretNamePrefix()));
        Set<String> notLinked = new HashSet<>();
        sameAccount.unlinkedGroups().forEach(notLinked::addAll);

        // Issue 17: the current key's age of every secret under the prefix that carries the tag
        // key (whatever its value: a paused account's key ages too), against its maximum.
        List<String> aged =
                listed.values().stream()
                        .filter(l -> l.tags().containsKey(fleet.tagKey()))
                        .map(SecretStore.Listed::name)
                        .toList();
        Map<String, Optional<Instant>> created = keyCreated(aged);
        List<KeyAge> keyAges = new ArrayList<>();
        for (String name : aged) {
            KeyAge age =
                    KeyAge.judge(
                            name,
                            created.getOrDefault(name, Optional.empty()).orElse(null),
                            listed.get(name).tags(),
                            fleet.tagKey(),
                            fleet.maxKeyAgeDays(),
                            now);
            keyAges.add(age);
            if (age.ageSeconds() != null) {
                Metrics.put(Metric.KEY_AGE, age.ageSeconds(), name);
            }
        }
        List<String> tooOld =
                keyAges.stream().filter(a -> !a.compliant()).map(KeyAge::account).toList();
        Metrics.put(Metric.KEYS_OVER_MAX_AGE, tooOld.size(), null);
        if (!tooOld.isEmpty()) {
            LOG.warn("fleet.keys_over_max_age", "count", tooOld.size());
        }

        List<FleetChoice> choices = new ArrayList<>();
        for (String name : names) {
            choices.add(
                    choose(name, listed.get(name), fleet, sameAccount, notLinked, now, created));
        }
        String runId = runId(now, request.path("executionId").asText(""));
        // Each item is [secret name, when to start, execution name]: the starts are spread so that
        // the fleet's
        // calls to Veryfi stay within its request budget (FleetPacing), and the settings travel
        // once, beside the items, to keep the Map's input small.
        List<String> rotating =
                choices.stream().filter(FleetChoice::rotates).map(FleetChoice::account).toList();
        List<Instant> starts = FleetPacing.starts(rotating.size(), fleet.requestsPerSecond(), now);
        List<List<Object>> accounts = new ArrayList<>();
        for (int i = 0; i < rotating.size(); i++) {
            accounts.add(
                    List.of(
                            rotating.get(i),
                            starts.get(i)
                                    .truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                                    .toString(),
                            ExecutionNames.fleetRotation(runId, rotating.get(i))));
        }
        // Removing the tag silently stops a secret's rotation: name those under the prefix without
        // it (linked copies aside, which rotate with the secret that lists them), at most 100.
        List<String> untagged =
                listed.values().stream()
                        .filter(l -> !fleet.tagValue().equals(l.tags().get(fleet.tagKey())))
                        .map(SecretStore.Listed::name)
                        .filter(name -> !sameAccount.linkedCopies().contains(name))
                        .toList();
        if (!untagged.isEmpty()) {
            LOG.warn("fleet.not_tagged_for_rotation", "count", untagged.size());
        }
        if (!sameAccount.unlinkedGroups().isEmpty()) {
            LOG.warn("fleet.same_account_not_linked", "groups", sameAccount.unlinkedGroups());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("dryRun", dryRun);
        result.put("runId", runId);
        result.put("decidedAt", now.toString());
        result.put("settings", settings);
        result.put("accounts", dryRun ? List.of() : accounts);
        result.put("maxConcurrency", fleet.maxConcurrency());
        result.put("count", accounts.size());
        result.put(
                "startsSpreadOverSeconds",
                FleetPacing.spreadSeconds(rotating.size(), fleet.requestsPerSecond()));
        result.put("counts", FleetCounts.of(choices));
        // The whole list in a dry run (it is the answer); else only the accounts not started, which
        // the fleet report names.
        result.put(
                "choices", dryRun ? choices : choices.stream().filter(c -> !c.rotates()).toList());
        result.put("sameAccountNotLinked", sameAccount.unlinkedGroups());
        result.put("notTaggedForRotation", untagged.subList(0, Math.min(100, untagged.size())));
        result.put("notTaggedForRotationCount", untagged.size());
        Map<String, Object> overMaxAge = new LinkedHashMap<>();
        overMaxAge.put("count", tooOld.size());
        overMaxAge.put("accounts", tooOld.subList(0, Math.min(100, tooOld.size())));
        result.put("keysOverMaxAge", overMaxAge);
        LOG.info("fleet.decided", "dryRun", dryRun, "counts", result.get("counts"));
        return result;
    }

    private static FleetChoice choose(
            String name,
            SecretStore.Listed listed,
            Fleet fleet,
            SameAccountSecrets.FleetView sameAccount,
            Set<String> notLinked,
            Instant now,
            Map<String, Optional<Instant>> created) {
        if (sameAccount.linkedCopies().contains(name)) {
            return FleetChoice.of(
                    name, FleetChoice.Reason.LINKED_COPY, "rotates with the secret that lists it");
        }
        if (notLinked.contains(name)) {
            return FleetChoice.of(
                    name,
                    FleetChoice.Reason.SAME_ACCOUNT_NOT_LINKED,
                    "holds the same Veryfi account as another secret and neither lists the other"
                            + " in linkedSecrets");
        }
        // A named secret the listing does not show (outside the prefix, or missing) has no policy:
        // its own rotation refuses it with the reason.
        AccountPolicy.Read policy =
                AccountPolicy.fromTags(listed == null ? Map.of() : listed.tags(), fleet.tagKey());
        Instant keyCreated =
                policy.policy() != null && policy.policy().needsKeyAge()
                        // read above unless that read failed or the account was named
                        ? created.computeIfAbsent(name, SECRETS::currentCreated).orElse(null)
                        : null;
        return FleetDecision.decide(name, policy, keyCreated, now);
    }

    /**
     * Each account's current version's creation date (empty when it has none), read {@value
     * #KEY_AGE_READS_AT_ONCE} at a time: one ListSecretVersionIds per account, which at a thousand
     * accounts one after the other would take a good part of this function's timeout. An account
     * whose read fails is left out (its age is unknown: not compliant), and the run goes on.
     */
    private static Map<String, Optional<Instant>> keyCreated(List<String> names) {
        Map<String, Optional<Instant>> created = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(KEY_AGE_READS_AT_ONCE);
        try {
            List<Future<?>> reads = new ArrayList<>();
            for (String name : names) {
                // the invocation's log context and deadline go with each read
                reads.add(
                        pool.submit(
                                Concurrently.carrying(
                                        () -> {
                                            try {
                                                created.put(name, SECRETS.currentCreated(name));
                                            } catch (RuntimeException e) {
                                                LOG.warn(
                                                        "fleet.key_age_unreadable",
                                                        "secret",
                                                        name,
                                                        "errorType",
                                                        e.getClass().getName());
                                            }
                                            return null;
                                        })));
            }
            for (Future<?> read : reads) {
                read.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading key ages", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("reading a key age failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return created;
    }

    /**
     * Names this run's rotations ({@code <runId>-<index>}): short enough for the 80-character
     * execution name, unique per run, and the same when the Map retries an account, so a retried
     * start finds the rotation already started instead of starting a second.
     */
    static String runId(Instant now, String executionId) {
        String time =
                java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                        .withZone(java.time.ZoneOffset.UTC)
                        .format(now);
        String id = executionId.isEmpty() ? java.util.UUID.randomUUID().toString() : executionId;
        return time + "-" + String.format("%08x", id.hashCode());
    }

    private static boolean dryRun(JsonNode node) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new InvalidInputException("dryRun must be true or false, got " + node);
        }
        return node.booleanValue();
    }

    private static List<String> named(JsonNode node) {
        if (!node.isArray() || node.isEmpty()) {
            throw new InvalidInputException("accounts must be a non-empty list of secret names");
        }
        return StreamSupport.stream(node.spliterator(), false)
                .map(n -> SecretIds.validate(n.isTextual() ? n.asText() : null))
                .distinct()
                .toList();
    }

    private static Map<String, Object> settings(JsonNode node) {
        Map<String, Object> settings = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return settings;
        }
        if (!node.isObject()) {
            throw new InvalidInputException("settings must be an object");
        }
        node.fieldNames()
                .forEachRemaining(
                        name -> {
                            if (!SETTINGS.contains(name)) {
                                throw new InvalidInputException(
                                        "settings."
                                                + name
                                                + " is not a rotation setting; known: "
                                                + SETTINGS);
                            }
                        });
        RotationSettings.checkOverrides(node);
        node.fields()
                .forEachRemaining(
                        field -> settings.put(field.getKey(), field.getValue().intValue()));
        return settings;
    }

    /** The fleet's template parameters, as the fleet state machine passes them. */
    record Fleet(
            String secretNamePrefix,
            String tagKey,
            String tagValue,
            int maxConcurrency,
            int requestsPerSecond,
            int maxKeyAgeDays) {
        static Fleet from(JsonNode node) {
            if (node == null || !node.isObject()) {
                throw new InvalidInputException(
                        "the ListAccounts input has no deploySettings object: the fleet state "
                                + "machine passes the template's settings (deploy statemachine/fleet.asl.json with template.yaml)");
            }
            int maxConcurrency = DeploySettings.number(node, "maxConcurrency", 1, 1000);
            int requestsPerSecond = DeploySettings.number(node, "veryfiRequestsPerSecond", 1, 60);
            // Absent only in a fleet run that a definition of before MaxKeyAgeDays started, which
            // this deploy's function finishes: the template's default then.
            int maxKeyAgeDays =
                    node.has("maxKeyAgeDays")
                            ? DeploySettings.number(
                                    node, "maxKeyAgeDays", 1, AccountPolicy.MAX_DAYS)
                            : DEFAULT_MAX_KEY_AGE_DAYS;
            return new Fleet(
                    DeploySettings.secretNamePrefix(node),
                    DeploySettings.text(node, "rotationTagKey"),
                    DeploySettings.text(node, "rotationTagValue"),
                    maxConcurrency,
                    requestsPerSecond,
                    maxKeyAgeDays);
        }
    }
}
