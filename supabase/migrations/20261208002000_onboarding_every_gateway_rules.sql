-- Onboarding for every checkout in tracking.gateways (issue 17, "Onboarding"): what a setup session needs
-- to know per gateway, and what the lead is told when a step waits or fails.

-- the shortest credential the setup API takes for the gateway (a seller-chosen Utmify token must be
-- long enough not to be guessed: it alone finds the company)
alter table tracking.gateways add column credential_min_length int not null default 8
    check (credential_min_length between 1 and 200);
update tracking.gateways set credential_min_length = 16 where gateway = 'utmify';

-- a refusal for the token or the signature, whatever the gateway (the step's message names the header or
-- field, from the refusal itself)
update setup.diagnosis_rules set
    message_pt = 'O gateway enviou uma notificação cujo token ou assinatura não confere com a credencial informada.',
    message_en = 'The gateway sent a notification whose token or signature does not match the credential you gave.',
    next_action = 'Copie a credencial do webhook no painel da plataforma (hottok, token, chave secreta, chave única '
                  '...) e corrija o campo; a mensagem do passo diz em qual cabeçalho ou campo ela veio.'
where code = 'gateway.token_mismatch';

insert into setup.diagnosis_rules (code, severity, message_pt, message_en, field, next_action, retries,
                                   max_attempts, backoff_s) values
('gateway.unreadable_field', 'error',
 'Uma notificação do gateway chegou com um campo que não conseguimos ler (uma data ou um status fora do '
 'formato documentado). Ela ficou guardada.',
 'A gateway notification arrived with a field we cannot read (a date or a status not in the documented form). '
 'It was kept.',
 null,
 'Confira a versão e o formato do webhook no painel da plataforma (veja as instruções do webhook); depois da '
 'correção, reprocesse a notificação guardada com "trackai replay". Se persistir, fale com o suporte.',
 false, 1, 5),
-- test_event for a gateway whose test only the platform can send: waits, retrying by itself; the code
-- per gateway says what to press (setup.gateway_test_notification picks it, else the generic one)
('test_event.awaiting_notification', 'warning',
 'Aguardando a primeira notificação da plataforma neste webhook (o teste do próprio painel ou uma compra de teste).',
 'Waiting for the platform''s first notification on this webhook (its own test, or a test purchase).', null,
 'No painel da plataforma, envie o teste do webhook ou faça uma compra de teste; o evento chega à Meta como '
 'evento de teste, nunca como venda real.', true, 40, 10),
('test_event.awaiting_hotmart', 'warning',
 'Aguardando o teste do webhook da Hotmart.', 'Waiting for Hotmart''s webhook test.', null,
 'Na Hotmart, em Ferramentas → Webhook, abra a configuração com a URL da Track AI e clique no botão de teste; '
 'a Hotmart envia uma compra de exemplo (produto de id 0), que chega à Meta como evento de teste.', true, 40, 10),
('test_event.awaiting_kiwify', 'warning',
 'Aguardando o teste do webhook da Kiwify.', 'Waiting for Kiwify''s webhook test.', null,
 'Na Kiwify, em Apps → Webhooks, abra o webhook com a URL da Track AI e use o botão de teste; a Kiwify envia '
 'dados fictícios ("John Doe", johndoe@example.com) assinados com o seu token, que chegam à Meta como evento de '
 'teste.', true, 40, 10),
('test_event.awaiting_eduzz', 'warning',
 'Aguardando a primeira notificação da Eduzz.', 'Waiting for Eduzz''s first notification.', null,
 'No Developer Hub da Eduzz, ative a configuração de webhook (a Eduzz envia um "ping") e reenvie um evento em '
 'Histórico de Envios, ou faça uma compra de teste; o ping só confirma a URL, não gera evento na Meta.',
 true, 40, 10),
('test_event.awaiting_monetizze', 'warning',
 'Aguardando o teste do postback da Monetizze.', 'Waiting for Monetizze''s postback test.', null,
 'Na Monetizze, em Ferramentas → Postback, use o botão de teste; a Monetizze envia uma venda do produto de '
 'exemplo "X-Wing", que chega à Meta como evento de teste.', true, 40, 10),
('test_event.awaiting_braip', 'warning',
 'Aguardando a primeira notificação da Braip.', 'Waiting for Braip''s first notification.', null,
 'Faça uma compra de teste (um PIX gerado basta) no checkout da Braip; um botão de teste da Braip não foi '
 'confirmado. O evento chega à Meta como evento de teste enquanto a configuração não termina.', true, 40, 10),
('test_event.awaiting_kirvano', 'warning',
 'Aguardando a primeira notificação da Kirvano.', 'Waiting for Kirvano''s first notification.', null,
 'Faça uma compra de teste (um PIX gerado basta) no checkout da Kirvano; um botão de teste da Kirvano não foi '
 'confirmado. O evento chega à Meta como evento de teste enquanto a configuração não termina.', true, 40, 10),
('test_event.awaiting_ticto', 'warning',
 'Aguardando a primeira notificação da Ticto.', 'Waiting for Ticto''s first notification.', null,
 'Faça uma compra de teste (um PIX gerado basta) no checkout da Ticto; um botão de teste da Ticto não foi '
 'confirmado. O evento chega à Meta como evento de teste enquanto a configuração não termina.', true, 40, 10),
('test_event.awaiting_utmify', 'warning',
 'Aguardando o primeiro pedido no formato Utmify.', 'Waiting for the first order in the Utmify format.', null,
 'Na sua plataforma, envie um pedido de teste (isTest: true) ou faça uma compra de teste; um pedido com isTest '
 'chega à Meta como evento de teste.', true, 40, 10);
