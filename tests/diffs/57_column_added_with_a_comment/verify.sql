SELECT col_description('posts'::regclass, 2) = 'Number of post views';
