package io.veryfikeys.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.support.AwsUnavailableException;
import io.veryfikeys.support.Fields;
import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.JsonRecords;
import io.veryfikeys.support.JsonTree;
import io.veryfikeys.support.Log;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * What every handler does around its one call into the core: read the event into a typed record
 * (rejecting bad input with a specific error before anything is touched), set the log context, and
 * turn a retryable AWS SDK failure into {@link AwsUnavailableException}, the one name the state
 * machine retries on for every AWS service.
 */
public abstract class StepHandler<I, O> implements RequestStreamHandler {
    private static final int MAX_INPUT_BYTES = 256 * 1024;
    private static final java.util.concurrent.atomic.AtomicBoolean FIRST_INVOCATION =
            new java.util.concurrent.atomic.AtomicBoolean(true);
    private final Class<I> inputType;
    private final boolean strictFields;
    private final Log log = Log.get(getClass());

    /**
     * {@code strictFields}: an input that a person types (the reset request) is refused when it has
     * a field the type does not know, a typo that would otherwise be silently ignored. Inputs that
     * the state machine builds stay lenient, so that an execution started before an upgrade
     * finishes after it.
     */
    protected StepHandler(Class<I> inputType, boolean strictFields) {
        this.inputType = inputType;
        this.strictFields = strictFields;
    }

    /**
     * {@code priming}: what this function's SnapStart hook runs (see {@link Priming}). Lambda
     * constructs the handler during init, before the snapshot, so registering here is in time.
     */
    protected StepHandler(Class<I> inputType, boolean strictFields, Runnable priming) {
        this(inputType, strictFields);
        Priming.register(getClass(), priming);
    }

    protected abstract O handle(I input, Context context);

    @Override
    public final void handleRequest(InputStream in, OutputStream out, Context context)
            throws IOException {
        Log.clearContext();
        Log.context("step", getClass().getSimpleName().replace("Handler", ""));
        Log.context(
                "function",
                context == null ? getClass().getSimpleName() : context.getFunctionName());
        Log.context("requestId", context == null ? null : context.getAwsRequestId());
        // True on the first invocation of this JVM: after a SnapStart restore too, since the
        // snapshot is taken before any invocation (priming does not come through here).
        Log.context("cold_start", FIRST_INVOCATION.getAndSet(false));
        long started = System.nanoTime();
        InvocationDeadline.begin(context);
        try {
            I input = read(in);
            O output = handle(input, context);
            JsonRecords.write(output, out);
            log.info("step.succeeded", "millis", (System.nanoTime() - started) / 1_000_000);
        } catch (SdkException e) {
            log.error("step.failed", e, "millis", (System.nanoTime() - started) / 1_000_000);
            if (isTransient(e)) {
                throw new AwsUnavailableException(
                        "AWS call failed, retryable: " + e.getClass().getSimpleName(), e);
            }
            throw e;
        } catch (RuntimeException e) {
            log.error("step.failed", e, "millis", (System.nanoTime() - started) / 1_000_000);
            throw e;
        } finally {
            Concurrently.awaitStarted();
            InvocationDeadline.end();
            Log.clearContext();
        }
    }

    /**
     * Throttling, 5xx and I/O failures that outlasted the SDK's own retries: worth another try by
     * the state machine. The SDK does not mark every 5xx as retryable, so look at the status too.
     */
    static boolean isTransient(SdkException e) {
        if (e.retryable() || e instanceof SdkClientException) {
            return true;
        }
        return e instanceof SdkServiceException service
                && (service.statusCode() >= 500 || service.isThrottlingException());
    }

    private I read(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_INPUT_BYTES + 1);
        if (bytes.length > MAX_INPUT_BYTES) {
            throw new InvalidInputException("input is larger than " + MAX_INPUT_BYTES + " bytes");
        }
        if (bytes.length == 0) {
            throw new InvalidInputException("input is empty: expected a JSON object");
        }
        JsonNode tree;
        try {
            tree = JsonTree.parse(bytes);
        } catch (JsonTree.NotJsonException e) {
            throw new InvalidInputException("input is not valid JSON (at " + e.path() + ")");
        }
        if (tree.isNull() || tree.isMissingNode()) {
            throw new InvalidInputException("input is null: expected a JSON object");
        }
        if (inputType == JsonNode.class) {
            return inputType.cast(tree);
        }
        try {
            return JsonRecords.read(tree, inputType, strictFields);
        } catch (JsonRecords.UnknownField e) {
            throw new InvalidInputException(Fields.unknown(e.name(), e.known()));
        } catch (JsonRecords.Mismatch e) {
            // Say where, never echo what: the input could hold anything.
            throw new InvalidInputException(
                    "input does not match "
                            + inputType.getSimpleName()
                            + " at "
                            + ("$".equals(e.path()) ? "the top level" : e.path()));
        }
    }
}
