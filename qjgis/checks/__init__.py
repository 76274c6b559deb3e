"""The checks engine: joins, registered rules and persisted findings."""
