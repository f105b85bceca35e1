package io.veryfikeys.aws;

import io.veryfikeys.consumers.CheckIn;
import io.veryfikeys.support.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Which table items are records: the documented shape, or nothing (the consumer has not moved). */
class DynamoCheckInsRecordTest {
    static final String GOOD =
            "{'consumer':{'S':'veryfi/p#w'},'kind':{'S':'check-in'},'keyId':{'N':'42'},"
                    + "'healthy':{'BOOL':true},'at':{'S':'2026-12-01T12:00:00Z'},'expiresAt':{'N':'1'}";

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "the documented shape    | " + GOOD + "}                                   | true",
                "with who confirmed      | " + GOOD + ",'by':{'S':'arn:aws:iam::1:user/x'}} | true",
                "keyId as a string       | {'consumer':{'S':'veryfi/p#w'},'kind':{'S':'check-in'},'keyId':{'S':'42'},'healthy':{'BOOL':true},'at':{'S':'2026-12-01T12:00:00Z'}} | false",
                "keyId not a number      | {'consumer':{'S':'veryfi/p#w'},'kind':{'S':'check-in'},'keyId':{'N':'4x'},'healthy':{'BOOL':true},'at':{'S':'2026-12-01T12:00:00Z'}} | false",
                "healthy missing         | {'consumer':{'S':'veryfi/p#w'},'kind':{'S':'check-in'},'keyId':{'N':'42'},'at':{'S':'2026-12-01T12:00:00Z'}} | false",
                "at not a time           | {'consumer':{'S':'veryfi/p#w'},'kind':{'S':'check-in'},'keyId':{'N':'42'},'healthy':{'BOOL':true},'at':{'S':'yesterday'}} | false",
                "kind missing            | {'consumer':{'S':'veryfi/p#w'},'keyId':{'N':'42'},'healthy':{'BOOL':true},'at':{'S':'2026-12-01T12:00:00Z'}} | false",
                "consumer missing        | {'kind':{'S':'check-in'},'keyId':{'N':'42'},'healthy':{'BOOL':true},'at':{'S':'2026-12-01T12:00:00Z'}} | false"
            })
    void record(String why, String item, boolean isRecord) throws Exception {
        Optional<CheckIn> record =
                DynamoCheckIns.record(Json.MAPPER.readTree(item.replace('\'', '"')));
        assertThat(record.isPresent()).as(why).isEqualTo(isRecord);
        record.ifPresent(
                r -> {
                    assertThat(r.id()).isEqualTo("veryfi/p#w");
                    assertThat(r.keyId()).isEqualTo(42);
                    assertThat(r.healthy()).isTrue();
                    assertThat(r.at()).isEqualTo(Instant.parse("2026-12-01T12:00:00Z"));
                });
    }

    /** What ConfirmFunction writes is what the poller reads back, field for field. */
    @Test
    void aWrittenConfirmationReadsBackAsTheSameRecord() throws Exception {
        CheckIn written =
                new CheckIn(
                        "veryfi/p#acme",
                        CheckIn.MANUAL,
                        42,
                        true,
                        Instant.parse("2026-12-01T12:00:00Z"),
                        "jane (Lambda request r-1)");
        var request =
                Json.MAPPER.readTree(
                        DynamoCheckIns.putItemRequest(
                                "t", written, Instant.parse("2026-12-31T12:00:00Z")));
        assertThat(request.path("TableName").asText()).isEqualTo("t");
        assertThat(request.path("Item").path("expiresAt").path("N").asText())
                .isEqualTo(Long.toString(Instant.parse("2026-12-31T12:00:00Z").getEpochSecond()));
        assertThat(DynamoCheckIns.record(request.path("Item"))).contains(written);

        CheckIn anonymous =
                new CheckIn("veryfi/p#w", CheckIn.CHECK_IN, 7, false, written.at(), null);
        var item =
                Json.MAPPER
                        .readTree(DynamoCheckIns.putItemRequest("t", anonymous, written.at()))
                        .path("Item");
        assertThat(item.has("by")).isFalse();
        assertThat(DynamoCheckIns.record(item)).contains(anonymous);
    }
}
