-- Functions and procedures (not aggregates or window functions; a procedure's result is
-- NULL, and pg_get_function_result says so). Arguments come
-- from proallargtypes when there are OUT arguments, else proargtypes;
-- pg_get_function_arg_default numbers them the same way. Left out: what an
-- extension created ('e') and what PostgreSQL created along with another
-- object ('i', e.g. a range type's constructors).
SELECT p.oid,
       n.nspname AS schema,
       p.proname AS name,
       ARRAY(SELECT format_type(a.typ, NULL)
               FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY a(typ, i)
              ORDER BY a.i) AS arg_types,
       p.proargnames AS arg_names,
       p.proargmodes AS arg_modes,
       ARRAY(SELECT pg_get_function_arg_default(p.oid, i)
               FROM generate_series(1, cardinality(coalesce(p.proallargtypes, p.proargtypes::oid[]))) i
              ORDER BY i) AS arg_defaults,
       pg_get_function_result(p.oid) AS returns,
       l.lanname AS language,
       CASE WHEN p.prosqlbody IS NULL THEN p.prosrc ELSE pg_get_function_sqlbody(p.oid) END AS body,
       p.provolatile AS volatility,
       p.proisstrict AS strict,
       p.prosecdef AS security_definer,
       p.proconfig AS config,
       p.proparallel AS parallel,
       p.proleakproof AS leakproof,
       -- COST and ROWS where not PostgreSQL's defaults (cost 1 in C and internal, else 100; rows 1000 for
       -- a set-returning function, none for others), read through text to keep float4's shortest digits.
       CASE WHEN p.procost <> CASE WHEN l.lanname IN ('c', 'internal') THEN 1 ELSE 100 END
            THEN p.procost::text::float8 END AS cost,
       CASE WHEN p.proretset AND p.prorows <> 1000 THEN p.prorows::text::float8 END AS rows,
       d.description AS comment
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_language l ON l.oid = p.prolang
  LEFT JOIN pg_description d
         ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid AND d.objsubid = 0
 WHERE p.prokind IN ('f', 'p')
   AND p.pronamespace = ANY (%(namespaces)s::oid[])
   AND NOT EXISTS (SELECT FROM pg_depend e
                    WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype IN ('e', 'i'))
