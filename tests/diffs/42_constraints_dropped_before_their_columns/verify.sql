SELECT count(*) = 2 FROM prices WHERE sku IS NOT NULL;
