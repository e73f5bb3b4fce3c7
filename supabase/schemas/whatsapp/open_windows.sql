-- Open customer-service windows, as of app.now() (tests freeze it). security_invoker: members see
-- their company's rows only, through the policies of whatsapp.conversations.
create or replace view whatsapp.open_windows with (security_invoker = true) as
select
    c.company_id,
    c.id as conversation_id,
    c.contact_id,
    c.wa_id,
    c.phone_number_id,
    c.last_inbound_at,
    c.window_expires_at,
    c.window_expires_at - app.now() as remaining,
    c.ctwa_clid is not null as from_ad
from whatsapp.conversations as c
where c.closed_at is null and c.window_expires_at > app.now();
comment on view whatsapp.open_windows is 'Conversations whose 24-hour window is open now (app.now()): free-form replies are allowed.';
revoke all on table whatsapp.open_windows from public, anon, authenticated, service_role, looker_reader;
grant all on table whatsapp.open_windows to service_role;
grant select on table whatsapp.open_windows to authenticated;
