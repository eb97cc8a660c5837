INSERT INTO archived_items (id, name) VALUES (1, 'old');
INSERT INTO drafts (id, name, draft_note) VALUES (2, 'new', 'wip');
