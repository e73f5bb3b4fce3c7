-- A stored request is written once (issue 16). Its status update after processing used to rewrite the
-- whole row, body included, and four index entries: about 1.4 KB of WAL per postback.
-- * The body lives out of line (toast_tuple_target at its minimum): the update copies a pointer.
-- * Half of each page is left free (fillfactor 50: each row is updated once, soon after its insert), and no
--   index covers status any more (the failed-rows index is keyed on failed_at, which a CHECK ties to
--   status 'failed'), so that update is HOT: no new index entries.
alter table tracking.inbound set (toast_tuple_target = 128, fillfactor = 50);
drop index tracking.inbound_failed_idx;
create index inbound_failed_idx on tracking.inbound (company_id, failed_at) where failed_at is not null;
