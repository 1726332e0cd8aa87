"""Amazon EventBridge. The API provider (buses, rules, targets) comes with issue 5; for now
this package holds only the pure event-pattern engine in `patterns`."""
