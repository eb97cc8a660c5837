-- The table is made again with the new key; the view reads it again and the key to it holds.
with added as (insert into codes values ('a', 'first') returning tableoid::regclass::text as partition)
select (select partition from added) in ('codes_h0', 'codes_h1')
   and (select count(*) from labelled) = 0
   and exists (select from pg_constraint where conrelid = 'uses'::regclass and contype = 'f' and convalidated
                                           and confrelid = 'codes'::regclass)
