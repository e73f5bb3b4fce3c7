-- The setup worker sleeps until pgmq's insert NOTIFY wakes it (throttled to one per 100 ms), so a
-- step made ready by another step's report starts at once rather than at the next poll.
select pgmq.enable_notify_insert('setup', 100);
