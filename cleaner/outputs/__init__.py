"""Where results go: the Sink protocol, JSONL, WARC and its index, shards."""
