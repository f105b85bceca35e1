package io.veryfikeys.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code veryfi-keys}: the operator's command line for Veryfi key rotation, against AWS or the
 * local stack.
 */
@Command(
        name = "veryfi-keys",
        mixinStandardHelpOptions = true,
        version = "veryfi-keys 0.1.0",
        subcommands = {
            VeryfiKeysCli.Status.class,
            VeryfiKeysCli.Rotate.class,
            VeryfiKeysCli.Fleet.class,
            VeryfiKeysCli.Reset.class,
            VeryfiKeysCli.History.class,
            Confirm.class,
            Compliance.class,
            Doctor.class,
            CommandLine.HelpCommand.class,
            AutoComplete.GenerateCompletion.class
        },
        description =
                "Status, rotation, incident reset and history of the Veryfi API keys rotated by the "
                        + "veryfi-key-rotation stack. Against AWS by default (default credential chain), or the local stack "
                        + "with --local. Prints key ids, never a key value.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  veryfi-keys status veryfi/payroll",
            "  veryfi-keys rotate veryfi/payroll --region eu-west-1 --profile ops",
            "  veryfi-keys reset veryfi/payroll --reason \"leaked in OPS-1234\" --confirm veryfi/payroll",
            "  veryfi-keys history veryfi/payroll --json",
            "  veryfi-keys confirm veryfi/payroll acme-partner --key-id 42   (a manual consumer moved)",
            "  veryfi-keys fleet --dry-run                (what the next fleet run would do, and why)",
            "  veryfi-keys doctor                        (is the deployment ready? before the first run)",
            "  veryfi-keys --local status veryfi/demo    (after ./run-demo --keep-running)",
            "  source <(veryfi-keys generate-completion)  (tab completion in bash and zsh)"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success (for rotate and reset: the rotation or reset succeeded)",
            "1:the operation ran and did not succeed (rotation failed, blocked, lagging, reverted, stopped or already running; reset refused or failed in the function)",
            "2:invalid usage, or refused by the CLI (reset without --confirm equal to the account)",
            "3:AWS error: endpoint unreachable, no credentials, access denied, not found",
            "4:rotate --timeout passed while the execution still runs (it goes on)"
        })
public final class VeryfiKeysCli implements Callable<Integer> {
    /** The alias template.yaml publishes (AutoPublishAlias): the SnapStart version. */
    static final String LIVE_ALIAS = "live";

    @Spec CommandSpec spec;

    @Option(
            names = "--region",
            scope = ScopeType.INHERIT,
            paramLabel = "REGION",
            description =
                    "AWS region (default: the SDK's region chain, e.g. AWS_REGION or the profile's).")
    String region;

    @Option(
            names = "--profile",
            scope = ScopeType.INHERIT,
            paramLabel = "PROFILE",
            description = "Named profile of ~/.aws/config for credentials and region.")
    String profile;

    @Option(
            names = "--stack-name",
            scope = ScopeType.INHERIT,
            defaultValue = "veryfi-key-rotation",
            paramLabel = "NAME",
            description =
                    "CloudFormation stack whose outputs RotationStateMachineArn and ResetFunctionName are used "
                            + "(default: ${DEFAULT-VALUE}).")
    String stackName;

    @Option(
            names = "--state-machine-arn",
            scope = ScopeType.INHERIT,
            paramLabel = "ARN",
            description = "The rotation state machine, instead of the stack output.")
    String stateMachineArn;

    @Option(
            names = "--reset-function",
            scope = ScopeType.INHERIT,
            paramLabel = "NAME",
            description = "The reset function's name or ARN, instead of the stack output.")
    String resetFunction;

    @Option(
            names = "--local",
            scope = ScopeType.INHERIT,
            description =
                    "Talk to the local stack (moto + Lambda host) instead of AWS, with its test credentials.")
    boolean local;

    @Option(
            names = "--endpoint",
            scope = ScopeType.INHERIT,
            paramLabel = "URL",
            description =
                    "Endpoint for every AWS call; with --local, the local stack's (default: read from --local-file).")
    URI endpoint;

    @Option(
            names = "--local-file",
            scope = ScopeType.INHERIT,
            defaultValue = "target/local-stack.json",
            paramLabel = "FILE",
            description =
                    "Endpoint and ARNs written by './run-demo --keep-running' (default: ${DEFAULT-VALUE}).")
    Path localFile;

    @Option(
            names = "--json",
            scope = ScopeType.INHERIT,
            description = "Machine-readable JSON on stdout.")
    boolean json;

    @Option(
            names = "--debug",
            scope = ScopeType.INHERIT,
            description =
                    "On failure, print the whole cause (stack trace) instead of the one-line error.")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line; returns its exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter o = new PrintWriter(out, true, StandardCharsets.UTF_8);
        PrintWriter e = new PrintWriter(err, true, StandardCharsets.UTF_8);
        CommandLine cl = new CommandLine(new VeryfiKeysCli());
        cl.setOut(o);
        cl.setErr(e);
        cl.setParameterExceptionHandler(
                (ex, a) -> {
                    e.println(
                            "error: "
                                    + CliErrors.oneLine(ex.getMessage())
                                    + " (see '"
                                    + qualifiedName(ex.getCommandLine())
                                    + " --help')");
                    return ExitCodes.USAGE;
                });
        cl.setExecutionExceptionHandler(
                (ex, commandLine, parseResult) -> {
                    VeryfiKeysCli root =
                            commandLine.getCommandSpec().root().commandLine().getCommand();
                    CliErrors.Explained explained = CliErrors.explain(ex, root.errorContext());
                    if (root.debug) {
                        ex.printStackTrace(e);
                        e.println(
                                "error: "
                                        + CliErrors.oneLine(
                                                ex instanceof CliException
                                                        ? ex.getMessage()
                                                        : String.valueOf(ex)));
                    } else {
                        e.println("error: " + explained.message());
                    }
                    if (root.json) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("error", explained.message());
                        m.put("exitCode", explained.exitCode());
                        o.println(toJson(m));
                    }
                    return explained.exitCode();
                });
        return cl.execute(args);
    }

    private static String qualifiedName(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName();
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    Target target() {
        if (endpoint != null && !local && !endpoint.getScheme().startsWith("http"))
            throw new CliException(ExitCodes.USAGE, "--endpoint must be an http(s) URL");
        return new Target(
                new Target.Settings(
                        local,
                        endpoint,
                        localFile,
                        region,
                        profile,
                        stackName,
                        stateMachineArn,
                        resetFunction));
    }

    CliErrors.Context errorContext() {
        String where =
                endpoint != null
                        ? endpoint.toString()
                        : local ? "the local stack (" + localFile + ")" : null;
        return new CliErrors.Context(local, where, region, profile, stackName);
    }

    static String toJson(Object value) {
        try {
            return Target.JSON
                    .copy()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String age(Instant since, Instant now) {
        if (since == null) return "?";
        long s = Math.max(0, Duration.between(since, now).getSeconds());
        if (s < 120) return s + " s";
        if (s < 2 * 3600) return s / 60 + " min";
        if (s < 3 * 86400) return s / 3600 + " h";
        return s / 86400 + " days";
    }

    static String time(Instant t) {
        return t == null ? "-" : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String keys(Executions.Run r) {
        if (r.oldKeyId() == null) return "-";
        return r.newKeyId() == null ? "key " + r.oldKeyId() : r.oldKeyId() + " -> " + r.newKeyId();
    }

    /** What every subcommand shares: the root's options, output, the target. */
    abstract static class Base implements Callable<Integer> {
        @ParentCommand VeryfiKeysCli root;
        @Spec CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        boolean json() {
            return root.json;
        }

        @Override
        public Integer call() throws Exception {
            try (Target target = root.target()) {
                return run(target);
            }
        }

        abstract int run(Target target) throws Exception;
    }

    // ------------------------------------------------------------------ status

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = {
                "Per account: the key ids behind AWSCURRENT, AWSPREVIOUS and AWSPENDING with their age (the secret "
                        + "version's creation date), the current key's age against its maximum (as compliance judges it),"
                        + " the last rotation's outcome and time, and the running rotations.",
                "Without ACCOUNT: every secret tagged for rotation."
            })
    static final class Status extends Base {
        @picocli.CommandLine.Mixin AccountsOption accounts;

        @Override
        int run(Target target) {
            List<String> names = accounts.namesOrRefuse(target);
            Executions executions = new Executions(target.sfn(), target.stateMachineArn());
            List<Executions.Run> runs = executions.list(names, null, accounts.scan);
            Instant now = Instant.now();
            int maxKeyAgeDays = Compliance.defaultMaxDays(target, null);
            List<Map<String, Object>> report = new ArrayList<>();
            for (String account : names) {
                List<SecretStages.Stage> stages = SecretStages.read(target.secrets(), account);
                KeyAgeCompliance.Verdict keyAge =
                        Compliance.verdict(
                                target,
                                account,
                                stages.stream()
                                        .filter(s -> s.stage().equals("AWSCURRENT"))
                                        .findFirst()
                                        .orElse(null),
                                accounts.tagKey,
                                maxKeyAgeDays,
                                now);
                Executions.Run last =
                        runs.stream()
                                .filter(
                                        r ->
                                                r.account().equals(account)
                                                        && !"RUNNING".equals(r.status()))
                                .findFirst()
                                .orElse(null);
                List<Executions.Run> running =
                        runs.stream()
                                .filter(
                                        r ->
                                                r.account().equals(account)
                                                        && "RUNNING".equals(r.status()))
                                .toList();
                if (json()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("account", account);
                    m.put("stages", stages.stream().map(SecretStages.Stage::toJson).toList());
                    m.put("keyAge", Compliance.toJson(keyAge));
                    m.put("lastRotation", last == null ? null : last.toJson());
                    m.put("running", running.stream().map(Executions.Run::toJson).toList());
                    report.add(m);
                    continue;
                }
                out().println(account);
                for (String stage : SecretStages.STAGES) {
                    List<SecretStages.Stage> held =
                            stages.stream().filter(s -> s.stage().equals(stage)).toList();
                    if (held.isEmpty()) out().printf("  %-12s -%n", stage);
                    for (SecretStages.Stage s : held)
                        out().printf(
                                        "  %-12s %-10s age %-8s version %s%s%n",
                                        stage,
                                        s.keyId() == null ? "key ?" : "key " + s.keyId(),
                                        age(s.created(), now),
                                        s.versionId(),
                                        s.note() == null ? "" : "  (" + s.note() + ")");
                }
                out().printf(
                                "  %-12s %s: current key %s, maximum %s (%s)%s%n",
                                "key age",
                                keyAge.status(),
                                keyAge.ageSeconds() == null
                                        ? "?"
                                        : age(keyAge.created(), now) + " old",
                                keyAge.maxDays() == null ? "?" : keyAge.maxDays() + " days",
                                keyAge.policy(),
                                keyAge.reason() == null ? "" : "; " + keyAge.reason());
                out().printf(
                                "  %-12s %s%n",
                                "last run",
                                last == null
                                        ? "none among the "
                                                + accounts.scan
                                                + " most recent executions"
                                        : last.outcome()
                                                + " at "
                                                + time(last.stop())
                                                + " ("
                                                + age(last.stop(), now)
                                                + " ago), keys "
                                                + keys(last)
                                                + ", execution "
                                                + last.name());
                if (running.isEmpty()) out().printf("  %-12s none%n", "running");
                for (Executions.Run r : running)
                    out().printf(
                                    "  %-12s since %s, execution %s%n",
                                    "running", time(r.start()), r.executionArn());
            }
            String fleetArn = target.output("FleetStateMachineArn");
            software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse fleetRun =
                    fleetArn == null ? null : FleetRuns.last(target.sfn(), fleetArn);
            if (json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("target", target.describe());
                m.put("accounts", report);
                m.put("lastFleetRun", fleetRun == null ? null : FleetRuns.toJson(fleetRun));
                out().println(toJson(m));
            } else {
                out().println("last fleet run");
                if (fleetRun == null) out().printf("  %-12s none%n", "status");
                else FleetRuns.print(out(), fleetRun);
            }
            return ExitCodes.OK;
        }
    }

    // ------------------------------------------------------------------ rotate

    @Command(
            name = "rotate",
            mixinStandardHelpOptions = true,
            description = {
                "Starts a rotation of one account (an execution of the rotation state machine with "
                        + "{\"secretId\": ACCOUNT}) and follows it to its end, printing each state as it is entered. "
                        + "Exit code 0 only if the key was rotated."
            })
    static final class Rotate extends Base {
        @Parameters(
                index = "0",
                paramLabel = "ACCOUNT",
                description = "Secret name, e.g. veryfi/payroll.")
        String account;

        @picocli.CommandLine.Mixin RotationOverrides overrides;

        @Option(
                names = "--timeout",
                paramLabel = "SECONDS",
                description =
                        "Stop following after this long (exit 4; the rotation goes on). Default: follow to the end.")
        Long timeout;

        @Option(names = "--no-wait", description = "Start the execution, print its ARN and return.")
        boolean noWait;

        @Override
        int run(Target target) throws Exception {
            ObjectNode input =
                    overrides.putInto(Target.JSON.createObjectNode().put("secretId", account));
            String arn = target.stateMachineArn();
            String executionArn =
                    target.sfn()
                            .startExecution(r -> r.stateMachineArn(arn).input(input.toString()))
                            .executionArn();
            if (noWait) {
                if (json())
                    out().println(
                                    toJson(
                                            Map.of(
                                                    "account",
                                                    account,
                                                    "executionArn",
                                                    executionArn,
                                                    "status",
                                                    "RUNNING")));
                else out().println("started " + executionArn);
                return ExitCodes.OK;
            }
            long started = System.nanoTime();
            if (!json())
                out().println(
                                "Rotating "
                                        + account
                                        + " ("
                                        + target.describe()
                                        + ")\n  execution "
                                        + executionArn);
            List<String> entered = new ArrayList<>();
            ExecutionStatus status =
                    new ExecutionFollower(target.sfn(), Duration.ofSeconds(1))
                            .follow(
                                    executionArn,
                                    timeout == null ? null : Duration.ofSeconds(timeout),
                                    new ExecutionFollower.Listener() {
                                        @Override
                                        public void stateEntered(Instant at, String state) {
                                            entered.add(state);
                                            if (!json())
                                                out().printf(
                                                                "  %6s  %s%n",
                                                                elapsed(started), state);
                                        }

                                        @Override
                                        public void stepResult(
                                                Instant at, String state, String detail) {
                                            if (!json() && detail != null)
                                                out().printf("  %6s      %s%n", "", detail);
                                        }
                                    });
            double seconds = (System.nanoTime() - started) / 1e9;
            if (status == ExecutionStatus.RUNNING) {
                throw new CliException(
                        ExitCodes.STILL_RUNNING,
                        "still running after "
                                + timeout
                                + " s, and it goes on:"
                                + " follow it with 'veryfi-keys history "
                                + account
                                + "' (execution "
                                + executionArn.substring(executionArn.lastIndexOf(':') + 1)
                                + ")");
            }
            Executions.Run run = new Executions(target.sfn(), arn).describe(executionArn);
            if (json()) {
                Map<String, Object> m = new LinkedHashMap<>(run.toJson());
                m.put("states", entered);
                m.put("seconds", Math.round(seconds * 10) / 10.0);
                out().println(toJson(m));
            } else {
                out().printf(
                                "%s: %s, keys %s, %.1f s%n",
                                account, run.outcome(), keys(run), seconds);
            }
            if (!run.succeeded())
                throw new CliException(
                        ExitCodes.NOT_SUCCEEDED,
                        "rotation of "
                                + account
                                + " ended "
                                + run.outcome()
                                + " (what to do: the alert, and README 'What each outcome means')"
                                + (run.cause() == null ? "" : ": " + run.cause()));
            return ExitCodes.OK;
        }

        private static String elapsed(long started) {
            return String.format("+%.1fs", (System.nanoTime() - started) / 1e9);
        }
    }

    // ------------------------------------------------------------------ fleet

    @Command(
            name = "fleet",
            mixinStandardHelpOptions = true,
            description = {
                "Starts a fleet run (an execution of the fleet state machine) and follows it to its report: "
                        + "every account tagged for rotation whose policy tags say it is due, or the ACCOUNTs named. "
                        + "With --dry-run, prints what the run would do with each account and why, and changes nothing.",
                "Exit code 0 if nothing needs a person (every started rotation succeeded, nothing blocked)."
            })
    static final class Fleet extends Base {
        @Parameters(
                arity = "0..*",
                paramLabel = "ACCOUNT",
                description = "Secret names; default: every secret tagged for rotation.")
        List<String> accounts;

        @Option(
                names = "--dry-run",
                description =
                        "List each account's decision (rotate / skip / blocked, and why); start nothing.")
        boolean dryRun;

        // Applied to every rotation of the run.
        @picocli.CommandLine.Mixin RotationOverrides overrides;

        @Option(
                names = "--timeout",
                paramLabel = "SECONDS",
                description =
                        "Stop following after this long (exit 4; the run goes on). Default: follow to the end.")
        Long timeout;

        @Option(names = "--no-wait", description = "Start the run, print its ARN and return.")
        boolean noWait;

        @Override
        int run(Target target) throws Exception {
            String fleetArn = target.output("FleetStateMachineArn");
            if (fleetArn == null)
                throw new CliException(
                        ExitCodes.AWS_ERROR,
                        "no fleet state machine in " + target.describe() + "; deploy the stack");
            ObjectNode input = Target.JSON.createObjectNode();
            if (dryRun) input.put("dryRun", true);
            if (accounts != null && !accounts.isEmpty()) {
                accounts.forEach(input.putArray("accounts")::add);
            }
            ObjectNode settings = overrides.putInto(Target.JSON.createObjectNode());
            if (!settings.isEmpty()) input.set("settings", settings);
            String executionArn =
                    target.sfn()
                            .startExecution(
                                    r -> r.stateMachineArn(fleetArn).input(input.toString()))
                            .executionArn();
            if (noWait) {
                if (json())
                    out().println(
                                    toJson(
                                            Map.of(
                                                    "executionArn",
                                                    executionArn,
                                                    "status",
                                                    "RUNNING")));
                else out().println("started " + executionArn);
                return ExitCodes.OK;
            }
            if (!json())
                out().println(
                                (dryRun ? "Dry run of the fleet" : "Fleet run")
                                        + " ("
                                        + target.describe()
                                        + ")\n  execution "
                                        + executionArn);
            ExecutionStatus status =
                    new ExecutionFollower(target.sfn(), Duration.ofSeconds(2))
                            .follow(
                                    executionArn,
                                    timeout == null ? null : Duration.ofSeconds(timeout),
                                    new ExecutionFollower.Listener() {});
            if (status == ExecutionStatus.RUNNING)
                throw new CliException(
                        ExitCodes.STILL_RUNNING,
                        "still running after "
                                + timeout
                                + " s, and it goes on: 'veryfi-keys status' shows its report when it ends");
            software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse run =
                    target.sfn().describeExecution(b -> b.executionArn(executionArn));
            JsonNode output = FleetRuns.output(run);
            if (json()) out().println(output.toPrettyString());
            else if (dryRun && status == ExecutionStatus.SUCCEEDED)
                FleetRuns.printChoices(out(), output);
            else FleetRuns.print(out(), run);
            if (status != ExecutionStatus.SUCCEEDED)
                throw new CliException(
                        ExitCodes.NOT_SUCCEEDED,
                        "the fleet run ended "
                                + status
                                + (run.error() == null ? "" : " (" + run.error() + ")")
                                + ": the alerts topic has its alert");
            if (output.path("needActionCount").asInt(0) > 0)
                throw new CliException(
                        ExitCodes.NOT_SUCCEEDED,
                        output.path("needActionCount").asInt()
                                + " account(s) need action: each has its own alert (README 'What each outcome means')");
            return ExitCodes.OK;
        }
    }

    // ------------------------------------------------------------------ reset

    @Command(
            name = "reset",
            mixinStandardHelpOptions = true,
            description = {
                "INCIDENT: regenerates every key of the account at Veryfi (all previous keys stop working at once), "
                        + "stores the new key as AWSCURRENT, stops running rotations of the account and alerts. Invokes "
                        + "the stack's reset function; --confirm must repeat ACCOUNT exactly."
            })
    static final class Reset extends Base {
        @Parameters(
                index = "0",
                paramLabel = "ACCOUNT",
                description = "Secret name, e.g. veryfi/payroll.")
        String account;

        @Option(
                names = "--reason",
                required = true,
                paramLabel = "TEXT",
                description = "Why (goes into the alert).")
        String reason;

        @Option(
                names = "--confirm",
                paramLabel = "ACCOUNT",
                description = "Must repeat ACCOUNT exactly.")
        String confirm;

        @Option(
                names = "--requested-by",
                paramLabel = "WHO",
                description = "Who asks (default: your user name).")
        String requestedBy;

        @Option(
                names = "--idempotency-token",
                paramLabel = "TOKEN",
                description =
                        "Reuse to retry safely: the same token never resets twice (default: a new one).")
        String token;

        @Override
        public Integer call() throws Exception {
            if (confirm == null || !confirm.equals(account))
                throw new CliException(
                        ExitCodes.USAGE,
                        "refused: a reset locks out every consumer until it refetches; "
                                + "repeat the account with --confirm "
                                + account);
            return super.call();
        }

        @Override
        int run(Target target) throws Exception {
            ObjectNode payload =
                    Target.JSON
                            .createObjectNode()
                            .put("secretId", account)
                            .put("reason", reason)
                            .put("confirm", confirm)
                            .put(
                                    "idempotencyToken",
                                    token != null
                                            ? token
                                            : "cli-"
                                                    + UUID.randomUUID().toString().replace("-", ""))
                            .put(
                                    "requestedBy",
                                    requestedBy != null
                                            ? requestedBy
                                            : System.getProperty("user.name", "unknown")
                                                    + " (veryfi-keys CLI)");
            String function = target.resetFunction();
            // The live alias: the published version with SnapStart that the template deploys
            // ($LATEST has neither SnapStart nor, after a settings change, necessarily the same
            // code).
            InvokeResponse response =
                    target.lambda()
                            .invoke(
                                    r ->
                                            r.functionName(function)
                                                    .qualifier(LIVE_ALIAS)
                                                    .payload(
                                                            SdkBytes.fromUtf8String(
                                                                    payload.toString())));
            JsonNode result =
                    Executions.readJson(
                            response.payload() == null ? null : response.payload().asUtf8String());
            if (response.functionError() != null) {
                throw new CliException(
                        ExitCodes.NOT_SUCCEEDED,
                        "reset of "
                                + account
                                + " refused or failed (retry with"
                                + " the same --idempotency-token "
                                + payload.get("idempotencyToken").asText()
                                + "): "
                                + result.path("errorMessage").asText(result.toString()));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("account", account);
            m.put(
                    "newKeyId",
                    result.path("newKeyId").isNumber() ? result.get("newKeyId").asLong() : null);
            m.put(
                    "deletedKeyIds",
                    Target.JSON.convertValue(result.path("deletedKeyIds"), List.class));
            m.put(
                    "pendingCleanupKeyIds",
                    result.has("pendingCleanupKeyIds")
                            ? Target.JSON.convertValue(
                                    result.path("pendingCleanupKeyIds"), List.class)
                            : List.of());
            m.put(
                    "stoppedExecutions",
                    Target.JSON.convertValue(result.path("stoppedExecutions"), List.class));
            m.put("alreadyDone", result.path("alreadyDone").asBoolean(false));
            m.put("idempotencyToken", payload.get("idempotencyToken").asText());
            if (json()) {
                out().println(toJson(m));
            } else {
                out().println(
                                "Reset "
                                        + account
                                        + ": new key "
                                        + m.get("newKeyId")
                                        + " is AWSCURRENT"
                                        + (Boolean.TRUE.equals(m.get("alreadyDone"))
                                                ? " (this token had already reset it)"
                                                : ""));
                out().println("  deleted key ids     " + m.get("deletedKeyIds"));
                if (!((List<?>) m.get("pendingCleanupKeyIds")).isEmpty()) {
                    out().println(
                                    "  STILL LIVE          "
                                            + m.get("pendingCleanupKeyIds")
                                            + " (Veryfi refused the delete:"
                                            + " run this command again with the same --idempotency-token to finish)");
                }
                out().println("  stopped executions  " + m.get("stoppedExecutions"));
                out().println(
                                "  retry safely with   --idempotency-token "
                                        + m.get("idempotencyToken"));
                out().println("Consumers are rejected by Veryfi until they refetch AWSCURRENT.");
            }
            return ExitCodes.OK;
        }
    }

    // ------------------------------------------------------------------ history

    @Command(
            name = "history",
            mixinStandardHelpOptions = true,
            description = "Past and running rotations of one account, newest first.")
    static final class History extends Base {
        @Parameters(
                index = "0",
                paramLabel = "ACCOUNT",
                description = "Secret name, e.g. veryfi/payroll.")
        String account;

        @Option(
                names = "--limit",
                defaultValue = "20",
                paramLabel = "N",
                description = "At most N rows (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(
                names = "--scan",
                defaultValue = "200",
                paramLabel = "N",
                description =
                        "How many recent executions of the state machine to look through (default: ${DEFAULT-VALUE}).")
        int scan;

        @Override
        int run(Target target) {
            List<Executions.Run> runs =
                    new Executions(target.sfn(), target.stateMachineArn())
                            .list(List.of(account), null, scan);
            runs = runs.subList(0, Math.min(limit, runs.size()));
            if (json()) {
                out().println(
                                toJson(
                                        Map.of(
                                                "account",
                                                account,
                                                "executions",
                                                runs.stream()
                                                        .map(Executions.Run::toJson)
                                                        .toList())));
                return ExitCodes.OK;
            }
            if (runs.isEmpty()) {
                out().println(
                                "no rotation of "
                                        + account
                                        + " among the "
                                        + scan
                                        + " most recent executions");
                return ExitCodes.OK;
            }
            out().printf(
                            "%-20s  %-20s  %-9s  %-17s  %-12s  %s%n",
                            "START", "END", "STATUS", "OUTCOME", "KEYS", "EXECUTION");
            for (Executions.Run r : runs)
                out().printf(
                                "%-20s  %-20s  %-9s  %-17s  %-12s  %s%n",
                                time(r.start()),
                                time(r.stop()),
                                r.status(),
                                r.outcome(),
                                keys(r),
                                r.name());
            return ExitCodes.OK;
        }
    }
}
