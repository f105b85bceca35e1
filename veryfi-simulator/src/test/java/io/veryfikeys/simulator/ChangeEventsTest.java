package io.veryfikeys.simulator;

import io.veryfikeys.simulator.ChangeEvent.AccountCreated;
import io.veryfikeys.simulator.ChangeEvent.AccountForgotten;
import io.veryfikeys.simulator.ChangeEvent.AccountReset;
import io.veryfikeys.simulator.ChangeEvent.ConsumerCallRejected;
import io.veryfikeys.simulator.ChangeEvent.ConsumerSwitchedKey;
import io.veryfikeys.simulator.ChangeEvent.KeyCreated;
import io.veryfikeys.simulator.ChangeEvent.KeyDeleted;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeEventsTest extends SimulatorTestBase {

    /**
     * An event with the account's live keys as the listener saw them, on the thread that fired it.
     */
    record Seen(ChangeEvent event, List<Long> liveAtEvent) {}

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<ChangeListener> added = new ArrayList<>();

    /**
     * Records the events of one account; reading the simulator here is safe: same thread, reentrant
     * lock.
     */
    private void listen(String clientId) {
        ChangeListener listener =
                event -> {
                    if (event.clientId().equals(clientId)) {
                        seen.add(new Seen(event, sim.liveKeyIds(clientId)));
                    }
                };
        sim.addChangeListener(listener);
        added.add(listener);
    }

    private List<ChangeEvent> events() {
        return seen.stream().map(Seen::event).toList();
    }

    @AfterEach
    void removeListeners() {
        added.forEach(sim::removeChangeListener);
    }

    @Test
    void everyKeyChangeIsToldOnceRightAfterItWithIdsOnly() throws IOException {
        String clientId = "events-" + System.nanoTime();
        listen(clientId);
        SimulatedKey first = sim.createAccount(clientId, "user-" + clientId, null);
        Api.Creds c = new Api.Creds(clientId, "user-" + clientId, first.value(), null);

        Api.Resp created = api.create(c);
        long second = created.json().get("id").asLong();
        // told before the answer went out: the caller never sees a change its listeners have not
        // heard of
        assertThat(events())
                .containsExactly(
                        new AccountCreated(clientId, first.id()), new KeyCreated(clientId, second));

        assertThat(api.create(c).code()).isEqualTo("KEY_LIMIT_REACHED");
        assertThat(api.delete(c, 999_999).status()).isEqualTo(404);
        assertThat(api.list(c).status()).isEqualTo(200);
        assertThat(api.list(c.withKey("not-a-key")).status()).isEqualTo(401);
        assertThat(events()).as("refused calls and reads change nothing").hasSize(2);

        assertThat(api.delete(c, first.id()).status()).isEqualTo(204);
        assertThat(api.delete(c.withKey(created.json().get("value").asText()), second).code())
                .isEqualTo("LAST_KEY");
        Api.Resp reset = api.reset(c.withKey(created.json().get("value").asText()));
        long afterReset = reset.json().get("api_keys").get(0).get("id").asLong();
        SimulatedKey added = sim.addKey(clientId);
        sim.resetAll();

        assertThat(events())
                .containsExactly(
                        new AccountCreated(clientId, first.id()),
                        new KeyCreated(clientId, second),
                        new KeyDeleted(clientId, first.id()),
                        new AccountReset(clientId, List.of(second), List.of(afterReset)),
                        new KeyCreated(clientId, added.id()),
                        new AccountForgotten(clientId, List.of(afterReset, added.id())));
        assertThat(seen)
                .extracting(Seen::liveAtEvent)
                .as("the state each listener call saw: after its change")
                .containsExactly(
                        List.of(first.id()),
                        List.of(first.id(), second),
                        List.of(second),
                        List.of(afterReset),
                        List.of(afterReset, added.id()),
                        List.of());
        for (String value : sim.issuedKeyValues()) {
            assertThat(events().toString()).doesNotContain(value);
        }
    }

    @Test
    void aChangeWhoseAnswerIsLostIsStillTold() throws IOException {
        Api.Creds c = account();
        listen(c.clientId());
        sim.inject(Fault.rateLimit(Endpoint.CREATE, Duration.ofSeconds(1)));
        assertThat(api.create(c).status()).isEqualTo(429);
        assertThat(events()).as("a fault before processing changes nothing").isEmpty();

        sim.inject(Fault.dropAfterCommit(Endpoint.CREATE));
        assertThatThrownBy(() -> new Api(sim, Api.newClient()).create(c))
                .isInstanceOf(IOException.class);
        List<Long> live = sim.liveKeyIds(c.clientId());
        assertThat(events()).containsExactly(new KeyCreated(c.clientId(), live.get(1)));
    }

    @Test
    void eventsOfOneAccountArriveInTheOrderOfItsChanges() throws Exception {
        Api.Creds c = account();
        long first = sim.liveKeyIds(c.clientId()).get(0);
        listen(c.clientId());
        // Many clients race to create and delete: each event must match the state right after it.
        List<CompletableFuture<Void>> racers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            racers.add(
                    CompletableFuture.runAsync(
                            () -> {
                                try {
                                    for (int j = 0; j < 10; j++) {
                                        Api.Resp r = api.create(c);
                                        if (r.status() == 201) {
                                            api.delete(c, r.json().get("id").asLong());
                                        }
                                    }
                                } catch (IOException e) {
                                    throw new IllegalStateException(e);
                                }
                            }));
        }
        CompletableFuture.allOf(racers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        assertThat(seen).isNotEmpty();
        List<Long> live = new ArrayList<>(List.of(first));
        for (Seen s : seen) {
            switch (s.event()) {
                case KeyCreated k -> live.add(k.keyId());
                case KeyDeleted k -> live.remove(k.keyId());
                default -> throw new AssertionError("unexpected " + s.event());
            }
            assertThat(s.liveAtEvent())
                    .as("after " + s.event())
                    .containsExactlyInAnyOrderElementsOf(live);
        }
        assertThat(live).containsExactly(first);
    }

    @Test
    void aFailingListenerChangesNoAnswerAndOthersStillHear() throws IOException {
        Api.Creds c = account();
        ChangeListener failing =
                event -> {
                    throw new IllegalStateException("a broken listener");
                };
        sim.addChangeListener(failing);
        added.add(failing);
        listen(c.clientId());
        assertThat(api.create(c).status()).isEqualTo(201);
        assertThat(events()).hasSize(1);

        added.forEach(sim::removeChangeListener);
        assertThat(api.reset(c).status()).isEqualTo(201);
        assertThat(events()).as("removed listeners hear nothing").hasSize(1);
    }

    @Test
    void aConsumerTellsWhenItSwitchesKeysAndWhenVeryfiRejectsItsCall() throws Exception {
        Api.Creds c = account();
        long firstId = sim.liveKeyIds(c.clientId()).get(0);
        SimulatedKey second = sim.addKey(c.clientId());
        AtomicReference<SimulatedConsumer.Credentials> source =
                new AtomicReference<>(
                        new SimulatedConsumer.Credentials(
                                firstId, sim.baseUrl(), c.clientId(), c.username(), c.key(), null));
        BlockingQueue<ChangeEvent> heard = new LinkedBlockingQueue<>();
        try (SimulatedConsumer consumer =
                SimulatedConsumer.start(
                        "payroll", source::get, Duration.ZERO, Duration.ofMillis(20))) {
            consumer.addChangeListener(heard::add);

            source.set(
                    new SimulatedConsumer.Credentials(
                            second.id(),
                            sim.baseUrl(),
                            c.clientId(),
                            c.username(),
                            second.value(),
                            null));
            assertThat(heard.poll(10, TimeUnit.SECONDS))
                    .isEqualTo(
                            new ConsumerSwitchedKey(c.clientId(), "payroll", firstId, second.id()));
            assertThat(consumer.keyIdInUse()).isEqualTo(second.id());

            source.set(
                    new SimulatedConsumer.Credentials(
                            77, sim.baseUrl(), c.clientId(), c.username(), "not-a-key", null));
            assertThat(heard.poll(10, TimeUnit.SECONDS))
                    .isEqualTo(new ConsumerSwitchedKey(c.clientId(), "payroll", second.id(), 77));
            assertThat(heard.poll(10, TimeUnit.SECONDS))
                    .isEqualTo(new ConsumerCallRejected(c.clientId(), "payroll", 77, 401));
            assertThat(consumer.rejectedCalls()).as("counted before it was told").isPositive();
            assertThat(heard.toString()).doesNotContain(c.key()).doesNotContain(second.value());
        }
    }
}
