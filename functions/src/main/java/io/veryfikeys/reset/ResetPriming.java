package io.veryfikeys.reset;

import io.veryfikeys.aws.AwsClients;
import io.veryfikeys.lambda.Concurrently;
import io.veryfikeys.lambda.Priming;
import io.veryfikeys.rotation.StepFunctionsRotations;
import io.veryfikeys.veryfi.VeryfiPriming;

import static io.veryfikeys.rotation.HandlerPriming.EXECUTION;
import static io.veryfikeys.rotation.HandlerPriming.SECRET;
import static io.veryfikeys.rotation.HandlerPriming.lifecycle;
import static io.veryfikeys.rotation.HandlerPriming.moveStage;
import static io.veryfikeys.rotation.HandlerPriming.publish;
import static io.veryfikeys.rotation.HandlerPriming.putSecret;
import static io.veryfikeys.rotation.HandlerPriming.readSecret;
import static io.veryfikeys.rotation.HandlerPriming.readVersionIds;
import static io.veryfikeys.rotation.HandlerPriming.runningRotations;
import static io.veryfikeys.rotation.HandlerPriming.scanSecrets;

/**
 * The reset's SnapStart priming hook (see {@link Priming}): the reset knows the rotation (it stops
 * running rotations and shares their priming samples), never the other way round.
 */
final class ResetPriming {
    private ResetPriming() {}

    /** The incident reset: it is the one whose first invocation matters most. */
    static void prime() {
        Priming.common();
        Priming.json(
                ResetRequest.class,
                "{\"secretId\":\""
                        + SECRET
                        + "\",\"reason\":\"priming\",\"confirm\":\""
                        + SECRET
                        + "\",\"idempotencyToken\":\"priming\",\"requestedBy\":\"priming\"}");
        // as the reset does: the version check beside the first read, on a thread of its own
        Concurrently.Call<Void> versionIds =
                Concurrently.start(
                        () -> {
                            readVersionIds();
                            return null;
                        });
        readSecret();
        versionIds.join();
        scanSecrets();
        VeryfiPriming.reset();
        putSecret("AWSCURRENT");
        moveStage();
        Priming.sdkCall(
                AwsClients::ssmParameters,
                c -> c.get("/veryfi-key-rotation/priming/reset-settings"));
        runningRotations();
        new StepFunctionsRotations(AwsClients::sfn).stop(EXECUTION, "priming");
        lifecycle();
        publish();
    }
}
