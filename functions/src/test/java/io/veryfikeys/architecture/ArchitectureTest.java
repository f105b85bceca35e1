package io.veryfikeys.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Issue 14: the package and layer rules, stated once. Features (rotation, reset) sit on the domain
 * packages (veryfi, secrets, consumers, notifications), which sit on support; nothing points back
 * up. Within a feature: handlers → steps → decisions and ports; the adapters (SDK, HTTP) implement
 * the ports and only the wiring (handlers, DeployedRotation) names them. A rule broken by a change
 * fails here with the offending class and line, not in a review.
 */
class ArchitectureTest {
    /** The deployed implementations of the ports (and the parts of the Veryfi client). */
    static final String ADAPTERS =
            named(
                    "AccountSecrets",
                    "VeryfiKeysClient",
                    "VeryfiAnswers",
                    "VeryfiCall",
                    "ConsumerHealth",
                    "StepFunctionsRotations",
                    "StepFunctionsExecutionRecord",
                    "AwsNotifier",
                    "SsmParameters",
                    "AwsClients");

    /** The pure decisions (their table-driven tests are in the same packages). */
    static final String DECISIONS =
            named(
                    "KeyPlan",
                    "PlanGates",
                    "PollDecision",
                    "SameAccountSecrets",
                    "ResetDecision",
                    "FleetDecision",
                    "AccountPolicy",
                    "MaintenanceWindow",
                    "FleetPacing",
                    "FleetReport",
                    "FleetCounts");

    static final String PORTS =
            named(
                    "SecretStore",
                    "VeryfiKeys",
                    "ConsumerChecks",
                    "RunningRotations",
                    "ExecutionRecord",
                    "Notifier",
                    "Clock");
    private static JavaClasses code;

    @BeforeAll
    static void importCode() {
        code =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.veryfikeys");
    }

    @Test
    void noCycleBetweenPackages() {
        slices().matching("io.veryfikeys.(*)..").should().beFreeOfCycles().check(code);
    }

    @Test
    void theRotationKnowsNothingOfTheReset() {
        // The reset stops running rotations and so knows them; a rotation never calls into the
        // reset.
        rule(
                noClasses()
                        .that()
                        .resideInAPackage("io.veryfikeys.rotation..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAPackage("io.veryfikeys.reset.."));
    }

    @Test
    void theDomainPackagesKnowNoFeature() {
        rule(
                noClasses()
                        .that()
                        .resideInAnyPackage(
                                "io.veryfikeys.veryfi..",
                                "io.veryfikeys.secrets..",
                                "io.veryfikeys.consumers..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(
                                "io.veryfikeys.rotation..",
                                "io.veryfikeys.reset..",
                                "io.veryfikeys.fleet.."));
    }

    @Test
    void theVeryfiClientKnowsNoSecretStoreAndNoConsumer() {
        rule(
                noClasses()
                        .that()
                        .resideInAPackage("io.veryfikeys.veryfi..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(
                                "io.veryfikeys.secrets..", "io.veryfikeys.consumers.."));
    }

    @Test
    void supportKnowsNoOtherPackageAndNoAws() {
        rule(
                noClasses()
                        .that()
                        .resideInAPackage("io.veryfikeys.support..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(
                                "io.veryfikeys.rotation..",
                                "io.veryfikeys.reset..",
                                "io.veryfikeys.fleet..",
                                "io.veryfikeys.veryfi..",
                                "io.veryfikeys.secrets..",
                                "io.veryfikeys.consumers..",
                                "io.veryfikeys.aws..",
                                "io.veryfikeys.lambda..",
                                "io.veryfikeys.notifications..",
                                "software.amazon..",
                                "com.amazonaws.."));
    }

    @Test
    void theStepsKnowPortsNotAdapters() {
        // What the steps use is an interface with an in-memory fake in the unit tests; the deployed
        // implementation is chosen once, by the wiring.
        rule(
                noClasses()
                        .that()
                        .haveNameMatching(named("RotationSteps", "AccountReset"))
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage("software.amazon..", "io.veryfikeys.aws..")
                        .orShould()
                        .dependOnClassesThat()
                        .haveNameMatching(ADAPTERS));
    }

    @Test
    void theDecisionsArePure() {
        // A decision is a function of plain values: no AWS, no HTTP, no clock, no port.
        rule(
                noClasses()
                        .that()
                        .haveNameMatching(DECISIONS)
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(
                                "software.amazon..",
                                "com.amazonaws..",
                                "io.veryfikeys.aws..",
                                "io.veryfikeys.lambda..",
                                "java.net..",
                                "java.net.http..")
                        .orShould()
                        .dependOnClassesThat()
                        .haveNameMatching(ADAPTERS)
                        .orShould()
                        .dependOnClassesThat()
                        .haveNameMatching(PORTS));
    }

    @Test
    void onlyTheWiringNamesAnAdapter() {
        rule(
                noClasses()
                        .that()
                        .haveSimpleNameNotEndingWith("Handler")
                        .and()
                        .haveNameNotMatching(
                                named(
                                        "DeployedRotation",
                                        "HandlerPriming",
                                        "ResetPriming",
                                        "VeryfiPriming"))
                        .and()
                        .haveNameNotMatching(ADAPTERS)
                        .and()
                        .resideOutsideOfPackage("io.veryfikeys.aws..")
                        .should()
                        .dependOnClassesThat()
                        .haveNameMatching(ADAPTERS));
    }

    @Test
    void nothingCallsAHandler() {
        // Handlers are entry points for Lambda: the steps they delegate to are what others may use.
        rule(
                noClasses()
                        .that()
                        .haveSimpleNameNotEndingWith("Handler")
                        .should()
                        .dependOnClassesThat()
                        .haveSimpleNameEndingWith("Handler")
                        .because(
                                "a handler only validates its input and delegates (RotationSteps, AccountReset)"));
    }

    /** A class-name pattern for these simple names (a nested class of one matches too). */
    private static String named(String... simpleNames) {
        return ".*\\.(" + String.join("|", simpleNames) + ")(\\$.*)?";
    }

    private static void rule(ArchRule rule) {
        rule.check(code);
    }
}
