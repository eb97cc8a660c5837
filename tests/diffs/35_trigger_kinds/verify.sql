SELECT (SELECT tgdeferrable AND tginitdeferred AND tgconstraint <> 0 FROM pg_trigger WHERE tgname = 'entries_balanced')
   AND (SELECT tgnewtable FROM pg_trigger WHERE tgname = 'entries_counted') = 'inserted'
   AND (SELECT tgenabled FROM pg_trigger WHERE tgname = 'entries_paused') = 'O'
   AND (SELECT tgenabled FROM pg_trigger WHERE tgname = 'entries_replica') = 'R'
