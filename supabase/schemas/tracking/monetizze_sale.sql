-- Monetizze's adapter (gateways_br.md §4): the postback's "json" form field as an object (the API parses
-- the form). The status is tipoEvento.codigo (2 approved, 6 the same sale completed: deduplicated);
-- only the producer's postback (tipoPostback.codigo 2) counts, so that a sale is not recorded once per
-- commission; the amount venda.valor a decimal string in reais; dates "Y-m-d H:i:s", Brasília time
-- [NÃO CONFIRMADO]. The visitor id comes back in venda.src. The test button's product is "X-Wing".
create or replace function tracking.monetizze_sale(i tracking.inbound, identify_only boolean default false)
returns tracking.sale_input
language plpgsql stable
set search_path = ''
as $$
declare
  v jsonb := coalesce(i.body -> 'venda', '{}'::jsonb);
  c jsonb := coalesce(i.body -> 'comprador', '{}'::jsonb);
  for_producer boolean := coalesce(i.body -> 'tipoPostback' ->> 'codigo', '2') = '2';
  status text := case when for_producer
                      then coalesce(i.body -> 'tipoEvento' ->> 'codigo', i.body ->> 'postback_evento')
                      else 'not_for_producer' end;
  code text := nullif(coalesce(v ->> 'codigo', i.body ->> 'codigo_venda'), '');
  amount numeric := tracking.parse_amount(v -> 'valor', 'decimal');
  at_time timestamptz := coalesce(tracking.parse_time(v -> 'dataFinalizada', 'brt'),
                                  tracking.parse_time(v -> 'dataInicio', 'brt'));
  ref text := case when status not in ('7', 'not_for_producer') then code end;
  test boolean := coalesce(i.body -> 'produto' ->> 'nome' = 'X-Wing', false);
  problem jsonb;
begin
  if coalesce(status, '') = '' then
    problem := pg_catalog.jsonb_build_object('field', 'tipoEvento.codigo',
      'message', 'a Monetizze postback needs tipoEvento.codigo', 'code', 'missing_fields');
  elsif status not in ('7', 'not_for_producer') and code is null then
    problem := pg_catalog.jsonb_build_object('field', 'venda.codigo', 'message', 'a Monetizze sale needs venda.codigo', 'code', 'missing_fields');
  elsif coalesce(v ->> 'valor', '') <> '' and amount is null then
    problem := pg_catalog.jsonb_build_object('field', 'venda.valor',
      'message', 'venda.valor must be a decimal in reais, like 157.00');
  elsif coalesce(v ->> 'dataFinalizada', v ->> 'dataInicio', '') <> '' and at_time is null then
    problem := pg_catalog.jsonb_build_object('field', 'venda.dataInicio',
      'message', 'venda.dataInicio must be a date like 2022-10-01 09:33:48');
  end if;
  if identify_only then  -- the API's check
    return tracking.sale_identity(i, ref, status, test, problem);
  end if;
  return row(
    i.id, i.company_id, 'monetizze', ref, status,
    amount, 'BRL', i.body -> 'produto' ->> 'codigo', i.body -> 'produto' ->> 'nome', nullif(v ->> 'src', ''),
    pg_catalog.jsonb_build_object(
      'em', c ->> 'email', 'ph', c ->> 'telefone',
      'fn', pg_catalog.split_part(btrim(c ->> 'nome'), ' ', 1),
      'ln', pg_catalog.substring(btrim(c ->> 'nome'), '\s(\S+)$'),
      'external_id', tracking.tax_id_if_valid(c ->> 'cnpj_cpf'), 'db', c ->> 'data_nascimento',
      'ct', c ->> 'cidade', 'st', c ->> 'estado', 'zp', c ->> 'cep', 'country', c ->> 'pais'),
    at_time, i.request_id,
    case when i.body -> 'assinatura' ->> 'parcela' ~ '^[0-9]{1,6}$' then (i.body -> 'assinatura' ->> 'parcela')::int end,
    test, problem
  )::tracking.sale_input;
end
$$;
revoke all on function tracking.monetizze_sale(tracking.inbound, boolean) from public, anon, authenticated, service_role, looker_reader;
