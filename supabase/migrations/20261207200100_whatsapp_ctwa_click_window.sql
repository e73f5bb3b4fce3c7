-- A click-to-WhatsApp ad click is sent to Meta only within a window after the click (issue 15): Meta
-- attributes a conversion to an ad within its attribution windows only (7 days after the click by
-- default), so an older ctwa_clid is noise. Per company in whatsapp.settings; 7 days for a company
-- without a row (whatsapp.ingest_sale reads it).
alter table whatsapp.settings add column ctwa_window_days int not null default 7
check (ctwa_window_days between 1 and 28);
comment on column whatsapp.settings.ctwa_window_days is
'Days after its click (the referral''s message time) during which a ctwa_clid is sent with a sale; default 7.';
comment on table whatsapp.settings is
'Per company: ad_conversation_event (e.g. LeadSubmitted) is queued for every conversation from an ad; '
'ctwa_window_days: how long after the click a sale still carries its ctwa_clid.';
