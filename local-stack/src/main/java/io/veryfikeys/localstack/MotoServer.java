package io.veryfikeys.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code python3 -m moto.server} child process on a free loopback port. Its Step Functions
 * engine executes ASL for real and sends Lambda Invoke calls to {@code http://localhost:$MOTO_PORT},
 * so {@code MOTO_PORT} is set to the given Lambda host port. Closing it kills the whole process tree.
 */
public final class MotoServer implements AutoCloseable {

    static final String NOT_INSTALLED = "moto is not installed: run 'pip install \"moto[server]\"' (needs python3)";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Starts {@code moto.server} after working around seven moto 5.2.x bugs in its ASL engine
     * (stepfunctions/parser/models.py):
     * <ol>
     * <li>StartExecution deep-copies the state machine, which references the backend and its past
     *     executions (they hold threading locks): every StartExecution after the first one in the process
     *     fails with HTTP 500 "cannot pickle '_thread.RLock' object". The patch keeps those references
     *     shared instead of copying them.</li>
     * <li>StartExecution without a name creates the execution ARN {@code ...:execution:<sm>:None}, so the
     *     second unnamed execution of a state machine fails with ExecutionAlreadyExists. AWS generates a
     *     UUID name; so does the patch.</li>
     * <li>The {@code states:startExecution(.sync)} integration hands the ASL's parameter names
     *     ({@code StateMachineArn}, {@code Input}, as AWS documents them) to boto3 unchanged, whose
     *     stepfunctions API names them {@code stateMachineArn}, {@code input}: the task fails with
     *     States.Runtime 'StateMachineArn'; and it reads boto3's answer ({@code executionArn}) as
     *     {@code ExecutionArn}, and hands the finished execution's description on in boto3's
     *     lower-case names ({@code status}) where AWS gives {@code Status}. The patch translates both
     *     ways, as AWS does.</li>
     * <li>Secrets Manager: UpdateSecretVersionStage moves the AWSCURRENT label but not moto's notion of
     *     the current version, so a later PutSecretValue (as AWSCURRENT) demotes the wrong version and
     *     leaves two versions labelled AWSCURRENT. The patch keeps the two in step, as AWS does.</li>
     * <li>A Task whose Resource is a Lambda function ARN reports every error of the Invoke API itself
     *     (throttling, SnapStart not ready, service errors) as the error name {@code Exception}, so no
     *     Retry on {@code Lambda.TooManyRequestsException} and the like ever matches. AWS reports them as
     *     {@code Lambda.<error code>} ("Lambda errors are reported as Lambda.ErrorName",
     *     https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html), as moto's
     *     own {@code arn:aws:states:::lambda:invoke} integration already does; so does the patch.</li>
     * <li>Secrets Manager: ListSecretVersionIds of an unknown secret fails with HTTP 500 (a KeyError)
     *     where AWS answers ResourceNotFoundException, and gives every version the CreatedDate "now",
     *     where AWS gives the date the version was created (the CLI shows key ages from it). The patch
     *     answers as AWS does.</li>
     * <li>SNS: an email subscription is confirmed at once, where AWS keeps it pending until its owner
     *     follows the link in the confirmation email: ListSubscriptionsByTopic shows its ARN as
     *     {@code PendingConfirmation} (https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html)
     *     and nothing is delivered to it. The patch keeps it pending, so {@code veryfi-keys doctor}
     *     sees what it would see in AWS.</li>
     * </ol>
     * And two for speed, since every AWS call of the tests goes through this one process: moto looks up
     * the service of each request by listing its own package directory (one {@code isdir} per module,
     * under a lock that every request takes); the patch lists it once. Werkzeug's access log (a line per
     * request) is off: the handlers' JSON logs name every AWS call already. Profiled on the fault matrix
     * (13 scenarios), requests queued on that lock were 80% of moto's thread samples; the subset went
     * from 111 s to 91 s.
     * If moto's internals move, the patches are skipped with a warning in the log.
     */
    static final String LAUNCHER = """
            import copy, sys, uuid
            try:
                from moto.stepfunctions.models import StateMachine
                def _deepcopy(self, memo):
                    clone = self.__class__.__new__(self.__class__)
                    memo[id(self)] = clone
                    for k, v in self.__dict__.items():
                        if k in ("backend", "executions"):
                            setattr(clone, k, v)
                            continue
                        try:
                            setattr(clone, k, copy.deepcopy(v, memo))
                        except TypeError:
                            setattr(clone, k, v)
                    return clone
                StateMachine.__deepcopy__ = _deepcopy
                from moto.stepfunctions.parser.models import StepFunctionsParserBackend
                _start = StepFunctionsParserBackend.start_execution
                def _start_execution(self, state_machine_arn, name=None, *args, **kwargs):
                    return _start(self, state_machine_arn, name or str(uuid.uuid4()), *args, **kwargs)
                StepFunctionsParserBackend.start_execution = _start_execution
                from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sfn import StateTaskServiceSfn
                _normalise = StateTaskServiceSfn._normalise_parameters
                def _normalise_parameters(self, parameters, boto_service_name=None, service_action_name=None):
                    _normalise(self, parameters, boto_service_name, service_action_name)
                    for key in [k for k in parameters if k[:1].isupper()]:
                        parameters[key[0].lower() + key[1:]] = parameters.pop(key)
                StateTaskServiceSfn._normalise_parameters = _normalise_parameters
                _eval = StateTaskServiceSfn._eval_service_task
                def _eval_service_task(self, env, *args, **kwargs):
                    _eval(self, env, *args, **kwargs)
                    if env.stack and isinstance(env.stack[-1], dict):
                        env.stack[-1] = {k[:1].upper() + k[1:]: v for k, v in env.stack[-1].items()}
                StateTaskServiceSfn._eval_service_task = _eval_service_task
                _normalise_response = StateTaskServiceSfn._normalise_response
                def _capitalised_response(self, response, *args, **kwargs):
                    _normalise_response(self, response, *args, **kwargs)
                    if isinstance(response, dict):
                        for key in [k for k in response if k[:1].islower()]:
                            response[key[:1].upper() + key[1:]] = response.pop(key)
                StateTaskServiceSfn._normalise_response = _capitalised_response
                from moto.secretsmanager.models import SecretsManagerBackend
                _update_stage = SecretsManagerBackend.update_secret_version_stage
                def _update_secret_version_stage(self, secret_id, version_stage, remove_from_version_id, move_to_version_id):
                    result = _update_stage(self, secret_id, version_stage, remove_from_version_id, move_to_version_id)
                    if version_stage == "AWSCURRENT" and move_to_version_id:
                        self.secrets[secret_id].default_version_id = move_to_version_id
                    return result
                SecretsManagerBackend.update_secret_version_stage = _update_secret_version_stage
                import json
                from moto.secretsmanager.exceptions import SecretNotFoundException
                def _list_secret_version_ids(self, secret_id):
                    if not self._is_valid_identifier(secret_id):
                        raise SecretNotFoundException()
                    secret = self.secrets[secret_id]
                    versions = [{"CreatedDate": v.get("createdate"), "VersionId": vid,
                                 "VersionStages": v["version_stages"]} for vid, v in secret.versions.items()]
                    return json.dumps({"ARN": secret.arn, "Name": secret.name, "Versions": versions})
                SecretsManagerBackend.list_secret_version_ids = _list_secret_version_ids
                from moto.sns.models import SNSBackend
                _subscribe = SNSBackend.subscribe
                def _subscribe_pending(self, topic_arn, endpoint, protocol):
                    subscription = _subscribe(self, topic_arn, endpoint, protocol)
                    if protocol in ("email", "email-json") and not subscription.confirmed:
                        subscription.attributes["PendingConfirmation"] = "true"
                    return subscription
                SNSBackend.subscribe = _subscribe_pending
                _by_topic = SNSBackend.list_subscriptions_by_topic
                def _list_subscriptions_by_topic(self, topic_arn, next_token=None):
                    subscriptions, token = _by_topic(self, topic_arn, next_token)
                    shown = []
                    for sub in subscriptions:
                        if str(sub.attributes.get("PendingConfirmation")).lower() == "true":
                            sub = copy.copy(sub)
                            sub.arn = "PendingConfirmation"
                        shown.append(sub)
                    return shown, token
                SNSBackend.list_subscriptions_by_topic = _list_subscriptions_by_topic
                import moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda as stl
                _lambda_from_error = stl.StateTaskLambda._from_error
                def _lambda_error_name(self, env, ex):
                    if isinstance(ex, stl.ClientError):
                        error = "Lambda." + ex.response["Error"]["Code"]
                        return stl.FailureEvent(env=env, error_name=stl.CustomErrorName(error),
                            event_type=stl.HistoryEventType.LambdaFunctionFailed,
                            event_details=stl.EventDetails(lambdaFunctionFailedEventDetails=stl.LambdaFunctionFailedEventDetails(
                                error=error, cause=ex.response["Error"].get("Message", ""))))
                    return _lambda_from_error(self, env, ex)
                stl.StateTaskLambda._from_error = _lambda_error_name
            except (ImportError, AttributeError) as e:
                print("local-stack: moto patches not applied:", e, file=sys.stderr)
            try:
                import moto.backends as _backends
                _modules = tuple(_backends.list_of_moto_modules())
                _backends.list_of_moto_modules = lambda: _modules
            except (ImportError, AttributeError) as e:
                print("local-stack: moto module list not cached:", e, file=sys.stderr)
            import logging
            logging.getLogger("werkzeug").setLevel(logging.WARNING)
            from moto.server import main
            main(sys.argv[1:])
            """;

    private final Process process;
    private final int port;
    private final Path log;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private MotoServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.shutdownHook = new Thread(this::kill, "moto-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts moto, waits until it answers and enables ASL execution.
     *
     * @param lambdaHostPort the port moto sends Lambda Invoke (and other service-integration) calls to;
     *                       0 leaves MOTO_PORT pointing at moto itself
     * @param logFile        where moto's output goes; null discards it
     */
    public static MotoServer start(int lambdaHostPort, Path logFile) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            ProcessBuilder pb = new ProcessBuilder("python3", "-c", LAUNCHER, "-H", "127.0.0.1", "-p",
                    Integer.toString(port));
            pb.environment().put("MOTO_PORT", Integer.toString(lambdaHostPort > 0 ? lambdaHostPort : port));
            pb.environment().put("PYTHONUNBUFFERED", "1");
            pb.redirectErrorStream(true);
            Path log = logFile;
            try {
                if (log == null) log = Files.createTempFile("moto-", ".log");
                else Files.createDirectories(log.toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new IllegalStateException("cannot create moto log file: " + e.getMessage(), e);
            }
            pb.redirectOutput(log.toFile());
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new IllegalStateException(NOT_INSTALLED, e);
            }
            MotoServer server = new MotoServer(p, port, log);
            try {
                server.awaitReady();
                server.enableAslExecution();
                if (logFile == null) log.toFile().deleteOnExit();
                return server;
            } catch (IllegalStateException e) {
                server.close();
                String out = readQuietly(log);
                if (out.contains("No module named") || out.contains("ModuleNotFoundError"))
                    throw new IllegalStateException(NOT_INSTALLED);
                if (!out.contains("Address already in use")) throw e;
                last = e;
            }
        }
        throw last;
    }

    public int port() { return port; }
    public URI endpoint() { return URI.create("http://127.0.0.1:" + port); }
    public long pid() { return process.pid(); }
    public Path logFile() { return log; }
    public boolean isAlive() { return process.isAlive(); }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(endpoint().resolve("/moto-api/"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive())
                throw new IllegalStateException("moto exited with code " + process.exitValue()
                        + " before answering; log: " + log + "\n" + tail(readQuietly(log)));
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() < 500) return;
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for moto", e);
            }
            sleep(100);
        }
        throw new IllegalStateException("moto did not answer on port " + port + " within " + STARTUP_TIMEOUT
                + "; log: " + log + "\n" + tail(readQuietly(log)));
    }

    private void enableAslExecution() {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint().resolve("/moto-api/config"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"stepfunctions\":{\"execute_state_machine\":true}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300)
                throw new IllegalStateException("moto refused /moto-api/config: " + r.statusCode() + " " + r.body());
        } catch (IOException e) {
            throw new IllegalStateException("cannot configure moto: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Kills moto and every process it started, and waits until they are gone. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private synchronized void kill() {
        if (closed) return;
        closed = true;
        List<ProcessHandle> tree = process.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            for (ProcessHandle h : tree) {
                try {
                    h.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception timeout) {
                    h.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String readQuietly(Path p) {
        try {
            return p == null ? "" : Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(String s) {
        return s.length() <= 2000 ? s : s.substring(s.length() - 2000);
    }
}
