package io.veryfikeys.consumers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsumerRegistryTest {
    @Test
    void readsConsumersAndAllowsAnEmptyListThatSaysWhy() {
        assertThat(
                        ConsumerRegistry.parse(
                                "p",
                                "{\"consumers\":[{\"name\":\"payroll-api\",\"healthUrl\":\"https://a.example/h\"}]}"))
                .extracting(Consumer::name)
                .containsExactly("payroll-api");
        assertThat(
                        ConsumerRegistry.parse(
                                "p",
                                "{\"consumers\":[],\"noConsumers\":\"reads the secret on each call\"}"))
                .isEmpty();
        assertThat(
                        ConsumerRegistry.parse(
                                "p",
                                "{\"consumers\":[{\"name\":\"vpc\",\"healthUrl\":\"http://10.0.3.7:8080/h\"}]}"))
                .as("a private address: a consumer in a VPC")
                .hasSize(1);
    }

    @Test
    void eachContractKeepsItsParametersAndTheRecordIdNamesTheSecretAndTheConsumer() {
        String document =
                "{\"consumers\":[{\"name\":\"api\",\"healthUrl\":\"https://a.example/h\"},"
                        + "{\"name\":\"worker\",\"contract\":\"check-in\",\"maxAgeSeconds\":900},"
                        + "{\"name\":\"partner\",\"contract\":\"manual\",\"description\":\"ACME's billing, updated by hand\"},"
                        + "{\"name\":\"api2\",\"contract\":\"http\",\"healthUrl\":\"https://b.example/h\"}]}";
        var consumers =
                new ConsumerRegistry(() -> name -> java.util.Optional.of(document))
                        .consumersOf("/reg", "veryfi/payroll");
        assertThat(consumers)
                .extracting(
                        Consumer::name,
                        Consumer::contract,
                        Consumer::maxAgeSeconds,
                        Consumer::checkInId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "api", Contract.HTTP, null, "veryfi/payroll#api"),
                        org.assertj.core.groups.Tuple.tuple(
                                "worker", Contract.CHECK_IN, 900, "veryfi/payroll#worker"),
                        org.assertj.core.groups.Tuple.tuple(
                                "partner", Contract.MANUAL, null, "veryfi/payroll#partner"),
                        org.assertj.core.groups.Tuple.tuple(
                                "api2", Contract.HTTP, null, "veryfi/payroll#api2"));
        assertThat(consumers.get(1).healthUrl()).isNull();
        assertThat(consumers.get(1).renamed("veryfi/copy:worker").checkInId())
                .as("a linked copy's consumer keeps its own record")
                .isEqualTo("veryfi/payroll#worker");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "nope | is not valid JSON",
                "{} | expected {\"consumers\"",
                "{\"consumers\":[{\"name\":\"../x\",\"healthUrl\":\"https://a/h\"}]} | consumers[0].name",
                "{\"consumers\":[{\"name\":\"a\",\"healthUrl\":\"ftp://a/h\"}]} | consumers[0].healthUrl",
                "{\"consumers\":[{\"name\":\"a\",\"healthUrl\":\"https://user:pw@a/h\"}]} | without credentials",
                "{\"consumers\":[{\"name\":\"a\",\"healthUrl\":\"https://a/h\"},{\"name\":\"a\",\"healthUrl\":\"https://b/h\"}]} | appears twice",
                // issue 20 item 4: an empty list must say why; 5: no health URL into the function's
                // surroundings
                "{\"consumers\":[]} | an empty consumer list must say why",
                "{\"consumers\":[],\"noConsumers\":\"\"} | an empty consumer list must say why",
                "{\"consumers\":[],\"noConsumers\":true} | an empty consumer list must say why",
                "{\"consumers\":[{\"name\":\"a\",\"healthUrl\":\"https://a/h\"}],\"noConsumers\":\"x\"} | noConsumers is only for an empty",
                "{\"consumers\":[],\"noConsumer\":\"typo\"} | unknown member noConsumer",
                "{\"consumers\":[{\"name\":\"a\",\"healthUrl\":\"http://127.0.0.1:9001/2018-06-01/runtime/invocation/next\"}]} | is a loopback address",
                "{\"consumers\":[{\"name\":\"a\",\"healthUrl\":\"http://[::1]/h\"}]} | is a loopback address",
                "{\"consumers\":[{\"name\":\"a\",\"healthUrl\":\"http://169.254.169.254/latest/meta-data/\"}]} | is a link-local address",
                "{\"consumers\":[{\"name\":\"a\",\"healthUrl\":\"http://169.254.170.2/v2/credentials\"}]} | is a link-local address",
                "{\"consumers\":[{\"name\":\"a\",\"healthUrl\":\"http://[fd00:ec2::254]/latest/meta-data/\"}]} | is a link-local address",
                "{\"consumers\":[{\"name\":\"a\",\"healthUrl\":\"http://[::ffff:169.254.169.254]/\"}]} | is a link-local address",
                "{\"consumers\":[{\"name\":\"a\",\"healthUrl\":\"http://0.0.0.0:9001/\"}]} | is the unspecified address",
                // issue 16: each contract takes its own parameters and no others
                "{\"consumers\":[{\"name\":\"a\",\"contract\":\"push\"}]} | consumers[0] (a): unknown contract push (known: http, check-in, manual)",
                "{\"consumers\":[{\"name\":\"a\",\"contract\":7}]} | consumers[0] (a): contract must be a string",
                "{\"consumers\":[{\"name\":\"a\",\"contract\":\"check-in\"}]} | consumers[0] (a): a check-in consumer needs maxAgeSeconds",
                "{\"consumers\":[{\"name\":\"a\",\"contract\":\"check-in\",\"maxAgeSeconds\":59}]} | from 60 to 86400",
                "{\"consumers\":[{\"name\":\"a\",\"contract\":\"check-in\",\"maxAgeSeconds\":86401}]} | from 60 to 86400",
                "{\"consumers\":[{\"name\":\"a\",\"contract\":\"check-in\",\"maxAgeSeconds\":\"900\"}]} | a whole number",
                "{\"consumers\":[{\"name\":\"a\",\"contract\":\"check-in\",\"maxAgeSeconds\":90.5}]} | a whole number",
                "{\"consumers\":[{\"name\":\"a\",\"contract\":\"check-in\",\"maxAgeSeconds\":900,\"healthUrl\":\"https://a/h\"}]} | healthUrl does not belong to contract check-in (it takes: contract, description, maxAgeSeconds, name)",
                "{\"consumers\":[{\"name\":\"a\",\"contract\":\"manual\",\"maxAgeSeconds\":900}]} | maxAgeSeconds does not belong to contract manual",
                "{\"consumers\":[{\"name\":\"a\",\"healthUrl\":\"https://a/h\",\"maxAgeSeconds\":900}]} | maxAgeSeconds does not belong to contract http",
                "{\"consumers\":[{\"name\":\"a\",\"contract\":\"manual\",\"healthurl\":\"x\"}]} | healthurl does not belong to contract manual"
            })
    void rejectsBadRegistriesNamingTheParameterAndEntry(String document, String expected) {
        assertThatThrownBy(() -> ConsumerRegistry.parse("/reg/veryfi/x", document))
                .isInstanceOf(InvalidConsumerRegistryException.class)
                .hasMessageStartingWith("/reg/veryfi/x")
                .hasMessageContaining(expected);
    }

    @Test
    void aNameIsCheckedForEveryAddressItResolvesTo() {
        assertThat(ConsumerAddresses.problemWithHost("localhost", false))
                .get()
                .asString()
                .contains("loopback");
        assertThat(ConsumerAddresses.problemWithHost("localhost", true))
                .as("the local stack's test mode")
                .isEmpty();
        assertThat(ConsumerAddresses.problemWithHost("2852039166", false))
                .as("169.254.169.254 as one number")
                .get()
                .asString()
                .contains("link-local");
        assertThat(ConsumerAddresses.problemWithHost("no-such-host.invalid", false))
                .as("unreachable, not refused")
                .isEmpty();
    }
}
