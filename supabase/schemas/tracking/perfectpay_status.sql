-- Perfect Pay sale_status_enum -> key (gateways.md §1.4). Values Perfect Pay documents as normalised
-- in the postback (15 -> cancelled, 17 -> charged_back, 18/19/20 -> refunded) are mapped the same way.
create or replace function tracking.perfectpay_status(body jsonb) returns text
language sql immutable
as $$
  select case body ->> 'sale_status_enum'
    when '0' then 'none' when '1' then 'pending' when '2' then 'approved' when '3' then 'in_process'
    when '4' then 'in_mediation' when '5' then 'rejected' when '6' then 'cancelled' when '7' then 'refunded'
    when '8' then 'authorized' when '9' then 'charged_back' when '10' then 'completed'
    when '11' then 'checkout_error' when '12' then 'precheckout' when '13' then 'expired'
    when '15' then 'cancelled' when '16' then 'in_review' when '17' then 'charged_back'
    when '18' then 'refunded' when '19' then 'refunded' when '20' then 'refunded'
    else coalesce(nullif(body ->> 'sale_status_enum_key', ''), 'unknown:' || (body ->> 'sale_status_enum'))
  end
$$;
revoke all on function tracking.perfectpay_status(jsonb) from public, anon, authenticated, service_role, looker_reader;
