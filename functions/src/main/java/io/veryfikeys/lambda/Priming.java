package io.veryfikeys.lambda;

import io.veryfikeys.support.JsonRecords;
import io.veryfikeys.support.JsonTree;
import io.veryfikeys.support.Metrics;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

import java.io.StringWriter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * SnapStart priming. Each handler registers, in its static initializer, a CRaC {@link Resource}
 * whose {@code beforeCheckpoint} runs the code paths a real invocation needs: building the AWS
 * clients it uses, its AWS calls end to end (build the request, sign, and read an answer that
 * {@link io.veryfikeys.aws.PrimingTransport} gives locally: priming never reaches AWS, Veryfi or a
 * consumer), and JSON (de)serialization of its input and output records. Lambda runs the hook once
 * when it snapshots a published version, so the loaded, linked and C1-compiled classes are in the
 * snapshot and the first invocation after a restore does not pay for them. Outside a CRaC runtime
 * (tests, the local stack, a JVM without SnapStart) the hook never runs and registering costs well
 * under a millisecond.
 *
 * <p>Nothing secret and nothing unique is created before the snapshot: no credentials are resolved
 * (AWS calls sign with placeholder credentials while a hook runs: see AwsClients), no random ids.
 * After the restore the first AWS call fetches fresh credentials from Lambda's container
 * credentials endpoint.
 */
public final class Priming {
    /** Strong references: the CRaC global context only keeps weak ones. */
    private static final List<Resource> RESOURCES = new CopyOnWriteArrayList<>();

    private static final List<Runnable> WORK = new CopyOnWriteArrayList<>();
    private static final ThreadLocal<Boolean> ACTIVE = ThreadLocal.withInitial(() -> false);
    private static final ThreadLocal<java.util.Map<String, String>> ANSWERS = new ThreadLocal<>();
    private static final java.util.Set<Class<?>> HANDLERS =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Priming() {}

    /**
     * Registers {@code work} to run before a SnapStart snapshot, once per handler class however
     * often it is constructed (Lambda constructs it once, during init, before the snapshot). Never
     * throws.
     */
    public static void register(Class<?> handler, Runnable work) {
        if (!HANDLERS.add(handler)) {
            return;
        }
        Resource resource =
                new Resource() {
                    @Override
                    public void beforeCheckpoint(Context<? extends Resource> context) {
                        run(handler, work);
                    }

                    @Override
                    public void afterRestore(Context<? extends Resource> context) {
                        // nothing to refresh: no credentials were resolved before the checkpoint,
                        // and no connection is kept that priming opened (priming opens none)
                    }
                };
        RESOURCES.add(resource);
        WORK.add(work);
        try {
            Core.getGlobalContext().register(resource);
        } catch (RuntimeException | LinkageError e) {
            // A runtime without CRaC support: priming is an optimization, never a reason to fail.
        }
    }

    /**
     * Runs every registered hook now, as a checkpoint would, but strictly: a hook that fails throws
     * here (benchmarks and tests), where a checkpoint only logs it.
     */
    public static void primeNow() {
        for (Runnable work : WORK) {
            asHook(work);
        }
    }

    /** How many hooks are registered (tests). */
    public static int registered() {
        return WORK.size();
    }

    private static void run(Class<?> handler, Runnable work) {
        try {
            asHook(work);
        } catch (RuntimeException | LinkageError e) {
            // Priming must never break a snapshot: the invocation will simply load what is missing.
            System.err.println(
                    "{\"level\":\"WARN\",\"event\":\"priming.failed\",\"handler\":\""
                            + handler.getSimpleName()
                            + "\",\"errorType\":\""
                            + e.getClass().getName()
                            + "\"}");
        }
    }

    /**
     * Runs {@code work} as a hook does: AWS calls answered by {@link
     * io.veryfikeys.aws.PrimingTransport}, metric lines built but not printed (the snapshot's
     * output reaches CloudWatch Logs).
     */
    static void asHook(Runnable work) {
        ACTIVE.set(true);
        Metrics.mute(true);
        try {
            work.run();
        } finally {
            // nothing a hook started may still run when the snapshot is taken
            Concurrently.awaitStarted();
            ACTIVE.set(false);
            Metrics.mute(false);
        }
    }

    /**
     * True while a priming hook runs on this thread: {@link io.veryfikeys.aws.PrimingTransport}
     * then answers instead of AWS.
     */
    public static boolean active() {
        return ACTIVE.get();
    }

    /**
     * One AWS call through its whole path (the request's JSON or form, signing, the answer read)
     * against the local answer of {@code aws.PrimingTransport}: everything but the network.
     */
    public static <C> void sdkCall(Supplier<C> client, Consumer<C> call) {
        call.accept(client.get());
    }

    /**
     * Runs {@code work} (our own code making AWS calls) with canned answers and returns what it
     * read: a JSON-protocol call whose {@code X-Amz-Target} is a key of {@code answers} gets that
     * body instead of an empty success. An empty answer never reaches the code that reads an
     * answer's entries (a history's event details, a listed secret's tags), which the first real
     * answer would then load and compile. The answers are made-up ids, never a key.
     */
    public static <T> T answering(
            java.util.Map<String, String> answers, java.util.function.Supplier<T> work) {
        ANSWERS.set(answers);
        try {
            return work.get();
        } finally {
            ANSWERS.remove();
        }
    }

    /**
     * Whether a hook runs on this thread and its canned answers, for a worker thread the hook's
     * code starts ({@link Concurrently}): without them the worker's calls would go to the network.
     */
    record HookState(boolean active, java.util.Map<String, String> answers) {}

    static HookState captureHook() {
        return new HookState(ACTIVE.get(), ANSWERS.get());
    }

    static void adoptHook(HookState state) {
        ACTIVE.set(state.active());
        Metrics.mute(state.active());
        if (state.answers() == null) {
            ANSWERS.remove();
        } else {
            ANSWERS.set(state.answers());
        }
    }

    /** The canned answer for a JSON call's target while {@link #answering} runs, or null. */
    public static String answerFor(String target) {
        java.util.Map<String, String> answers = ANSWERS.get();
        return answers == null ? null : answers.get(target);
    }

    /**
     * Reads {@code json} as {@code type} and writes it back: JsonRecords' look at the record's
     * components, for both directions.
     */
    public static void json(Class<?> type, String json) {
        try {
            Object value = JsonRecords.read(JsonTree.parse(json), type);
            JsonRecords.bytes(value);
        } catch (Exception e) {
            throw new IllegalStateException("priming JSON for " + type.getSimpleName(), e);
        }
    }

    /** The classes every handler needs around its core call: the JSON log line, URLs. */
    public static void common() {
        try {
            StringWriter buffer = new StringWriter();
            var writer = JsonTree.writer(buffer);
            writer.beginObject();
            writer.name("time").value(java.time.Instant.now().toString());
            writer.name("millis").value(1L);
            writer.endObject();
            URI.create("https://priming.invalid/api/v8/partner/client-keys").toURL();
        } catch (Exception e) {
            throw new IllegalStateException("priming common classes", e);
        }
    }
}
