using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.Queue;

/// <summary>PostgreSQL tables of the centres' queues: tickets and last calls (migration versions 40-49; see <see cref="PostgresSchema"/>).</summary>
public static class QueueSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } =
    [
        new PostgresMigration(40, "queue tickets, last calls, call order", """
            -- A ticket is named by its centre, printed day and number; list_day is the waiting list it joined (the
            -- printed day, or the fleet's placement for a kiosk whose clock was not synchronised).
            -- number is compared byte-wise ("C"), as the embedded store compares it (ordinal).
            CREATE TABLE queue_tickets (
                centre       text        NOT NULL,
                day          text        NOT NULL,
                number       text        COLLATE "C" NOT NULL,
                list_day     text        NOT NULL,
                field        text        NOT NULL,
                kiosk        text        NOT NULL,
                issued_at    timestamptz NOT NULL,
                state        text        NOT NULL DEFAULT 'waiting',
                counter      text,
                assigned_at  timestamptz,
                call_order   bigint      NOT NULL DEFAULT 0,
                called_at    timestamptz,
                served_at    timestamptz,
                skipped_at   timestamptz,
                recalled_at  timestamptz[] NOT NULL DEFAULT '{}',
                rating_level integer,
                rating_scale integer,
                PRIMARY KEY (centre, day, number)
            );
            CREATE INDEX queue_tickets_list ON queue_tickets (centre, list_day, issued_at, number);
            -- The head of a waiting list, what call-next reads.
            CREATE INDEX queue_tickets_waiting ON queue_tickets (centre, list_day, issued_at, number) WHERE state = 'waiting';

            -- Each device's last call request and its answer: a resend gets the same answer. Its row is locked by
            -- every hand-out to that device, so two copies of one request never both take a ticket.
            CREATE TABLE queue_last_calls (
                device_id  text    PRIMARY KEY,
                request_id text    NOT NULL,
                ticket     text,
                field      text,
                day        text,
                waiting    integer NOT NULL DEFAULT 0
            );

            -- Order in which tickets are handed out, across centres and nodes (call_order of queue_tickets).
            CREATE SEQUENCE queue_call_order;
            """),
        new PostgresMigration(41, "queue priority, transfer, recall after skip", """
            -- priority: called first in its field (fairness rule in fleet/Queue/README.md); target_counter: transferred to
            -- that counter only; transferred_from: the counter it left (its late events are ignored); returned_at: the
            -- fleet's time of a recall after a skip (skip events from before it are ignored).
            ALTER TABLE queue_tickets
                ADD COLUMN priority         boolean     NOT NULL DEFAULT false,
                ADD COLUMN target_counter   text,
                ADD COLUMN transferred_from text,
                ADD COLUMN transfers        integer     NOT NULL DEFAULT 0,
                ADD COLUMN returned_at      timestamptz;
            """),
        new PostgresMigration(42, "queue events parked until their ticket is issued", """
            -- A counter's event (or a rating) whose ticket the fleet does not know yet: after an outage each device's
            -- outbox drains on its own, so a ticket.served may come before the kiosk's ticket.issued. event_key is the
            -- event's identity (a redelivery is kept once); the row is applied and deleted with the ticket's insert.
            CREATE TABLE queue_parked (
                event_key text        PRIMARY KEY,
                centre    text        NOT NULL,
                day       text        NOT NULL,
                number    text        COLLATE "C" NOT NULL,
                device_id text        NOT NULL,
                event     text        NOT NULL,
                parked_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX queue_parked_ticket ON queue_parked (centre, day, number);
            """),
    ];
}
