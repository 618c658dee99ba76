package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sevenmind.eventstore.api.EventCodec;
import com.sevenmind.eventstore.api.Json;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedServerTest {

    private final EventCodec codec = new EventCodec(Json.newObjectMapper());

    @Test
    void events_stay_in_the_data_directory_between_runs(@TempDir Path dir) {
        UUID user = UUID.randomUUID();
        try (Database first = Database.embedded(dir)) {
            first.eventStore(codec).append(TestEvents.started(user, "1", Instant.parse("2024-01-01T00:00:00Z")));
        }
        try (Database second = Database.embedded(dir)) {
            assertEquals(1, second.eventStore(codec).stream(user, e -> { }).events());
        }
    }

    @Test
    void a_second_server_on_a_directory_in_use_is_refused_with_who_holds_it_and_how_to_reach_its_server(
            @TempDir Path dir) {
        try (Database running = Database.embedded(dir)) {
            StoreException e = assertThrows(StoreException.class, () -> Database.embedded(dir));
            int port = Integer.parseInt(running.description().replaceAll(".*localhost:(\\d+)/.*", "$1"));
            assertEquals("data directory " + dir.toAbsolutePath() + " is in use by another eventstore process (pid "
                    + ProcessHandle.current().pid() + "); wait for it to finish, or use its server while it runs with "
                    + "--db-url 'jdbc:postgresql://localhost:" + port + "/postgres?user=postgres'", e.getMessage());
        }
    }
}
