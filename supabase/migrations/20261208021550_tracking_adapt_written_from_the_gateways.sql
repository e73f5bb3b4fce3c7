-- tracking.adapt, the ingest core's call to each gateway's adapter, is generated from tracking.gateways
-- (supabase/schemas/tracking/write_adapt.sql); its trigger writes it again whenever the rows change.
-- The rows came before the trigger, so it is written once here.
select tracking.write_adapt();
