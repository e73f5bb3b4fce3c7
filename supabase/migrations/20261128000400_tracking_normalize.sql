-- Normalisation and hashing of Meta CAPI user_data (docs: shared reference meta_capi.md §3, §11).
--
-- Meta's WRITTEN rules win where the Python SDK differs (phone country code, dates, names), and
-- Brazil comes first wherever an input is ambiguous (phones without country code, slash dates).
-- Every function here is pure, never raises, and returns NULL for what Meta would reject.
--
-- How these are written, and why:
-- * The pure functions are `language sql` with a SQL-standard body (`return ...`): names are bound
--   when the function is created (so the caller's search_path cannot redirect them), and, having no
--   `set search_path` clause, the planner can inline them into the caller. Inlined into
--   tracking.build_user_data, `hash_user_field('em', ...)` folds down to the e-mail branch alone and
--   the plan is cached with the caller's; a `set` clause would forbid inlining and make Postgres 15
--   re-plan every call site on every statement. (The structural pgTAP test exempts inlinable pure SQL
--   functions from the search_path rule for this reason.) normalize_ip is plpgsql (it needs an
--   exception block) and does pin its search_path.
-- * Most steps are single regexp_replace passes over the value, so that an argument is not copied
--   (and re-evaluated) into many places when a function is inlined. The idiom
--   `regexp_replace(x, '^(<valid>)$|^.*$', '\1')` keeps x when it is valid and gives '' otherwise.
-- * lower() and the [:alpha:] class follow the database's ctype; the hashes assume a UTF-8 database
--   with a Unicode-aware ctype (C.UTF-8 locally and on Supabase). The block below refuses to migrate
--   a database where that does not hold, rather than silently hashing 'Valéry' as 'valry'.

do $$
begin
  if pg_catalog.current_setting('server_encoding') <> 'UTF8'
     or pg_catalog.lower('ÉÇ') <> 'éç'
     or 'é' !~ '^[[:alpha:]]$' then
    raise exception 'tracking normalisation needs a UTF-8 database with a Unicode-aware ctype';
  end if;
end
$$;

-- The year used as the upper bound of a birth date. Declared immutable on purpose, so that the
-- functions below stay immutable and inlinable: the planner evaluates it once per plan, so a plan
-- cached across New Year's Eve keeps last year's bound until it is re-planned (it only decides
-- whether a birth date in the new year, i.e. a newborn, is accepted).
create function tracking.birth_year_ceiling() returns int
language sql immutable parallel safe
set search_path = ''
as $$
  select pg_catalog.date_part('year', app.now())::int
$$;

-- The lowercase hex of a value that already is a SHA-256 (64 hex digits once trimmed), for any of
-- the hashed user_data fields; NULL otherwise. Such a value is passed through, never re-hashed.
create function tracking.user_field_prehashed(field text, value text) returns text
language sql immutable parallel safe
return case
  when pg_catalog.octet_length(value) <= 4096
    and field in ('em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country', 'external_id')
    and pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff') ~ '^[0-9A-Fa-f]{64}$'
    then pg_catalog.lower(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'))
end;

-- em: trimmed and lowercased (Meta), and it must look like an address: one @; no whitespace, control
-- characters, no-break or zero-width spaces, or <>()[],;:"\ ; a domain of dot-separated labels ending
-- in a TLD of 2+ characters.
create function tracking.normalize_email(value text) returns text
language sql immutable parallel safe
return nullif(pg_catalog.regexp_replace(
  pg_catalog.lower(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff')),
  '^([^@[:space:][:cntrl:]\u00a0\u200b\ufeff<>()[\],;:"\\]+'
  || '@(?:[^@.[:space:][:cntrl:]\u00a0\u200b\ufeff<>()[\],;:"\\]+\.)+'
  || '[^@.[:space:][:cntrl:]\u00a0\u200b\ufeff<>()[\],;:"\\]{2,})$|^.*$',
  '\1'), '');

-- ph: digits only with the country code (Meta: "remove symbols, letters, and any leading zeros";
-- "always include the country code"). Steps:
-- 1. keep the digits; drop leading zeros (Brazilian trunk prefix "0 11 9...", international "00 55").
-- 2. Brazil first: a 10/11-digit number that is a real Brazilian DDD (11-19, 21, 22, 24, 27, 28,
--    31-35, 37, 38, 41-49, 51, 53-55, 61-69, 71, 73-75, 77, 79, 81-89, 91-99) followed by a 9-digit
--    mobile starting with 9 or an 8-digit landline starting with 2-5 has no country code: prepend 55.
--    Anything else is taken to carry its country code already: "55..." with 12/13 digits, NANP
--    "1" + 10 digits (a NANP area code never has 9 in second place, so "1" + DDD + "9..." cannot
--    be NANP), and other countries. Using the real DDD list instead of 11-99 keeps e.g. Chilean
--    mobiles (56 9xxxx xxxx) and Uruguayan ones (598 9x...) intact.
-- 3. 7 to 15 digits (E.164 allows at most 15), else NULL.
-- Known ambiguity, resolved for Brazil: a foreign number whose country code happens to look like a
-- DDD (e.g. Madrid landline 34 91x xxx xxx, Peruvian mobile 51 9xx xxx xxx) gets 55 prepended; the
-- digits alone cannot tell, and taking "+" into account would make normalising non-idempotent.
create function tracking.normalize_phone(value text) returns text
language sql immutable parallel safe
return nullif(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
  pg_catalog.ltrim(pg_catalog.regexp_replace(value, '[^0-9]', '', 'g'), '0'),
  '^((?:1[1-9]|2[12478]|3[1-578]|4[1-9]|5[1345]|6[1-9]|7[13-579]|8[1-9]|9[1-9])'
  || '(?:9[0-9]{8}|[2-5][0-9]{7}))$', '55\1'),
  '^([0-9]{7,15})$|^.*$', '\1'), '');

-- fn, ln, ct (and the base of st/country): NFC, lowercase, and only letters and combining marks of
-- any script are kept (Meta: "lowercase only with no punctuation", UTF-8 kept: Valéry -> valéry,
-- 정 -> 정). Removed: ASCII digits, punctuation, symbols, emoji, control characters and ALL spaces:
-- "Maria Clara" -> "mariaclara", "New York" -> "newyork" (Meta's own ct example). Removing spaces
-- rather than collapsing them makes "Mary Ann" and "Mary-Ann" hash the same, as hyphens are removed.
-- ª and º (alpha to glibc) are removed too: "3º" is no part of a name.
-- The combining-mark ranges keep e.g. the Devanagari virama, which glibc does not count as alpha;
-- the final NFC recomposes what the removal brought together (idempotence).
create function tracking.normalize_letters(value text) returns text
language sql immutable parallel safe
return nullif(pg_catalog.normalize(pg_catalog.translate(pg_catalog.regexp_replace(
  pg_catalog.lower(pg_catalog.normalize(value, 'NFC')),
  '[^[:alpha:]\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed'
  || '\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff'
  || '\u3099\u309a\ufe20-\ufe2f]',
  '', 'g'), 'ªº', ''), 'NFC'), '');

-- ge: 'f' or 'm' (Meta: "an initial in lowercase") from English and Portuguese words, any case,
-- punctuation ignored ("Fem.", "MASCULINO"); anything else NULL.
create function tracking.normalize_gender(value text) returns text
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

-- A YYYYMMDD string when it is a real calendar date from 1900 to tracking.birth_year_ceiling(),
-- else NULL. Month lengths and leap years (2000 is one, 1900 is not) are checked by the pattern;
-- the ceiling is applied as least(d, '<year>1232') compared with '<year>1232' (no valid date of the
-- ceiling year reaches day 32), which references d only once.
create function tracking.birthdate_if_valid(ymd text) returns text
language sql immutable parallel safe
return nullif(
  least(
    nullif(pg_catalog.regexp_replace(ymd,
      '^((?:19|20)[0-9]{2}(?:(?:0[13578]|1[02])(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)(?:0[1-9]|[12][0-9]|30)'
      || '|02(?:0[1-9]|1[0-9]|2[0-8]))|(?:(?:19|20)(?:0[48]|[2468][048]|[13579][26])|2000)0229)$|^.*$',
      '\1'), '') collate "C",
    tracking.birth_year_ceiling()::text || '1232'),
  tracking.birth_year_ceiling()::text || '1232');

-- db: YYYYMMDD (Meta), from YYYYMMDD, YYYY-MM-DD (also with / or . and an ISO time after it),
-- or D/M/YYYY with /, - or . between (one or two digits each).
-- Slash dates are read Brazilian first: DD/MM/YYYY. They are read as US MM/DD/YYYY only when DD/MM
-- gives no valid date, e.g. Meta's own example 2/16/1997 -> 19970216 (16 cannot be a month);
-- 05/06/1990 is 5 June. Validated as a real date, year 1900..current year, else NULL.
create function tracking.normalize_birthdate(value text) returns text
language sql immutable parallel safe
return coalesce(
  tracking.birthdate_if_valid(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
    pg_catalog.regexp_replace(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'),
      '(^|[^0-9])([0-9])(?=[^0-9]|$)', '\10\2', 'g'),
    '^([0-9]{4})[-/.]?([0-9]{2})[-/.]?([0-9]{2})(?:[T ][0-9:.+Z-]*)?$', '\1\2\3'),
    '^([0-9]{2})[-/.]([0-9]{2})[-/.]([0-9]{4})$', '\3\2\1')),
  tracking.birthdate_if_valid(pg_catalog.regexp_replace(
    pg_catalog.regexp_replace(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'),
      '(^|[^0-9])([0-9])(?=[^0-9]|$)', '\10\2', 'g'),
    '^([0-9]{2})[-/.]([0-9]{2})[-/.]([0-9]{4})$', '\3\1\2')));

-- st: the 2-letter code in lowercase (Meta: ANSI code for US states; "states outside the U.S. in
-- lowercase with no punctuation, no special characters, and no spaces"). Names of the 27 Brazilian
-- UFs (with or without accents) and of the US states map to their codes (São Paulo -> sp,
-- Texas -> tx); 2-letter codes stay; any other text is normalised like ct.
create function tracking.normalize_state(value text) returns text
language sql immutable parallel safe
return coalesce(
  case pg_catalog.translate(tracking.normalize_letters(value), 'áàâãäéèêëíìîïóòôõöúùûüç',
    'aaaaaeeeeiiiiooooouuuuc')
    when 'acre' then 'ac'
    when 'alagoas' then 'al'
    when 'amapa' then 'ap'
    when 'amazonas' then 'am'
    when 'bahia' then 'ba'
    when 'ceara' then 'ce'
    when 'distritofederal' then 'df'
    when 'espiritosanto' then 'es'
    when 'goias' then 'go'
    when 'maranhao' then 'ma'
    when 'matogrosso' then 'mt'
    when 'matogrossodosul' then 'ms'
    when 'minasgerais' then 'mg'
    when 'para' then 'pa'
    when 'paraiba' then 'pb'
    when 'parana' then 'pr'
    when 'pernambuco' then 'pe'
    when 'piaui' then 'pi'
    when 'riodejaneiro' then 'rj'
    when 'riograndedonorte' then 'rn'
    when 'riograndedosul' then 'rs'
    when 'rondonia' then 'ro'
    when 'roraima' then 'rr'
    when 'santacatarina' then 'sc'
    when 'saopaulo' then 'sp'
    when 'sergipe' then 'se'
    when 'tocantins' then 'to'
    when 'alabama' then 'al'
    when 'alaska' then 'ak'
    when 'arizona' then 'az'
    when 'arkansas' then 'ar'
    when 'california' then 'ca'
    when 'colorado' then 'co'
    when 'connecticut' then 'ct'
    when 'delaware' then 'de'
    when 'districtofcolumbia' then 'dc'
    when 'florida' then 'fl'
    when 'georgia' then 'ga'
    when 'hawaii' then 'hi'
    when 'idaho' then 'id'
    when 'illinois' then 'il'
    when 'indiana' then 'in'
    when 'iowa' then 'ia'
    when 'kansas' then 'ks'
    when 'kentucky' then 'ky'
    when 'louisiana' then 'la'
    when 'maine' then 'me'
    when 'maryland' then 'md'
    when 'massachusetts' then 'ma'
    when 'michigan' then 'mi'
    when 'minnesota' then 'mn'
    when 'mississippi' then 'ms'
    when 'missouri' then 'mo'
    when 'montana' then 'mt'
    when 'nebraska' then 'ne'
    when 'nevada' then 'nv'
    when 'newhampshire' then 'nh'
    when 'newjersey' then 'nj'
    when 'newmexico' then 'nm'
    when 'newyork' then 'ny'
    when 'northcarolina' then 'nc'
    when 'northdakota' then 'nd'
    when 'ohio' then 'oh'
    when 'oklahoma' then 'ok'
    when 'oregon' then 'or'
    when 'pennsylvania' then 'pa'
    when 'rhodeisland' then 'ri'
    when 'southcarolina' then 'sc'
    when 'southdakota' then 'sd'
    when 'tennessee' then 'tn'
    when 'texas' then 'tx'
    when 'utah' then 'ut'
    when 'vermont' then 'vt'
    when 'virginia' then 'va'
    when 'washington' then 'wa'
    when 'westvirginia' then 'wv'
    when 'wisconsin' then 'wi'
    when 'wyoming' then 'wy'
  end,
  tracking.normalize_letters(value));

-- zp: lowercase, only a-z and 0-9 kept (Meta: "no spaces and no dash"; UK "M1 1AE" -> m11ae).
-- Only US ZIP+4 is cut to its first 5 digits ("12345-6789" or 9 bare digits -> 12345, as Meta asks);
-- a Brazilian CEP keeps all 8 digits ("01310-100" -> 01310100): Meta's rule cuts only US zips, and
-- the CEP's last 3 digits are part of the code. 3 to 10 characters with at least one digit, else NULL
-- ("n/a", "none", "-").
create function tracking.normalize_zip(value text) returns text
language sql immutable parallel safe
return nullif(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
  pg_catalog.regexp_replace(pg_catalog.lower(value), '[^a-z0-9]', '', 'g'),
  '^([0-9]{5})[0-9]{4}$', '\1'),
  '^((?=[a-z]*[0-9])[a-z0-9]{3,10})$|^.*$', '\1'), '');

-- country: ISO 3166-1 alpha-2 in lowercase (Meta). Accepted: an assigned alpha-2 code in any case
-- (" BR " -> br), a few alpha-3 codes, and common names in Portuguese, English and Spanish, with or
-- without accents ("Brasil", "Estados Unidos", "Reino Unido" -> gb). Anything else NULL.
create function tracking.normalize_country(value text) returns text
language sql immutable parallel safe
return case
  when pg_catalog.strpos(
    ',ad,ae,af,ag,ai,al,am,ao,aq,ar,as,at,au,aw,ax,az,ba,bb,bd,be,bf,bg,bh,bi,bj,bl,bm,bn,bo,bq,br,bs,'
    || 'bt,bv,bw,by,bz,ca,cc,cd,cf,cg,ch,ci,ck,cl,cm,cn,co,cr,cu,cv,cw,cx,cy,cz,de,dj,dk,dm,do,dz,ec,ee,'
    || 'eg,eh,er,es,et,fi,fj,fk,fm,fo,fr,ga,gb,gd,ge,gf,gg,gh,gi,gl,gm,gn,gp,gq,gr,gs,gt,gu,gw,gy,hk,hm,'
    || 'hn,hr,ht,hu,id,ie,il,im,in,io,iq,ir,is,it,je,jm,jo,jp,ke,kg,kh,ki,km,kn,kp,kr,kw,ky,kz,la,lb,lc,'
    || 'li,lk,lr,ls,lt,lu,lv,ly,ma,mc,md,me,mf,mg,mh,mk,ml,mm,mn,mo,mp,mq,mr,ms,mt,mu,mv,mw,mx,my,mz,na,'
    || 'nc,ne,nf,ng,ni,nl,no,np,nr,nu,nz,om,pa,pe,pf,pg,ph,pk,pl,pm,pn,pr,ps,pt,pw,py,qa,re,ro,rs,ru,rw,'
    || 'sa,sb,sc,sd,se,sg,sh,si,sj,sk,sl,sm,sn,so,sr,ss,st,sv,sx,sy,sz,tc,td,tf,tg,th,tj,tk,tl,tm,tn,to,'
    || 'tr,tt,tv,tw,tz,ua,ug,um,us,uy,uz,va,vc,ve,vg,vi,vn,vu,wf,ws,ye,yt,za,zm,zw,',
    ',' || tracking.normalize_letters(value) || ',') > 0
    then tracking.normalize_letters(value)
  else case pg_catalog.translate(tracking.normalize_letters(value), 'áàâãäéèêëíìîïóòôõöúùûüçñ',
      'aaaaaeeeeiiiiooooouuuucn')
    when 'brasil' then 'br'
    when 'brazil' then 'br'
    when 'bra' then 'br'
    when 'republicafederativadobrasil' then 'br'
    when 'estadosunidos' then 'us'
    when 'estadosunidosdaamerica' then 'us'
    when 'estadosunidosdeamerica' then 'us'
    when 'eua' then 'us'
    when 'eeuu' then 'us'
    when 'usa' then 'us'
    when 'unitedstates' then 'us'
    when 'unitedstatesofamerica' then 'us'
    when 'portugal' then 'pt'
    when 'prt' then 'pt'
    when 'argentina' then 'ar'
    when 'arg' then 'ar'
    when 'chile' then 'cl'
    when 'colombia' then 'co'
    when 'mexico' then 'mx'
    when 'peru' then 'pe'
    when 'paraguai' then 'py'
    when 'paraguay' then 'py'
    when 'uruguai' then 'uy'
    when 'uruguay' then 'uy'
    when 'bolivia' then 'bo'
    when 'venezuela' then 've'
    when 'equador' then 'ec'
    when 'ecuador' then 'ec'
    when 'espanha' then 'es'
    when 'espana' then 'es'
    when 'spain' then 'es'
    when 'franca' then 'fr'
    when 'france' then 'fr'
    when 'alemanha' then 'de'
    when 'germany' then 'de'
    when 'deutschland' then 'de'
    when 'italia' then 'it'
    when 'italy' then 'it'
    when 'reinounido' then 'gb'
    when 'unitedkingdom' then 'gb'
    when 'greatbritain' then 'gb'
    when 'inglaterra' then 'gb'
    when 'england' then 'gb'
    when 'uk' then 'gb'
    when 'irlanda' then 'ie'
    when 'ireland' then 'ie'
    when 'holanda' then 'nl'
    when 'paisesbaixos' then 'nl'
    when 'netherlands' then 'nl'
    when 'belgica' then 'be'
    when 'belgium' then 'be'
    when 'suica' then 'ch'
    when 'switzerland' then 'ch'
    when 'canada' then 'ca'
    when 'japao' then 'jp'
    when 'japan' then 'jp'
    when 'china' then 'cn'
    when 'angola' then 'ao'
    when 'mocambique' then 'mz'
    when 'mozambique' then 'mz'
    when 'caboverde' then 'cv'
    when 'australia' then 'au'
    when 'india' then 'in'
  end
end;

-- True for a CPF given as 11 digits whose two check digits are right (mod-11 with weights 10..2
-- and 11..2); CPFs of one repeated digit (000.000.000-00 ...) pass the arithmetic but are invalid.
create function tracking.is_valid_cpf(digits text) returns boolean
language sql immutable parallel safe
return case
  when digits ~ '^[0-9]{11}$' and digits !~ '^(.)\1{10}$' then
    (pg_catalog.substr(digits, 1, 1)::int * 10 + pg_catalog.substr(digits, 2, 1)::int * 9
      + pg_catalog.substr(digits, 3, 1)::int * 8 + pg_catalog.substr(digits, 4, 1)::int * 7
      + pg_catalog.substr(digits, 5, 1)::int * 6 + pg_catalog.substr(digits, 6, 1)::int * 5
      + pg_catalog.substr(digits, 7, 1)::int * 4 + pg_catalog.substr(digits, 8, 1)::int * 3
      + pg_catalog.substr(digits, 9, 1)::int * 2
    ) * 10 % 11 % 10 = pg_catalog.substr(digits, 10, 1)::int
    and (pg_catalog.substr(digits, 1, 1)::int * 11 + pg_catalog.substr(digits, 2, 1)::int * 10
      + pg_catalog.substr(digits, 3, 1)::int * 9 + pg_catalog.substr(digits, 4, 1)::int * 8
      + pg_catalog.substr(digits, 5, 1)::int * 7 + pg_catalog.substr(digits, 6, 1)::int * 6
      + pg_catalog.substr(digits, 7, 1)::int * 5 + pg_catalog.substr(digits, 8, 1)::int * 4
      + pg_catalog.substr(digits, 9, 1)::int * 3 + pg_catalog.substr(digits, 10, 1)::int * 2
    ) * 10 % 11 % 10 = pg_catalog.substr(digits, 11, 1)::int
  else false
end;

-- external_id: any advertiser id, trimmed and otherwise kept as sent (case preserved, Meta: "the
-- same format" as elsewhere). A valid CPF, with or without its ./- punctuation, becomes its 11
-- digits, so the same person gets one id whichever way the CPF was typed; an invalid one is kept.
create function tracking.normalize_external_id(value text) returns text
language sql immutable parallel safe
return case
  when pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff')
    ~ '^[0-9]{3}\.?[0-9]{3}\.?[0-9]{3}-?[0-9]{2}$'
    and tracking.is_valid_cpf(
      pg_catalog.translate(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'), '.-', ''))
    then pg_catalog.translate(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'), '.-', '')
  else nullif(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'), '')
end;

-- The normalised value of one Meta user_data field (em, ph, fn, ln, ge, db, ct, st, zp, country,
-- external_id), as its SHA-256 is computed from; NULL for an unknown field, an empty, unusable or
-- oversized (> 4 kB) value. A value that already is a SHA-256 comes back lowercased. Never raises.
create function tracking.normalize_user_field(field text, value text) returns text
language sql immutable parallel safe
return case
  when pg_catalog.octet_length(value) > 4096 then null
  else coalesce(tracking.user_field_prehashed(field, value), case field
    when 'em' then tracking.normalize_email(value)
    when 'ph' then tracking.normalize_phone(value)
    when 'fn' then tracking.normalize_letters(value)
    when 'ln' then tracking.normalize_letters(value)
    when 'ge' then tracking.normalize_gender(value)
    when 'db' then tracking.normalize_birthdate(value)
    when 'ct' then tracking.normalize_letters(value)
    when 'st' then tracking.normalize_state(value)
    when 'zp' then tracking.normalize_zip(value)
    when 'country' then tracking.normalize_country(value)
    when 'external_id' then tracking.normalize_external_id(value)
  end)
end;

-- The value Meta expects for a hashed user_data field: lowercase hex SHA-256 of the UTF-8 bytes of
-- tracking.normalize_user_field(field, value); NULL when that is NULL; an already hashed value
-- (64 hex digits) is passed through lowercased, never hashed twice. Never raises.
-- The UTF-8 bytes come from decode(<text with \ doubled>, 'escape'), which in a UTF-8 database (checked
-- at the top of this file) are exactly the bytes of convert_to(v, 'UTF8'): convert_to is only STABLE,
-- and a stable call inside this immutable function would stop the planner from inlining it, which
-- measured 50x slower for tracking.build_user_data (every call re-planned: ~11 ms instead of ~0.2 ms).
create function tracking.hash_user_field(field text, value text) returns text
language sql immutable parallel safe
return coalesce(
  tracking.user_field_prehashed(field, value),
  pg_catalog.encode(pg_catalog.sha256(pg_catalog.decode(
    pg_catalog.replace(tracking.normalize_user_field(field, value), '\', '\\'), 'escape')), 'hex'));

-- fbc cookie/parameter as Meta defines it: fb.<subdomain index>.<creation time, unix ms>.<fbclid>,
-- optionally with the Parameter Builder's 5th "appendix" segment. The fbclid segment is base64url
-- text (case-sensitive, never altered); the time must be 13-digit milliseconds (a seconds value is
-- the most common bug). NULL -> false.
create function tracking.is_valid_fbc(v text) returns boolean
language sql immutable parallel safe
return coalesce(v ~ '^fb\.[0-9]{1,2}\.[0-9]{13}\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?$', false);

-- fbp cookie: fb.<subdomain index>.<creation time, unix ms>.<random number>, optionally with the
-- Parameter Builder's 5th "appendix" segment. NULL -> false.
create function tracking.is_valid_fbp(v text) returns boolean
language sql immutable parallel safe
return coalesce(v ~ '^fb\.[0-9]{1,2}\.[0-9]{13}\.[0-9]+(\.[A-Za-z0-9_-]+)?$', false);

-- fbc built on the server from a click's fbclid (Meta: subdomain index 1 when no _fbc cookie was
-- stored, creation time = when the fbclid was first seen, in ms): fb.1.<unix ms>.<fbclid>.
-- The fbclid is used verbatim (case-sensitive); NULL when it is missing or blank, when it is not
-- base64url text (it would make an invalid fbc), or when seen_at is NULL or infinite.
create function tracking.build_fbc(fbclid text, seen_at timestamptz) returns text
language sql immutable parallel safe
return case
  when fbclid ~ '^[A-Za-z0-9_-]+$' and pg_catalog.isfinite(seen_at)
    then nullif(pg_catalog.regexp_replace(
      'fb.1.' || pg_catalog.floor(
        extract(epoch from seen_at - timestamptz '1970-01-01 00:00:00+00') * 1000
      )::bigint::text || '.' || fbclid,
      '^(fb\.1\.[0-9]{13}\..*)$|^.*$', '\1'), '')
end;

-- client_ip_address: a valid IPv4 or IPv6 address in canonical text (IPv6 compressed, lowercase),
-- surrounding whitespace ignored; NULL for anything else, including networks ("10.0.0.0/8"), lists
-- ("1.2.3.4, 5.6.7.8"), zone ids and ports. IPv4 is checked by pattern; only text that can be IPv6
-- reaches the cast, whose error is caught (an exception block costs a subtransaction).
create function tracking.normalize_ip(v text) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  s text := pg_catalog.btrim(v, e' \t\n\r\x0b\f\u00a0\u200b\ufeff');
begin
  if s ~ '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$' then
    return s;
  end if;
  if s is null or pg_catalog.length(s) > 45 or s !~ '^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$' then
    return null;
  end if;
  begin
    return pg_catalog.host(s::inet);
  exception when others then
    return null;
  end;
end
$$;

comment on function tracking.normalize_user_field(text, text) is
'Meta user_data field normalised per Meta''s written rules (Brazil first); NULL when unusable. Never raises.';
comment on function tracking.hash_user_field(text, text) is
'SHA-256 hex of tracking.normalize_user_field; NULL when that is NULL; pre-hashed values pass through.';
comment on function tracking.is_valid_fbc(text) is 'fb.<subdomain index>.<unix ms>.<fbclid>[.<appendix>]';
comment on function tracking.is_valid_fbp(text) is 'fb.<subdomain index>.<unix ms>.<random>[.<appendix>]';
comment on function tracking.build_fbc(text, timestamptz) is 'fb.1.<unix ms of seen_at>.<fbclid verbatim>';
comment on function tracking.normalize_ip(text) is 'Canonical IPv4/IPv6 text, or NULL. Never raises.';

-- EXECUTE is granted per function. The helpers are granted too: an inlined call still needs them.
revoke execute on all functions in schema tracking from public, anon;
grant execute on function
  tracking.birth_year_ceiling(),
  tracking.user_field_prehashed(text, text),
  tracking.normalize_email(text),
  tracking.normalize_phone(text),
  tracking.normalize_letters(text),
  tracking.normalize_gender(text),
  tracking.birthdate_if_valid(text),
  tracking.normalize_birthdate(text),
  tracking.normalize_state(text),
  tracking.normalize_zip(text),
  tracking.normalize_country(text),
  tracking.is_valid_cpf(text),
  tracking.normalize_external_id(text),
  tracking.normalize_user_field(text, text),
  tracking.hash_user_field(text, text),
  tracking.is_valid_fbc(text),
  tracking.is_valid_fbp(text),
  tracking.build_fbc(text, timestamptz),
  tracking.normalize_ip(text)
to service_role, authenticated;
