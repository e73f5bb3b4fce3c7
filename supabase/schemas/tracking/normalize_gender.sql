-- ge: 'f' or 'm' (Meta: "an initial in lowercase") from English and Portuguese words, any case,
-- punctuation ignored ("Fem.", "MASCULINO"); anything else NULL.
create or replace function tracking.normalize_gender(value text) returns text
language sql immutable parallel safe
return case pg_catalog.regexp_replace(pg_catalog.lower(value), '[^a-z]', '', 'g')
  when 'f' then 'f'
  when 'female' then 'f'
  when 'fem' then 'f'
  when 'feminino' then 'f'
  when 'feminina' then 'f'
  when 'mulher' then 'f'
  when 'woman' then 'f'
  when 'm' then 'm'
  when 'male' then 'm'
  when 'masc' then 'm'
  when 'masculino' then 'm'
  when 'homem' then 'm'
  when 'man' then 'm'
end;
revoke all on function tracking.normalize_gender(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.normalize_gender(text) to authenticated, service_role;
