SELECT (SELECT (weight).amount = 2.5 AND (weight).unit = 'kg' AND (weight).measured_at IS NULL FROM parcels WHERE id = 1) AND (SELECT weight IS NULL FROM parcels WHERE id = 2);
