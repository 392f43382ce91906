"""Source readers: files, feeds and pages to Documents. `bot.core.ingest` is the entry point."""
