-- The text search dictionaries and configurations of the database's own schemas (none of pg_catalog's,
-- none an extension made), each as the statements that make it again, dictionaries first. The spec does
-- not model them, but a function's body may name one (to_tsvector('app.simple_words', ...)), which
-- PostgreSQL looks up when an SQL function is made: a scratch database that builds a goal for this
-- database makes them first. A configuration lists the dictionaries of those schemas it maps to.
SELECT n.nspname AS schema, d.dictname AS name,
       format('CREATE TEXT SEARCH DICTIONARY %I.%I (TEMPLATE = %I.%I%s)', n.nspname, d.dictname,
              tn.nspname, t.tmplname, coalesce(', ' || d.dictinitoption, '')) AS definition,
       '{}'::text[] AS dictionaries
  FROM pg_ts_dict d
  JOIN pg_namespace n ON n.oid = d.dictnamespace
  JOIN pg_ts_template t ON t.oid = d.dicttemplate
  JOIN pg_namespace tn ON tn.oid = t.tmplnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
   AND NOT EXISTS (SELECT FROM pg_depend e
                    WHERE e.classid = 'pg_ts_dict'::regclass AND e.objid = d.oid AND e.deptype = 'e')
UNION ALL
SELECT n.nspname, c.cfgname,
       format('CREATE TEXT SEARCH CONFIGURATION %I.%I (PARSER = %I.%I)', n.nspname, c.cfgname, pn.nspname, p.prsname)
       || coalesce((SELECT string_agg(format(E';\nALTER TEXT SEARCH CONFIGURATION %I.%I ADD MAPPING FOR %s WITH %s',
                                             n.nspname, c.cfgname, t.alias, m.dictionaries), '' ORDER BY t.tokid)
                      FROM ts_token_type(c.cfgparser) t
                      CROSS JOIN LATERAL (
                          SELECT string_agg(quote_ident(dn.nspname) || '.' || quote_ident(d.dictname), ', '
                                            ORDER BY cm.mapseqno) AS dictionaries
                            FROM pg_ts_config_map cm
                            JOIN pg_ts_dict d ON d.oid = cm.mapdict
                            JOIN pg_namespace dn ON dn.oid = d.dictnamespace
                           WHERE cm.mapcfg = c.oid AND cm.maptokentype = t.tokid) m
                     WHERE m.dictionaries IS NOT NULL), ''),
       ARRAY(SELECT DISTINCT dn.nspname || '.' || d.dictname
               FROM pg_ts_config_map cm
               JOIN pg_ts_dict d ON d.oid = cm.mapdict
               JOIN pg_namespace dn ON dn.oid = d.dictnamespace
              WHERE cm.mapcfg = c.oid AND dn.nspname <> 'pg_catalog')
  FROM pg_ts_config c
  JOIN pg_namespace n ON n.oid = c.cfgnamespace
  JOIN pg_ts_parser p ON p.oid = c.cfgparser
  JOIN pg_namespace pn ON pn.oid = p.prsnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
   AND NOT EXISTS (SELECT FROM pg_depend e
                    WHERE e.classid = 'pg_ts_config'::regclass AND e.objid = c.oid AND e.deptype = 'e')
