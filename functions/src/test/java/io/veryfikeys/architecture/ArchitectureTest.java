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
 * Issue 14: the package rules, stated once. Features (rotation, reset) sit on the domain packages
 * (veryfi, secrets, consumers), which sit on support; nothing points back up. A rule broken by a
 * change fails here with the offending class and line, not in a review.
 */
class ArchitectureTest {
    private static JavaClasses code;

    @BeforeAll
    static void importCode() {
        code = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.veryfikeys");
    }

    @Test
    void noCycleBetweenPackages() {
        slices().matching("io.veryfikeys.(*)..").should().beFreeOfCycles().check(code);
    }

    @Test
    void theRotationKnowsNothingOfTheReset() {
        // The reset stops running rotations and so knows them; a rotation never calls into the reset.
        rule(noClasses().that().resideInAPackage("io.veryfikeys.rotation..")
                .should().dependOnClassesThat().resideInAPackage("io.veryfikeys.reset.."));
    }

    @Test
    void theDomainPackagesKnowNoFeature() {
        rule(noClasses().that().resideInAnyPackage("io.veryfikeys.veryfi..", "io.veryfikeys.secrets..",
                        "io.veryfikeys.consumers..")
                .should().dependOnClassesThat().resideInAnyPackage("io.veryfikeys.rotation..", "io.veryfikeys.reset.."));
    }

    @Test
    void theVeryfiClientKnowsNoSecretStoreAndNoConsumer() {
        rule(noClasses().that().resideInAPackage("io.veryfikeys.veryfi..")
                .should().dependOnClassesThat().resideInAnyPackage("io.veryfikeys.secrets..", "io.veryfikeys.consumers.."));
    }

    @Test
    void supportKnowsNoOtherPackage() {
        rule(noClasses().that().resideInAPackage("io.veryfikeys.support..")
                .should().dependOnClassesThat().resideInAnyPackage("io.veryfikeys.rotation..", "io.veryfikeys.reset..",
                        "io.veryfikeys.veryfi..", "io.veryfikeys.secrets..", "io.veryfikeys.consumers.."));
    }

    @Test
    void nothingCallsAHandler() {
        // Handlers are entry points for Lambda: the steps they delegate to are what others may use.
        rule(noClasses().that().haveSimpleNameNotEndingWith("Handler")
                .should().dependOnClassesThat().haveSimpleNameEndingWith("Handler")
                .because("a handler only validates its input and delegates (RotationSteps, AccountReset)"));
    }

    private static void rule(ArchRule rule) {
        rule.check(code);
    }
}
