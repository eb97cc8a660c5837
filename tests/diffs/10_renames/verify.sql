select registration = 'AB-123' from vehicles
