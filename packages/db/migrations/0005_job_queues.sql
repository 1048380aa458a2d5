-- One pg-boss queue per job kind (JOB_KINDS in @cadence/api; "project.export" -> "project-export"), created here under
-- the migration lock rather than by each instance at start-up: pg-boss's create_queue creates and attaches a
-- partition table, and two instances starting at once on a new database deadlocked in it. A new job kind adds its
-- queue in a migration like this one; the server sets each queue's retry and expiry options at start-up.
SELECT pgboss.create_queue('project-export', '{"policy":"standard"}');
--> statement-breakpoint
SELECT pgboss.create_queue('task-import', '{"policy":"standard"}');
