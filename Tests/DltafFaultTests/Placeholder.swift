// Fault-injection scenarios are added here.
