SELECT obj_description('users_id_email_idx'::regclass, 'pg_class') = 'For the admin list'
   AND obj_description('user_emails_email_idx'::regclass, 'pg_class') = 'For email search';
