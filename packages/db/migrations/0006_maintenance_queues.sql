-- Maintenance runs as jobs on the queue, on pg-boss's clock (the server schedules them at start-up): expired
-- Idempotency-Key records and finished jobs past their retention are purged by whichever instance takes the job.
-- Created here under the migration lock, like 0005_job_queues, so instances starting at once never race in
-- create_queue; "__pgboss__send-it" is pg-boss's own queue for cron-sent jobs, which it would otherwise create at
-- every start.
SELECT pgboss.create_queue('__pgboss__send-it', '{"policy":"standard"}');
--> statement-breakpoint
SELECT pgboss.create_queue('idempotency-purge', '{"policy":"standard"}');
--> statement-breakpoint
SELECT pgboss.create_queue('job-purge', '{"policy":"standard"}');
