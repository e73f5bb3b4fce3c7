-- Closing a stored request after processing (issue 16) is a HOT update: no new index entries. Before,
-- it also added an entry to each of the table's four indexes, because one of them covered status.
-- * The failed-rows index is keyed on failed_at instead, which a CHECK ties to status 'failed'.
-- * Half of each page is left free (fillfactor 50): each row is updated once, soon after its insert,
--   and the new version must fit on the same page.
-- (The row itself is still written again, body included: with wal_level logical an update logs the
-- whole new row, and a body of ~1.3 kB is below the size at which Postgres moves values out of line.)
alter table tracking.inbound set (fillfactor = 50);
drop index tracking.inbound_failed_idx;
create index inbound_failed_idx on tracking.inbound (company_id, failed_at) where failed_at is not null;
