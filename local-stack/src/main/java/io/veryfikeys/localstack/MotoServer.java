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
 * A {@code python3 -m moto.server} child process on a free loopback port. Its Step Functions engine
 * executes ASL for real and sends Lambda Invoke calls to {@code http://localhost:$MOTO_PORT}, so
 * {@code MOTO_PORT} is set to the given Lambda host port. Closing it kills the whole process tree.
 */
public final class MotoServer implements AutoCloseable {

    static final String NOT_INSTALLED =
            "moto is not installed: run 'pip install \"moto[server]\"' (needs python3)";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Starts {@code moto.server} after working around eleven moto 5.2.x bugs (the first in its ASL
     * engine, stepfunctions/parser/models.py):
     *
     * <ol>
     *   <li>StartExecution deep-copies the state machine, which references the backend and its past
     *       executions (they hold threading locks): every StartExecution after the first one in the
     *       process fails with HTTP 500 "cannot pickle '_thread.RLock' object". The patch keeps
     *       those references shared instead of copying them.
     *   <li>StartExecution without a name creates the execution ARN {@code
     *       ...:execution:<sm>:None}, so the second unnamed execution of a state machine fails with
     *       ExecutionAlreadyExists. AWS generates a UUID name; so does the patch.
     *   <li>The {@code states:startExecution(.sync)} integration hands the ASL's parameter names
     *       ({@code StateMachineArn}, {@code Input}, as AWS documents them) to boto3 unchanged,
     *       whose stepfunctions API names them {@code stateMachineArn}, {@code input}: the task
     *       fails with States.Runtime 'StateMachineArn'; and it reads boto3's answer ({@code
     *       executionArn}) as {@code ExecutionArn}, and hands the finished execution's description
     *       on in boto3's lower-case names ({@code status}) where AWS gives {@code Status}. The
     *       patch translates both ways, as AWS does.
     *   <li>Secrets Manager: UpdateSecretVersionStage moves the AWSCURRENT label but not moto's
     *       notion of the current version, so a later PutSecretValue (as AWSCURRENT) demotes the
     *       wrong version and leaves two versions labelled AWSCURRENT. The patch keeps the two in
     *       step, as AWS does.
     *   <li>A Task whose Resource is a Lambda function ARN reports every error of the Invoke API
     *       itself (throttling, SnapStart not ready, service errors) as the error name {@code
     *       Exception}, so no Retry on {@code Lambda.TooManyRequestsException} and the like ever
     *       matches. AWS reports them as {@code Lambda.<error code>} ("Lambda errors are reported
     *       as Lambda.ErrorName",
     *       https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html),
     *       as moto's own {@code arn:aws:states:::lambda:invoke} integration already does; so does
     *       the patch.
     *   <li>Secrets Manager: ListSecretVersionIds of an unknown secret fails with HTTP 500 (a
     *       KeyError) where AWS answers ResourceNotFoundException, and gives every version the
     *       CreatedDate "now", where AWS gives the date the version was created (the CLI shows key
     *       ages from it). The patch answers as AWS does.
     *   <li>SNS: an email subscription is confirmed at once, where AWS keeps it pending until its
     *       owner follows the link in the confirmation email: ListSubscriptionsByTopic shows its
     *       ARN as {@code PendingConfirmation}
     *       (https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html) and nothing is
     *       delivered to it. The patch keeps it pending, so {@code veryfi-keys doctor} sees what it
     *       would see in AWS.
     *   <li>DynamoDB: each item write is atomic in AWS
     *       (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithItems.html),
     *       so a conditional {@code UpdateItem} is a safe counter (the Veryfi request budget's).
     *       Moto reads, checks and writes without a lock while serving requests on threads: two
     *       concurrent increments both passed the condition and one was lost (a budget of 2 let 4
     *       requests through in one second). The patch serializes item writes.
     *   <li>Step Functions: a ListExecutions next token names the first execution of the next page,
     *       and moto fails the call with InvalidToken when that execution ended between the pages
     *       (a RUNNING filter); AWS's tokens stay valid for 24 hours
     *       (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html).
     *       The rotation's Plan lists the running rotations while a fleet's children come and go,
     *       and failed. The patch goes on from the token's start date.
     *   <li>EventBridge: PutEvents offers each event to every rule of the bus, one with only a
     *       schedule (moto matches its missing pattern to every event) or a disabled one too, and
     *       the fleet's schedule rule, whose target is a state machine moto cannot deliver to, then
     *       fails the whole call with HTTP 500. In AWS "rules with EventPatterns are triggered when
     *       a matching event is observed. Rules with ScheduleExpressions self-trigger based on the
     *       given schedule", and a DISABLED rule matches no event
     *       (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html). The
     *       patch matches only an enabled rule's pattern, so the functions' lifecycle events reach
     *       a rule's target beside the schedule.
     *   <li>Secrets Manager: PutSecretValue as AWSCURRENT replaces every label of the version it
     *       demotes with AWSPREVIOUS, so a label of the reset's (its mark) or a person's vanished
     *       with it. AWS moves only the labels the call names, and AWSPREVIOUS to the version
     *       AWSCURRENT was removed from
     *       (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html);
     *       the reset's removal of its mark then failed on moto alone ("Version stage ... not found
     *       in version"), and a test that the mark is gone after a reset could not fail. The patch
     *       keeps the demoted version's other labels, as AWS does.
     * </ol>
     *
     * And two for speed, since every AWS call of the tests goes through this one process: moto
     * looks up the service of each request by listing its own package directory (one {@code isdir}
     * per module, under a lock that every request takes); the patch lists it once. Werkzeug's
     * access log (a line per request) is off: the handlers' JSON logs name every AWS call already.
     * Profiled on the fault matrix (13 scenarios), requests queued on that lock were 80% of moto's
     * thread samples; the subset went from 111 s to 91 s. Three more from profiling a 50-account
     * fleet run (a thread-stack sampler in the launcher, issue 15): the ASL engine builds a new
     * JSONPath parser (ply's yacc: its tables, its source checks, an import under the module lock)
     * for every path it evaluates, which was the largest share of busy samples; the patch keeps
     * parsed paths (a pure function of the path's text). It creates a new boto3 client (a session
     * lookup, an SSL context, a connection pool) for every Lambda Task and every {@code .sync}
     * start, and closes it after; the patch keeps one client per service and region (boto3 clients
     * are thread-safe). And a {@code .sync} Task asks for its child execution's status every 0.5 s
     * over HTTP, through the Lambda host, for as long as the child runs; AWS does not poll from the
     * workflow's side at all. The patch (first: every 2 s) now has each execution's end set an
     * event that the Task waits on, and calls DescribeExecution once, when the child has ended, so
     * the Task's output is unchanged: with 1,000 children, the waiting threads' wake-ups alone took
     * most of moto's CPU. Together: the 50-account fleet run went from 137 s to 84 s, moto's CPU
     * time from 68 s to 50 s (benchmarks/fleet --accounts 50). Two from a 200-account fleet run,
     * where 89 of the Map's branches ended without a result: werkzeug answers HTTP/1.0 and closes
     * every connection, and under that load connects to moto timed out, the Lambda host answered
     * the engine's own {@code .sync} status call with a 502, and the engine then failed the branch
     * on a KeyError (it reads the error's Request ID, which that 502 lacked) instead of a
     * StepFunctions error its Retry could match. The patches serve HTTP/1.1 (connections are
     * reused; {@link AwsProxy} also retries a connect that timed out) and give such an error a
     * Request ID, logging it ({@code local-stack: states integration error}); the same run then
     * rotated 185 of 200. And one from a 200-account run under cProfile (one profiler per thread,
     * merged): every execution parsed its state machine's definition twice with ANTLR's pure-Python
     * runtime (the engine's entry point, and a static analysis of its variables), the largest share
     * of the Step Functions process's CPU. The patch keeps each definition's parse tree (only read
     * afterwards) and builds fresh components from it for each caller: 200 accounts went from 156 s
     * to 116 s, moto's CPU from 106 s to 59 s; 1,000 accounts from 607 s to 388 s. And one from the
     * lifecycle events (issue 17): EventBridge's delivery to a rule's target built a new ply parser
     * for each JSONPath of its input template, for every event, 100-200 ms of CPU per PutEvents (a
     * median of 3.8 s under the integration suite's load, where the fault matrix took 13 minutes);
     * the patch keeps parsed paths, and PutEvents takes 2 ms. If moto's internals move, the patches
     * are skipped with a warning in the log; and since they are written for moto 5.2, the launcher
     * (the resource {@code moto_launcher.py} beside this class) refuses any other version with one
     * line saying which to install.
     */
    static final String LAUNCHER = launcher();

    /** What the launcher prints when the installed moto is not the version its patches are for. */
    static final String WRONG_VERSION = "local-stack: moto ";

    private static String launcher() {
        try (var in = MotoServer.class.getResourceAsStream("moto_launcher.py")) {
            if (in == null)
                throw new IllegalStateException(
                        "moto_launcher.py is missing from the local-stack jar");
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read moto_launcher.py: " + e.getMessage(), e);
        }
    }

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
     * @param lambdaHostPort the port moto sends Lambda Invoke (and other service-integration) calls
     *     to; 0 leaves MOTO_PORT pointing at moto itself
     * @param logFile where moto's output goes; null discards it
     */
    public static MotoServer start(int lambdaHostPort, Path logFile) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            ProcessBuilder pb =
                    new ProcessBuilder(
                            "python3",
                            "-c",
                            LAUNCHER,
                            "-H",
                            "127.0.0.1",
                            "-p",
                            Integer.toString(port));
            pb.environment()
                    .put("MOTO_PORT", Integer.toString(lambdaHostPort > 0 ? lambdaHostPort : port));
            pb.environment().put("PYTHONUNBUFFERED", "1");
            pb.redirectErrorStream(true);
            Path log = logFile;
            try {
                if (log == null) log = Files.createTempFile("moto-", ".log");
                else Files.createDirectories(log.toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new IllegalStateException(
                        "cannot create moto log file: " + e.getMessage(), e);
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
                int wrong = out.indexOf(WRONG_VERSION);
                if (wrong >= 0)
                    throw new IllegalStateException(
                            out.substring(wrong).lines().findFirst().orElse(out));
                if (!out.contains("Address already in use")) throw e;
                last = e;
            }
        }
        throw last;
    }

    public int port() {
        return port;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private void awaitReady() {
        HttpClient http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(1))
                        .build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        HttpRequest probe =
                HttpRequest.newBuilder(endpoint().resolve("/moto-api/"))
                        .timeout(Duration.ofSeconds(2))
                        .GET()
                        .build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive())
                throw new IllegalStateException(
                        "moto exited with code "
                                + process.exitValue()
                                + " before answering; log: "
                                + log
                                + "\n"
                                + tail(readQuietly(log)));
            try {
                // 200 only: another test JVM's server may hold the port moto was given (it bound
                // it between freePort() and moto's start); moto then exits with "Address already
                // in use", which the loop above sees and start() retries on another port.
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200)
                    return;
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for moto", e);
            }
            sleep(100);
        }
        throw new IllegalStateException(
                "moto did not answer on port "
                        + port
                        + " within "
                        + STARTUP_TIMEOUT
                        + "; log: "
                        + log
                        + "\n"
                        + tail(readQuietly(log)));
    }

    private void enableAslExecution() {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(endpoint().resolve("/moto-api/config"))
                                    .header("Content-Type", "application/json")
                                    .POST(
                                            HttpRequest.BodyPublishers.ofString(
                                                    "{\"stepfunctions\":{\"execute_state_machine\":true}}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300)
                throw new IllegalStateException(
                        "moto refused /moto-api/config: " + r.statusCode() + " " + r.body());
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
