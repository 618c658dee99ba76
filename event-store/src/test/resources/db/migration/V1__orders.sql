-- The host service's own first migration (HostServiceTest), at Flyway's default location and history table.
CREATE TABLE orders (
    id   bigint PRIMARY KEY,
    note text NOT NULL
);
