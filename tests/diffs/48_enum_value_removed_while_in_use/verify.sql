SELECT (SELECT string_agg(status::text, ',' ORDER BY status) FROM tickets) = 'open,closed' AND (SELECT string_agg(status::text, ',' ORDER BY status) FROM audits) = 'open,closed';
