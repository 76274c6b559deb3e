"""A qjgis project in PostgreSQL + PostGIS: addresses, schema, push and pull, the store.

`url` (what names a database and how a password is kept out of everything written down),
`transfer` (`push` a project file in, `pull` a file copy out) and `store` (`PgStore`, the
project store on a database). docs/database.md says how a bureau sets its server up.
"""
