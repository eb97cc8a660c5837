SELECT (SELECT string_agg(format('%s|%s', here, there), ',' ORDER BY id) FROM places) = '(2,1,)|(5,4,),|(0,0,),(,,)|(8,7,)';
