INSERT INTO tickets VALUES ('closed'), (DEFAULT); INSERT INTO audits VALUES ('stalled'), ('closed');
