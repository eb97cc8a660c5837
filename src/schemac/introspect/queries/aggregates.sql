-- Normal aggregates without the options the spec does not model (MFINALFUNC, FINALFUNC_MODIFY:
-- those, and ordered-set and hypothetical aggregates, are named in unmanaged.sql). With
-- only pg_catalog on the search path (session.sql), a function prints bare when it is
-- PostgreSQL's own and schema-qualified otherwise; a type prints as format_type does.
SELECT p.oid,
       n.nspname AS schema,
       p.proname AS name,
       ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY a(t, i) ORDER BY i)
           AS arg_types,
       p.proargnames AS arg_names,
       p.proargmodes AS arg_modes,
       a.aggtransfn::regproc::text AS sfunc,
       format_type(a.aggtranstype, NULL) AS stype,
       nullif(a.aggfinalfn, 0)::regproc::text AS finalfunc,
       a.aggfinalextra AS finalfunc_extra,
       nullif(a.aggcombinefn, 0)::regproc::text AS combinefunc,
       nullif(a.aggserialfn, 0)::regproc::text AS serialfunc,
       nullif(a.aggdeserialfn, 0)::regproc::text AS deserialfunc,
       a.agginitval AS initcond,
       nullif(a.aggmtransfn, 0)::regproc::text AS msfunc,
       nullif(a.aggminvtransfn, 0)::regproc::text AS minvfunc,
       CASE WHEN a.aggmtranstype <> 0 THEN format_type(a.aggmtranstype, NULL) END AS mstype,
       a.aggminitval AS minitcond,
       nullif(a.aggsortop, 0)::regoperator::text AS sortop,
       p.proparallel AS parallel,
       d.description AS comment
  FROM pg_aggregate a
  JOIN pg_proc p ON p.oid = a.aggfnoid
  JOIN pg_namespace n ON n.oid = p.pronamespace
  LEFT JOIN pg_description d
         ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid AND d.objsubid = 0
 WHERE a.aggkind = 'n' AND a.aggmfinalfn = 0 AND NOT a.aggmfinalextra
   AND a.aggfinalmodify = 'r' AND a.aggmfinalmodify = 'r'
   AND p.pronamespace = ANY (%(namespaces)s::oid[])
   AND NOT EXISTS (SELECT FROM pg_depend e
                    WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
 ORDER BY n.nspname, p.proname, p.oid
