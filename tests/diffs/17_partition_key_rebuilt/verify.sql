-- The table is made again with the new key: 'A' now goes to codes_a.
with added as (insert into codes values ('A', 'upper case') returning tableoid::regclass::text as partition)
select partition = 'codes_a' from added
