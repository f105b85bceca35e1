package io.veryfikeys.rotation;

import io.veryfikeys.aws.AwsClients;
import io.veryfikeys.aws.AwsNotifier;
import io.veryfikeys.consumers.ConsumerHealth;
import io.veryfikeys.consumers.ConsumerRegistry;
import io.veryfikeys.consumers.ConsumerVerifier;
import io.veryfikeys.secrets.AccountSecrets;
import io.veryfikeys.support.Env;
import io.veryfikeys.veryfi.RequestBudget;
import io.veryfikeys.veryfi.VeryfiKeysClient;

import java.time.Clock;
import java.time.Duration;

/**
 * The rotation as deployed: {@link RotationSteps} on Secrets Manager, Veryfi over HTTPS, the
 * consumers' health endpoints, SSM, SNS and Step Functions, set from the function's environment.
 * The one place that knows the adapters; the steps know only their ports. AWS clients are built on
 * first use only.
 */
public final class DeployedRotation {
    private DeployedRotation() {}

    /** Built once per sandbox, when Lambda constructs the handler (before a SnapStart snapshot). */
    private static final class Holder {
        static final RotationSteps STEPS = build();
    }

    static RotationSteps steps() {
        return Holder.STEPS;
    }

    /**
     * Secrets Manager, Veryfi over HTTPS, Step Functions, SNS and the system clock: shared by the
     * rotation and the reset.
     */
    public static Ports ports() {
        return new Ports(
                new AccountSecrets(AwsClients::secretsManager),
                VeryfiKeysClient.create(),
                new StepFunctionsRotations(AwsClients::sfn),
                AwsNotifier.fromEnvironment(),
                Clock.systemUTC());
    }

    private static RotationSteps build() {
        // Rotation steps take a slot of the fleet-wide budget before each call to Veryfi; the reset
        // does not build this, so it never waits behind a fleet run.
        RequestBudget.install(
                (second, perSecond) -> AwsClients.requestBudget().take(second, perSecond));
        return new RotationSteps(
                ports(),
                new ConsumerRegistry(AwsClients::ssmParameters),
                new ConsumerVerifier(new ConsumerHealth(), AwsClients::checkIns, Clock.systemUTC()),
                new StepFunctionsExecutionRecord(
                        AwsClients::sfn, Env.get("ROTATION_STATE_MACHINE_ARN", null)),
                Duration.ofMillis(Long.parseLong(Env.get("VERIFY_RETRY_DELAY_MILLIS", "2000"))));
    }
}
