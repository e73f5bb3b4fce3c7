-- The setup worker sleeps until an insert into its queue NOTIFYs it (app.wake_workers_on_insert), so a
-- step made ready by another step's report starts at once rather than at the next poll.
select app.wake_workers_on_insert('setup');
