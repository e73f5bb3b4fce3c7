-- Outbound status order: sent < delivered < read < played; failed is terminal and only replaces a
-- message not yet delivered (a delivered or read message has proved it arrived). Never regresses.
create or replace function whatsapp.next_status(current_status text, incoming text) returns text
language sql immutable parallel safe
as $$
  select case
    when current_status is null or current_status = 'accepted' then incoming
    when current_status = 'failed' then 'failed'
    when incoming = 'failed' then case when current_status = 'sent' then 'failed' else current_status end
    when (case incoming when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 when 'played' then 4 end)
         > (case current_status when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 when 'played' then 4
                                else 0 end)
      then incoming
    else current_status
  end
$$;
revoke all on function whatsapp.next_status(text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function whatsapp.next_status(text,text) to authenticated, service_role;
