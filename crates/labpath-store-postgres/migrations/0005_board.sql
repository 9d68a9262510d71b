-- 0005: who is responsible for each person, and the dashboard's lines.
--
-- `people.owner_id` is the staff member responsible (the `owner_set`
-- event's), NULL for no one and always in local mode.
--
-- `board_lines` keeps each person's dashboard line as the application
-- layer worked it out for a day (`labpath_store::board`): the columns the
-- dashboard filters, counts, orders and pages by; `board_data` the line
-- itself as JSON, apart, so that counting and ordering the lines reads
-- only their small columns. It is a cache, not a record: appending an event about a person
-- deletes their line in the same transaction, a line of another day is
-- stale, and a server starting drops every line (its catalog may answer
-- differently).
--
-- Never edit this file once committed: add a new numbered migration instead.

ALTER TABLE people ADD COLUMN owner_id bigint;

CREATE TABLE board_lines (
    person_id       bigint   PRIMARY KEY REFERENCES people (id),
    organization_id bigint,
    day             date     NOT NULL,
    name            text     NOT NULL,
    stage           text     NOT NULL,
    owner_id        bigint,
    work_state      text,
    severity        integer  NOT NULL,            -- 0 red, 1 amber, 2 none
    lapse_due       date,
    lapsing         integer  NOT NULL,
    overdue         integer  NOT NULL,
    oldest_overdue  date,
    due_soon        integer  NOT NULL,
    next_deadline   date
);
-- The list's order (most overdue, most due soon, next deadline, id), for
-- a page of everyone and for each stage's first cards.
CREATE INDEX board_lines_in_order
    ON board_lines (organization_id, day, overdue DESC, due_soon DESC, next_deadline, person_id);
CREATE INDEX board_lines_by_stage
    ON board_lines (organization_id, day, stage, overdue DESC, due_soon DESC, next_deadline, person_id);

CREATE TABLE board_data (
    person_id       bigint PRIMARY KEY REFERENCES people (id),
    data            jsonb NOT NULL                 -- the line, as JSON
);
