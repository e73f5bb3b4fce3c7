-- Demo data for the local stack (idempotent: safe on every `make run`).
insert into app.companies (id, name, slug)
values ('00000000-0000-4000-8000-000000000de0'::uuid, 'Loja Demo', 'loja-demo')
on conflict (id) do nothing;
