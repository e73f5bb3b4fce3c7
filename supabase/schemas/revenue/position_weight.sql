-- A touch's share of a purchase under a model (revenue.attribution_models): touch pos of n, ordered by
-- time. No shares: 1/n (linear). One touch: all. Two: first_share : last_share. More: first_share,
-- last_share, and the rest split equally between the touches in the middle.
create or replace function revenue.position_weight(first_share numeric, last_share numeric, pos int, n int)
returns numeric
language sql immutable parallel safe
return case
    when first_share is null then 1.0 / n
    when n = 1 then 1
    when n = 2 then case when pos = 1 then first_share else last_share end / (first_share + last_share)
    when pos = 1 then first_share
    when pos = n then last_share
    else (1 - first_share - last_share) / (n - 2)
end;
revoke all on function revenue.position_weight(numeric,numeric,integer,integer) from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.position_weight(numeric,numeric,integer,integer) to service_role;
