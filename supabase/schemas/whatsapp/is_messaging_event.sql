-- Meta's business-messaging event names (meta_capi.md §6; LeadSubmitted, not Lead).
create or replace function whatsapp.is_messaging_event(event_name text) returns boolean
language sql immutable parallel safe
as $$
  select event_name in (
    'Purchase', 'LeadSubmitted', 'InitiateCheckout', 'AddToCart', 'ViewContent', 'OrderCreated',
    'OrderShipped', 'OrderDelivered', 'OrderCanceled', 'OrderReturned', 'CartAbandoned', 'QualifiedLead',
    'RatingProvided', 'ReviewProvided')
$$;
revoke all on function whatsapp.is_messaging_event(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function whatsapp.is_messaging_event(text) to authenticated, service_role;
