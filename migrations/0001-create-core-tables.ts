/**
 * Creates the ten tables of the seed schema (docs/DATA-MODEL.md) with
 * our additions: TIMESTAMPTZ everywhere, NOT NULL where a value is always present,
 * CHECK constraints for every enum and range, explicit ON DELETE behaviour, and the
 * indexes the API's queries need. Every deviation from the seed is listed, with its
 * reason, in `docs/DATA-MODEL.md`.
 *
 * Enums are VARCHAR + CHECK (not PostgreSQL ENUM types) so that adding a value later is
 * a one-line constraint swap instead of an `ALTER TYPE` that cannot run in a transaction.
 */
import type { QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';

const UP: readonly string[] = [
  // ---------------------------------------------------------------- users
  `CREATE TABLE users (
    user_id           VARCHAR PRIMARY KEY,
    username          VARCHAR NOT NULL,
    email             VARCHAR NOT NULL,
    first_name        VARCHAR,
    last_name         VARCHAR,
    total_study_time  INTEGER NOT NULL DEFAULT 0,
    preferences       JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at        TIMESTAMPTZ,
    CONSTRAINT users_username_key UNIQUE (username),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_total_study_time_check CHECK (total_study_time >= 0),
    CONSTRAINT users_preferences_object_check CHECK (jsonb_typeof(preferences) = 'object')
  )`,

  // ---------------------------------------------------------------- groups
  `CREATE TABLE groups (
    id           SERIAL PRIMARY KEY,
    creator_id   VARCHAR REFERENCES users (user_id) ON DELETE SET NULL,
    group_name   VARCHAR NOT NULL,
    description  TEXT,
    image        VARCHAR,
    group_type   VARCHAR NOT NULL,
    visibility   VARCHAR NOT NULL,
    invite_code  VARCHAR,
    max_members  INTEGER,
    is_active    BOOLEAN NOT NULL DEFAULT true,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT groups_invite_code_key UNIQUE (invite_code),
    CONSTRAINT groups_group_type_check CHECK (group_type IN ('leader_controlled', 'community')),
    CONSTRAINT groups_visibility_check CHECK (visibility IN ('public', 'private')),
    CONSTRAINT groups_max_members_check CHECK (max_members IS NULL OR max_members >= 1)
  )`,
  // Discovery: public active groups paged by id.
  `CREATE INDEX groups_discovery_idx ON groups (visibility, is_active, id)`,
  // Name search by case-insensitive prefix (LIKE 'abc%' on lower(group_name)).
  `CREATE INDEX groups_lower_name_idx ON groups (lower(group_name) text_pattern_ops)`,
  `CREATE INDEX groups_creator_id_idx ON groups (creator_id)`,

  // ---------------------------------------------------------------- groupings
  `CREATE TABLE groupings (
    user_id            VARCHAR NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    group_id           INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    role               VARCHAR NOT NULL,
    invitation_status  VARCHAR,
    invited_by         VARCHAR REFERENCES users (user_id) ON DELETE SET NULL,
    invited_at         TIMESTAMPTZ,
    joined_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    is_connected       BOOLEAN NOT NULL DEFAULT false,
    last_seen          TIMESTAMPTZ,
    CONSTRAINT groupings_pkey PRIMARY KEY (user_id, group_id),
    CONSTRAINT groupings_role_check CHECK (role IN ('leader', 'admin', 'member')),
    CONSTRAINT groupings_invitation_status_check
      CHECK (invitation_status IS NULL OR invitation_status IN ('pending', 'accepted', 'declined'))
  )`,
  // Members of a group (member lists, counts, "is there another leader").
  `CREATE INDEX groupings_group_id_role_idx ON groupings (group_id, role)`,

  // ---------------------------------------------------------------- resources
  `CREATE TABLE resources (
    id                SERIAL PRIMARY KEY,
    uploaded_by       VARCHAR REFERENCES users (user_id) ON DELETE SET NULL,
    group_id          INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    url               VARCHAR,
    resource_type     VARCHAR NOT NULL,
    title             VARCHAR NOT NULL,
    description       TEXT,
    parent_folder_id  INTEGER,
    file_size         BIGINT,
    is_deleted        BOOLEAN NOT NULL DEFAULT false,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Target of the composite FK below: a parent must live in the same group.
    CONSTRAINT resources_id_group_id_key UNIQUE (id, group_id),
    CONSTRAINT resources_parent_folder_fkey FOREIGN KEY (parent_folder_id, group_id)
      REFERENCES resources (id, group_id) ON DELETE CASCADE,
    CONSTRAINT resources_resource_type_check
      CHECK (resource_type IN ('image', 'video', 'file', 'folder', 'link')),
    CONSTRAINT resources_url_required_check CHECK (resource_type = 'folder' OR url IS NOT NULL),
    CONSTRAINT resources_file_size_check CHECK (file_size IS NULL OR file_size >= 0),
    CONSTRAINT resources_not_own_parent_check CHECK (parent_folder_id IS NULL OR parent_folder_id <> id)
  )`,
  // Listing one folder level of a group (root when parent_folder_id IS NULL).
  `CREATE INDEX resources_group_parent_live_idx ON resources (group_id, parent_folder_id)
    WHERE is_deleted = false`,
  // Subtree walks (soft-deleting a folder) and the FK's ON DELETE CASCADE.
  `CREATE INDEX resources_parent_folder_id_idx ON resources (parent_folder_id)
    WHERE parent_folder_id IS NOT NULL`,

  // ---------------------------------------------------------------- resource_progress
  `CREATE TABLE resource_progress (
    id                   SERIAL PRIMARY KEY,
    user_id              VARCHAR NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    resource_id          INTEGER NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    status               VARCHAR NOT NULL DEFAULT 'not_started',
    progress_percentage  INTEGER NOT NULL DEFAULT 0,
    notes                TEXT,
    started_at           TIMESTAMPTZ,
    completed_at         TIMESTAMPTZ,
    last_updated         TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT resource_progress_user_resource_key UNIQUE (user_id, resource_id),
    CONSTRAINT resource_progress_status_check
      CHECK (status IN ('not_started', 'in_progress', 'completed', 'paused')),
    CONSTRAINT resource_progress_percentage_check CHECK (progress_percentage BETWEEN 0 AND 100),
    CONSTRAINT resource_progress_completed_check
      CHECK (status <> 'completed' OR (progress_percentage = 100 AND completed_at IS NOT NULL))
  )`,
  // Everyone's progress on one resource.
  `CREATE INDEX resource_progress_resource_id_idx ON resource_progress (resource_id)`,

  // ---------------------------------------------------------------- study_sessions
  `CREATE TABLE study_sessions (
    id                SERIAL PRIMARY KEY,
    session_uuid      UUID NOT NULL,
    user_id           VARCHAR NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    group_id          INTEGER REFERENCES groups (id) ON DELETE SET NULL,
    duration_seconds  INTEGER NOT NULL,
    session_date      TIMESTAMPTZ NOT NULL,
    session_notes     TEXT,
    started_at        TIMESTAMPTZ NOT NULL,
    ended_at          TIMESTAMPTZ NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT study_sessions_session_uuid_key UNIQUE (session_uuid),
    CONSTRAINT study_sessions_duration_check CHECK (duration_seconds > 0),
    CONSTRAINT study_sessions_ended_after_started_check CHECK (ended_at >= started_at),
    CONSTRAINT study_sessions_session_date_is_start_check CHECK (session_date = started_at)
  )`,
  `CREATE INDEX idx_session_date ON study_sessions (session_date)`,
  // "My sessions, newest first" with an (started_at, id) keyset cursor; streak days.
  `CREATE INDEX study_sessions_user_started_idx ON study_sessions (user_id, started_at DESC, id DESC)`,
  // Group leaderboards over a period.
  `CREATE INDEX study_sessions_group_started_idx ON study_sessions (group_id, started_at)
    WHERE group_id IS NOT NULL`,

  // ---------------------------------------------------------------- streaks
  `CREATE TABLE streaks (
    id                 SERIAL PRIMARY KEY,
    user_id            VARCHAR NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    current_streak     INTEGER NOT NULL DEFAULT 0,
    longest_streak     INTEGER NOT NULL DEFAULT 0,
    last_active_date   DATE,
    streak_start_date  DATE,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT streaks_user_id_key UNIQUE (user_id),
    CONSTRAINT streaks_current_streak_check CHECK (current_streak >= 0),
    CONSTRAINT streaks_longest_streak_check CHECK (longest_streak >= current_streak)
  )`,

  // ---------------------------------------------------------------- group_invitations
  `CREATE TABLE group_invitations (
    id                  SERIAL PRIMARY KEY,
    group_id            INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    invited_user_id     VARCHAR NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    invited_by          VARCHAR REFERENCES users (user_id) ON DELETE SET NULL,
    status              VARCHAR NOT NULL DEFAULT 'pending',
    invitation_message  TEXT,
    expires_at          TIMESTAMPTZ NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    responded_at        TIMESTAMPTZ,
    CONSTRAINT group_invitations_status_check
      CHECK (status IN ('pending', 'accepted', 'declined', 'expired')),
    CONSTRAINT group_invitations_responded_check
      CHECK (status NOT IN ('accepted', 'declined') OR responded_at IS NOT NULL)
  )`,
  // "My pending invitations".
  `CREATE INDEX group_invitations_invitee_status_idx ON group_invitations (invited_user_id, status)`,
  // At most one pending invitation per (group, user).
  `CREATE UNIQUE INDEX group_invitations_one_pending_idx ON group_invitations (group_id, invited_user_id)
    WHERE status = 'pending'`,
  `CREATE INDEX group_invitations_group_id_idx ON group_invitations (group_id)`,

  // ---------------------------------------------------------------- messages
  `CREATE TABLE messages (
    id                 SERIAL PRIMARY KEY,
    user_id            VARCHAR NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    group_id           INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    content            TEXT,
    message_type       VARCHAR NOT NULL DEFAULT 'text',
    reply_to_id        INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    client_message_id  VARCHAR(64),
    is_edited          BOOLEAN NOT NULL DEFAULT false,
    is_deleted         BOOLEAN NOT NULL DEFAULT false,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT messages_user_client_message_id_key UNIQUE (user_id, client_message_id),
    CONSTRAINT messages_message_type_check CHECK (message_type IN ('text', 'image')),
    CONSTRAINT messages_content_check CHECK (is_deleted OR content IS NOT NULL)
  )`,
  // Chat history pages (before/after a message id).
  `CREATE INDEX messages_group_id_id_idx ON messages (group_id, id DESC)`,
  `CREATE INDEX messages_reply_to_id_idx ON messages (reply_to_id) WHERE reply_to_id IS NOT NULL`,

  // ---------------------------------------------------------------- notifications
  `CREATE TABLE notifications (
    id                    SERIAL PRIMARY KEY,
    user_id               VARCHAR NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    notification_message  VARCHAR NOT NULL,
    notification_type     VARCHAR NOT NULL,
    data                  JSONB NOT NULL DEFAULT '{}'::jsonb,
    is_read               BOOLEAN NOT NULL DEFAULT false,
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT notifications_type_check CHECK (notification_type IN (
      'invitation_received', 'invitation_accepted', 'member_joined',
      'role_changed', 'removed_from_group', 'mention'
    )),
    CONSTRAINT notifications_data_object_check CHECK (jsonb_typeof(data) = 'object')
  )`,
  `CREATE INDEX notifications_user_id_id_idx ON notifications (user_id, id DESC)`,
  // Unread list and unread count.
  `CREATE INDEX notifications_user_unread_idx ON notifications (user_id, id DESC) WHERE is_read = false`,
];

/** Reverse creation order, so no table is dropped while another still references it. */
const DOWN: readonly string[] = [
  'DROP TABLE notifications',
  'DROP TABLE messages',
  'DROP TABLE group_invitations',
  'DROP TABLE streaks',
  'DROP TABLE study_sessions',
  'DROP TABLE resource_progress',
  'DROP TABLE resources',
  'DROP TABLE groupings',
  'DROP TABLE groups',
  'DROP TABLE users',
];

async function runAll(qi: QueryInterface, statements: readonly string[]): Promise<void> {
  await qi.sequelize.transaction(async (transaction) => {
    for (const sql of statements) {
      await qi.sequelize.query(sql, { transaction });
    }
  });
}

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await runAll(qi, UP);
};

export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await runAll(qi, DOWN);
};
