SELECT greet(new_name => 'x') = 'hello x';
