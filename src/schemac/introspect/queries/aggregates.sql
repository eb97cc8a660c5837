-- Aggregates, normal, ordered-set and hypothetical-set, without the options the spec does not
-- model (MFINALFUNC, a FINALFUNC_MODIFY other than the default of the aggregate's kind: those are
-- named in unmanaged.sql, and so is an ordered-set aggregate whose direct and aggregated arguments
-- are one VARIADIC "any", which PostgreSQL keeps as a single argument, and one whose state is of
-- type internal, which only a superuser may make). With
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
       CASE WHEN a.aggkind <> 'n' THEN a.aggnumdirectargs END AS direct_args,
       a.aggkind = 'h' AS hypothetical,
       d.description AS comment
  FROM pg_aggregate a
  JOIN pg_proc p ON p.oid = a.aggfnoid
  JOIN pg_namespace n ON n.oid = p.pronamespace
  LEFT JOIN pg_description d
         ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid AND d.objsubid = 0
 WHERE a.aggmfinalfn = 0 AND NOT a.aggmfinalextra AND a.aggtranstype <> 'internal'::regtype
   AND a.aggfinalmodify = CASE WHEN a.aggkind = 'n' THEN 'r' ELSE 'w' END
   AND a.aggmfinalmodify = CASE WHEN a.aggkind = 'n' THEN 'r' ELSE 'w' END
   AND (a.aggkind = 'n' OR a.aggnumdirectargs < p.pronargs)
   AND p.pronamespace = ANY (%(namespaces)s::oid[])
   AND NOT EXISTS (SELECT FROM pg_depend e
                    WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
 ORDER BY n.nspname, p.proname, p.oid
