package io.veryfikeys.rotation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Which running executions Plan must read to find another rotation of its account. */
class ExecutionNamesTest {
    static final String RUN = "20261201T020000-3fa94c1e";

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "the fleet's rotation of this account      | veryfi/payroll | veryfi/payroll | true",
                "the fleet's rotation of another account   | veryfi/hr      | veryfi/payroll | false",
                "an execution named by a person or the CLI | -              | veryfi/payroll | true"
            })
    void mayRotate(String why, String namedFor, String secretId, boolean read) {
        String name =
                namedFor.equals("-")
                        ? "0b9f4f0e-6d1c-4c55-9d8a-6f2d1f5f3c11"
                        : ExecutionNames.fleetRotation(RUN, namedFor);
        assertThat(ExecutionNames.mayRotate(name, secretId)).as(why).isEqualTo(read);
    }

    @Test
    void aFleetNameFitsStepFunctionsRulesAndIsTheSameForTheSameAccount() {
        String name = ExecutionNames.fleetRotation(RUN, "veryfi/a-rather-long/secret+name=@x.y");
        // 1-80 characters, none of the characters Step Functions refuses in a name.
        assertThat(name).hasSizeLessThanOrEqualTo(80).matches("[A-Za-z0-9_-]+");
        assertThat(name)
                .isEqualTo(
                        ExecutionNames.fleetRotation(RUN, "veryfi/a-rather-long/secret+name=@x.y"));
        assertThat(ExecutionNames.fleetRotation(RUN, "veryfi/b"))
                .isNotEqualTo(ExecutionNames.fleetRotation(RUN, "veryfi/c"));
        // A name that only looks like a fleet name is read.
        assertThat(ExecutionNames.mayRotate(RUN + "-a12345", "veryfi/payroll")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a fleet rotation's ARN  | arn:aws:states:us-east-1:1:execution:rot:20261201T020000-3fa94c1e-a0123456789ab | 20261201T020000-3fa94c1e",
                "a fleet rotation's name | 20261201T020000-3fa94c1e-a0123456789ab                                       | 20261201T020000-3fa94c1e",
                "a name given by hand    | arn:aws:states:us-east-1:1:execution:rot:0b9f4f0e-6d1c-4c55-9d8a-6f2d1f5f3c11 | -",
                "a short token           | arn:aws:states:us-east-1:1:execution:rot:20261201T020000-3fa94c1e-a0123     | -",
                "no execution            | -                                                                            | -"
            })
    void fleetRunOf(String why, String execution, String run) {
        assertThat(ExecutionNames.fleetRunOf(execution.equals("-") ? null : execution))
                .as(why)
                .isEqualTo(
                        run.equals("-") ? java.util.Optional.empty() : java.util.Optional.of(run));
    }
}
